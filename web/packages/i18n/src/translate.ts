// Message look-up with {placeholders}. French is the source catalogue (its keys are the type); the English
// catalogue must have every key (the compiler refuses a missing one) and a test refuses empty or untranslated
// text and placeholders that differ between the two.
import { en } from './messages/en';
import { fr } from './messages/fr';
import type { Lang } from './format';

export type MessageKey = keyof typeof fr;
export type Vars = Record<string, string | number>;

export const catalogues: Record<Lang, Record<MessageKey, string>> = { fr, en };

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = catalogues[lang][key] ?? catalogues.fr[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}
