import { describe, expect, it } from 'vitest';

import { createApi } from './client';
import { ApiError, NETWORK_ERROR } from './problem';
import type { ChannelLike, LockManagerLike } from './session';

const account = { id: 'a1', role: 'merchant_owner', status: 'active', phone_verified: true, lang: 'fr' } as const;

function tokens(access: string, expiresIn = 600) {
  return { access_token: access, token_type: 'Bearer', expires_in: expiresIn, session_id: 's1', account };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

/** A fake server: the refresh endpoint hands out t1, t2, …; other routes accept only the newest token. */
function server() {
  const state = { refreshes: 0, current: 't0', seen: [] as Request[] };
  const fetch = async (req: Request): Promise<Response> => {
    state.seen.push(req);
    const path = new URL(req.url).pathname;
    if (path === '/v1/auth/refresh') {
      if (req.headers.get('X-Okada-Client') !== 'web') return json(400, { title: 'bad', status: 400, code: 'BAD_REQUEST' });
      state.refreshes += 1;
      state.current = `t${state.refreshes}`;
      return json(200, tokens(state.current));
    }
    if (path === '/v1/auth/signin') return json(200, tokens(state.current));
    if (req.headers.get('Authorization') !== `Bearer ${state.current}`)
      return json(401, { title: 'Jeton expiré', status: 401, code: 'UNAUTHORIZED', request_id: 'r' });
    return json(200, { id: 'a1', role: 'merchant_owner' });
  };
  return { state, fetch };
}

/** One lock manager and broadcast bus shared by several "tabs", like navigator.locks and BroadcastChannel. */
function browser() {
  let chain = Promise.resolve() as Promise<unknown>;
  const locks: LockManagerLike = {
    request<T>(_name: string, cb: () => Promise<T>): Promise<T> {
      const run = chain.then(cb, cb);
      chain = run.catch(() => undefined);
      return run;
    },
  };
  const members = new Set<ChannelLike>();
  const channel = (): ChannelLike => {
    const c: ChannelLike = {
      onmessage: null,
      postMessage(message: unknown) {
        for (const m of members) if (m !== c) m.onmessage?.({ data: message } as MessageEvent);
      },
      close() {
        members.delete(c);
      },
    };
    members.add(c);
    return c;
  };
  return { locks, channel };
}

describe('session refresh', () => {
  it('refreshes a refused token once and retries the request with the new one', async () => {
    const srv = server();
    const api = createApi({ baseUrl: 'http://okada.test', lang: () => 'fr', fetch: srv.fetch });
    await api.signIn('+237690000002', 'pw');
    srv.state.current = 'rotated-elsewhere'; // the server no longer takes t0
    // The client must refresh (getting t1) and retry.
    const me = await api.call(api.client.GET('/v1/auth/me', {}));
    expect(me).toMatchObject({ id: 'a1' });
    expect(srv.state.refreshes).toBe(1);
    const last = srv.state.seen.at(-1)!;
    expect(last.headers.get('Authorization')).toBe('Bearer t1');
    expect(last.headers.get('Accept-Language')).toBe('fr');
  });

  it('shares one refresh between concurrent requests of a tab', async () => {
    const srv = server();
    const api = createApi({ baseUrl: 'http://okada.test', lang: () => 'en', fetch: srv.fetch });
    await api.signIn('+237690000002', 'pw');
    srv.state.current = 'gone';
    await Promise.all([1, 2, 3, 4].map(() => api.call(api.client.GET('/v1/auth/me', {}))));
    expect(srv.state.refreshes).toBe(1);
  });

  it('never lets two tabs spend the refresh token at once: the second uses the first one\'s token', async () => {
    const srv = server();
    const b = browser();
    const tabA = createApi({ baseUrl: 'http://okada.test', lang: () => 'fr', fetch: srv.fetch, ...b });
    const tabB = createApi({ baseUrl: 'http://okada.test', lang: () => 'fr', fetch: srv.fetch, ...b });
    await tabA.signIn('+237690000002', 'pw'); // broadcast: tab B has t0 too
    expect(tabB.session.accessToken).toBe('t0');
    srv.state.current = 'expired';
    await Promise.all([tabA.call(tabA.client.GET('/v1/auth/me', {})), tabB.call(tabB.client.GET('/v1/auth/me', {}))]);
    expect(srv.state.refreshes).toBe(1);
    expect(tabA.session.accessToken).toBe('t1');
    expect(tabB.session.accessToken).toBe('t1');
  });

  it('refreshes ahead of expiry', async () => {
    const srv = server();
    let now = 1_000_000;
    const api = createApi({ baseUrl: 'http://okada.test', lang: () => 'fr', fetch: srv.fetch, now: () => now });
    await api.signIn('+237690000002', 'pw');
    now += 590_000; // 10 s before the 600 s token expires: inside the 30 s margin
    srv.state.current = 't1'; // what the refresh will hand out
    await api.call(api.client.GET('/v1/auth/me', {}));
    expect(srv.state.refreshes).toBe(1);
    expect(srv.state.seen.filter((r) => new URL(r.url).pathname === '/v1/auth/me')).toHaveLength(1);
  });

  it('signs out every tab when the refresh token is refused', async () => {
    const b = browser();
    const fetch = async (req: Request) =>
      new URL(req.url).pathname === '/v1/auth/signin'
        ? json(200, tokens('t0'))
        : json(401, { title: 'Session expirée', status: 401, code: 'INVALID_REFRESH_TOKEN', request_id: 'r' });
    const tabA = createApi({ baseUrl: 'http://okada.test', lang: () => 'fr', fetch, ...b });
    const tabB = createApi({ baseUrl: 'http://okada.test', lang: () => 'fr', fetch, ...b });
    const events: string[] = [];
    tabB.session.subscribe((e) => events.push(e.type));
    await tabA.signIn('+237690000002', 'pw');
    await expect(tabA.call(tabA.client.GET('/v1/auth/me', {}))).rejects.toMatchObject({ status: 401 });
    expect(tabA.session.accessToken).toBeNull();
    expect(tabB.session.accessToken).toBeNull();
    expect(events).toEqual(['signed-in', 'signed-out']);
  });

  it('resumes a session from the cookie, and says so when there is none', async () => {
    const srv = server();
    const api = createApi({ baseUrl: 'http://okada.test', lang: () => 'fr', fetch: srv.fetch });
    expect(await api.resume()).toBe(true);
    expect(api.session.account?.role).toBe('merchant_owner');
    const none = createApi({
      baseUrl: 'http://okada.test',
      lang: () => 'fr',
      fetch: async () => json(401, { title: 'x', status: 401, code: 'INVALID_REFRESH_TOKEN', request_id: 'r' }),
    });
    expect(await none.resume()).toBe(false);
  });
});

describe('errors', () => {
  it('turns a problem+json answer into an ApiError carrying the translated title', async () => {
    const api = createApi({
      baseUrl: 'http://okada.test',
      lang: () => 'fr',
      fetch: async () =>
        json(422, {
          type: 'https://okada.cm/problems/VALIDATION_FAILED',
          title: 'Données invalides',
          status: 422,
          code: 'VALIDATION_FAILED',
          request_id: 'r1',
          errors: [{ field: 'phone', code: 'INVALID_FORMAT' }],
        }),
    });
    const e = await api.signIn('123', 'pw').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).title).toBe('Données invalides');
    expect((e as ApiError).code).toBe('VALIDATION_FAILED');
    expect((e as ApiError).fieldErrors).toEqual([{ field: 'phone', code: 'INVALID_FORMAT' }]);
  });

  it('reports a network failure as NETWORK_ERROR without a title (the UI words it)', async () => {
    const api = createApi({
      baseUrl: 'http://okada.test',
      lang: () => 'fr',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const e = (await api.signIn('+237690000002', 'pw').catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe(NETWORK_ERROR);
    expect(e.title).toBeNull();
  });

  it('does not mistake a non-problem error body for a problem', async () => {
    const api = createApi({
      baseUrl: 'http://okada.test',
      lang: () => 'fr',
      fetch: async () => new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
    });
    const e = (await api.signIn('+237690000002', 'pw').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.title).toBeNull();
  });

  it('builds the live socket address from the page origin', () => {
    const api = createApi({ baseUrl: 'https://okada.cm', lang: () => 'fr' });
    expect(api.socketUrl('/v1/ws?ticket=abc')).toBe('wss://okada.cm/v1/ws?ticket=abc');
  });
});
