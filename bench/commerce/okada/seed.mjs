#!/usr/bin/env node
// Seeds a fresh Okada through its public API with the same catalogue as the Medusa peer and writes the seed
// file of the load client (../load.mjs):
//   an admin (sign-up, then `okada accounts set-role --role admin`), a merchant (applied by a customer,
//   approved by the admin) with one store in Akwa, Douala (4.0511, 9.7679; open all week, 5 km radius),
//   N products (default 1,000) listed in that store with a price in XAF and stock (CSV import; per-product
//   creation + listing when the import route is absent), and C customer accounts (default 200), one per
//   virtual user of the load client.
//
//   node seed.mjs --base http://127.0.0.1:18291 --bin build/release/apps/okada/okada --out FILE
//                 [--products 1000] [--customers 200] [--stock 1000000]
// `okada accounts set-role` runs with this process's environment: start it with the server's OKADA_* variables.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    base: { type: 'string' }, bin: { type: 'string' }, out: { type: 'string' },
    products: { type: 'string', default: '1000' }, customers: { type: 'string', default: '200' },
    stock: { type: 'string', default: '1000000' },
  },
});
const log = (m) => process.stderr.write(`okada seed: ${m}\n`);
const STORE = { lat: 4.0511, lon: 9.7679 };
const PASSWORD = 'bench passphrase 2026';

async function api(method, path, { token, body, type = 'application/json', expect } = {}) {
  const res = await fetch(o.base + path, {
    method,
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  if (expect ? !expect.includes(res.status) : !res.ok) {
    const e = new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 600)}`);
    e.status = res.status;
    throw e;
  }
  return text ? JSON.parse(text) : {};
}
const signup = (phone) => api('POST', '/v1/auth/signup', { body: { phone, password: PASSWORD, lang: 'fr' } });
const signin = async (phone) => (await api('POST', '/v1/auth/signin', { body: { phone, password: PASSWORD } })).access_token;

// --- admin ---
const adminPhone = '+237690000000';
await signup(adminPhone);
execFileSync(o.bin, ['accounts', 'set-role', '--phone', adminPhone, '--role', 'admin'], { stdio: ['ignore', 'ignore', 'inherit'] });
const admin = await signin(adminPhone);

// --- merchant and store ---
const ownerPhone = '+237690000001';
const ownerFirst = (await signup(ownerPhone)).access_token;
const merchant = await api('POST', '/v1/merchants', {
  token: ownerFirst, body: { business_name: 'Marché Bench Akwa', category: 'grocery', contact_phone: ownerPhone },
});
await api('POST', `/v1/admin/merchants/${merchant.id}/approve`, { token: admin });
const owner = await signin(ownerPhone); // a new token carries the merchant_owner role
const allDay = [{ open: '00:00', close: '24:00' }];
const store = await api('POST', `/v1/merchants/${merchant.id}/stores`, {
  token: owner,
  body: {
    name: 'Bench Akwa', location: STORE, address: 'Rue Joss, Akwa, Douala', opening_hours: Array(7).fill(allDay),
    delivery_radius_m: 5000,
  },
});
log(`merchant ${merchant.id}, store ${store.id}`);

// --- products ---
const n = Number(o.products);
const row = (j) => ({
  sku: `BENCH-${String(j).padStart(5, '0')}`, name_fr: `Produit ${j}`, name_en: `Product ${j}`,
  description_fr: `Article de test ${j}`, description_en: `Bench item ${j}`, category: 'groceries', unit: 'piece',
  price_xaf: 100 + (j % 50) * 100, store_id: store.id, on_hand: Number(o.stock), available: 'true',
});
const cols = ['sku', 'name_fr', 'name_en', 'description_fr', 'description_en', 'category', 'unit', 'price_xaf',
  'store_id', 'on_hand', 'available'];
const csvCell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
const t0 = Date.now();
let imported = false;
try {
  const csv = [cols.join(','), ...Array.from({ length: n }, (_, j) => cols.map((c) => csvCell(row(j)[c])).join(','))].join('\n') + '\n';
  const report = await api('POST', `/v1/merchants/${merchant.id}/products/import`, { token: owner, body: csv, type: 'text/csv' });
  if (report.failed) throw new Error(`CSV import: ${report.failed} rows failed: ${JSON.stringify(report.errors.slice(0, 5))}`);
  imported = true;
} catch (e) {
  if (e.status !== 404 && e.status !== 405) throw e;
  log(`no CSV import (${e.status}); creating products one by one`);
}
if (!imported) {
  for (let j = 0; j < n; j++) {
    const r = row(j);
    const p = await api('POST', `/v1/merchants/${merchant.id}/products`, {
      token: owner,
      body: { sku: r.sku, name_fr: r.name_fr, name_en: r.name_en, description_fr: r.description_fr,
        description_en: r.description_en, category: r.category, unit: r.unit },
    });
    await api('PUT', `/v1/stores/${store.id}/listings/${p.id}`, {
      token: owner, body: { price_xaf: r.price_xaf, available: true, on_hand: r.on_hand },
    });
  }
}
// The ids, as a customer sees them: page through the store's public listing.
const productIds = [];
for (let cursor = null; ;) {
  const page = await api('GET', `/v1/products?store=${store.id}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  productIds.push(...page.items.map((p) => p.product_id));
  cursor = page.next_cursor;
  if (!cursor) break;
}
if (productIds.length !== n) throw new Error(`expected ${n} listed products in store ${store.id}, found ${productIds.length}`);
log(`${n} products listed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// --- customers: one account per virtual user (8 sign-ups at a time: each one is a production Argon2id hash) ---
const c = Number(o.customers);
const customers = new Array(c);
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < c) {
    const i = next++;
    const phone = `+23767${String(1000000 + i).padStart(7, '0')}`;
    customers[i] = { phone, token: (await signup(phone)).access_token };
  }
}));
log(`${c} customers signed up`);

writeFileSync(o.out, JSON.stringify({
  system: 'okada', base: o.base, list_path: `/v1/products?store=${store.id}&limit=20`, list_headers: {},
  merchant_id: merchant.id, store_id: store.id, delivery_center: [STORE.lat, STORE.lon], product_ids: productIds,
  customers,
}, null, 1));
log(`wrote ${o.out}`);
