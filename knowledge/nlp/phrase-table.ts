/**
 * Phrases of folded tokens, indexed by their first token, for longest-match lookups inside a token
 * sequence. Shared by filler stripping, lexicon expansion, intent patterns and follow-up topics.
 */
export interface PhraseHit<T> {
  start: number;
  length: number;
  value: T;
}

/** One phrase of a table: its folded words and what it stands for. */
export interface PhraseEntry<T> {
  tokens: string[];
  value: T;
}

/**
 * Phrases indexed by their first folded word, longest first; a table says only how a phrase matches at
 * a position (PhraseTable: folded words alike; AccentedPhraseTable: accents that agree too).
 */
export abstract class HeadIndexedPhrases<T, Token, E extends PhraseEntry<T> = PhraseEntry<T>> {
  protected readonly byHead = new Map<string, E[]>();

  /** The folded word a position of the message is looked up by. */
  protected abstract headOf(token: Token | undefined): string;
  /** Whether `entry` matches the message from position `i`. */
  protected abstract matchesAt(entry: E, tokens: Token[], i: number): boolean;

  protected put(entry: E): void {
    const head = entry.tokens[0];
    if (!head) return;
    const list = this.byHead.get(head) ?? [];
    list.push(entry);
    list.sort((a, b) => b.tokens.length - a.tokens.length);
    this.byHead.set(head, list);
  }

  /** The longest phrase starting at position i, if any. */
  longestAt(tokens: Token[], i: number): PhraseHit<T> | undefined {
    for (const e of this.byHead.get(this.headOf(tokens[i])) ?? []) if (this.matchesAt(e, tokens, i)) return { start: i, length: e.tokens.length, value: e.value };
    return undefined;
  }

  /** Non-overlapping longest matches, left to right. */
  scan(tokens: Token[]): PhraseHit<T>[] {
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
}

export class PhraseTable<T> extends HeadIndexedPhrases<T, string> {
  add(tokens: string[], value: T): void {
    this.put({ tokens, value });
  }

  protected headOf(token: string | undefined): string {
    return token ?? '';
  }

  protected matchesAt(entry: PhraseEntry<T>, tokens: string[], i: number): boolean {
    for (let k = 0; k < entry.tokens.length; k++) if (tokens[i + k] !== entry.tokens[k]) return false;
    return true;
  }

  /** Drops the phrases for which `keep` is false. */
  retain(keep: (tokens: string[], value: T) => boolean): void {
    for (const [head, list] of this.byHead) {
      const kept = list.filter((e) => keep(e.tokens, e.value));
      if (kept.length > 0) this.byHead.set(head, kept);
      else this.byHead.delete(head);
    }
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
}
