'use client';
// Create or edit a product (French and English names and descriptions, unit, category, images, lead time, pack
// size, shelf life) together with its listing in the current store (price, availability, low-stock threshold,
// and for a new listing the opening stock).
import type { components } from '@okada/api-client';
import { useI18n } from '@okada/i18n';
import { Alert, Checkbox, Dialog, SelectField, TextArea, TextField } from '@okada/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { DialogActions } from '../../../components/DialogActions';
import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { fieldErrors, fieldMessage, intOrNull, parseLines } from '../../../lib/forms';
import type { InventoryItem } from '../../../lib/inventory';

type Unit = components['schemas']['Unit'];
const UNITS: Unit[] = ['piece', 'kg', 'g', 'l', 'ml', 'pack', 'bunch', 'plate'];

interface Form {
  sku: string;
  name_fr: string;
  name_en: string;
  description_fr: string;
  description_en: string;
  unit: Unit;
  category: string;
  images: string;
  lead_time_days: string;
  pack_size: string;
  shelf_life_days: string;
  price_xaf: string;
  available: boolean;
  low_stock_threshold: string;
  on_hand: string;
}

const EMPTY: Form = {
  sku: '',
  name_fr: '',
  name_en: '',
  description_fr: '',
  description_en: '',
  unit: 'piece',
  category: '',
  images: '',
  lead_time_days: '1',
  pack_size: '1',
  shelf_life_days: '',
  price_xaf: '',
  available: true,
  low_stock_threshold: '5',
  on_hand: '0',
};

