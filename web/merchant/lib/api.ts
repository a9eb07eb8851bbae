// The app's single API client (web/packages/api-client): every request of the merchant platform goes through it.
import { type Api, createApi } from '@okada/api-client';
import { langAtom } from '@okada/i18n';

import { appStore } from './store';

let instance: Api | null = null;

export function api(): Api {
  if (!instance) {
    instance = createApi({
      lang: () => appStore.get(langAtom),
      device: 'Okada Marchand (web)',
      locks: typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : null,
      channel: (name) => (typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(name) : null),
    });
  }
  return instance;
}
