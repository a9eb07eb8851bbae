'use client';
// Store settings (owner): name and address, opening hours, delivery radius, and the pause switch that stops new
// orders at once (rain, stock-out, closing early).
import { useI18n } from '@okada/i18n';
import { Alert, Button, Card, Checkbox, TextField } from '@okada/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';

import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { fieldErrors, fieldMessage, intOrNull } from '../../../lib/forms';
import { type DayForm, firstBadDay, fromForm, toForm } from '../../../lib/hours';
import { useCurrentStore, useIsOwner } from '../../../lib/session';

const DAYS = ['day.mon', 'day.tue', 'day.wed', 'day.thu', 'day.fri', 'day.sat', 'day.sun'] as const;

export default function SettingsPage() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const qc = useQueryClient();
  const owner = useIsOwner();
  const { store } = useCurrentStore();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [radius, setRadius] = useState('');
  const [days, setDays] = useState<DayForm[]>([]);
  const [saved, setSaved] = useState(false);
  const [badDay, setBadDay] = useState(-1);

  useEffect(() => {
    if (!store) return;
    setName(store.name);
    setAddress(store.address);
    setRadius(String(store.delivery_radius_m));
    setDays(toForm(store.opening_hours));
  }, [store]);

  const patch = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api().call(api().client.PATCH('/v1/stores/{id}', { params: { path: { id: store!.id } }, body })),
    onSuccess: () => {
      setSaved(true);
      void qc.invalidateQueries({ queryKey: ['stores'] });
    },
  });

  if (!owner) return <Alert tone="info">{t('settings.ownerOnly')}</Alert>;
  if (!store) return null;
  const errs = fieldErrors(patch.error);
  const err = (k: string) => (errs[k] ? t(fieldMessage(errs[k]!)) : null);
  const setDay = (i: number, change: Partial<DayForm>) => setDays((ds) => ds.map((d, j) => (j === i ? { ...d, ...change } : d)));

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const bad = firstBadDay(days);
    setBadDay(bad);
    if (bad >= 0) return;
    patch.mutate({ name: name.trim(), address: address.trim(), delivery_radius_m: intOrNull(radius) ?? 0, opening_hours: fromForm(days) });
  }

  return (
    <>
      <h1>{t('settings.title')}</h1>
      <Card title={store.paused ? t('settings.pausedTitle') : t('settings.openTitle')}>
        <p>{store.paused ? t('settings.pausedText') : t('settings.openText')}</p>
        <Button
          variant={store.paused ? 'primary' : 'danger'}
          busy={patch.isPending}
          onClick={() => {
            setSaved(false);
            patch.mutate({ paused: !store.paused });
          }}
        >
          {store.paused ? t('settings.resume') : t('settings.pause')}
        </Button>
      </Card>
      <form onSubmit={submit} noValidate>
        <Card title={t('settings.store')}>
          <div className="grid-2">
            <TextField label={t('settings.name')} value={name} error={err('name')} onChange={(e) => setName(e.target.value)} />
            <TextField label={t('settings.address')} value={address} error={err('address')} onChange={(e) => setAddress(e.target.value)} />
            <TextField
              label={t('settings.radius')}
              hint={t('settings.radiusHint')}
              inputMode="numeric"
              value={radius}
              error={err('delivery_radius_m')}
              onChange={(e) => setRadius(e.target.value)}
            />
          </div>
        </Card>
        <Card title={t('settings.hours')}>
          {badDay >= 0 ? <Alert>{t('settings.badHours', { day: t(DAYS[badDay]!) })}</Alert> : null}
          {err('opening_hours') ? <Alert>{t('settings.badHours', { day: '' })}</Alert> : null}
          <div className="table-wrap">
            <table>
              <caption className="ok-visually-hidden">{t('settings.hours')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('settings.day')}</th>
                  <th scope="col">{t('settings.closed')}</th>
                  <th scope="col">{t('settings.opens')}</th>
                  <th scope="col">{t('settings.closes')}</th>
                  <th scope="col">{t('settings.opens2')}</th>
                  <th scope="col">{t('settings.closes2')}</th>
                </tr>
              </thead>
              <tbody>
                {days.map((d, i) => {
                  const dayName = t(DAYS[i]!);
                  return (
                    <tr key={DAYS[i]}>
                      <th scope="row">{dayName}</th>
                      <td>
                        <Checkbox
                          label={t('settings.closedOn', { day: dayName })}
                          checked={d.closed}
                          onChange={(e) => setDay(i, { closed: e.target.checked })}
                        />
                      </td>
                      {(['open1', 'close1', 'open2', 'close2'] as const).map((k) => (
                        <td key={k}>
                          <input
                            type="time"
                            aria-label={t(`settings.${k}Of`, { day: dayName })}
                            disabled={d.closed}
                            value={d[k]}
                            onChange={(e) => setDay(i, { [k]: e.target.value })}
                          />
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
        {patch.error ? <Alert>{errorText(patch.error)}</Alert> : null}
        {saved ? <Alert tone="success">{t('settings.saved')}</Alert> : null}
        <Button type="submit" busy={patch.isPending}>
          {t('common.save')}
        </Button>
      </form>
    </>
  );
}
