#!/usr/bin/env node
// Open-loop load of bench/payments/run.sh (Node built-ins only). For `--seconds`:
//   - other endpoints at `--rate` requests/s, latency measured from each request's planned start (no coordinated
//     omission): the public listing (the seed's list_path) and a customer's cart, alternately;
//   - at `--pay-rate` flows/s, a customer puts one product in a cart, checks out with MoMo and asks to pay
//     (POST /v1/payments with `--msisdn`, whose behaviour the sandbox was programmed with).
// Prints one JSON line: {other:{count,errors,p50_ms,p99_ms,max_ms}, pay:{count,errors,p50_ms,p99_ms,max_ms,statuses}}.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    seed: { type: 'string' }, rate: { type: 'string', default: '200' }, 'pay-rate': { type: 'string', default: '5' },
    seconds: { type: 'string', default: '30' }, msisdn: { type: 'string', default: '237670000001' },
  },
});
const seed = JSON.parse(readFileSync(o.seed, 'utf8'));
const base = new URL(seed.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(method, path, headers, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const h = { ...headers };
    if (data) { h['content-type'] = 'application/json'; h['content-length'] = Buffer.byteLength(data); }
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    if (data) req.write(data);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function stats(lat) {
  lat.sort((a, b) => a - b);
  const at = (p) => (lat.length ? +lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2) : null);
  return { count: lat.length, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: lat.length ? +lat[lat.length - 1].toFixed(2) : null };
}

const seconds = Number(o.seconds), rate = Number(o.rate), payRate = Number(o['pay-rate']);
const other = [], pay = [];
let otherErrors = 0, payErrors = 0;
const statuses = {};
const pending = [];
const t0 = performance.now();
let n = 0, k = 0;

async function otherOne(i, planned) {
  const c = seed.customers[i % seed.customers.length];
  const r = i % 2 === 0
    ? await request('GET', seed.list_path, {})
    : await request('GET', `/v1/carts/${seed.store_id}`, { authorization: `Bearer ${c.token}` });
  if (r.status !== 200) otherErrors++;
  other.push(performance.now() - planned);
}

async function payOne(i, planned) {
  const c = seed.customers[seed.customers.length - 1 - (i % seed.customers.length)];
  const h = { authorization: `Bearer ${c.token}` };
  const product = seed.product_ids[i % seed.product_ids.length];
  await request('PUT', `/v1/carts/${seed.store_id}/lines/${product}`, h, { qty: 1 });
  const [lat0, lon0] = seed.delivery_center;
  const out = await request('POST', '/v1/checkout', { ...h, 'idempotency-key': randomUUID() }, {
    store_id: seed.store_id, payment_method: 'momo',
    delivery: { location: { lat: +(lat0 + 0.004).toFixed(6), lon: +(lon0 + 0.004).toFixed(6) } },
  });
  if (out.status !== 201) { payErrors++; return; }
  const order = JSON.parse(out.body).id;
  const start = performance.now();
  const r = await request('POST', '/v1/payments', h, { order_id: order, msisdn: o.msisdn });
  pay.push(performance.now() - start);
  let st = String(r.status);
  try { st += ':' + (JSON.parse(r.body).status || JSON.parse(r.body).code); } catch { /* not JSON */ }
  statuses[st] = (statuses[st] || 0) + 1;
  if (r.status !== 202 && r.status !== 200) payErrors++;
}

while (true) {
  const now = performance.now() - t0;
  if (now >= seconds * 1000) break;
  const nextOther = (n / rate) * 1000, nextPay = payRate > 0 ? (k / payRate) * 1000 : Infinity;
  const next = Math.min(nextOther, nextPay);
  if (next > now) { await sleep(Math.min(5, next - now)); continue; }
  if (nextOther <= nextPay) { pending.push(otherOne(n, t0 + nextOther)); n++; } else { pending.push(payOne(k, t0 + nextPay)); k++; }
}
await Promise.all(pending);
console.log(JSON.stringify({ other: { ...stats(other), errors: otherErrors }, pay: { ...stats(pay), errors: payErrors, statuses } }));
agent.destroy();
