import type { QueryToken } from './analyze.js';
import { cleanText, foldSyllable, syllables, toneKey } from './vietnamese.js';
import { HeadIndexedPhrases, type PhraseEntry, type PhraseHit } from './phrase-table.js';

/**
 * Phrases matched on folded words, where a word the citizen typed with accents must carry the
 * phrase's accents: "ngu" (an insult) is not "ngủ", "cám ơn" is "cảm ơn" only when typed without
 * marks or with the same ones. Words typed without any mark match whatever the phrase's accents.
 */

interface Entry<T> extends PhraseEntry<T> {
  /** The accent key of each word, as the editor wrote it. */
  keys: string[];
}

export class AccentedPhraseTable<T> extends HeadIndexedPhrases<T, QueryToken, Entry<T>> {
  /** Adds a phrase as an editor wrote it (with its accents). */
  add(phrase: string, value: T): void {
    const syl = syllables(cleanText(phrase));
    if (syl.length > 0) this.put({ tokens: syl.map(foldSyllable), keys: syl.map(toneKey), value });
  }

  /** Every phrase found anywhere in the message, overlapping ones included. */
  scanAll(tokens: QueryToken[]): Array<PhraseHit<T>> {
    const hits: Array<PhraseHit<T>> = [];
    for (let i = 0; i < tokens.length; i++) {
      for (const e of this.byHead.get(tokens[i]!.f) ?? []) if (this.matchesAt(e, tokens, i)) hits.push({ start: i, length: e.tokens.length, value: e.value });
    }
    return hits;
  }

  protected headOf(token: QueryToken | undefined): string {
    return token?.f ?? '';
  }

  /** Folded words alike, and a word typed with a mark carries the phrase's accents. */
  protected matchesAt(e: Entry<T>, tokens: QueryToken[], i: number): boolean {
    for (let k = 0; k < e.tokens.length; k++) {
      const t = tokens[i + k];
      if (t === undefined || t.f !== e.tokens[k] || (t.a !== null && marked(t.a) && t.a !== e.keys[k])) return false;
    }
    return true;
  }
}

/** Whether an accent key carries any mark: a tone digit other than 0, or a marked vowel or đ. */
function marked(key: string): boolean {
  return !key.endsWith('0') || /[^\x00-\x7f]/.test(key);
}
