'use client';
// The team: the owner adds staff by phone number (the person signs up first) and removes them. Staff run orders,
// products and stock; only owners manage the team, the store's settings and payouts.
import type { components } from '@okada/api-client';
import { useI18n } from '@okada/i18n';
import { Alert, Badge, Button, Card, Spinner, TextField } from '@okada/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { fieldErrors, fieldMessage } from '../../../lib/forms';
import { useIsOwner, useMerchant, useSession } from '../../../lib/session';

type Member = components['schemas']['StaffMember'];

export default function StaffPage() {
  const { t, dateTime } = useI18n();
  const errorText = useErrorText();
  const qc = useQueryClient();
  const owner = useIsOwner();
  const me = useSession().account?.id;
  const merchant = useMerchant();
  const merchantId = merchant.data?.id ?? '';
  const [phone, setPhone] = useState('');
  const [added, setAdded] = useState(false);

  const staff = useQuery({
    queryKey: ['staff', merchantId],
    enabled: owner && !!merchantId,
    queryFn: () => api().call(api().client.GET('/v1/merchants/{id}/staff', { params: { path: { id: merchantId }, query: { limit: 100 } } })),
  });
  const add = useMutation({
    mutationFn: () => api().call(api().client.POST('/v1/merchants/{id}/staff', { params: { path: { id: merchantId } }, body: { phone, role: 'merchant_staff' } })),
    onSuccess: () => {
      setPhone('');
      setAdded(true);
      void qc.invalidateQueries({ queryKey: ['staff', merchantId] });
    },
  });
  const remove = useMutation({
    mutationFn: (userId: string) =>
      api().call(api().client.DELETE('/v1/merchants/{id}/staff/{user_id}', { params: { path: { id: merchantId, user_id: userId } } })),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['staff', merchantId] }),
  });

  if (!owner) return <Alert tone="info">{t('staff.ownerOnly')}</Alert>;
  const errs = fieldErrors(add.error);
  const members = (staff.data?.items ?? []) as Member[];
  return (
    <>
      <h1>{t('staff.title')}</h1>
      <Card title={t('staff.roles')}>
        <dl className="roles">
          <dt>{t('staff.owner')}</dt>
          <dd>{t('staff.ownerCan')}</dd>
          <dt>{t('staff.staff')}</dt>
          <dd>{t('staff.staffCan')}</dd>
        </dl>
      </Card>
      <Card title={t('staff.invite')}>
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setAdded(false);
            add.mutate();
          }}
          noValidate
        >
          <TextField
            label={t('staff.phone')}
            hint={t('staff.phoneHint')}
            type="tel"
            autoComplete="off"
            value={phone}
            error={errs.phone ? t(fieldMessage(errs.phone)) : null}
            onChange={(e) => setPhone(e.target.value)}
          />
          <Button type="submit" busy={add.isPending} disabled={!phone.trim()}>
            {t('staff.add')}
          </Button>
        </form>
        {add.error ? <Alert>{errorText(add.error)}</Alert> : null}
        {added ? <Alert tone="success">{t('staff.added')}</Alert> : null}
      </Card>
      {staff.error ? <Alert>{errorText(staff.error)}</Alert> : null}
      {remove.error ? <Alert>{errorText(remove.error)}</Alert> : null}
      {staff.isLoading ? <Spinner label={t('common.loading')} /> : null}
      <div className="table-wrap">
        <table>
          <caption>{t('staff.members')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('staff.name')}</th>
              <th scope="col">{t('staff.role')}</th>
              <th scope="col">{t('staff.since')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.user_id}>
                <td>{m.name ?? t('staff.noName')}{m.user_id === me ? ` (${t('staff.you')})` : ''}</td>
                <td>
                  <Badge tone={m.role === 'merchant_owner' ? 'info' : 'neutral'}>
                    {m.role === 'merchant_owner' ? t('staff.owner') : t('staff.staff')}
                  </Badge>
                </td>
                <td>{dateTime(m.added_at)}</td>
                <td>
                  {m.role === 'merchant_staff' ? (
                    <Button
                      variant="secondary"
                      busy={remove.isPending && remove.variables === m.user_id}
                      aria-label={t('staff.removeOf', { name: m.name ?? t('staff.noName') })}
                      onClick={() => {
                        if (window.confirm(t('staff.confirmRemove'))) remove.mutate(m.user_id);
                      }}
                    >
                      {t('common.remove')}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
