#!/usr/bin/env node
// The load client of bench/live/run.sh (issue 6: "2,000 riders sending a position every 5 s while 2,000 customers
// watch their orders → p99 position-to-customer latency").
//
// Set-up, all through the public API of a fresh Okada (fast password hashing: this measures live tracking, not
// sign-in): an admin, a merchant with one store in Akwa, one product; N riders (signed up, made riders by the
// admin, on shift, positioned around the store); N customers, each with one cash order the merchant accepts; the
// dispatcher offers each order to a rider, who accepts it (polling GET /v1/rider/offers). Then each customer opens
// a WebSocket (one-time ticket) and subscribes to her order's channel.
// Measure: for --seconds, every rider POSTs one position every --every-ms (starts spread evenly), carrying its send
// time (at_ms, this process's clock); each customer socket receives `rider.position` and the latency is receive
// time − at_ms (same clock). Open loop: a rider's next position is due on schedule whatever the last one did.
// Prints one JSON line: {riders, customers, sent, received, lost, errors, p50_ms, p90_ms, p99_ms, max_ms}.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values: o } = parseArgs({
  options: {
    base: { type: 'string' }, admin: { type: 'string' }, n: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '60' }, 'every-ms': { type: 'string', default: '5000' },
    settle: { type: 'string', default: '20' },
  },
});
const N = Number(o.n);
const base = new URL(o.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const log = (m) => process.stderr.write(`live load: ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const STORE = { lat: 4.0511, lon: 9.7679 };
const PASSWORD = 'bench passphrase 2026';

function request(method, path, { token, body } = {}) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const h = {};
    if (token) h.authorization = `Bearer ${token}`;
    if (data) { h['content-type'] = 'application/json'; h['content-length'] = Buffer.byteLength(data); }
    if (method === 'POST' && path === '/v1/checkout') h['idempotency-key'] = `bench-${Math.random()}`;
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json = {};
        try { json = text ? JSON.parse(text) : {}; } catch { json = { raw: text }; }
        resolve({ status: res.statusCode, json });
      });
    });
    req.on('error', (e) => resolve({ status: 0, json: { error: String(e) } }));
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    if (data) req.write(data);
    req.end();
  });
}
async function api(method, path, opts = {}, ok = [200, 201, 202, 204]) {
  const r = await request(method, path, opts);
  if (!ok.includes(r.status)) throw new Error(`${method} ${path} → ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
  return r.json;
}
async function pool(count, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) { const i = next++; await fn(i); }
  }));
}
const phone = (digit, i) => `+2376${digit}${String(i).padStart(7, '0')}`;  // +2376 then 8 digits
const signup = async (p) => (await api('POST', '/v1/auth/signup', { body: { phone: p, password: PASSWORD, lang: 'fr' } }));
const signin = async (p) => (await api('POST', '/v1/auth/signin', { body: { phone: p, password: PASSWORD } })).access_token;

// --- set-up ---
const t0 = Date.now();
const admin = o.admin;
const ownerPhone = '+237690000001';
const ownerFirst = (await signup(ownerPhone)).access_token;
const merchant = await api('POST', '/v1/merchants', {
  token: ownerFirst, body: { business_name: 'Marché Bench Live', category: 'grocery', contact_phone: ownerPhone } });
await api('POST', `/v1/admin/merchants/${merchant.id}/approve`, { token: admin });
const owner = await signin(ownerPhone);
const allDay = [{ open: '00:00', close: '24:00' }];
const store = await api('POST', `/v1/merchants/${merchant.id}/stores`, { token: owner, body: {
  name: 'Bench Live Akwa', location: STORE, address: 'Rue Joss, Akwa, Douala', opening_hours: Array(7).fill(allDay),
  delivery_radius_m: 5000 } });
const product = await api('POST', `/v1/merchants/${merchant.id}/products`, { token: owner, body: {
  sku: 'LIVE-1', name_fr: 'Pain', name_en: 'Bread', description_fr: 'Baguette', description_en: 'Baguette',
  category: 'groceries', unit: 'piece' } });
await api('PUT', `/v1/stores/${store.id}/listings/${product.id}`, { token: owner,
  body: { price_xaf: 250, available: true, on_hand: 1000000 } });
log(`store ${store.id}`);

