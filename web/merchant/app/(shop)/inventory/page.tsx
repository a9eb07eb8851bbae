'use client';
// AI stock advice: what to reorder today (whole packs) and why, in words; each product's demand forecast with
// its 10–90 % band; low-stock alerts; and the products the forecast expects to sell most this week.
import type { components } from '@okada/api-client';
import { useI18n } from '@okada/i18n';
import { Alert, BandChart, Badge, Button, Card, SelectField, Spinner } from '@okada/ui';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { useInventory } from '../../../lib/inventory';
import { useCurrentStore } from '../../../lib/session';

type Advice = components['schemas']['InventoryAdvice'];

const LEVELS = ['0.9', '0.95', '0.99'];

/** Units the forecast expects over its first `days` days. */
export function expected(a: Advice, days = 7): number {
  return a.forecast.slice(0, days).reduce((s, d) => s + d.units, 0);
}

/** Reorders first (those at risk of running out before a delivery first of all), then by days of stock left. */
export function byUrgency(items: Advice[]): Advice[] {
  const rank = (a: Advice) => (a.order_now ? (a.stockout_risk ? 0 : 1) : 2);
  return [...items].sort((a, b) => rank(a) - rank(b) || (a.days_of_stock ?? 1e9) - (b.days_of_stock ?? 1e9));
}

export default function InventoryAdvicePage() {
  const { t, number, shortDay } = useI18n();
  const errorText = useErrorText();
  const { store } = useCurrentStore();
  const storeId = store?.id ?? '';
  const [level, setLevel] = useState('0.95');
  const [chosen, setChosen] = useState<string | null>(null);
  const inventory = useInventory(storeId);

  const advice = useQuery({
    queryKey: ['advice', storeId, level],
    enabled: !!storeId,
    queryFn: async () => {
      const items: Advice[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 40; page++) {
        const res = await api().call(
          api().client.GET('/v1/stores/{id}/inventory/advice', {
            params: { path: { id: storeId }, query: { limit: 50, service_level: Number(level), ...(cursor ? { cursor } : {}) } },
          }),
        );
        items.push(...res.items);
        cursor = res.next_cursor ?? undefined;
        if (!cursor) break;
      }
      return items;
    },
  });

  const items = byUrgency(advice.data ?? []);
  const selected = items.find((a) => a.product_id === chosen) ?? items[0] ?? null;
  const low = (inventory.data ?? []).filter((i) => i.available && i.low_stock);
  const top = items.filter((a) => expected(a) >= 0.5).sort((a, b) => expected(b) - expected(a)).slice(0, 5);

  return (
    <>
      <h1>{t('advice.title')}</h1>
      <div className="toolbar">
        <SelectField
          label={t('advice.serviceLevel')}
          hint={t('advice.serviceLevelHint')}
          value={level}
          onChange={(e) => setLevel(e.target.value)}
          options={LEVELS.map((l) => ({ value: l, label: `${Math.round(Number(l) * 100)} %` }))}
        />
      </div>
      {advice.error ? <Alert>{errorText(advice.error)}</Alert> : null}
      {advice.isLoading ? <Spinner label={t('common.loading')} /> : null}
      <div className="grid-2">
        <Card title={t('advice.lowStock')}>
          {low.length === 0 ? (
            <p className="muted">{t('advice.noLowStock')}</p>
          ) : (
            <ul>
              {low.map((i) => (
                <li key={i.product_id}>
                  <strong>{i.name}</strong> — {t('advice.left', { n: number(i.in_stock ?? 0) })}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t('advice.top')}>
          {top.length === 0 ? (
            <p className="muted">{t('advice.noForecast')}</p>
          ) : (
            <ol>
              {top.map((a) => (
                <li key={a.product_id}>
                  <strong>{a.name}</strong> — {t('advice.expected', { n: number(expected(a), 0) })}
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
      {selected ? (
        <Card title={t('advice.forecastOf', { name: selected.name })}>
          <p>{selected.reason}</p>
          <BandChart
            title={t('advice.chartTitle', { name: selected.name })}
            headers={[t('advice.day'), t('advice.actual'), t('advice.forecast'), t('advice.low'), t('advice.high')]}
            points={selected.forecast.map((f) => ({ label: shortDay(`${f.date}T12:00:00Z`), q10: f.low, q50: f.units, q90: f.high }))}
            format={(v) => number(v, 1)}
          />
          <p className="muted">
            {selected.forecast_source.kind === 'brain'
              ? t('advice.sourceBrain', { model: selected.forecast_source.model ?? '', version: selected.forecast_source.version ?? '' })
              : t('advice.sourceHistory')}
          </p>
        </Card>
      ) : null}
      {advice.data ? (
        <div className="table-wrap">
          <table>
            <caption>{t('advice.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('products.name')}</th>
                <th scope="col" className="num">{t('advice.available')}</th>
                <th scope="col" className="num">{t('advice.daysOfStock')}</th>
                <th scope="col">{t('advice.order')}</th>
                <th scope="col">{t('advice.why')}</th>
                <th scope="col">{t('advice.chart')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.product_id}>
                  <td>{a.name}</td>
                  <td className="num">{number(a.on_hand - a.reserved)}</td>
                  <td className="num">{a.days_of_stock == null ? '—' : number(a.days_of_stock, 1)}</td>
                  <td>
                    {a.order_now ? (
                      <Badge tone={a.stockout_risk ? 'bad' : 'warn'}>
                        {t('advice.orderUnits', { units: number(a.order_units), packs: number(a.packs) })}
                      </Badge>
                    ) : (
                      <Badge tone="good">{t('advice.enough')}</Badge>
                    )}
                  </td>
                  <td>{a.reason}</td>
                  <td>
                    <Button variant="secondary" aria-pressed={selected?.product_id === a.product_id} onClick={() => setChosen(a.product_id)}>
                      {t('advice.showChart')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
