'use client';
// CSV import: each row upserts one product (and its listing when it names a store); bad rows are reported by
// spreadsheet row and never half-applied, good rows go in.
import { useI18n } from '@okada/i18n';
import { Alert, Button, Card } from '@okada/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';

import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { fieldMessage } from '../../../lib/forms';

type Report = { created?: number; updated?: number; failed?: number; errors?: { row?: number; field?: string; code?: string; message?: string }[] };

export const CSV_MAX_BYTES = 5 * 1024 * 1024;

/** A starting file for this store: the columns the import reads, with one example row. */
export function csvTemplate(storeId: string): string {
  return [
    'sku,name_fr,name_en,unit,category,image_urls,lead_time_days,pack_size,shelf_life_days,store_id,price_xaf,on_hand,available,low_stock_threshold',
    `RIZ-5KG,Riz parfumé 5 kg,Fragrant rice 5 kg,pack,,https://example.cm/riz.jpg,3,4,,${storeId},6500,20,true,5`,
  ].join('\n');
}

export function ImportCard({ merchantId, storeId }: { merchantId: string; storeId: string }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const qc = useQueryClient();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [tooBig, setTooBig] = useState(false);
  const [template, setTemplate] = useState<string | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([csvTemplate(storeId)], { type: 'text/csv' }));
    setTemplate(url);
    return () => URL.revokeObjectURL(url);
  }, [storeId]);

  const upload = useMutation({
    mutationFn: async (f: File) => {
      const text = await f.text();
      return (await api().call(
        api().client.POST('/v1/merchants/{id}/products/import', {
          params: { path: { id: merchantId } },
          body: text as never,
          bodySerializer: (b: unknown) => b as string,
          headers: { 'Content-Type': 'text/csv; charset=utf-8' },
        }),
      )) as Report;
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['inventory', storeId] }),
  });
  const report = upload.data;

  return (
    <Card title={t('import.title')}>
      <p className="muted">{t('import.help')}</p>
      {template ? (
        <p>
          <a href={template} download="okada-modele-catalogue.csv">
            {t('import.template')}
          </a>
        </p>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (file && !tooBig) upload.mutate(file);
        }}
        className="toolbar"
      >
        <div className="ok-field">
          <label htmlFor={inputId}>{t('import.file')}</label>
          <input
            id={inputId}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              setFile(f);
              setTooBig(!!f && f.size > CSV_MAX_BYTES);
            }}
          />
        </div>
        <Button type="submit" disabled={!file || tooBig} busy={upload.isPending}>
          {t('import.submit')}
        </Button>
      </form>
      {tooBig ? <Alert>{t('import.tooBig')}</Alert> : null}
      {upload.error ? <Alert>{errorText(upload.error)}</Alert> : null}
      {report ? (
        <div aria-live="polite">
          <Alert tone={report.failed ? 'warning' : 'success'}>
            {t('import.summary', { created: report.created ?? 0, updated: report.updated ?? 0, failed: report.failed ?? 0 })}
          </Alert>
          {report.errors?.length ? (
            <div className="table-wrap">
              <table>
                <caption>{t('import.errors')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('import.row')}</th>
                    <th scope="col">{t('import.field')}</th>
                    <th scope="col">{t('import.problem')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.errors.map((e, i) => (
                    <tr key={i} className="import-error">
                      <td>{e.row}</td>
                      <td>{e.field}</td>
                      <td>{t(fieldMessage(e.code ?? ''))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
