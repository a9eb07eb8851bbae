// The live socket (GET /v1/ws): a one-time ticket over HTTPS (browsers cannot set headers on a WebSocket), then
// `subscribe` to channels such as `store:<id>`. On a drop it reconnects with a growing, jittered delay and
// resubscribes from the last event id it saw on each channel, so nothing published meanwhile is missed (the
// server replays from the channel's capped stream).
import type { Api } from './client';

export type LiveState = 'connecting' | 'open' | 'closed';

export interface LiveEvent {
  channel: string;
  id: string;
  data: unknown;
}

export interface LiveOptions {
  channels: string[];
  onEvent: (event: LiveEvent) => void;
  onState?: (state: LiveState) => void;
  /** Problems the server reports on a channel (e.g. CHANNEL_FORBIDDEN). */
  onError?: (channel: string | null, code: string, title: string) => void;
  WebSocket?: typeof WebSocket;
  /** Reconnect delays: min and max in ms. */
  backoff?: [number, number];
}

export interface LiveConnection {
  close(): void;
}

type Frame =
  | { type: 'event'; channel: string; id: string; data: unknown }
  | { type: 'error'; channel?: string; code: string; title: string }
  | { type: 'subscribed' | 'ping' | 'pong'; channel?: string };

export function openLive(api: Api, options: LiveOptions): LiveConnection {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const [minDelay, maxDelay] = options.backoff ?? [1000, 30_000];
  const lastIds = new Map<string, string>();
  let socket: WebSocket | null = null;
  let closed = false;
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const state = (s: LiveState) => options.onState?.(s);

  const schedule = () => {
    if (closed) return;
    state('connecting');
    const ceiling = Math.min(maxDelay, minDelay * 2 ** attempts);
    attempts += 1;
    timer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  };

  async function connect() {
    timer = null;
    if (closed) return;
    state('connecting');
    let url: string;
    try {
      const ticket = await api.call(api.client.POST('/v1/live/tickets', {}));
      url = (ticket as { url: string }).url;
    } catch {
      schedule();
      return;
    }
    if (closed) return;
    const ws = new Socket(api.socketUrl(url));
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      state('open');
      for (const channel of options.channels) {
        const after = lastIds.get(channel);
        ws.send(JSON.stringify(after ? { op: 'subscribe', channel, after } : { op: 'subscribe', channel }));
      }
    };
    ws.onmessage = (message) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(message.data)) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'event') {
        lastIds.set(frame.channel, frame.id);
        options.onEvent({ channel: frame.channel, id: frame.id, data: frame.data });
      } else if (frame.type === 'error') {
        options.onError?.(frame.channel ?? null, frame.code, frame.title);
      }
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      if (!closed) schedule();
    };
  }

  void connect();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
      socket = null;
      state('closed');
    },
  };
}
