import { describe, expect, it } from 'vitest';

import { fieldErrors, fieldMessage, intOrNull, parseLines } from './forms';
import { firstBadDay, fromForm, toForm } from './hours';
import { matches } from './inventory';
import { type Order, deliveryKey, doneOn, nextStep, queueOrder, rejectionText } from './orders';
import { ApiError } from '@okada/api-client';

function order(id: string, status: Order['status'], created_at: string): Order {
  return { id, status, created_at } as Order;
}

describe('order queue', () => {
  it('puts orders waiting for an answer first, then the oldest, and drops finished ones', () => {
    const q = queueOrder([
      order('a', 'preparing', '2026-12-01T10:00:00Z'),
      order('b', 'confirmed', '2026-12-01T10:05:00Z'),
      order('c', 'completed', '2026-12-01T09:00:00Z'),
      order('d', 'accepted', '2026-12-01T09:30:00Z'),
      order('e', 'confirmed', '2026-12-01T10:01:00Z'),
      order('f', 'pending_payment', '2026-12-01T10:02:00Z'),
    ]);
    expect(q.map((o) => o.id)).toEqual(['e', 'b', 'd', 'a']);
  });

  it('lists the orders that left the queue on a Douala day, newest first', () => {
    const all = [
      order('a', 'completed', '2026-12-01T09:00:00Z'),
      order('b', 'rejected', '2026-12-01T22:59:00Z'), // 23:59 in Douala: still the 1st
      order('c', 'cancelled', '2026-12-01T23:10:00Z'), // 00:10 on the 2nd in Douala
      order('d', 'preparing', '2026-12-01T10:00:00Z'),
      order('e', 'pending_payment', '2026-12-01T10:00:00Z'),
      order('f', 'delivered', '2026-11-30T12:00:00Z'),
    ];
    expect(doneOn(all, '2026-12-01').map((o) => o.id)).toEqual(['b', 'a']);
    expect(doneOn(all, '2026-12-02').map((o) => o.id)).toEqual(['c']);
  });

  it('offers the next kitchen step', () => {
    expect(nextStep('accepted')?.to).toBe('preparing');
    expect(nextStep('preparing')?.to).toBe('ready_for_pickup');
    expect(nextStep('confirmed')).toBeNull();
    expect(nextStep('picked_up')).toBeNull();
  });

  it('words a rejection within the API limit', () => {
    expect(rejectionText('Rupture de stock', '  ')).toBe('Rupture de stock');
    expect(rejectionText('Autre', 'fermé pour inventaire')).toBe('Autre: fermé pour inventaire');
    expect(rejectionText('Autre', 'x'.repeat(900))).toHaveLength(500);
  });

  it('knows the delivery statuses and refuses unknown ones', () => {
    expect(deliveryKey('at_store')).toBe('delivery.at_store');
    expect(deliveryKey('teleported')).toBeNull();
  });
});

describe('forms', () => {
  it('reads whole numbers and nothing else', () => {
    expect(intOrNull(' 12 ')).toBe(12);
    expect(intOrNull('-3')).toBe(-3);
    expect(intOrNull('')).toBeNull();
    expect(Number.isNaN(intOrNull('1.5'))).toBe(true);
    expect(Number.isNaN(intOrNull('12abc'))).toBe(true);
  });

  it('splits image URLs by line', () => {
    expect(parseLines('https://a/1.jpg\r\n\n  https://a/2.jpg  \n')).toEqual(['https://a/1.jpg', 'https://a/2.jpg']);
  });

  it('maps a 422 to its fields (first error per field, arrays folded)', () => {
    const e = new ApiError(422, 'VALIDATION_FAILED', {
      type: 't',
      title: 'Données invalides',
      status: 422,
      code: 'VALIDATION_FAILED',
      request_id: 'r',
      errors: [
        { field: 'image_urls[1]', code: 'INVALID_FORMAT' },
        { field: 'sku', code: 'REQUIRED' },
        { field: 'sku', code: 'TOO_LONG' },
      ],
    } as never);
    expect(fieldErrors(e)).toEqual({ image_urls: 'INVALID_FORMAT', sku: 'REQUIRED' });
    expect(fieldErrors(new Error('x'))).toEqual({});
    expect(fieldMessage('TOO_LONG')).toBe('field.TOO_LONG');
    expect(fieldMessage('SOMETHING_NEW')).toBe('field.INVALID');
  });
});

describe('opening hours', () => {
  const week = [
    [{ open: '07:00', close: '12:00' }, { open: '14:00', close: '20:00' }],
    [{ open: '07:00', close: '22:00' }],
    null,
    [{ open: '06:00', close: '09:00' }, { open: '10:00', close: '12:00' }, { open: '18:00', close: '24:00' }],
    [{ open: '07:00', close: '22:00' }],
    [{ open: '07:00', close: '22:00' }],
    [{ open: '09:00', close: '20:00' }],
  ];

  it('round-trips through the form, keeping a third range it cannot show', () => {
    expect(fromForm(toForm(week as never))).toEqual(week);
  });

  it('finds a day whose hours are out of order', () => {
    const days = toForm(week as never);
    expect(firstBadDay(days)).toBe(-1);
    days[4] = { ...days[4]!, open1: '22:00', close1: '07:00' };
    expect(firstBadDay(days)).toBe(4);
    const overlap = toForm(week as never);
    overlap[0] = { ...overlap[0]!, open2: '11:00' };
    expect(firstBadDay(overlap)).toBe(0);
  });
});

describe('search', () => {
  it('ignores case and accents', () => {
    expect(matches({ name: 'Pâte d’arachide', sku: 'PA-1' }, 'pate')).toBe(true);
    expect(matches({ name: 'Riz parfumé', sku: 'RZ-5' }, 'rz-5')).toBe(true);
    expect(matches({ name: 'Riz parfumé', sku: 'RZ-5' }, 'mil')).toBe(false);
  });
});

describe('analytics dates', () => {
  it('takes today in Douala (UTC+1), not in the device zone', async () => {
    const { doualaToday, daysBefore, cancelKey } = await import('./analytics');
    expect(doualaToday(new Date('2026-12-01T22:59:00Z'))).toBe('2026-12-01');
    expect(doualaToday(new Date('2026-12-01T23:00:00Z'))).toBe('2026-12-02');
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
    expect(daysBefore('2026-12-01', 13)).toBe('2026-11-18');
    expect(cancelKey('rejected_by_store')).toBe('cancel.rejected_by_store');
    expect(cancelKey('something_new')).toBe('cancel.cancelled_by_platform');
  });
});
