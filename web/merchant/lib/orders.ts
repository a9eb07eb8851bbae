// The merchant's side of the order lifecycle: what each status asks of the shop, and the next step.
import type { components } from '@okada/api-client';
import { doualaDay, type MessageKey } from '@okada/i18n';

export type Order = components['schemas']['Order'];
export type OrderStatus = components['schemas']['OrderStatus'];

/** Orders still in the shop's hands or on their way, oldest first (first come, first served). */
export const ACTIVE: readonly OrderStatus[] = ['confirmed', 'accepted', 'preparing', 'ready_for_pickup', 'picked_up'];

export function isActive(status: OrderStatus): boolean {
  return ACTIVE.includes(status);
}

/** The step the shop takes next from `status`, if any (accepting and rejecting are separate). */
export function nextStep(status: OrderStatus): { to: OrderStatus; label: MessageKey } | null {
  switch (status) {
    case 'accepted':
      return { to: 'preparing', label: 'orders.startPreparing' };
    case 'preparing':
      return { to: 'ready_for_pickup', label: 'orders.markReady' };
    default:
      return null;
  }
}

export const REJECT_REASONS = ['out_of_stock', 'too_busy', 'closing', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The reason text sent with a rejection: the chosen reason, plus the note when there is one. */
export function rejectionText(reasonLabel: string, note: string): string {
  const n = note.trim();
  return (n ? `${reasonLabel}: ${n}` : reasonLabel).slice(0, 500);
}

export function statusTone(status: OrderStatus): 'neutral' | 'good' | 'warn' | 'bad' | 'info' {
  if (status === 'confirmed') return 'warn';
  if (status === 'cancelled' || status === 'rejected' || status === 'payment_failed' || status === 'expired') return 'bad';
  if (status === 'delivered' || status === 'completed') return 'good';
  return 'info';
}

export function shortId(id: string): string {
  return id.slice(-6).toUpperCase();
}

/** Orders of the queue sorted: those waiting for the shop's answer first, then oldest first. */
export function queueOrder(orders: Order[]): Order[] {
  return [...orders]
    .filter((o) => isActive(o.status))
    .sort((a, b) => {
      const wa = a.status === 'confirmed' ? 0 : 1;
      const wb = b.status === 'confirmed' ? 0 : 1;
      return wa - wb || a.created_at.localeCompare(b.created_at);
    });
}

export const DELIVERY_STATUSES = [
  'unassigned',
  'offered',
  'assigned',
  'at_store',
  'picked_up',
  'arriving',
  'delivered',
  'failed',
  'returned',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The words for a delivery status (the delivery endpoint's answer is not typed in the spec). */
export function deliveryKey(status: string): `delivery.${DeliveryStatus}` | null {
  return (DELIVERY_STATUSES as readonly string[]).includes(status) ? `delivery.${status as DeliveryStatus}` : null;
}

/** Orders placed on Douala day `day` (YYYY-MM-DD) that left the queue (delivered, cancelled, …), newest first. */
export function doneOn(orders: Order[], day: string): Order[] {
  return orders
    .filter((o) => !isActive(o.status) && o.status !== 'pending_payment' && doualaDay(o.created_at) === day)
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
}
