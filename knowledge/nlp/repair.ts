import { createRequire } from 'node:module';

/**
 * Typo and spelling repair against the catalog's own vocabulary (folded syllables and bigrams).
 * Only syllables unknown to the catalog are edited, and a repair that forms a known bigram with a
 * neighbour is preferred, so "khia sinh" becomes "khai sinh" while real words stay untouched.
 */

// Deep import: natural's index pulls in storage back-ends whose dotenv prints on import.
const require = createRequire(import.meta.url);
const { DamerauLevenshteinDistance } = require('natural/lib/natural/distance/levenshtein_distance.js') as {
  DamerauLevenshteinDistance: (a: string, b: string, options?: { restricted?: boolean }) => number;
};

export interface Vocabulary {
  hasWord(f: string): boolean;
  hasBigram(left: string, right: string): boolean;
  /** Document frequency in the catalog; 0 when unknown. */
  frequency(f: string): number;
  /** Known words within one edit (insert, delete, substitute, adjacent transposition). */
  neighbours(f: string): string[];
}

function deletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Symmetric-delete spelling index over the catalog vocabulary (fast one-edit lookups). */
export class CatalogVocabulary implements Vocabulary {
  private readonly byDelete = new Map<string, string[]>();

  constructor(
    private readonly words: Map<string, number>,
    private readonly bigrams: Set<string>,
  ) {
    for (const w of words.keys()) {
      if (w.length < 3 || /^\d+$/.test(w)) continue;
      for (const d of deletes(w)) {
        const list = this.byDelete.get(d) ?? [];
        list.push(w);
        this.byDelete.set(d, list);
      }
    }
  }

  hasWord(f: string): boolean {
    return this.words.has(f);
  }

  hasBigram(left: string, right: string): boolean {
    return this.bigrams.has(`${left} ${right}`);
  }

  frequency(f: string): number {
    return this.words.get(f) ?? 0;
  }

  neighbours(f: string): string[] {
    const found = new Set<string>();
    const probe = (key: string) => {
      if (this.words.has(key) && key !== f) found.add(key);
      for (const w of this.byDelete.get(key) ?? []) if (w !== f) found.add(w);
    };
    probe(f);
    for (const d of deletes(f)) probe(d);
    return [...found].filter((w) => DamerauLevenshteinDistance(f, w, { restricted: true }) <= 1);
  }
}

/** Chat spellings (nlp.md §2.4 letter rules) to try on an unknown syllable, most specific first. */
function letterVariants(f: string): string[] {
  const out: string[] = [];
  if (f.startsWith('f')) out.push('ph' + f.slice(1));
  if (f.startsWith('w')) out.push('qu' + f.slice(1), 'o' + f.slice(1));
  if (f.startsWith('j')) out.push('gi' + f.slice(1), 'd' + f.slice(1));
  if (f.startsWith('z')) out.push('d' + f.slice(1), 'gi' + f.slice(1), 'v' + f.slice(1));
  if (/^k[aou]/.test(f)) out.push('c' + f.slice(1));
  if (f.endsWith('ck')) out.push(f.slice(0, -2) + 'ch');
  if (/[aeiouy]g$/.test(f)) out.push(f.slice(0, -1) + 'ng');
  if (f.endsWith('k') && !f.endsWith('ck')) out.push(f.slice(0, -1) + 'c');
  return out;
}

const MIN_TYPO_LENGTH = 3;

/** Folded shape of a Vietnamese syllable: onset, 1–3 vowels, optional coda. */
const SYLLABLE_SHAPE = /^(ngh|ng|nh|ch|tr|th|kh|ph|gh|gi|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?$/;

/**
 * Best known replacement for an unknown syllable, or the syllable itself when nothing fits. A syllable
 * that could be a real Vietnamese word the catalog does not use ("bang" in "bằng lái") is only changed
 * when the change forms a pair the catalog uses, so real words are not "corrected" into catalog words.
 */
export function repairToken(f: string, prev: string | undefined, next: string | undefined, vocab: Vocabulary): string {
  if (/\d/.test(f)) return f;
  const variant = letterVariants(f).find((v) => vocab.hasWord(v));
  if (variant) return variant;
  if (f.length < MIN_TYPO_LENGTH) return f;
  const support = (w: string) => (prev && vocab.hasBigram(prev, w) ? 1 : 0) + (next && vocab.hasBigram(w, next) ? 1 : 0);
  const candidates = vocab.neighbours(f).filter((w) => support(w) > 0 || !SYLLABLE_SHAPE.test(f));
  if (candidates.length === 0) return f;
  candidates.sort((a, b) => support(b) - support(a) || vocab.frequency(b) - vocab.frequency(a) || a.localeCompare(b));
  return candidates[0]!;
}

/** Spelling confusions of regional pronunciation: ch/tr, s/x, r/d/gi, l/n, v/d; finals n/ng, c/t. */
const INITIAL_SWAPS: Array<[string, string[]]> = [
  ['ch', ['tr']],
  ['tr', ['ch']],
  ['s', ['x']],
  ['x', ['s']],
  ['gi', ['d', 'r']],
  ['d', ['gi', 'r', 'v']],
  ['r', ['d', 'gi']],
  ['l', ['n']],
  ['n', ['l']],
  ['v', ['d']],
];

function confusions(f: string): string[] {
  const out: string[] = [];
  for (const [from, tos] of INITIAL_SWAPS) {
    if (f.startsWith(from) && !(from === 'n' && f.startsWith('ng')) && !(from === 'n' && f.startsWith('nh'))) {
      for (const to of tos) out.push(to + f.slice(from.length));
    }
  }
  if (f.endsWith('ng')) out.push(f.slice(0, -1));
  else if (f.endsWith('n')) out.push(f + 'g');
  if (f.endsWith('c') && !f.endsWith('ch')) out.push(f.slice(0, -1) + 't');
  else if (f.endsWith('t')) out.push(f.slice(0, -1) + 'c');
  return out;
}

/**
 * When two known syllables form a pair the catalog never uses ("thuong chu"), tries the regional
 * spelling confusions on either side and returns the pair that the catalog does use ("thuong tru").
 */
export function repairBigram(left: string, right: string, vocab: Vocabulary, prev?: string, next?: string): [string, string] | undefined {
  if (vocab.hasBigram(left, right) || left.length < 2 || right.length < 2) return undefined;
  // A syllable already in a catalog pair with its other neighbour is right; only its partner may be wrong.
  const leftSettled = prev !== undefined && vocab.hasBigram(prev, left);
  const rightSettled = next !== undefined && vocab.hasBigram(right, next);
  if (!rightSettled) for (const r of confusions(right)) if (vocab.hasBigram(left, r)) return [left, r];
  if (!leftSettled) for (const l of confusions(left)) if (vocab.hasBigram(l, right)) return [l, right];
  return undefined;
}
