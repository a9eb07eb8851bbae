#!/usr/bin/env node
// The one load client of bench/commerce/run.sh, used unchanged for Okada and for Medusa 2.21: the system-specific
// part is only the request sequence of a flow (systems.mjs) and the seed file written by each system's seeder.
//
//   node load.mjs list     --seed FILE [--connections 64] [--seconds 20]
//        closed-loop requests/s of the product listing (first page, 20 products), autocannon.
//   node load.mjs checkout --seed FILE [--concurrency 32] [--seconds 20] [--users N]
//        closed loop: CONCURRENCY flows in flight, each slot starting its next full checkout flow (cart, add 3
//        items, checkout) when the previous one ends; flows/s and flow latency.
//   node load.mjs open     --seed FILE --rate 200 [--seconds 20] [--users N]
//        OPEN loop: flow i is due at t0 + i/RATE whatever happened to the earlier ones; its latency runs from
//        that planned start to the end of its last response, so time spent queued (in the server, in the
//        connection pool, or waiting in this client for a free user) is counted: no coordinated omission.
// Users are the seeded customers (Okada: one account each, 200 by default; Medusa: guest e-mail addresses). A
// user runs one flow at a time (a cart belongs to its user) and users take turns in FIFO order, so a flow
// whose turn comes while all users are busy waits for one, and in the open loop that wait is in its latency.
//
// Why our own open-loop generator rather than artillery: artillery's arrival phases are open-loop for starting
// scenarios, but it reports latency per request from when the request was actually sent, not per flow from
// its planned start, so a server that stalls still looks fast. Here the whole flow is one measurement from its
// scheduled time. autocannon is closed-loop (like wrk) and only used for the listing's requests/s.
//
// Prints one JSON object on stdout (figures in ms and per second); progress and error samples on stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { makeSystem, stepTimes } from './systems.mjs';

const { positionals, values: opt } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string' },
    connections: { type: 'string', default: '64' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '200' },
    users: { type: 'string' },
    tool: { type: 'string', default: 'autocannon' }, // list: autocannon | wrk
    warmup: { type: 'string', default: '2' }, // list: seconds; checkout/open: rounds of 4 flows
    'timeout-ms': { type: 'string', default: '60000' },
  },
});
const mode = positionals[0];
if (!['list', 'checkout', 'open'].includes(mode) || !opt.seed) {
  process.stderr.write('usage: load.mjs list|checkout|open --seed FILE [options] (see the header of load.mjs)\n');
  process.exit(2);
}
const seed = JSON.parse(readFileSync(opt.seed, 'utf8'));
const seconds = Number(opt.seconds);
const log = (...a) => process.stderr.write(`load[${seed.system} ${mode}]: ${a.join(' ')}\n`);

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return +sorted[Math.max(0, i)].toFixed(2);
}
function summary(lat) {
  const s = Float64Array.from(lat).sort();
  return { p50_ms: pct(s, 50), p90_ms: pct(s, 90), p99_ms: pct(s, 99), max_ms: s.length ? +s[s.length - 1].toFixed(2) : null };
}

