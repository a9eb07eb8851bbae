'use client';
// Store analytics over a chosen period: sales by day (or hour), by hour of the day, top products, cancellations
// by kind, preparation and delivery times.
import { useI18n } from '@okada/i18n';
import { Alert, BarChart, Button, Card, Spinner, Stat, TextField } from '@okada/ui';
import { useState } from 'react';

import { cancelKey, daysBefore, doualaToday, useStoreAnalytics } from '../../../lib/analytics';
import { useErrorText } from '../../../lib/errors';
import { useInventory } from '../../../lib/inventory';
import { useCurrentStore } from '../../../lib/session';

const PRESETS = [
  { days: 1, key: 'analytics.today' },
  { days: 7, key: 'analytics.week' },
  { days: 30, key: 'analytics.month' },
] as const;

export default function AnalyticsPage() {
  const { t, xaf, number, minutes, shortDay } = useI18n();
  const errorText = useErrorText();
  const { store } = useCurrentStore();
  const storeId = store?.id ?? '';
  const today = doualaToday();
  const [from, setFrom] = useState(daysBefore(today, 6));
  const [to, setTo] = useState(today);
  const stats = useStoreAnalytics(storeId, from, to);
  const inventory = useInventory(storeId);
  const names = new Map((inventory.data ?? []).map((i) => [i.product_id, i.name]));
  const a = stats.data;

  const label = (start: string) => (a?.granularity === 'hour' ? `${shortDay(start)} ${start.slice(11, 13)}h` : shortDay(`${start}T12:00:00Z`));

  return (
    <>
      <h1>{t('analytics.title')}</h1>
      <div className="toolbar">
        <TextField label={t('analytics.from')} type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        <TextField label={t('analytics.to')} type="date" value={to} min={from} max={today} onChange={(e) => setTo(e.target.value)} />
        <div role="group" aria-label={t('analytics.presets')} className="row-actions">
          {PRESETS.map((p) => (
            <Button
              key={p.key}
              variant="secondary"
              onClick={() => {
                setFrom(daysBefore(today, p.days - 1));
                setTo(today);
              }}
            >
              {t(p.key)}
            </Button>
          ))}
        </div>
      </div>
      {stats.error ? <Alert>{errorText(stats.error)}</Alert> : null}
      {stats.isLoading ? <Spinner label={t('common.loading')} /> : null}
      {a ? (
        <>
          <section className="stats" aria-label={t('analytics.summary')}>
            <Card>
              <Stat label={t('dashboard.orders')} value={number(a.summary.orders)} note={t('analytics.completed', { n: a.summary.completed })} />
            </Card>
            <Card>
              <Stat label={t('dashboard.revenue')} value={xaf(a.summary.revenue_xaf)} />
            </Card>
            <Card>
              <Stat label={t('dashboard.prep')} value={a.summary.avg_prep_minutes == null ? '—' : minutes(a.summary.avg_prep_minutes)} />
            </Card>
            <Card>
              <Stat
                label={t('analytics.deliveryTimes')}
                value={a.delivery_minutes.p50 == null ? '—' : minutes(a.delivery_minutes.p50)}
                note={a.delivery_minutes.p90 == null ? undefined : t('analytics.p90', { m: minutes(a.delivery_minutes.p90) })}
              />
            </Card>
          </section>
          <Card>
            <BarChart
              title={a.granularity === 'hour' ? t('analytics.salesByHour') : t('analytics.salesByDay')}
              labelHeader={a.granularity === 'hour' ? t('chart.hour') : t('chart.day')}
              valueLabel={t('dashboard.revenue')}
              labelEvery={Math.max(1, Math.ceil(a.series.length / 10))}
              data={a.series.map((b) => ({ label: label(b.start), value: b.revenue_xaf }))}
              format={(v) => xaf(v)}
            />
          </Card>
          <div className="grid-2">
            <Card>
              <BarChart
                title={t('analytics.hourOfDay')}
                labelHeader={t('chart.hour')}
                valueLabel={t('dashboard.orders')}
                labelEvery={3}
                data={a.by_hour_of_day.map((h) => ({ label: `${String(h.hour).padStart(2, '0')}h`, value: h.orders }))}
                format={(v) => number(v)}
              />
            </Card>
            <Card title={t('analytics.top')}>
              {a.top_products.length === 0 ? (
                <p className="muted">{t('analytics.noSales')}</p>
              ) : (
                <table>
                  <caption className="ok-visually-hidden">{t('analytics.top')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('products.name')}</th>
                      <th scope="col" className="num">{t('analytics.units')}</th>
                      <th scope="col" className="num">{t('dashboard.orders')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.top_products.map((p) => (
                      <tr key={p.product_id}>
                        <td>{names.get(p.product_id) ?? t('analytics.unknownProduct')}</td>
                        <td className="num">{number(p.units)}</td>
                        <td className="num">{number(p.orders)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
          </div>
          <Card title={t('analytics.cancellations')}>
            {a.cancellations.length === 0 ? (
              <p className="muted">{t('analytics.noCancellations')}</p>
            ) : (
              <table>
                <caption className="ok-visually-hidden">{t('analytics.cancellations')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('analytics.kind')}</th>
                    <th scope="col" className="num">{t('analytics.count')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.cancellations.map((c) => (
                    <tr key={c.kind}>
                      <td>{t(cancelKey(c.kind))}</td>
                      <td className="num">{number(c.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </>
      ) : null}
    </>
  );
}
