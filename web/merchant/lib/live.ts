'use client';
import { type LiveEvent, type LiveState, openLive } from '@okada/api-client';
import { useEffect, useRef, useState } from 'react';

import { api } from './api';

/** Follows live channels while mounted; `onEvent` may change between renders. */
export function useLive(channels: string[], onEvent: (e: LiveEvent) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = channels.join(',');
  useEffect(() => {
    if (!key) return;
    const conn = openLive(api(), {
      channels: key.split(','),
      onEvent: (e) => handler.current(e),
      onState: setState,
    });
    return () => conn.close();
  }, [key]);
  return state;
}
