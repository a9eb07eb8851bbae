// Numbers, money and dates for Cameroon: amounts are whole francs CFA (XAF has no minor unit), times are shown
// in Douala's time zone (WAT, UTC+1, no daylight saving) whatever the device's zone.
export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];
export const TIME_ZONE = 'Africa/Douala';

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-CM' : 'en-CM');

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f as T;
}

/** The calendar day in Douala (UTC+1, no daylight saving) of an instant, as YYYY-MM-DD. */
export function doualaDay(at: string | Date = new Date()): string {
  return new Date(new Date(at).getTime() + 3600_000).toISOString().slice(0, 10);
}

/** "1 500 FCFA" in French, "FCFA 1,500" in English. */
export function formatXaf(amount: number, lang: Lang): string {
  return cached(`xaf:${lang}`, () =>
    new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'XAF', maximumFractionDigits: 0 }),
  ).format(Math.round(amount));
}

export function formatNumber(value: number, lang: Lang, fractionDigits = 0): string {
  return cached(`n:${lang}:${fractionDigits}`, () =>
    new Intl.NumberFormat(locale(lang), { maximumFractionDigits: fractionDigits }),
  ).format(value);
}

export function formatDateTime(iso: string | Date, lang: Lang): string {
  return cached(`dt:${lang}`, () =>
    new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }),
  ).format(new Date(iso));
}

export function formatTime(iso: string | Date, lang: Lang): string {
  return cached(`t:${lang}`, () =>
    new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE }),
  ).format(new Date(iso));
}

export function formatDay(iso: string | Date, lang: Lang): string {
  return cached(`d:${lang}`, () =>
    new Intl.DateTimeFormat(locale(lang), { weekday: 'short', day: 'numeric', month: 'short', timeZone: TIME_ZONE }),
  ).format(new Date(iso));
}

/** "18/11": a day in a chart's axis. */
export function formatShortDay(iso: string | Date, lang: Lang): string {
  return cached(`sd:${lang}`, () =>
    new Intl.DateTimeFormat(locale(lang), { day: '2-digit', month: '2-digit', timeZone: TIME_ZONE }),
  ).format(new Date(iso));
}

/** Minutes as "12 min" / "1 h 05". */
export function formatMinutes(minutes: number, lang: Lang): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = String(m % 60).padStart(2, '0');
  return lang === 'fr' ? `${h} h ${rest}` : `${h} h ${rest}`;
}

export function isLang(value: unknown): value is Lang {
  return value === 'fr' || value === 'en';
}
