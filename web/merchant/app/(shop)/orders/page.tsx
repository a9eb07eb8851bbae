'use client';
// The live order queue: orders of the store arrive over the live socket (channel store:<id>) with a chime and
// a banner; the shop accepts or rejects (with a reason), marks preparing and ready, follows the rider, and
// prints a kitchen ticket.
import { ApiError, type LiveEvent } from '@okada/api-client';
import { useI18n } from '@okada/i18n';
import { Alert, Badge, Button, Checkbox, Dialog, SelectField, Spinner, TextArea } from '@okada/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAtom } from 'jotai';
import { useEffect, useState } from 'react';

import { DialogActions } from '../../../components/DialogActions';
import { doualaToday } from '../../../lib/analytics';
import { api } from '../../../lib/api';
import { useErrorText } from '../../../lib/errors';
import { useLive } from '../../../lib/live';
import {
  type Order,
  type OrderStatus,
  REJECT_REASONS,
  deliveryKey,
  doneOn,
  type RejectReason,
  nextStep,
  queueOrder,
  rejectionText,
  shortId,
  statusTone,
} from '../../../lib/orders';
import { useCurrentStore } from '../../../lib/session';
import { chime, soundAtom, unlockSound } from '../../../lib/sound';

function useOrderDetail(id: string) {
  return useQuery({
    queryKey: ['order', id],
    queryFn: () => api().call(api().client.GET('/v1/orders/{id}', { params: { path: { id } } })),
  });
}

function useDelivery(id: string, status: OrderStatus) {
  return useQuery({
    queryKey: ['delivery', id],
    enabled: status === 'ready_for_pickup' || status === 'preparing' || status === 'accepted' || status === 'picked_up',
    retry: false,
    queryFn: async () => {
      try {
        return (await api().call(api().client.GET('/v1/deliveries/{order_id}', { params: { path: { order_id: id } } }))) as {
          status: string;
          rider_id: string | null;
        };
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null; // no delivery yet (not accepted long enough)
        throw e;
      }
    },
  });
}

function useChangeStatus(storeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; status: OrderStatus; reason?: string }) =>
      api().call(
        api().client.POST('/v1/orders/{id}/status', {
          params: { path: { id: v.id } },
          body: v.reason ? { status: v.status, reason: v.reason } : { status: v.status },
        }),
      ),
    onSettled: (_d, _e, v) => {
      void qc.invalidateQueries({ queryKey: ['orders', storeId] });
      void qc.invalidateQueries({ queryKey: ['order', v.id] });
    },
  });
}

function Ticket({ order }: { order: Order }) {
  const { t, xaf, dateTime } = useI18n();
  const detail = useOrderDetail(order.id);
  const items = detail.data?.lines ?? [];
  return (
    <div className="ticket" aria-hidden="true">
      <p>
        <strong>Okada</strong> — {t('orders.ticket')} #{shortId(order.id)}
      </p>
      <p>{dateTime(order.created_at)}</p>
      <hr />
      {items.map((i) => (
        <p key={i.product_id}>
          {i.qty} × {i.name} … {xaf(i.line_total_xaf)}
        </p>
      ))}
      <hr />
      <p>
        {t('orders.totalLine', { amount: xaf(order.total_xaf), method: t(`payment.${order.payment_method}`) })}
      </p>
    </div>
  );
}

function RejectDialog({ order, onClose, storeId }: { order: Order; onClose: () => void; storeId: string }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [reason, setReason] = useState<RejectReason>('out_of_stock');
  const [note, setNote] = useState('');
  const change = useChangeStatus(storeId);
  return (
    <Dialog title={t('orders.rejectTitle', { id: shortId(order.id) })} onClose={onClose}>
      {(close) => (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate(
              { id: order.id, status: 'rejected', reason: rejectionText(t(`orders.reason.${reason}`), note) },
              { onSuccess: close },
            );
          }}
        >
          <SelectField
            label={t('orders.rejectReason')}
            value={reason}
            onChange={(e) => setReason(e.target.value as RejectReason)}
            options={REJECT_REASONS.map((r) => ({ value: r, label: t(`orders.reason.${r}`) }))}
          />
          <TextArea label={t('orders.rejectNote')} value={note} maxLength={400} onChange={(e) => setNote(e.target.value)} />
          {change.error ? <Alert>{errorText(change.error)}</Alert> : null}
          <DialogActions close={close} busy={change.isPending} submit={t('orders.reject')} variant="danger" />
        </form>
      )}
    </Dialog>
  );
}

