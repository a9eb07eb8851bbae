// The request sequence of one full checkout flow ("cart, add 3 items, checkout") in each system, as its own
// storefront would send it. Everything else (scheduling, timing, statistics) is shared in load.mjs.
//
// Seed files (written by medusa/seed.mjs and okada/seed.mjs):
//   medusa: { system, base, list_path, list_headers, publishable_key, region_id, sales_channel_id,
//             shipping_option_id, variant_ids[] }
//   okada:  { system, base, list_path, store_id, product_ids[], customers: [{ phone, token }], delivery_center }
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

class FlowError extends Error {
  constructor(key, detail) {
    super(key);
    this.key = key;
    this.detail = detail;
  }
}

/// Latency of each request by step name (ms), for load.mjs's per-step figures.
export const stepTimes = new Map();

async function call(pool, step, method, path, headers, body, expect) {
  const t = performance.now();
  const res = await pool.request({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  if (!stepTimes.has(step)) stepTimes.set(step, []);
  stepTimes.get(step).push(performance.now() - t);
  if (!expect.includes(res.statusCode)) throw new FlowError(`${step} ${res.statusCode}`, `${method} ${path}: ${text}`);
  return text;
}

/// Three different random indexes in [0, n).
function threeOf(n) {
  const a = Math.floor(Math.random() * n);
  let b = Math.floor(Math.random() * (n - 1));
  if (b >= a) b++;
  let c;
  do c = Math.floor(Math.random() * n);
  while (c === a || c === b);
  return [a, b, c];
}

function medusa(seed) {
  const h = { 'content-type': 'application/json', 'x-publishable-api-key': seed.publishable_key };
  return {
    // Guest checkout (Medusa's default storefront flow): a virtual user is just an e-mail address.
    users: (n) => Array.from({ length: Math.min(n, 100000) }, (_, i) => ({ email: `vu${i}@bench.okada.cm` })),
    async flow(pool, u) {
      const cart = JSON.parse(
        await call(pool, 'cart', 'POST', '/store/carts', h, {
          region_id: seed.region_id,
          sales_channel_id: seed.sales_channel_id,
          email: u.email,
          shipping_address: {
            first_name: 'Bench', last_name: 'Client', address_1: 'Rue Joss, Akwa', city: 'Douala',
            country_code: 'cm', postal_code: '00237', phone: '+237670000000',
          },
        }, [200]),
      ).cart;
      for (const i of threeOf(seed.variant_ids.length))
        await call(pool, 'line-item', 'POST', `/store/carts/${cart.id}/line-items`, h,
          { variant_id: seed.variant_ids[i], quantity: 1 }, [200]);
      await call(pool, 'shipping-method', 'POST', `/store/carts/${cart.id}/shipping-methods`, h,
        { option_id: seed.shipping_option_id }, [200]);
      const pc = JSON.parse(
        await call(pool, 'payment-collection', 'POST', '/store/payment-collections', h, { cart_id: cart.id }, [200]),
      ).payment_collection;
      await call(pool, 'payment-session', 'POST', `/store/payment-collections/${pc.id}/payment-sessions`, h,
        { provider_id: 'pp_system_default' }, [200]);
      const done = JSON.parse(await call(pool, 'complete', 'POST', `/store/carts/${cart.id}/complete`, h, undefined, [200]));
      if (done.type !== 'order') throw new FlowError('complete not-order', JSON.stringify(done).slice(0, 400));
    },
  };
}

function okada(seed) {
  const [lat0, lon0] = seed.delivery_center;
  return {
    // One customer account per virtual user (a cart belongs to its user).
    users: (n) => seed.customers.slice(0, n),
    async flow(pool, u) {
      const h = { 'content-type': 'application/json', authorization: `Bearer ${u.token}` };
      if (u.dirty) {
        // The previous flow of this user failed half-way: empty its cart first (not a step of the normal flow).
        await call(pool, 'cart-clear', 'DELETE', `/v1/carts/${seed.store_id}`, h, undefined, [200, 204, 404]);
        u.dirty = false;
      }
      u.dirty = true;
      for (const i of threeOf(seed.product_ids.length))
        await call(pool, 'cart-line', 'PUT', `/v1/carts/${seed.store_id}/lines/${seed.product_ids[i]}`, h, { qty: 1 },
          [200, 201]);
      // A delivery point within ~1.5 km of the store (Akwa, Douala).
      const lat = lat0 + (Math.random() - 0.5) * 0.02;
      const lon = lon0 + (Math.random() - 0.5) * 0.02;
      const text = await call(pool, 'checkout', 'POST', '/v1/checkout', { ...h, 'idempotency-key': randomUUID() }, {
        store_id: seed.store_id,
        payment_method: 'cash',
        delivery: { location: { lat: +lat.toFixed(6), lon: +lon.toFixed(6) }, landmark: 'near the pharmacy' },
      }, [201]);
      const order = JSON.parse(text);
      if (!order.id) throw new FlowError('checkout no-id', text.slice(0, 400));
      u.dirty = false;
    },
  };
}

export function makeSystem(seed) {
  if (seed.system === 'medusa') return medusa(seed);
  if (seed.system === 'okada') return okada(seed);
  throw new Error(`unknown system ${seed.system}`);
}
