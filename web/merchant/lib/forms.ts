// Helpers shared by the forms: field errors of a 422 shown next to their input, in the user's language.
import { ApiError, type FieldError } from '@okada/api-client';
import type { MessageKey } from '@okada/i18n';

export const FIELD_CODES = [
  'REQUIRED',
  'INVALID_TYPE',
  'INVALID_FORMAT',
  'TOO_SHORT',
  'TOO_LONG',
  'OUT_OF_RANGE',
  'NOT_ALLOWED',
  'TOO_WEAK',
  'INVALID',
  'TOO_MANY',
  'REFUSED',
] as const;

/** The message key for a field error code, or an import row's (REFUSED: the database refused the row); unknown
 * codes read as "invalid". */
export function fieldMessage(code: string): MessageKey {
  return (FIELD_CODES as readonly string[]).includes(code) ? (`field.${code}` as MessageKey) : 'field.INVALID';
}

/** field name → error code, from an ApiError's field errors ("image_urls[1]" counts for "image_urls"). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const e of error.fieldErrors as FieldError[]) {
    const name = e.field.replace(/\[\d+\].*$/, '').replace(/\..*$/, '');
    out[name] ??= e.code;
  }
  return out;
}

/** One https URL per line (blank lines ignored). */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** A whole number from a form input, or null when empty; NaN when not a whole number (the server refuses it). */
export function intOrNull(text: string): number | null {
  const s = text.trim();
  if (!s) return null;
  return /^-?\d+$/.test(s) ? Number(s) : Number.NaN;
}
