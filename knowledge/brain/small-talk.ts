import { join } from 'node:path';
import { z } from 'zod';
import type { SmallTalk } from '../../src/ports/knowledge.js';
import type { AnalyzedQuery } from '../nlp/analyze.js';
import { AccentedPhraseTable } from '../nlp/accent-phrases.js';
import { foldSyllable, syllables } from '../nlp/vietnamese.js';
import { readDataFile } from '../catalog/data-file.js';

/**
 * Small talk and repair (knowledge/data/smalltalk.vi.json): a message that is essentially thanks, ok,
 * goodbye, "không phải", "chưa hiểu", an insult, laughter or keyboard mashing. "Essentially" means
 * every word is part of such a phrase or is a particle ("ạ", "nhé", "bot"…), so "cảm ơn, cho hỏi làm
 * cccd ở đâu" stays a question.
 */

const KINDS = ['thanks', 'ok', 'goodbye', 'negation', 'confused', 'insult', 'laugh'] as const;
type PhraseKind = (typeof KINDS)[number];

const kindSchema = z.object({ phrases: z.array(z.string().min(1)), patterns: z.array(z.string()).default([]) });
const schema = z.object({
  priority: z.array(z.enum(KINDS)),
  kinds: z.object(Object.fromEntries(KINDS.map((k) => [k, kindSchema])) as Record<PhraseKind, typeof kindSchema>),
  particles: z.array(z.string().min(1)),
  emoji: z.partialRecord(z.enum(KINDS), z.array(z.string().min(1))).default({}),
});

const EMPTY = { priority: [], kinds: Object.fromEntries(KINDS.map((k) => [k, { phrases: [], patterns: [] }])), particles: [], emoji: {} } as unknown as z.infer<typeof schema>;

export class SmallTalkTable {
  private readonly table = new AccentedPhraseTable<PhraseKind>();
  private readonly particles = new AccentedPhraseTable<true>();
  private readonly patterns: Array<{ re: RegExp; kind: PhraseKind }> = [];
  private readonly emoji = new Map<string, PhraseKind>();
  private readonly rank: Map<PhraseKind, number>;

  constructor(data: z.infer<typeof schema>) {
    for (const kind of KINDS) {
      for (const p of data.kinds[kind].phrases) this.table.add(p, kind);
      for (const re of data.kinds[kind].patterns) this.patterns.push({ re: new RegExp(re, 'u'), kind });
    }
    for (const p of data.particles) this.particles.add(p, true);
    for (const [kind, marks] of Object.entries(data.emoji) as Array<[PhraseKind, string[]]>) for (const m of marks) this.emoji.set(m.toLowerCase(), kind);
    this.rank = new Map(data.priority.map((k, i) => [k, i]));
  }

  /** Every folded word the table knows (so typo repair and gibberish detection leave them alone). */
  words(): Set<string> {
    return new Set([...this.table.words(), ...this.particles.words()]);
  }

  /** Every phrase, as its folded words. */
  phrases(): string[][] {
    return this.table.phrases();
  }

  /**
   * The kind of small talk the whole message is, if it is one. `gibberish` is decided by the caller
   * (it needs the vocabularies); this table knows phrases, particles, patterns and emoji.
   */
  match(query: AnalyzedQuery): Exclude<SmallTalk, 'gibberish'> | undefined {
    const raw = syllables(query.cleaned);
    if (raw.length === 0) return this.emojiOnly(query.cleaned);
    // Laughter and "okkk" are recognised on the syllables as typed (before "kkk" is squeezed to "k").
    const rawKinds = raw.map((s) => {
      const f = foldSyllable(s);
      return this.patterns.find((p) => p.re.test(f))?.kind;
    });
    if (rawKinds.every(Boolean)) return this.pick(rawKinds as PhraseKind[]);
    const tokens = query.tokens;
    const found: PhraseKind[] = [];
    const covered = new Array<boolean>(tokens.length).fill(false);
    for (const hit of this.table.scan(tokens)) {
      found.push(hit.value);
      for (let k = 0; k < hit.length; k++) covered[hit.start + k] = true;
    }
    if (found.length === 0) return undefined;
    for (let i = 0; i < tokens.length; ) {
      if (covered[i]) {
        i++;
        continue;
      }
      const particle = this.particles.longestAt(tokens, i);
      if (!particle) return undefined;
      i += particle.length;
    }
    return this.pick(found);
  }

  private pick(kinds: PhraseKind[]): PhraseKind {
    return kinds.reduce((best, k) => ((this.rank.get(k) ?? 99) < (this.rank.get(best) ?? 99) ? k : best));
  }

  /** A message with no letters: an emoji, "=))", "?"… */
  private emojiOnly(cleaned: string): PhraseKind | undefined {
    const parts = cleaned.split(/\s+/).filter(Boolean);
    if (parts.length === 0) return undefined;
    const kinds: PhraseKind[] = [];
    for (const p of parts) {
      const kind = this.emoji.get(p) ?? this.emojiPrefix(p);
      if (!kind) return undefined;
      kinds.push(kind);
    }
    return this.pick(kinds);
  }

  /** "👍👍" or "=)))))": a run of one known mark. */
  private emojiPrefix(part: string): PhraseKind | undefined {
    for (const [mark, kind] of this.emoji) if (part.startsWith(mark) && part.split(mark).every((r) => r === '' || /^[)\]d]+$/.test(r))) return kind;
    return undefined;
  }
}

export function loadSmallTalk(dataDir: string): SmallTalkTable {
  return new SmallTalkTable(readDataFile(join(dataDir, 'smalltalk.vi.json'), schema, EMPTY));
}
