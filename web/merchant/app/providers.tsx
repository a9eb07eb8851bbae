'use client';
import { langAtom, useRestoredLang } from '@okada/i18n';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Provider as JotaiProvider, useAtomValue } from 'jotai';
import { type ReactNode, useEffect, useState } from 'react';

import { SessionProvider } from '../lib/session';
import { appStore } from '../lib/store';

function HtmlLang() {
  useRestoredLang();
  const lang = useAtomValue(langAtom);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return null;
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Shop networks drop: retry reads a little, never writes (they carry their own idempotency).
          queries: { retry: 2, staleTime: 15_000, refetchOnWindowFocus: true },
          mutations: { retry: 0 },
        },
      }),
  );
  return (
    <JotaiProvider store={appStore}>
      <QueryClientProvider client={client}>
        <HtmlLang />
        <SessionProvider>{children}</SessionProvider>
      </QueryClientProvider>
    </JotaiProvider>
  );
}