export function ProductDialog({
  merchantId,
  storeId,
  item,
  onClose,
}: {
  merchantId: string;
  storeId: string;
  /** The listing to edit; null to create a product. */
  item: InventoryItem | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const qc = useQueryClient();
  const [form, setForm] = useState<Form>(EMPTY);
  const productId = item?.product_id;

  const product = useQuery({
    queryKey: ['product', productId],
    enabled: !!productId,
    queryFn: () => api().call(api().client.GET('/v1/products/{id}', { params: { path: { id: productId! } } })),
  });

  useEffect(() => {
    const p = product.data as components['schemas']['Product'] | undefined;
    if (!p || !item) return;
    setForm({
      sku: p.sku ?? '',
      name_fr: p.name_fr ?? '',
      name_en: p.name_en ?? '',
      description_fr: p.description_fr ?? '',
      description_en: p.description_en ?? '',
      unit: (p.unit ?? 'piece') as Unit,
      category: p.category ?? '',
      images: (p.image_urls ?? []).join('\n'),
      lead_time_days: String(p.lead_time_days ?? 1),
      pack_size: String(p.pack_size ?? 1),
      shelf_life_days: p.shelf_life_days == null ? '' : String(p.shelf_life_days),
      price_xaf: String(item.price_xaf ?? ''),
      available: item.available ?? true,
      low_stock_threshold: String(item.low_stock_threshold ?? 0),
      on_hand: '0',
    });
  }, [product.data, item]);

  const save = useMutation({
    mutationFn: async (f: Form) => {
      const fields = {
        name_fr: f.name_fr.trim(),
        name_en: f.name_en.trim() || null,
        description_fr: f.description_fr.trim() || null,
        description_en: f.description_en.trim() || null,
        unit: f.unit,
        category: f.category.trim() || null,
        image_urls: parseLines(f.images),
        lead_time_days: intOrNull(f.lead_time_days) ?? 0,
        pack_size: intOrNull(f.pack_size) ?? 1,
        shelf_life_days: intOrNull(f.shelf_life_days),
      };
      let id = productId;
      if (id) {
        await api().call(api().client.PATCH('/v1/products/{id}', { params: { path: { id } }, body: { sku: f.sku.trim(), ...fields } }));
      } else {
        const created = await api().call(
          api().client.POST('/v1/merchants/{id}/products', {
            params: { path: { id: merchantId } },
            body: { sku: f.sku.trim(), ...fields },
          }),
        );
        id = (created as { id: string }).id;
      }
      await api().call(
        api().client.PUT('/v1/stores/{id}/listings/{product_id}', {
          params: { path: { id: storeId, product_id: id! } },
          body: {
            price_xaf: intOrNull(f.price_xaf) ?? 0,
            available: f.available,
            low_stock_threshold: intOrNull(f.low_stock_threshold) ?? 0,
            ...(productId ? {} : { on_hand: intOrNull(f.on_hand) ?? 0 }),
          },
        }),
      );
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['inventory', storeId] });
      if (productId) void qc.invalidateQueries({ queryKey: ['product', productId] });
    },
  });

  const errs = fieldErrors(save.error);
  const err = (name: string) => (errs[name] ? t(fieldMessage(errs[name]!)) : null);
  const set = <K extends keyof Form>(k: K) => (v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <Dialog title={item ? t('products.editTitle', { name: item.name ?? '' }) : t('products.newTitle')} onClose={onClose} wide>
      {(close) => (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(form, { onSuccess: close });
        }}
        noValidate
      >
        <div className="grid-2">
          <TextField label={t('products.sku')} required value={form.sku} error={err('sku')} onChange={(e) => set('sku')(e.target.value)} />
          <SelectField
            label={t('products.unit')}
            value={form.unit}
            onChange={(e) => set('unit')(e.target.value as Unit)}
            options={UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))}
          />
          <TextField label={t('products.nameFr')} lang="fr" required value={form.name_fr} error={err('name_fr')} onChange={(e) => set('name_fr')(e.target.value)} />
          <TextField label={t('products.nameEn')} lang="en" value={form.name_en} error={err('name_en')} onChange={(e) => set('name_en')(e.target.value)} />
          <TextArea label={t('products.descFr')} lang="fr" value={form.description_fr} error={err('description_fr')} onChange={(e) => set('description_fr')(e.target.value)} />
          <TextArea label={t('products.descEn')} lang="en" value={form.description_en} error={err('description_en')} onChange={(e) => set('description_en')(e.target.value)} />
          <TextField label={t('products.category')} hint={t('products.categoryHint')} value={form.category} error={err('category')} onChange={(e) => set('category')(e.target.value)} />
          <TextArea label={t('products.images')} hint={t('products.imagesHint')} value={form.images} error={err('image_urls')} onChange={(e) => set('images')(e.target.value)} />
          <TextField label={t('products.price')} inputMode="numeric" required value={form.price_xaf} error={err('price_xaf')} onChange={(e) => set('price_xaf')(e.target.value)} />
          {item ? null : (
            <TextField label={t('products.openingStock')} inputMode="numeric" value={form.on_hand} error={err('on_hand')} onChange={(e) => set('on_hand')(e.target.value)} />
          )}
          <TextField label={t('products.lowStock')} inputMode="numeric" value={form.low_stock_threshold} error={err('low_stock_threshold')} onChange={(e) => set('low_stock_threshold')(e.target.value)} />
          <TextField label={t('products.leadTime')} hint={t('products.leadTimeHint')} inputMode="numeric" value={form.lead_time_days} error={err('lead_time_days')} onChange={(e) => set('lead_time_days')(e.target.value)} />
          <TextField label={t('products.packSize')} hint={t('products.packSizeHint')} inputMode="numeric" value={form.pack_size} error={err('pack_size')} onChange={(e) => set('pack_size')(e.target.value)} />
          <TextField label={t('products.shelfLife')} hint={t('products.shelfLifeHint')} inputMode="numeric" value={form.shelf_life_days} error={err('shelf_life_days')} onChange={(e) => set('shelf_life_days')(e.target.value)} />
        </div>
        <Checkbox label={t('products.available')} checked={form.available} onChange={(e) => set('available')(e.target.checked)} />
        {save.error ? <Alert>{errorText(save.error)}</Alert> : null}
        {product.error ? <Alert>{errorText(product.error)}</Alert> : null}
        <DialogActions close={close} busy={save.isPending} submit={t('common.save')} />
      </form>
      )}
    </Dialog>
  );
}
