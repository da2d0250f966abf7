import type { Locale } from '../locale.js';
import type { Copy } from './types.js';

/**
 * A translation of the copy: any part of `Copy`, the rest taken from Vietnamese (copyFor merges it
 * over vi). Functions, arrays and strings are leaves, replaced whole; objects merge key by key.
 */
export type CopyTranslation = { locale: Locale } & DeepPartial<Omit<Copy, 'locale'>>;

export type DeepPartial<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly unknown[]
    ? T
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

/**
 * Who checked a language's copy. `machine-drafted`: written without a native speaker's review; the
 * texts may be used (they are better than Vietnamese to a reader who does not read it) but are
 * listed as awaiting review, and `reviewed` names the reviewer and the date.
 */
export type CopyReview =
  | { status: 'machine-drafted'; reviewer: null; note: string }
  | { status: 'reviewed'; reviewer: string; reviewedOn: string; note?: string };
