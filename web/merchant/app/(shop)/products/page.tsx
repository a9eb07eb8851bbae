'use client';
// Catalogue and stock of the current store: search, create and edit products, adjust stock, import a CSV.
import { useI18n } from '@okada/i18n';
import { Alert, Badge, Button, Spinner, TextField } from '@okada/ui';
import { useState } from 'react';

import { useErrorText } from '../../../lib/errors';
import { type InventoryItem, matches, useInventory } from '../../../lib/inventory';
import { useCurrentStore, useMerchant } from '../../../lib/session';
import { ImportCard } from './ImportCard';
import { ProductDialog } from './ProductDialog';
import { StockDialog } from './StockDialog';

export default function ProductsPage() {
  const { t, xaf, number } = useI18n();
  const errorText = useErrorText();
  const merchant = useMerchant();
  const { store } = useCurrentStore();
  const storeId = store?.id ?? '';
  const inventory = useInventory(storeId);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<InventoryItem | null | undefined>(undefined); // null: new product
  const [stocking, setStocking] = useState<InventoryItem | null>(null);
  const items = (inventory.data ?? []).filter((i) => matches(i, query));

  return (
    <>
      <h1>{t('products.title')}</h1>
      <div className="toolbar">
        <TextField
          label={t('products.search')}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <Button onClick={() => setEditing(null)}>{t('products.new')}</Button>
      </div>
      {inventory.error ? <Alert>{errorText(inventory.error)}</Alert> : null}
      {inventory.isLoading ? <Spinner label={t('common.loading')} /> : null}
      {inventory.data ? (
        <div className="table-wrap">
          <table>
            <caption className="ok-visually-hidden">{t('products.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('products.sku')}</th>
                <th scope="col">{t('products.name')}</th>
                <th scope="col" className="num">
                  {t('products.price')}
                </th>
                <th scope="col" className="num">
                  {t('products.inStock')}
                </th>
                <th scope="col">{t('products.state')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.product_id} data-sku={i.sku}>
                  <td>{i.sku}</td>
                  <td>{i.name}</td>
                  <td className="num">{xaf(i.price_xaf ?? 0)}</td>
                  <td className="num" data-testid="in-stock">
                    {number(i.in_stock ?? 0)}
                  </td>
                  <td>
                    {!i.available ? (
                      <Badge tone="neutral">{t('products.unavailable')}</Badge>
                    ) : i.low_stock ? (
                      <Badge tone="warn">{t('products.low')}</Badge>
                    ) : (
                      <Badge tone="good">{t('products.ok')}</Badge>
                    )}
                  </td>
                  <td>
                    <div className="row-actions">
                      <Button variant="secondary" onClick={() => setEditing(i)} aria-label={t('products.editOf', { name: i.name ?? '' })}>
                        {t('common.edit')}
                      </Button>
                      <Button variant="secondary" onClick={() => setStocking(i)} aria-label={t('products.stockOf', { name: i.name ?? '' })}>
                        {t('products.adjust')}
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 ? <p className="muted">{t('products.none')}</p> : null}
        </div>
      ) : null}
      {merchant.data && storeId ? <ImportCard merchantId={merchant.data.id} storeId={storeId} /> : null}
      {editing !== undefined && merchant.data ? (
        <ProductDialog merchantId={merchant.data.id} storeId={storeId} item={editing} onClose={() => setEditing(undefined)} />
      ) : null}
      {stocking ? <StockDialog storeId={storeId} item={stocking} onClose={() => setStocking(null)} /> : null}
    </>
  );
}
