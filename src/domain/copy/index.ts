import { DEFAULT_LOCALE, type Locale } from '../locale.js';
import { en, review as enReview } from './en.js';
import { km, review as kmReview } from './km.js';
import type { CopyReview, CopyTranslation } from './translation.js';
import type { Copy } from './types.js';
import { vi } from './vi.js';

/**
 * The copy per language: Vietnamese is complete (`vi.ts`); English (`en.ts`) and Khmer (`km.ts`)
 * translate the fixed texts and take everything else from Vietnamese. Whoever knows the reader's
 * language (a conversation's locale) asks `copyFor(locale)`; nothing that a locale should decide
 * imports `vi` directly.
 */

export type { Copy } from './types.js';
export type { CopyReview, CopyTranslation } from './translation.js';
export { vi };

const TRANSLATIONS: Readonly<Record<Exclude<Locale, 'vi'>, CopyTranslation>> = { en, km };

/**
 * Who checked each language's copy. Vietnamese is the source text the team writes and reads; English
 * and Khmer are machine-drafted until a native speaker signs them off (set `reviewed` in their file).
 */
export const COPY_REVIEWS: Readonly<Record<Locale, CopyReview>> = {
  vi: { status: 'reviewed', reviewer: 'project team (Vietnamese source text)', reviewedOn: '2026-12-07' },
  en: enReview,
  km: kmReview,
};

/** Whether a language's copy is still awaiting a native speaker's review. */
export function awaitingReview(locale: Locale): boolean {
  return COPY_REVIEWS[locale].status !== 'reviewed';
}

const cache = new Map<Locale, Copy>();

/** The copy for a language: a translation deep-merged over Vietnamese (built once per language). */
export function copyFor(locale: Locale = DEFAULT_LOCALE): Copy {
  if (locale === 'vi') return vi;
  let copy = cache.get(locale);
  if (!copy) {
    const translation = TRANSLATIONS[locale];
    if (!translation) return vi;
    copy = mergeOver(vi, translation) as Copy;
    cache.set(locale, copy);
  }
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `over` merged onto `base`: plain objects key by key; strings, functions and arrays replaced whole.
 * A key `over` leaves out (or sets to undefined) keeps `base`'s value.
 */
export function mergeOver(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeOver(base[key], value);
  return out;
}
