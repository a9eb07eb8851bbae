'use client';
import type { components } from '@okada/api-client';
import { useQuery } from '@tanstack/react-query';

import { api } from './api';

export type InventoryItem = NonNullable<components['schemas']['InventoryPage']['items']>[number];

/** Every listing of the store (all pages; a shop has hundreds of products, not millions). */
export function useInventory(storeId: string) {
  return useQuery({
    queryKey: ['inventory', storeId],
    enabled: !!storeId,
    queryFn: async () => {
      const items: InventoryItem[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const res = await api().call(
          api().client.GET('/v1/stores/{id}/inventory', {
            params: { path: { id: storeId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        );
        items.push(...((res.items ?? []) as InventoryItem[]));
        cursor = res.next_cursor ?? undefined;
        if (!cursor) break;
      }
      return items;
    },
  });
}

/** Case- and accent-insensitive match on name and SKU. */
export function matches(item: { name?: string; sku?: string }, query: string): boolean {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const q = fold(query.trim());
  if (!q) return true;
  return fold(item.name ?? '').includes(q) || fold(item.sku ?? '').includes(q);
}
