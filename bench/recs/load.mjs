#!/usr/bin/env node
// Open-loop load of bench/recs/run.sh (Node built-ins only): requests at a fixed arrival rate for `--seconds`,
// each one's latency measured from its PLANNED start (time queued anywhere counts: no coordinated omission).
// The dispatcher spins (yielding with setImmediate) rather than sleeping when the next request is under 2 ms
// away, so its own lag stays well under the figures it measures; that lag is reported too.
//   --mix home           every request GET /v1/brain/recs/home?limit=10 as a seeded customer (round robin)
//   --mix all            60% home, 20% similar/{product}, 20% bought-together (two products)
// Prints one JSON line: {count, errors, p50_ms, p90_ms, p99_ms, max_ms, achieved_rps, dispatch_lag_p99_ms,
// variants: {champion: n, …}}.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    seed: { type: 'string' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '20' },
    mix: { type: 'string', default: 'home' }, warmup: { type: 'string', default: '3' },
  },
});
const seed = JSON.parse(readFileSync(o.seed, 'utf8'));
const base = new URL(seed.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(method, path, token, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const h = { authorization: `Bearer ${token}` };
    if (data) { h['content-type'] = 'application/json'; h['content-length'] = Buffer.byteLength(data); }
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    if (data) req.write(data);
    req.end();
  });
}

function one(i) {
  const c = seed.customers[i % seed.customers.length];
  const p = seed.product_ids;
  const pick = o.mix === 'all' ? i % 10 : 0;
  if (pick < 6) return request('GET', '/v1/brain/recs/home?limit=10', c.token);
  if (pick < 8) return request('GET', `/v1/brain/recs/similar/${p[i % p.length]}?limit=10`, c.token);
  return request('POST', '/v1/brain/recs/bought-together?limit=10', c.token,
    { product_ids: [p[i % p.length], p[(i * 7 + 3) % p.length]] });
}

const pct = (s, q) => (s.length ? +s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(3) : null);
const yieldNow = () => new Promise((r) => setImmediate(r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(seconds, rate, record) {
  const lat = [], lag = [];
  let errors = 0, n = 0;
  const variants = {};
  const pending = [];
  const t0 = performance.now();
  while (true) {
    const now = performance.now() - t0;
    if (now >= seconds * 1000) break;
    const due = (n / rate) * 1000;
    if (due > now) {
      if (due - now > 2) await sleep(due - now - 1.5); else await yieldNow();
      continue;
    }
    const planned = t0 + due;
    const i = n++;
    lag.push(performance.now() - planned);
    pending.push(one(i).then((r) => {
      const ms = performance.now() - planned;
      if (!record) return;
      lat.push(ms);
      if (r.status !== 200) { errors++; return; }
      try { const v = JSON.parse(r.body).model.variant; variants[v] = (variants[v] || 0) + 1; } catch { errors++; }
    }));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  lag.sort((a, b) => a - b);
  return { count: lat.length, errors, p50_ms: pct(lat, 0.5), p90_ms: pct(lat, 0.9), p99_ms: pct(lat, 0.99),
    max_ms: lat.length ? +lat[lat.length - 1].toFixed(3) : null, achieved_rps: +(n / elapsed).toFixed(1),
    dispatch_lag_p99_ms: pct(lag, 0.99), variants };
}

if (Number(o.warmup) > 0) await run(Number(o.warmup), Number(o.rate), false);
console.log(JSON.stringify({ mix: o.mix, rate: Number(o.rate), seconds: Number(o.seconds),
  ...(await run(Number(o.seconds), Number(o.rate), true)) }));
agent.destroy();
