// The language as UI state (Jotai), remembered on this device; French unless the user switched.
import { atom, useAtom } from 'jotai';
import { useCallback, useEffect, useMemo } from 'react';

import {
  formatDateTime,
  formatDay,
  formatShortDay,
  formatMinutes,
  formatNumber,
  formatTime,
  formatXaf,
  isLang,
  type Lang,
} from './format';
import { type MessageKey, translate, type Vars } from './translate';

const STORAGE_KEY = 'okada.lang';

/** The language this device chose before, if any. */
export function savedLang(): Lang | null {
  if (typeof localStorage === 'undefined') return null;
  const saved = localStorage.getItem(STORAGE_KEY);
  return isLang(saved) ? saved : null;
}

const baseLangAtom = atom<Lang | null>(null);

/**
 * The UI language; writing it also remembers it and updates <html lang>. It reads French until the app restores
 * the saved choice after the first render (`useRestoredLang`): pages are prerendered in French, and the first
 * client render must match them.
 */
export const langAtom = atom(
  (get) => get(baseLangAtom) ?? 'fr',
  (_get, set, next: Lang) => {
    set(baseLangAtom, next);
    if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, next);
    if (typeof document !== 'undefined') document.documentElement.lang = next;
  },
);

/** Switches to the language saved on this device, once mounted (call it once, near the root). */
export function useRestoredLang(): void {
  const [, setLang] = useAtom(langAtom);
  useEffect(() => {
    const saved = savedLang();
    if (saved) setLang(saved);
  }, [setLang]);
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  xaf: (amount: number) => string;
  number: (value: number, fractionDigits?: number) => string;
  dateTime: (iso: string | Date) => string;
  time: (iso: string | Date) => string;
  day: (iso: string | Date) => string;
  shortDay: (iso: string | Date) => string;
  minutes: (m: number) => string;
}

export function useI18n(): I18n {
  const [lang, setLang] = useAtom(langAtom);
  const t = useCallback((key: MessageKey, vars?: Vars) => translate(lang, key, vars), [lang]);
  return useMemo(
    () => ({
      lang,
      setLang,
      t,
      xaf: (a: number) => formatXaf(a, lang),
      number: (v: number, d?: number) => formatNumber(v, lang, d),
      dateTime: (iso: string | Date) => formatDateTime(iso, lang),
      time: (iso: string | Date) => formatTime(iso, lang),
      day: (iso: string | Date) => formatDay(iso, lang),
      shortDay: (iso: string | Date) => formatShortDay(iso, lang),
      minutes: (m: number) => formatMinutes(m, lang),
    }),
    [lang, setLang, t],
  );
}