// --tool wrk: the same measurement with wrk (C, one thread; on this process's core), for when autocannon itself
// becomes the limit on a fast server. Same URL, headers and connections.
async function listWrk(url) {
  const { execFileSync } = await import('node:child_process');
  const headers = Object.entries(seed.list_headers || {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const wrk = (d) => execFileSync('wrk', ['-t1', `-c${opt.connections}`, `-d${d}s`, '--latency', '--timeout', '30s',
    ...headers, url], { encoding: 'utf8' });
  if (Number(opt.warmup) > 0) wrk(Number(opt.warmup));
  const out = wrk(seconds);
  const ms = (v) => (v ? +(parseFloat(v) * ({ us: 1e-3, ms: 1, s: 1e3 }[v.replace(/[0-9.]/g, '')] ?? 1)).toFixed(2) : null);
  const non2xx = Number((out.match(/Non-2xx or 3xx responses: (\d+)/) || [0, 0])[1]);
  const sock = out.match(/Socket errors: .*/);
  if (non2xx || sock) log(`non-2xx ${non2xx}; ${sock ? sock[0] : ''}`);
  return {
    system: seed.system, mode, tool: 'wrk', url, connections: Number(opt.connections), seconds,
    req_per_s: Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50_ms: ms((out.match(/\s50%\s+(\S+)/) || [])[1]), p99_ms: ms((out.match(/\s99%\s+(\S+)/) || [])[1]),
    non2xx, errors: sock ? sock[0] : 0,
  };
}

async function list() {
  const url = seed.base + seed.list_path;
  const run = (duration, connections) =>
    autocannon({ url, connections, duration, headers: seed.list_headers || {}, timeout: 30 });
  // Check one request by hand first: a listing that answers 4xx fast would give a meaningless figure.
  const probe = await fetch(url, { headers: seed.list_headers || {} });
  const text = await probe.text();
  if (probe.status !== 200) throw new Error(`GET ${url} answered ${probe.status}: ${text.slice(0, 300)}`);
  const count = seed.system === 'medusa' ? JSON.parse(text).products.length : (JSON.parse(text).items || []).length;
  log(`probe: 200, ${text.length} bytes, ${count} products`);
  if (opt.tool === 'wrk') return { ...(await listWrk(url, text, count)), bytes_per_response: text.length, products: count };
  if (Number(opt.warmup) > 0) await run(Number(opt.warmup), Number(opt.connections));
  const r = await run(seconds, Number(opt.connections));
  const out = {
    system: seed.system, mode, url, connections: Number(opt.connections), seconds,
    tool: 'autocannon', req_per_s: +(r.requests.total / r.duration).toFixed(1), p50_ms: r.latency.p50, p99_ms: r.latency.p99,
    non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, bytes_per_response: text.length, products: count,
  };
  if (r.non2xx || r.errors) log(`non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`);
  if (r.requests.total === 0) log('no request completed within the run: use fewer connections or more seconds');
  return out;
}

async function flows(open) {
  const sys = makeSystem(seed);
  const concurrency = Number(opt.concurrency);
  const rate = Number(opt.rate);
  const users = sys.users(Number(opt.users || 1e9));
  if (!open && users.length < concurrency) throw new Error(`only ${users.length} users seeded, ${concurrency} asked`);
  const pool = new Pool(seed.base, {
    connections: open ? Math.min(users.length, 512) : concurrency,
    keepAliveTimeout: 60_000,
    headersTimeout: Number(opt['timeout-ms']),
    bodyTimeout: Number(opt['timeout-ms']),
  });
  const errors = {};
  let samples = 0;
  const fail = (e) => {
    const key = e.key || e.code || e.message.slice(0, 80);
    errors[key] = (errors[key] || 0) + 1;
    if (samples++ < 5) log(`error: ${key}: ${(e.detail || e.message).slice(0, 400)}`);
  };
  const lat = [];
  let ok = 0;

  // Warm-up: a few flows (4 at a time) so that caches, JIT and connections are warm; not measured.
  const warm = users.slice(-4);
  for (let round = 0; round < Number(opt.warmup); round++) await Promise.all(warm.map((u) => sys.flow(pool, u).catch(fail)));
  for (const k of Object.keys(errors)) delete errors[k];
  samples = 0;
  stepTimes.clear();
  // Per request step (ms, from the moment the request was sent: the flow figures are the ones without
  // coordinated omission; these show where a flow's time goes).
  const steps = () => Object.fromEntries([...stepTimes].map(([k, v]) => [k, { n: v.length, ...summary(v) }]));

  // Users take turns (FIFO): a user runs one flow at a time, and with more users than concurrent flows each
  // account checks out only every users/concurrency flows (per-user limits see a customer's pace, not the bench's).
  const free = users.slice();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  if (!open) {
    // Closed loop: CONCURRENCY workers, each starts its next flow when the previous one ends, until the time is
    // up; flows still running then are finished and counted (the elapsed time includes them).
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const u = free.shift();
          const start = performance.now();
          try {
            await sys.flow(pool, u);
            lat.push(performance.now() - start);
            ok++;
          } catch (e) {
            fail(e);
          } finally {
            free.push(u);
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    await pool.close();
    return {
      system: seed.system, mode, concurrency, seconds: +elapsed.toFixed(2), flows_ok: ok,
      flows_per_s: +(ok / elapsed).toFixed(2), errors, ...summary(lat), steps: steps(),
    };
  }

  // Open loop. Flows due while no user is free wait in `waiting` (their clock is running).
  const waiting = [];
  // The first BENCH_OPEN_WARMUP_SECONDS (5) run at the same rate but are not measured: a fresh client process and
  // a server that has not seen these 200 users yet (new connections, cold caches) are not the steady state.
  const warmupMs = 1000 * Number(process.env.BENCH_OPEN_WARMUP_SECONDS ?? 5);
  const total = Math.round(rate * (seconds + warmupMs / 1000));
  let measuring = false;
  let started = 0;
  let maxLag = 0;
  const inflight = new Set();
  const timeline = process.env.BENCH_TIMELINE ? [] : null; // [second since start, latency] for diagnosis
  const runOne = async (planned) => {
    const u = free.length ? free.shift() : await new Promise((res) => waiting.push(res));
    try {
      await sys.flow(pool, u);
      if (planned - t0 < warmupMs) return;
      lat.push(performance.now() - planned);
      if (timeline) timeline.push([Math.floor((planned - t0 - warmupMs) / 1000), performance.now() - planned]);
      ok++;
    } catch (e) {
      fail(e);
      if (planned - t0 >= warmupMs) lat.push(performance.now() - planned); // a failed flow still counts
    } finally {
      const next = waiting.shift();
      if (next) next(u);
      else free.push(u);
    }
  };
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (started < total && t0 + (started * 1000) / rate <= now) {
        const planned = t0 + (started * 1000) / rate;
        if (!measuring && planned - t0 >= warmupMs) {
          measuring = true;
          stepTimes.clear(); // per-step figures from the measured part only
        }
        maxLag = Math.max(maxLag, now - planned);
        started++;
        const p = runOne(planned);
        inflight.add(p);
        p.finally(() => inflight.delete(p));
      }
      if (started < total) {
        const nextAt = t0 + (started * 1000) / rate;
        setTimeout(tick, Math.max(0, nextAt - performance.now()));
      } else resolve();
    };
    tick();
  });
  await Promise.all([...inflight]);
  if (timeline) {
    // BENCH_TIMELINE=1: per second of the run, flows, the slowest, and how many took over 50 ms (on stderr).
    const per = new Map();
    for (const [sec, ms] of timeline) {
      const e = per.get(sec) || { n: 0, max: 0, slow: 0 };
      e.n++; e.max = Math.max(e.max, ms); if (ms > 50) e.slow++;
      per.set(sec, e);
    }
    for (const [sec, e] of [...per.entries()].sort((a, b) => a[0] - b[0]))
      process.stderr.write(`timeline ${sec}s n=${e.n} max=${e.max.toFixed(1)}ms over50=${e.slow}\n`);
  }
  const elapsed = (performance.now() - t0 - warmupMs) / 1000;
  await pool.close();
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    system: seed.system, mode, offered_per_s: rate, seconds, warmup_seconds: warmupMs / 1000,
    flows_planned: Math.round(rate * seconds), flows_ok: ok, flows_failed: failed,
    completed_per_s: +(ok / Math.max(elapsed, seconds)).toFixed(2), drain_seconds: +Math.max(0, elapsed - seconds).toFixed(2),
    max_schedule_lag_ms: +maxLag.toFixed(2), users: users.length, errors, ...summary(lat), steps: steps(),
  };
}

const result = mode === 'list' ? await list() : await flows(mode === 'open');
process.stdout.write(JSON.stringify(result) + '\n');
