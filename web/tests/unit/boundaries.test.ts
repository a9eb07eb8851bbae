// "No API call outside web/packages/api-client": the front ends never call fetch, XMLHttpRequest, WebSocket or
// EventSource themselves, and never build an /v1 address by hand.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

const WEB = join(import.meta.dirname, '..', '..');
const APPS = ['merchant'];
const FORBIDDEN = [/\bfetch\s*\(/, /XMLHttpRequest/, /new\s+WebSocket\b/, /new\s+EventSource\b/, /['"`]\/v1\//, /axios/];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (['node_modules', '.next', 'out'].includes(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** What the check flags in one source text (typed paths handed to the generated client are fine). */
export function offences(text: string): string[] {
  const stripped = text.replace(/client\.(GET|POST|PUT|PATCH|DELETE)\(\s*'\/v1\/[^']*'/g, '');
  return FORBIDDEN.filter((re) => re.test(stripped)).map(String);
}

describe('API boundary', () => {
  it('flags direct calls and hand-built addresses, not calls through the client', () => {
    expect(offences("await fetch('/v1/orders')")).not.toEqual([]);
    expect(offences('const ws = new WebSocket(url)')).not.toEqual([]);
    expect(offences('const u = `/v1/stores/${id}`')).not.toEqual([]);
    expect(offences("api().client.GET('/v1/orders', {})")).toEqual([]);
  });

  it('finds the app sources it checks', () => {
    expect(sources(join(WEB, 'merchant')).length).toBeGreaterThan(10);
  });

  for (const app of APPS) {
    it(`${app} calls the API only through @okada/api-client`, () => {
      const found: string[] = [];
      for (const file of sources(join(WEB, app)))
        for (const o of offences(readFileSync(file, 'utf8'))) found.push(`${relative(WEB, file)}: ${o}`);
      expect(found).toEqual([]);
    });
  }
});
