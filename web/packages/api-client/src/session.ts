// The browser session: the access token lives in memory only (never in storage a script could read later);
// the refresh token lives in the `okada_rt` HttpOnly cookie that only POST /v1/auth/refresh receives.
//
// Refreshing spends the refresh token (rotation), so two tabs must never refresh at once: a refresh runs under
// the Web Locks API lock `okada-auth-refresh`, and its result is broadcast to the other tabs. A tab that waited
// for the lock first looks whether a token newer than the one it found stale arrived meanwhile, and uses that
// instead of refreshing again. Within one tab, concurrent callers share a single refresh.
import { ApiError, errorFromBody, networkError } from './problem';
import type { components } from './schema.gen';

export type Account = components['schemas']['Account'];
export type TokenResponse = components['schemas']['TokenResponse'];

export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

export interface SessionOptions {
  /** Origin and prefix of the API, '' for the same origin. */
  baseUrl: string;
  /** Current UI language, sent as Accept-Language so problem titles come translated. */
  lang: () => string;
  fetch?: (request: Request) => Promise<Response>;
  /** navigator.locks in a browser; without it (old browsers, tests) only the in-tab single flight applies. */
  locks?: LockManagerLike | null;
  /** new BroadcastChannel(name) in a browser. */
  channel?: (name: string) => ChannelLike | null;
  now?: () => number;
  /** Refresh this long before the access token expires. */
  refreshMarginMs?: number;
}

export type SessionEvent = { type: 'signed-in'; account: Account } | { type: 'signed-out' };

type Broadcast =
  | { type: 'tokens'; access_token: string; expires_at: number; account: Account }
  | { type: 'signed-out' };

export const REFRESH_LOCK = 'okada-auth-refresh';
export const AUTH_CHANNEL = 'okada-auth';

export class Session {
  private access: string | null = null;
  private expiresAt = 0;
  private accountValue: Account | null = null;
  private inFlight: Promise<string | null> | null = null;
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private readonly channel: ChannelLike | null;
  private readonly fetchFn: (request: Request) => Promise<Response>;
  private readonly now: () => number;
  private readonly margin: number;

  constructor(private readonly options: SessionOptions) {
    this.fetchFn = options.fetch ?? ((r) => fetch(r));
    this.now = options.now ?? (() => Date.now());
    this.margin = options.refreshMarginMs ?? 30_000;
    this.channel = options.channel?.(AUTH_CHANNEL) ?? null;
    if (this.channel) this.channel.onmessage = (e) => this.onBroadcast(e.data as Broadcast);
  }

  get account(): Account | null {
    return this.accountValue;
  }

  get accessToken(): string | null {
    return this.access;
  }

  subscribe(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps the tokens of a sign-in answer (the refresh token went to the cookie). */
  accept(tokens: TokenResponse): void {
    this.store(tokens.access_token, this.now() + tokens.expires_in * 1000, tokens.account);
    this.post({ type: 'tokens', access_token: this.access!, expires_at: this.expiresAt, account: tokens.account });
  }

  /** Forgets the tokens here and in the other tabs (after sign-out, or when the refresh token is refused). */
  forget(): void {
    const had = this.access !== null || this.accountValue !== null;
    this.access = null;
    this.expiresAt = 0;
    this.accountValue = null;
    this.post({ type: 'signed-out' });
    if (had) this.emit({ type: 'signed-out' });
  }

  /** A token good for a request now: the current one, or a refreshed one when it is about to expire. */
  async token(): Promise<string | null> {
    if (this.access && this.now() < this.expiresAt - this.margin) return this.access;
    return this.refresh(this.access);
  }

  /**
   * A new access token, replacing `stale` (the token a request found refused or expiring; null when there was
   * none, e.g. a new tab resuming the session from the cookie). Null when the session is over.
   */
  refresh(stale: string | null): Promise<string | null> {
    if (this.access && this.access !== stale) return Promise.resolve(this.access);
    if (!this.inFlight) {
      const run = () => this.refreshHoldingLock(stale);
      const locked = this.options.locks ? this.options.locks.request(REFRESH_LOCK, run) : run();
      this.inFlight = locked.finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  close(): void {
    this.channel?.close();
  }

  private async refreshHoldingLock(stale: string | null): Promise<string | null> {
    // Another tab may have refreshed while this one waited for the lock: its token arrived by broadcast.
    if (this.access && this.access !== stale && this.now() < this.expiresAt - this.margin) return this.access;
    const request = new Request(`${this.options.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'X-Okada-Client': 'web',
        'Accept-Language': this.options.lang(),
      },
      body: '{}',
    });
    let response: Response;
    try {
      response = await this.fetchFn(request);
    } catch (e) {
      throw networkError(e); // keep the session: the network may come back
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) {
      this.accept(body as TokenResponse);
      return this.access;
    }
    if (response.status === 401 || response.status === 403) {
      this.forget();
      return null;
    }
    throw errorFromBody(response.status, body);
  }

  private store(access: string, expiresAt: number, account: Account): void {
    const wasSignedIn = this.accountValue !== null;
    this.access = access;
    this.expiresAt = expiresAt;
    this.accountValue = account;
    if (!wasSignedIn) this.emit({ type: 'signed-in', account });
  }

  private onBroadcast(message: Broadcast): void {
    if (message.type === 'tokens') {
      if (message.expires_at >= this.expiresAt) this.store(message.access_token, message.expires_at, message.account);
    } else if (message.type === 'signed-out') {
      const had = this.accountValue !== null;
      this.access = null;
      this.expiresAt = 0;
      this.accountValue = null;
      if (had) this.emit({ type: 'signed-out' });
    }
  }

  private post(message: Broadcast): void {
    this.channel?.postMessage(message);
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) l(e);
  }
}

export { ApiError };
