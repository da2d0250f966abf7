import { join } from 'node:path';
import { z } from 'zod';
import { readDataFile } from '../catalog/data-file.js';
import type { QueryToken } from '../nlp/analyze.js';
import { AccentedPhraseTable } from '../nlp/accent-phrases.js';
import { foldSyllable, syllables, toneKey } from '../nlp/vietnamese.js';

/**
 * Reads a citizen's story the way a clerk does (issue 10): the sentences that ask ("vậy cho tôi hỏi…",
 * "…có được không?") are the question; the rest (history, family, places, years) is context that may
 * name what the question is about but must not outweigh it; greetings to whoever the letter was
 * written to ("Chào Luật sư", "Mong Ban biên tập giải đáp") are not content at all. The phrases are
 * data (knowledge/data/narrative.vi.json).
 */

const schema = z.object({
  _comment: z.string().optional(),
  /** Phrases that make a sentence a question ("cho tôi hỏi", "thế nào", "được không"). */
  askMarkers: z.array(z.string().min(1)).min(1),
  /** Whom public letters are written to ("luật sư", "ban biên tập"): dropped next to a courtesy. */
  addressees: z.array(z.string().min(1)),
  /** Greetings, thanks and requests for advice ("xin chào", "mong", "tư vấn giúp", "cảm ơn"). */
  courtesies: z.array(z.string().min(1)),
});

export type NarrativeData = z.infer<typeof schema>;

/** A message read as a story: what it asks, and the context around it. */
export interface Narrative {
  /** The asking sentences, greetings removed. */
  ask: string;
  /** Every sentence in its order, greetings removed: the story as intent and signals read it. */
  text: string;
  /** Sentences left once greetings are dropped: one is a plain question that only had a greeting. */
  sentences: number;
}

/** Sentence ends: the punctuation that closes one, or a line break. */
const SENTENCE_END = /(?<=[.?!;…])\s+|\n+/u;
/** Words around an addressee that make it one ("luật sư cho tôi hỏi", "… ơi", "chào ban biên tập"). */
const NEAR_ADDRESSEE = new Set(['cho', 'oi', 'a', 'giup', 'tu', 'giai', 'xin', 'va']);
/** A sentence left with fewer content syllables than this once greetings are removed was only a greeting. */
const MIN_CONTENT = 3;

type Role = 'ask' | 'courtesy' | 'addressee';

export class NarrativeReader {
  private readonly phrases = new AccentedPhraseTable<Role>();

  constructor(data: NarrativeData) {
    for (const p of data.askMarkers) this.phrases.add(p, 'ask');
    for (const p of data.courtesies) this.phrases.add(p, 'courtesy');
    for (const p of data.addressees) this.phrases.add(p, 'addressee');
  }

  /** Every folded word of every phrase (so typo repair leaves them alone). */
  words(): Set<string> {
    return this.phrases.words();
  }

  /**
   * The message as a story, or undefined when it is a plain question: one sentence with no greeting
   * to remove is read as it is, so short questions are understood exactly as before. A question that
   * only had a greeting ("Làm căn cước ở đâu? Em cảm ơn!") comes back as one sentence.
   */
  read(cleaned: string): Narrative | undefined {
    const sentences = cleaned
      .split(SENTENCE_END)
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const read = sentences.map((s) => this.readSentence(s)).filter((s) => s.text.length > 0);
    const greeted = read.length < sentences.length || read.some((s) => s.greeted);
    if (read.length === 0 || (read.length === 1 && !greeted)) return undefined;
    let asks = read.filter((s) => s.asks);
    // No sentence asks in so many words: the last one is the question, as in a letter.
    if (asks.length === 0) asks = [read[read.length - 1]!];
    return { ask: asks.map((s) => s.text).join(' '), text: read.map((s) => s.text).join(' '), sentences: read.length };
  }

  /** One sentence: whether it asks, and its text without greetings (empty when it was only one). */
  private readSentence(sentence: string): { text: string; asks: boolean; greeted: boolean } {
    const words = syllables(sentence);
    const tokens: QueryToken[] = words.map((w) => ({ f: foldSyllable(w), a: toneKey(w) }));
    const hits = this.phrases.scan(tokens);
    const drop = new Set<number>();
    const courtesies = hits.filter((h) => h.value === 'courtesy');
    let asks = sentence.endsWith('?');
    let greeted = false;
    for (const h of hits) {
      if (h.value === 'ask') asks = true;
      if (h.value !== 'addressee') continue;
      const before = courtesies.some((c) => c.start + c.length <= h.start && c.start + c.length >= h.start - 2);
      const after = NEAR_ADDRESSEE.has(tokens[h.start + h.length]?.f ?? '') || h.start + h.length === tokens.length;
      if (!before && !after) continue;
      greeted = true;
      for (let k = 0; k < h.length; k++) drop.add(h.start + k);
    }
    const courtesy = new Set<number>();
    for (const c of courtesies) for (let k = 0; k < c.length; k++) courtesy.add(c.start + k);
    // "Xin cảm ơn!" on its own is a greeting too.
    if (courtesy.size === tokens.length) return { text: '', asks: false, greeted: true };
    if (greeted) for (const k of courtesy) drop.add(k);
    const kept = words.filter((_, i) => !drop.has(i));
    if (greeted && kept.length < MIN_CONTENT) return { text: '', asks: false, greeted };
    return { text: greeted ? kept.join(' ') + (asks ? '?' : '.') : sentence, asks, greeted };
  }
}

export function loadNarrative(dataDir: string): NarrativeReader {
  return new NarrativeReader(readDataFile(join(dataDir, 'narrative.vi.json'), schema));
}
