'use client';
// Who is signed in, restored from the refresh cookie on load, and the merchant and store they work for.
import type { Account, components } from '@okada/api-client';
import { useQuery } from '@tanstack/react-query';
import { atom, useAtom } from 'jotai';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

import { api } from './api';

export type Merchant = components['schemas']['Merchant'];
export type Store = components['schemas']['Store'];

type Status = 'loading' | 'signed-in' | 'signed-out';
const SessionContext = createContext<{ status: Status; account: Account | null }>({ status: 'loading', account: null });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ status: Status; account: Account | null }>({ status: 'loading', account: null });
  useEffect(() => {
    const session = api().session;
    const off = session.subscribe((e) =>
      setState(e.type === 'signed-in' ? { status: 'signed-in', account: e.account } : { status: 'signed-out', account: null }),
    );
    api()
      .resume()
      .then((ok) => setState(ok ? { status: 'signed-in', account: session.account } : { status: 'signed-out', account: null }))
      .catch(() => setState({ status: 'signed-out', account: null }));
    return () => {
      off();
    };
  }, []);
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSession() {
  return useContext(SessionContext);
}

export const MERCHANT_ROLES = ['merchant_owner', 'merchant_staff'] as const;

export function isMerchantRole(role: string | undefined): boolean {
  return role === 'merchant_owner' || role === 'merchant_staff';
}

export function useMerchant() {
  const { status, account } = useSession();
  return useQuery({
    queryKey: ['merchant', account?.id],
    enabled: status === 'signed-in' && isMerchantRole(account?.role),
    queryFn: () => api().call(api().client.GET('/v1/users/me/merchant', {})),
    staleTime: 5 * 60_000,
  });
}

export function useStores(merchantId: string | undefined) {
  return useQuery({
    queryKey: ['stores', merchantId],
    enabled: !!merchantId,
    queryFn: () =>
      api().call(api().client.GET('/v1/merchants/{id}/stores', { params: { path: { id: merchantId! }, query: { limit: 100 } } })),
    staleTime: 60_000,
  });
}

const STORE_KEY = 'okada.store';
const chosenStoreAtom = atom<string | null>(typeof localStorage !== 'undefined' ? localStorage.getItem(STORE_KEY) : null);

/** The store the user works on (remembered on this device; the first one by default). */
export function useCurrentStore(): { store: Store | null; stores: Store[]; choose: (id: string) => void; loading: boolean } {
  const merchant = useMerchant();
  const stores = useStores(merchant.data?.id);
  const [chosen, setChosen] = useAtom(chosenStoreAtom);
  const list = (stores.data?.items ?? []) as Store[];
  const store = list.find((s) => s.id === chosen) ?? list[0] ?? null;
  return {
    store,
    stores: list,
    loading: merchant.isLoading || stores.isLoading,
    choose: (id) => {
      setChosen(id);
      localStorage.setItem(STORE_KEY, id);
    },
  };
}

export function useIsOwner(): boolean {
  return useSession().account?.role === 'merchant_owner';
}
