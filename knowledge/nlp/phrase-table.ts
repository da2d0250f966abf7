/**
 * Phrases of folded tokens, indexed by their first token, for longest-match lookups inside a token
 * sequence. Shared by filler stripping, lexicon expansion, intent patterns and follow-up topics.
 */
export interface PhraseHit<T> {
  start: number;
  length: number;
  value: T;
}

export class PhraseTable<T> {
  private readonly byHead = new Map<string, Array<{ tokens: string[]; value: T }>>();

  add(tokens: string[], value: T): void {
    const head = tokens[0];
    if (!head) return;
    const list = this.byHead.get(head) ?? [];
    list.push({ tokens, value });
    list.sort((a, b) => b.tokens.length - a.tokens.length);
    this.byHead.set(head, list);
  }

  /** The longest phrase starting at position i, if any. */
  longestAt(tokens: string[], i: number): PhraseHit<T> | undefined {
    const list = this.byHead.get(tokens[i] ?? '');
    if (!list) return undefined;
    for (const entry of list) {
      let ok = true;
      for (let k = 0; k < entry.tokens.length && ok; k++) ok = tokens[i + k] === entry.tokens[k];
      if (ok) return { start: i, length: entry.tokens.length, value: entry.value };
    }
    return undefined;
  }

  /** Drops the phrases for which `keep` is false. */
  retain(keep: (tokens: string[], value: T) => boolean): void {
    for (const [head, list] of this.byHead) {
      const kept = list.filter((e) => keep(e.tokens, e.value));
      if (kept.length > 0) this.byHead.set(head, kept);
      else this.byHead.delete(head);
    }
  }

  /** Every token of every phrase, so typo repair can leave words the tables know alone. */
  words(): Set<string> {
    const out = new Set<string>();
    for (const list of this.byHead.values()) for (const e of list) for (const t of e.tokens) out.add(t);
    return out;
  }

  /** Every phrase, as its tokens. */
  phrases(): string[][] {
    return [...this.byHead.values()].flatMap((list) => list.map((e) => e.tokens));
  }

  /** The longest match starting at every position; matches may overlap (for additive expansions). */
  scanOverlapping(tokens: string[]): PhraseHit<T>[] {
    const hits: PhraseHit<T>[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const hit = this.longestAt(tokens, i);
      if (hit) hits.push(hit);
    }
    return hits;
  }

  /** Non-overlapping longest matches, left to right. */
  scan(tokens: string[]): PhraseHit<T>[] {
    const hits: PhraseHit<T>[] = [];
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
