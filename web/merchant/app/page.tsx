'use client';
// Sign-in: phone number and password, or a code sent by SMS. The refresh token lands in an HttpOnly cookie
// (the API client asks for `client: web`); only merchant owners and staff go on to the shop.
import { useI18n } from '@okada/i18n';
import { Alert, Button, TextField } from '@okada/ui';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';

import { LangSwitch } from '../components/LangSwitch';
import { api } from '../lib/api';
import { useErrorText } from '../lib/errors';
import { isMerchantRole, useSession } from '../lib/session';

type Mode = 'password' | 'code';

export default function SignInPage() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const router = useRouter();
  const { status, account } = useSession();
  const [mode, setMode] = useState<Mode>('password');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codeSent, setCodeSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);

  useEffect(() => {
    if (status === 'signed-in' && isMerchantRole(account?.role)) router.replace('/orders/');
  }, [status, account, router]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  function afterSignIn(role: string) {
    if (!isMerchantRole(role)) {
      void api().signOut();
      setError(t('signin.notMerchant'));
      return;
    }
    router.replace('/orders/');
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (mode === 'password') {
      void run(async () => afterSignIn((await api().signIn(phone, password)).account.role));
    } else if (!codeSent) {
      void run(async () => {
        await api().sendSignInCode(phone);
        setCodeSent(true);
        setInfo(t('signin.codeSent'));
      });
    } else {
      void run(async () => afterSignIn((await api().signInWithCode(phone, code)).account.role));
    }
  }

  return (
    <main className="signin">
      <div className="signin-top">
        <LangSwitch />
      </div>
      <h1>{t('signin.title')}</h1>
      <p>{t('signin.lead')}</p>
      <div role="group" aria-label={t('signin.method')} className="segmented">
        <button type="button" aria-pressed={mode === 'password'} className="ok-btn ok-btn-secondary" onClick={() => setMode('password')}>
          {t('signin.withPassword')}
        </button>
        <button
          type="button"
          aria-pressed={mode === 'code'}
          className="ok-btn ok-btn-secondary"
          onClick={() => {
            setMode('code');
            setCodeSent(false);
          }}
        >
          {t('signin.withCode')}
        </button>
      </div>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('signin.phone')}
          hint={t('signin.phoneHint')}
          type="tel"
          name="phone"
          autoComplete="tel"
          inputMode="tel"
          required
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        {mode === 'password' ? (
          <TextField
            label={t('signin.password')}
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        ) : codeSent ? (
          <TextField
            label={t('signin.code')}
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        ) : null}
        {info && mode === 'code' ? <Alert tone="info">{info}</Alert> : null}
        {error ? <Alert>{error}</Alert> : null}
        <Button type="submit" busy={busy}>
          {mode === 'code' && !codeSent ? t('signin.sendCode') : t('signin.submit')}
        </Button>
      </form>
    </main>
  );
}
