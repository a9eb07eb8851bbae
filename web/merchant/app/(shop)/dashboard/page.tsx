'use client';
// Today at a glance: orders, revenue (XAF), average preparation and delivery times, orders by hour today and by
// day over two weeks, and what is waiting in the queue right now.
import { useI18n } from '@okada/i18n';
import { Alert, BarChart, Card, Spinner, Stat } from '@okada/ui';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { daysBefore, doualaToday, useStoreAnalytics } from '../../../lib/analytics';
import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { type Order, queueOrder } from '../../../lib/orders';
import { useCurrentStore } from '../../../lib/session';

export function hourLabel(start: string): string {
  return `${start.slice(11, 13)}h`;
}

export default function DashboardPage() {
  const { t, xaf, number, minutes, shortDay } = useI18n();
  const errorText = useErrorText();
  const { store } = useCurrentStore();
  const storeId = store?.id ?? '';
  const today = doualaToday();
  const todayStats = useStoreAnalytics(storeId, today, today, 'hour');
  const fortnight = useStoreAnalytics(storeId, daysBefore(today, 13), today, 'day');
  const orders = useQuery({
    queryKey: ['orders', storeId],
    enabled: !!storeId,
    queryFn: () => api().call(api().client.GET('/v1/orders', { params: { query: { store_id: storeId, limit: 100 } } })),
  });
  const queue = queueOrder((orders.data?.items ?? []) as Order[]);
  const waiting = queue.filter((o) => o.status === 'confirmed').length;
  const s = todayStats.data?.summary;

  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      {todayStats.error ? <Alert>{errorText(todayStats.error)}</Alert> : null}
      {waiting > 0 ? (
        <Alert tone="warning">
          {t('dashboard.waiting', { n: waiting })} <Link href="/orders/" prefetch={false}>{t('dashboard.toQueue')}</Link>
        </Alert>
      ) : null}
      {todayStats.isLoading ? <Spinner label={t('common.loading')} /> : null}
      {s ? (
        <section className="stats" aria-label={t('dashboard.today')}>
          <Card>
            <Stat label={t('dashboard.orders')} value={number(s.orders)} note={t('dashboard.inProgress', { n: queue.length })} />
          </Card>
          <Card>
            <Stat label={t('dashboard.revenue')} value={xaf(s.revenue_xaf)} note={s.average_basket_xaf == null ? undefined : t('dashboard.basket', { amount: xaf(s.average_basket_xaf) })} />
          </Card>
          <Card>
            <Stat label={t('dashboard.prep')} value={s.avg_prep_minutes == null ? '—' : minutes(s.avg_prep_minutes)} />
          </Card>
          <Card>
            <Stat label={t('dashboard.delivery')} value={s.avg_delivery_minutes == null ? '—' : minutes(s.avg_delivery_minutes)} />
          </Card>
          <Card>
            <Stat label={t('dashboard.cancelled')} value={number(s.cancelled)} />
          </Card>
        </section>
      ) : null}
      <div className="grid-2">
        <Card>
          {todayStats.data ? (
            <BarChart
              title={t('dashboard.byHour')}
              labelHeader={t('chart.hour')}
              valueLabel={t('dashboard.orders')}
              labelEvery={3}
              data={todayStats.data.series.map((b) => ({ label: hourLabel(b.start), value: b.orders }))}
              format={(v) => number(v)}
            />
          ) : null}
        </Card>
        <Card>
          {fortnight.data ? (
            <BarChart
              title={t('dashboard.byDay')}
              labelHeader={t('chart.day')}
              valueLabel={t('dashboard.revenue')}
              labelEvery={2}
              data={fortnight.data.series.map((b) => ({ label: shortDay(`${b.start}T12:00:00Z`), value: b.revenue_xaf }))}
              format={(v) => xaf(v)}
            />
          ) : fortnight.error ? (
            <Alert>{errorText(fortnight.error)}</Alert>
          ) : null}
        </Card>
      </div>
    </>
  );
}
