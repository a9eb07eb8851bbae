// Shared helpers of the browser tests: Debian's chromium through playwright-core, the platform's API for the
// parts a customer plays, axe-core checks, screenshots and the script-size log.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE = process.env.OKADA_BASE_URL ?? 'http://127.0.0.1:8080';
export const ARTIFACTS = process.env.OKADA_WEB_ARTIFACTS ?? join(process.cwd(), 'test-results');
const CHROMIUM = process.env.OKADA_CHROMIUM ?? '/usr/bin/chromium';

/** phone → password, from the seeder's demo-logins.txt. */
export function logins() {
  const file = process.env.OKADA_LOGINS;
  if (!file) throw new Error('OKADA_LOGINS (the seeder\'s demo-logins.txt) is not set');
  const out = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/(\+237[0-9]{9}) \/ (\S+)\s*$/gm)) out[m[1]] = m[2];
  return out;
}

export const OWNER = '+237690000002'; // Marché Akwa
export const CUSTOMER = '+237690000004';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A JSON call to the platform, as a customer app or a script would make it. */
export async function call(method, path, { token, body, lang = 'fr', headers = {} } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      'Accept-Language': lang,
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

export async function signIn(phone) {
  const r = await call('POST', '/v1/auth/signin', { body: { phone, password: logins()[phone] } });
  if (r.status !== 200) throw new Error(`sign-in of ${phone}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.access_token;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core violations of the page as it is now (the report is kept as an artifact). */
export async function axeViolations(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  writeFileSync(join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(result, null, 2));
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Starts logging the scripts the page loads; returns a function that stops and sums their gzip sizes. */
export function scriptLog(page) {
  const seen = new Map();
  const onResponse = async (response) => {
    if (response.request().resourceType() !== 'script') return;
    try {
      const body = await response.body();
      const sizes = await response.request().sizes();
      seen.set(response.url(), { bytes: body.length, gzip: gzipSync(body).length, wire: sizes.responseBodySize });
    } catch {
      // a response without a body (redirect): nothing to count
    }
  };
  page.on('response', onResponse);
  return () => {
    page.off('response', onResponse);
    const files = [...seen.entries()].map(([url, s]) => ({ url: url.replace(BASE, ''), ...s }));
    const total = files.reduce((a, f) => a + f.gzip, 0);
    return { files, gzip_total: total, raw_total: files.reduce((a, f) => a + f.bytes, 0) };
  };
}

/** A digits-only reading of a formatted number ("1 234" → 1234). */
export function digits(text) {
  return Number(String(text).replace(/[^0-9-]/g, ''));
}

/** The newest sign-in code the SMS sandbox holds for `phone` (waits for it to arrive). */
export async function smsCode(phone, after = 0) {
  const key = readFileSync(process.env.OKADA_SMS_KEY_FILE, 'utf8').trim();
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${process.env.OKADA_SMS_URL}/v1/messages?to=${encodeURIComponent(phone)}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    const items = (await res.json()).items ?? [];
    if (items.length > after) {
      const m = /\b(\d{6})\b/.exec(items[items.length - 1].text);
      if (m) return m[1];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no SMS code for ${phone}`);
}

export async function smsCount(phone) {
  const key = readFileSync(process.env.OKADA_SMS_KEY_FILE, 'utf8').trim();
  const res = await fetch(`${process.env.OKADA_SMS_URL}/v1/messages?to=${encodeURIComponent(phone)}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  return ((await res.json()).items ?? []).length;
}