function OrderCard({ order, fresh, storeId, onPrint }: { order: Order; fresh: boolean; storeId: string; onPrint: (o: Order) => void }) {
  const { t, xaf, time } = useI18n();
  const errorText = useErrorText();
  const detail = useOrderDetail(order.id);
  const delivery = useDelivery(order.id, order.status);
  const change = useChangeStatus(storeId);
  const [rejecting, setRejecting] = useState(false);
  const items = detail.data?.lines ?? [];
  const step = nextStep(order.status);
  const d = delivery.data;
  return (
    <article className={`order-card${fresh ? ' is-new' : ''}`} aria-labelledby={`o-${order.id}`} data-order-id={order.id}>
      <h3 id={`o-${order.id}`}>
        <span>
          #{shortId(order.id)} · {time(order.created_at)}
        </span>
        <Badge tone={statusTone(order.status)}>{t(`status.${order.status}`)}</Badge>
      </h3>
      <ul aria-label={t('orders.items')}>
        {items.map((i) => (
          <li key={i.product_id}>
            {i.qty} × {i.name}
          </li>
        ))}
      </ul>
      <p>
        <strong>{xaf(order.total_xaf)}</strong> · {t(`payment.${order.payment_method}`)}
      </p>
      {d && deliveryKey(d.status) ? (
        <p className="muted">
          {t('orders.riderStatus', { status: t(deliveryKey(d.status)!) })}
          {d.rider_id ? ` (${shortId(d.rider_id)})` : ''}
        </p>
      ) : order.status === 'ready_for_pickup' ? (
        <p className="muted">{t('orders.waitingRider')}</p>
      ) : null}
      {change.error ? <Alert>{errorText(change.error)}</Alert> : null}
      <div className="row-actions">
        {order.status === 'confirmed' ? (
          <>
            <Button busy={change.isPending} onClick={() => change.mutate({ id: order.id, status: 'accepted' })}>
              {t('orders.accept')}
            </Button>
            <Button variant="danger" onClick={() => setRejecting(true)}>
              {t('orders.reject')}
            </Button>
          </>
        ) : null}
        {step ? (
          <Button busy={change.isPending} onClick={() => change.mutate({ id: order.id, status: step.to })}>
            {t(step.label)}
          </Button>
        ) : null}
        <Button variant="secondary" onClick={() => onPrint(order)}>
          {t('orders.print')}
        </Button>
      </div>
      {rejecting ? <RejectDialog order={order} storeId={storeId} onClose={() => setRejecting(false)} /> : null}
    </article>
  );
}

export default function OrdersPage() {
  const { t, time, xaf } = useI18n();
  const errorText = useErrorText();
  const qc = useQueryClient();
  const { store } = useCurrentStore();
  const storeId = store?.id ?? '';
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [banner, setBanner] = useState<string | null>(null);
  const [sound, setSound] = useAtom(soundAtom);
  const [printing, setPrinting] = useState<Order | null>(null);

  const orders = useQuery({
    queryKey: ['orders', storeId],
    enabled: !!storeId,
    refetchInterval: 60_000, // a safety net under the live socket
    queryFn: () =>
      api().call(api().client.GET('/v1/orders', { params: { query: { store_id: storeId, limit: 100 } } })),
  });

  const live = useLive(storeId ? [`store:${storeId}`] : [], (e: LiveEvent) => {
    const data = e.data as { type?: string; order_id?: string; status?: string };
    if (!data.order_id) return;
    void qc.invalidateQueries({ queryKey: ['orders', storeId] });
    void qc.invalidateQueries({ queryKey: ['order', data.order_id] });
    void qc.invalidateQueries({ queryKey: ['delivery', data.order_id] });
    if (data.type === 'order.status' && data.status === 'confirmed') {
      setFresh((s) => new Set(s).add(data.order_id!));
      setBanner(t('orders.newOrder', { id: shortId(data.order_id) }));
      if (sound) chime();
    }
  });

  useEffect(() => {
    if (!printing) return;
    const done = () => setPrinting(null);
    window.addEventListener('afterprint', done, { once: true });
    const timer = setTimeout(() => window.print(), 50);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('afterprint', done);
    };
  }, [printing]);

  const all = (orders.data?.items ?? []) as Order[];
  const queue = queueOrder(all);
  const done = doneOn(all, doualaToday());
  return (
    <>
      <h1>{t('orders.title')}</h1>
      <div className="toolbar">
        <Badge tone={live === 'open' ? 'good' : 'warn'}>{live === 'open' ? t('orders.live') : t('orders.reconnecting')}</Badge>
        <Checkbox
          label={t('orders.sound')}
          checked={sound}
          onChange={(e) => {
            setSound(e.target.checked);
            unlockSound(e.target.checked);
          }}
        />
      </div>
      <div aria-live="assertive" aria-atomic="true">
        {banner ? (
          <div className="new-order-banner" role="alert">
            {banner}{' '}
            <Button variant="secondary" onClick={() => setBanner(null)}>
              {t('common.dismiss')}
            </Button>
          </div>
        ) : null}
      </div>
      {orders.error ? <Alert>{errorText(orders.error)}</Alert> : null}
      {orders.isLoading ? <Spinner label={t('common.loading')} /> : null}
      {!orders.isLoading && queue.length === 0 ? <p className="muted">{t('orders.empty')}</p> : null}
      <section className="queue" aria-label={t('orders.queue')}>
        {queue.map((o) => (
          <OrderCard key={o.id} order={o} fresh={fresh.has(o.id)} storeId={storeId} onPrint={setPrinting} />
        ))}
      </section>
      {done.length ? (
        <section aria-labelledby="done-title" className="done-today">
          <h2 id="done-title">{t('orders.doneToday')}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('orders.number')}</th>
                  <th scope="col">{t('orders.placedAt')}</th>
                  <th scope="col">{t('orders.state')}</th>
                  <th scope="col" className="num">
                    {t('orders.amount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {done.map((o) => (
                  <tr key={o.id}>
                    <td>#{shortId(o.id)}</td>
                    <td>{time(o.created_at)}</td>
                    <td>
                      <Badge tone={statusTone(o.status)}>{t(`status.${o.status}`)}</Badge>
                    </td>
                    <td className="num">{xaf(o.total_xaf)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {printing ? <Ticket order={printing} /> : null}
    </>
  );
}
