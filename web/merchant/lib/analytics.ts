'use client';
// The analytics service's store figures (rollups per store per hour and day, fed by order events).
import type { components } from '@okada/api-client';
import { doualaDay } from '@okada/i18n';
import { useQuery } from '@tanstack/react-query';

import { api } from './api';

export type StoreAnalytics = components['schemas']['StoreAnalytics'];
export type Granularity = 'hour' | 'day';

export const CANCEL_KINDS = [
  'rejected_by_store',
  'cancelled_by_customer',
  'cancelled_by_store',
  'cancelled_by_support',
  'cancelled_by_platform',
  'payment_failed',
  'expired',
] as const;
export type CancelKind = (typeof CANCEL_KINDS)[number];

export function cancelKey(kind: string): `cancel.${CancelKind}` {
  return (CANCEL_KINDS as readonly string[]).includes(kind) ? `cancel.${kind as CancelKind}` : 'cancel.cancelled_by_platform';
}

/** Today's date in Douala, as YYYY-MM-DD. */
export function doualaToday(now: Date = new Date()): string {
  return doualaDay(now);
}

/** The date `days` days before `day` (YYYY-MM-DD). */
export function daysBefore(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export function useStoreAnalytics(storeId: string, from: string, to: string, granularity?: Granularity) {
  return useQuery({
    queryKey: ['analytics', storeId, from, to, granularity ?? 'auto'],
    enabled: !!storeId,
    refetchInterval: 60_000,
    queryFn: () =>
      api().call(
        api().client.GET('/v1/stores/{id}/analytics', {
          params: { path: { id: storeId }, query: { from, to, ...(granularity ? { granularity } : {}) } },
        }),
      ) as Promise<StoreAnalytics>,
  });
}
