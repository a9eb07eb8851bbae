'use client';
// The frame of every signed-in page: skip link, store picker, navigation, language, sign-out. Sends a signed-out
// visitor to the sign-in page and tells a non-merchant account that this is not their place.
import type { MessageKey } from '@okada/i18n';
import { useI18n } from '@okada/i18n';
import { Alert, Button, Spinner } from '@okada/ui';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect } from 'react';

import { api } from '../lib/api';
import { useErrorText } from '../lib/errors';
import { isMerchantRole, useCurrentStore, useMerchant, useSession } from '../lib/session';
import { LangSwitch } from './LangSwitch';

const NAV: { href: string; key: MessageKey; ownerOnly?: boolean }[] = [
  { href: '/dashboard/', key: 'nav.dashboard' },
  { href: '/orders/', key: 'nav.orders' },
  { href: '/products/', key: 'nav.products' },
  { href: '/inventory/', key: 'nav.inventory' },
  { href: '/analytics/', key: 'nav.analytics' },
  { href: '/staff/', key: 'nav.staff', ownerOnly: true },
  { href: '/settings/', key: 'nav.settings', ownerOnly: true },
];

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const router = useRouter();
  const pathname = usePathname();
  const { status, account } = useSession();
  const merchant = useMerchant();
  const { store, stores, choose, loading } = useCurrentStore();

  useEffect(() => {
    if (status === 'signed-out') router.replace('/');
  }, [status, router]);

  if (status !== 'signed-in') {
    return (
      <main className="center">
        <Spinner label={t('common.loading')} />
      </main>
    );
  }
  const owner = account?.role === 'merchant_owner';
  let body: ReactNode = children;
  if (!isMerchantRole(account?.role)) body = <Alert>{t('signin.notMerchant')}</Alert>;
  else if (merchant.error) body = <Alert>{errorText(merchant.error)}</Alert>;
  else if (loading) body = <Spinner label={t('common.loading')} />;
  else if (!store) body = <Alert tone="info">{t('shell.noStore')}</Alert>;

  return (
    <div className="shell">
      <a href="#main" className="ok-skip">
        {t('shell.skip')}
      </a>
      <header className="topbar">
        <span className="brand">Okada</span>
        <span className="merchant-name">{merchant.data?.business_name}</span>
        {stores.length > 1 ? (
          <label className="store-pick">
            <span>{t('shell.store')}</span>
            <select value={store?.id ?? ''} onChange={(e) => choose(e.target.value)}>
              {stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          store && store.name !== merchant.data?.business_name ? <span className="store-name">{store.name}</span> : null
        )}
        {store?.paused ? <span className="paused-flag">{t('shell.paused')}</span> : null}
        <span className="spacer" />
        <LangSwitch />
        <Button variant="secondary" onClick={() => void api().signOut().finally(() => router.replace('/'))}>
          {t('shell.signOut')}
        </Button>
      </header>
      <nav aria-label={t('shell.nav')} className="sidenav">
        <ul>
          {NAV.filter((n) => owner || !n.ownerOnly).map((n) => (
            <li key={n.href}>
              <Link href={n.href} prefetch={false} aria-current={pathname === n.href || pathname === n.href.slice(0, -1) ? 'page' : undefined}>
                {t(n.key)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {body}
      </main>
    </div>
  );
}