const riders = new Array(N);
await pool(N, 16, async (i) => {
  const p = phone('7', i);
  const acc = (await signup(p)).account;
  await api('PUT', `/v1/admin/accounts/${acc.id}/role`, { token: admin, body: { role: 'rider' } });
  const token = await signin(p);
  await api('PUT', '/v1/rider/shift', { token, body: { online: true } });
  // Around the store, within about a kilometre.
  const lat = STORE.lat + ((i % 40) - 20) * 0.0005, lon = STORE.lon + (Math.floor(i / 40) % 40 - 20) * 0.0005;
  await api('POST', '/v1/rider/locations', { token, body: { points: [{ lat, lon, accuracy_m: 10, at_ms: Date.now() }] } });
  riders[i] = { id: acc.id, token, lat, lon };
});
log(`${N} riders on shift (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

const customers = new Array(N);
await pool(N, 16, async (i) => {
  const token = (await signup(phone('8', i))).access_token;
  await api('PUT', `/v1/carts/${store.id}/lines/${product.id}`, { token, body: { qty: 1 } });
  const order = await api('POST', '/v1/checkout', { token, body: { store_id: store.id, payment_method: 'cash',
    delivery: { location: { lat: STORE.lat + 0.01, lon: STORE.lon + 0.005 }, landmark: 'bench' } } });
  await api('POST', `/v1/orders/${order.id}/status`, { token: owner, body: { status: 'accepted' } });
  customers[i] = { token, order: order.id };
});
log(`${N} orders accepted (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

// Riders take the offers they get until every order has a rider.
let assigned = 0;
const riderOfOrder = new Map();
const deadline = Date.now() + 600000;
while (assigned < N && Date.now() < deadline) {
  let progress = 0;
  await pool(N, 32, async (i) => {
    const r = riders[i];
    if (r.order) return;
    const offers = await api('GET', '/v1/rider/offers', { token: r.token });
    for (const off of offers.items || []) {
      const res = await request('POST', `/v1/rider/offers/${off.id}/accept`, { token: r.token });
      if (res.status === 200) { r.order = off.order_id; riderOfOrder.set(off.order_id, r); assigned++; progress++; break; }
    }
  });
  if (!progress) await sleep(500);
}
if (assigned < N) throw new Error(`only ${assigned} of ${N} orders got a rider`);
log(`${N} deliveries assigned (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

// --- customers watch their orders ---
let measuring = false;
const latencies = [];
let received = 0, errors = 0;
const sockets = [];
await pool(N, 32, async (i) => {
  const c = customers[i];
  const t = await api('POST', '/v1/live/tickets', { token: c.token });
  await new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base.host}${t.url}`);
    ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', channel: `order:${c.order}` })));
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'subscribed') { resolve(); return; }
      if (m.type === 'error') { reject(new Error(JSON.stringify(m))); return; }
      if (m.type === 'event' && m.data.type === 'rider.position' && measuring) {
        received++;
        latencies.push(Date.now() - m.data.at_ms);
      }
    });
    ws.on('error', (e) => { errors++; reject(e); });
    sockets.push(ws);
  });
});
log(`${N} customer sockets subscribed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

// Let the set-up's aftermath (notifications of 2N orders, event relays) settle before measuring.
await sleep(Number(o.settle) * 1000);

// --- measure ---
log(`measuring for ${o.seconds} s`);
let sent = 0;
const every = Number(o['every-ms']);
const end = Date.now() + Number(o.seconds) * 1000;
measuring = true;
await Promise.all(riders.map(async (r, i) => {
  let due = Date.now() + (every * i) / N;
  while (due < end) {
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const at = Date.now();
    r.lat += 0.00001;
    sent++;
    request('POST', '/v1/rider/locations', { token: r.token, body: { points: [{ lat: r.lat, lon: r.lon, accuracy_m: 8, speed_kmh: 20, at_ms: at }] } })
      .then((res) => { if (res.status !== 202) errors++; });
    due += every;
  }
}));
await sleep(2000);  // the last messages in flight
measuring = false;
for (const ws of sockets) ws.terminate();
latencies.sort((a, b) => a - b);
const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : null);
process.stdout.write(JSON.stringify({ riders: N, customers: N, sent, received, lost: sent - received, errors,
  p50_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: latencies.length ? latencies[latencies.length - 1] : null }) + '\n');
process.exit(0);
