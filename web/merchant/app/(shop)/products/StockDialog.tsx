'use client';
// A stock adjustment with its reason (restock, damaged, expired, count correction, theft, other). One
// Idempotency-Key per opened dialog: a double tap or a retried request on a bad network counts once.
import { useI18n } from '@okada/i18n';
import { Alert, Dialog, SelectField, TextArea, TextField } from '@okada/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { DialogActions } from '../../../components/DialogActions';
import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { fieldErrors, fieldMessage, intOrNull } from '../../../lib/forms';
import type { InventoryItem } from '../../../lib/inventory';

const REASONS = ['restock', 'damaged', 'expired', 'count_correction', 'theft', 'other'] as const;
type Reason = (typeof REASONS)[number];

export function StockDialog({ storeId, item, onClose }: { storeId: string; item: InventoryItem; onClose: () => void }) {
  const { t, number } = useI18n();
  const errorText = useErrorText();
  const qc = useQueryClient();
  const [key] = useState(() => crypto.randomUUID());
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState<Reason>('restock');
  const [note, setNote] = useState('');

  const adjust = useMutation({
    mutationFn: () =>
      api().call(
        api().client.POST('/v1/stores/{id}/listings/{product_id}/adjustments', {
          params: { path: { id: storeId, product_id: item.product_id! } },
          headers: { 'Idempotency-Key': key },
          body: { delta: intOrNull(delta) ?? 0, reason, note: note.trim() || null },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['inventory', storeId] }),
  });
  const errs = fieldErrors(adjust.error);

  return (
    <Dialog title={t('stock.title', { name: item.name ?? '' })} onClose={onClose}>
      {(close) => (
        <>
          <p>{t('stock.current', { on_hand: number(item.on_hand ?? 0), reserved: number(item.reserved ?? 0) })}</p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              adjust.mutate(undefined, { onSuccess: close });
            }}
            noValidate
          >
            <TextField
              label={t('stock.delta')}
              hint={t('stock.deltaHint')}
              inputMode="numeric"
              required
              value={delta}
              error={errs.delta ? t(fieldMessage(errs.delta)) : null}
              onChange={(e) => setDelta(e.target.value)}
            />
            <SelectField
              label={t('stock.reason')}
              value={reason}
              onChange={(e) => setReason(e.target.value as Reason)}
              options={REASONS.map((r) => ({ value: r, label: t(`stock.reason.${r}`) }))}
            />
            <TextArea label={t('stock.note')} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
            {adjust.error ? <Alert>{errorText(adjust.error)}</Alert> : null}
            <DialogActions close={close} busy={adjust.isPending} submit={t('stock.save')} />
          </form>
        </>
      )}
    </Dialog>
  );
}
