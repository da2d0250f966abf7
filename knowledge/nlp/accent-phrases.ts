import type { QueryToken } from './analyze.js';
import { cleanText, foldSyllable, syllables, toneKey } from './vietnamese.js';
import type { PhraseHit } from './phrase-table.js';

/**
 * Phrases matched on folded words, where a word the citizen typed with accents must carry the
 * phrase's accents: "ngu" (an insult) is not "ngủ", "cám ơn" is "cảm ơn" only when typed without
 * marks or with the same ones. Words typed without any mark match whatever the phrase's accents.
 */

interface Entry<T> {
  folded: string[];
  keys: string[];
  value: T;
}

export class AccentedPhraseTable<T> {
  private readonly byHead = new Map<string, Array<Entry<T>>>();

  /** Adds a phrase as an editor wrote it (with its accents). */
  add(phrase: string, value: T): void {
    const syl = syllables(cleanText(phrase));
    if (syl.length === 0) return;
    const entry = { folded: syl.map(foldSyllable), keys: syl.map(toneKey), value };
    const list = this.byHead.get(entry.folded[0]!) ?? [];
    list.push(entry);
    list.sort((a, b) => b.folded.length - a.folded.length);
    this.byHead.set(entry.folded[0]!, list);
  }

  /** Every folded word of every phrase. */
  words(): Set<string> {
    const out = new Set<string>();
    for (const list of this.byHead.values()) for (const e of list) for (const f of e.folded) out.add(f);
    return out;
  }

  /** Every phrase, as its folded words. */
  phrases(): string[][] {
    return [...this.byHead.values()].flatMap((list) => list.map((e) => e.folded));
  }

  /** The longest phrase starting at `i` whose accents agree with the words typed. */
  longestAt(tokens: QueryToken[], i: number): PhraseHit<T> | undefined {
    for (const e of this.byHead.get(tokens[i]?.f ?? '') ?? []) if (matches(e, tokens, i)) return { start: i, length: e.folded.length, value: e.value };
    return undefined;
  }

  /** Every phrase found anywhere in the message, overlapping ones included. */
  scanAll(tokens: QueryToken[]): Array<PhraseHit<T>> {
    const hits: Array<PhraseHit<T>> = [];
    for (let i = 0; i < tokens.length; i++) {
      for (const e of this.byHead.get(tokens[i]!.f) ?? []) if (matches(e, tokens, i)) hits.push({ start: i, length: e.folded.length, value: e.value });
    }
    return hits;
  }

  /** Non-overlapping longest matches, left to right. */
  scan(tokens: QueryToken[]): Array<PhraseHit<T>> {
    const hits: Array<PhraseHit<T>> = [];
    for (let i = 0; i < tokens.length; ) {
      const hit = this.longestAt(tokens, i);
      if (hit) {
        hits.push(hit);
        i += hit.length;
      } else i++;
    }
    return hits;
  }
}

function matches<T>(e: Entry<T>, tokens: QueryToken[], i: number): boolean {
  for (let k = 0; k < e.folded.length; k++) {
    const t = tokens[i + k];
    if (t === undefined || t.f !== e.folded[k] || (t.a !== null && marked(t.a) && t.a !== e.keys[k])) return false;
  }
  return true;
}

/** Whether an accent key carries any mark: a tone digit other than 0, or a marked vowel or đ. */
function marked(key: string): boolean {
  return !key.endsWith('0') || /[^\x00-\x7f]/.test(key);
}
