// The one place the web front ends talk to the API: a typed openapi-fetch client over a fetch that adds the
// access token and the UI language, refreshes a refused token once (under the session's cross-tab lock) and
// retries. Pages call `api.call(api.client.GET('/v1/…', …))`, which returns the data or throws an ApiError.
import createClient from 'openapi-fetch';

import { ApiError, errorFromBody, networkError } from './problem';
import type { paths } from './schema.gen';
import { type ChannelLike, type LockManagerLike, Session, type TokenResponse } from './session';

export type OkadaClient = ReturnType<typeof createClient<paths>>;

export interface ApiOptions {
  /** Origin and prefix of the API; '' (the default) for the page's own origin. */
  baseUrl?: string;
  lang: () => string;
  fetch?: (request: Request) => Promise<Response>;
  locks?: LockManagerLike | null;
  channel?: (name: string) => ChannelLike | null;
  now?: () => number;
  /** Label of this device in the account's session list, e.g. "Okada Marchand (web)". */
  device?: string;
}

/** Routes that take no access token (sign-in and friends): a 401 there is an answer, not an expired token. */
const PUBLIC_PATHS = new Set([
  '/v1/auth/signin',
  '/v1/auth/signin/otp',
  '/v1/auth/otp',
  '/v1/auth/signup',
  '/v1/auth/refresh',
  '/v1/auth/password/reset',
]);

type Result<T> = { data?: T; error?: unknown; response: Response };

export interface Api {
  client: OkadaClient;
  session: Session;
  /** The data of a successful answer; throws ApiError (problem+json, network failure) otherwise. */
  call<T>(pending: Promise<Result<T>>): Promise<T>;
  signIn(phone: string, password: string): Promise<TokenResponse>;
  sendSignInCode(phone: string): Promise<void>;
  signInWithCode(phone: string, code: string): Promise<TokenResponse>;
  signOut(): Promise<void>;
  /** Restores the session of this browser from the refresh cookie (a reload, a new tab): false when none. */
  resume(): Promise<boolean>;
  /** Absolute ws:// or wss:// address of a path of this API (the live socket). */
  socketUrl(path: string): string;
  baseUrl: string;
}

export function createApi(options: ApiOptions): Api {
  const baseUrl = options.baseUrl ?? '';
  const baseFetch = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const session = new Session({
    baseUrl,
    lang: options.lang,
    fetch: baseFetch,
    locks: options.locks,
    channel: options.channel,
    now: options.now,
  });

  const send = (request: Request, token: string | null) => {
    request.headers.set('Accept-Language', options.lang());
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return baseFetch(request);
  };

  const authFetch = async (request: Request): Promise<Response> => {
    const path = new URL(request.url, 'http://x').pathname;
    if (PUBLIC_PATHS.has(path)) return send(request, null);
    const retry = request.clone();
    const token = await session.token();
    const response = await send(request, token);
    if (response.status !== 401 || !token) return response;
    const fresh = await session.refresh(token);
    return fresh ? send(retry, fresh) : response;
  };

  const client = createClient<paths>({ baseUrl, fetch: authFetch, credentials: 'same-origin' });

  async function call<T>(pending: Promise<Result<T>>): Promise<T> {
    let result: Result<T>;
    try {
      result = await pending;
    } catch (e) {
      throw e instanceof ApiError ? e : networkError(e);
    }
    if (!result.response.ok) throw errorFromBody(result.response.status, result.error);
    return result.data as T;
  }

  return {
    client,
    session,
    call,
    baseUrl,
    async signIn(phone, password) {
      const tokens = await call(client.POST('/v1/auth/signin', { body: { phone, password, client: 'web', device: options.device } }));
      session.accept(tokens);
      return tokens;
    },
    async sendSignInCode(phone) {
      await call(client.POST('/v1/auth/otp', { body: { phone, purpose: 'signin' } }));
    },
    async signInWithCode(phone, code) {
      const tokens = await call(client.POST('/v1/auth/signin/otp', { body: { phone, code, client: 'web', device: options.device } }));
      session.accept(tokens);
      return tokens;
    },
    async signOut() {
      try {
        if (session.accessToken) await call(client.POST('/v1/auth/signout', {}));
      } finally {
        session.forget();
      }
    },
    async resume() {
      if (session.accessToken) return true;
      return (await session.refresh(null)) !== null;
    },
    socketUrl(path) {
      const base = baseUrl || (typeof location !== 'undefined' ? location.origin : 'http://localhost');
      const url = new URL(path, base);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      return url.toString();
    },
  };
}
