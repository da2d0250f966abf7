import { join } from 'node:path';
import { z } from 'zod';
import { readDataFile } from '../catalog/data-file.js';
import type { FollowUpTopic, Intent } from '../../src/ports/knowledge.js';
import { foldPhrase } from '../nlp/lexicon.js';
import { PhraseTable } from '../nlp/phrase-table.js';

/**
 * Phrase signals read from data: intent patterns and examples (intents.vi.json) and follow-up topics
 * (followups.vi.json). They are matched on the folded, slang-repaired tokens of a message.
 */

export type SignalIntent = Exclude<Intent, 'procedure'>;
export const SIGNAL_INTENTS: SignalIntent[] = ['greeting', 'handoff', 'news', 'track', 'feedback', 'other'];

const intentEntry = z.object({ patterns: z.array(z.string()).default([]), examples: z.array(z.string()).default([]) });
const intentsSchema = z.object({
  greeting: intentEntry,
  handoff: intentEntry,
  news: intentEntry,
  track: intentEntry,
  feedback: intentEntry,
  other: intentEntry,
  procedure: z.object({ cues: z.array(z.string()) }),
  /** A wish to send a question to an agency ("tôi muốn gửi câu hỏi cho cơ quan"). */
  askAgency: z.object({ patterns: z.array(z.string()) }).default({ patterns: [] }),
});
const topicsSchema = z.partialRecord(z.enum(['documents', 'fee', 'time', 'place', 'legal', 'online', 'steps', 'result', 'conditions', 'forms', 'contact']), z.array(z.string()));
const followUpSchema = z.object({
  topics: topicsSchema,
  /** Further phrasings, matched like `topics` but not used to phrase the classifier's training questions. */
  variants: topicsSchema.default({}),
  /** Phrases that ask for an office's contact details when the message names a place ("địa chỉ"). */
  placeContact: z.array(z.string()).default([]),
});

export interface Signals {
  intents: PhraseTable<SignalIntent>;
  cues: PhraseTable<true>;
  followUps: PhraseTable<FollowUpTopic>;
  /** Phrases that ask for contact details when a place is named ("địa chỉ UBND phường Tân An"). */
  placeContact: PhraseTable<true>;
  /** Phrases of a wish to send a question to an agency. */
  askAgency: PhraseTable<true>;
  /** Example messages per intent, for the classifier. */
  examples: Record<SignalIntent, string[]>;
  /** The follow-up phrases as written, to phrase catalog names as questions for the classifier. */
  followUpPhrases: string[];
}

export function loadSignals(dataDir: string): Signals {
  const intents = readDataFile(join(dataDir, 'intents.vi.json'), intentsSchema);
  const followUps = readDataFile(join(dataDir, 'followups.vi.json'), followUpSchema);
  const signals: Signals = {
    intents: new PhraseTable(),
    cues: new PhraseTable(),
    followUps: new PhraseTable(),
    askAgency: new PhraseTable(),
    placeContact: new PhraseTable(),
    examples: { greeting: [], handoff: [], news: [], track: [], feedback: [], other: [] },
    followUpPhrases: Object.values(followUps.topics).flat(),
  };
  for (const intent of SIGNAL_INTENTS) {
    for (const p of intents[intent].patterns) signals.intents.add(foldPhrase(p), intent);
    signals.examples[intent] = intents[intent].examples;
  }
  for (const cue of intents.procedure.cues) signals.cues.add(foldPhrase(cue), true);
  for (const p of intents.askAgency.patterns) signals.askAgency.add(foldPhrase(p), true);
  for (const table of [followUps.topics, followUps.variants]) {
    for (const [topic, phrases] of Object.entries(table) as Array<[FollowUpTopic, string[]]>) {
      for (const p of phrases) signals.followUps.add(foldPhrase(p), topic);
    }
  }
  for (const p of followUps.placeContact) signals.placeContact.add(foldPhrase(p), true);
  return signals;
}

export interface SignalHits {
  /** Matched pattern length (in tokens) per intent. */
  intents: Record<SignalIntent, number>;
  cues: number;
  followUp?: FollowUpTopic;
  /** Whether the message wishes to send a question to an agency. */
  askAgency: boolean;
  /** Whether the message asks where an office is ("địa chỉ", "ở đâu"): contact details when a place is named. */
  placeContact: boolean;
  /** Tokens covered by any intent pattern, cue or follow-up phrase. */
  covered: Set<number>;
}

/** Matches every signal table against a message's normalized tokens. */
export function matchSignals(signals: Signals, tokens: string[]): SignalHits {
  const hits: SignalHits = { intents: { greeting: 0, handoff: 0, news: 0, track: 0, feedback: 0, other: 0 }, cues: 0, askAgency: false, placeContact: false, covered: new Set() };
  const cover = (start: number, length: number) => {
    for (let k = 0; k < length; k++) hits.covered.add(start + k);
  };
  for (const h of signals.intents.scan(tokens)) {
    hits.intents[h.value] += h.length;
    cover(h.start, h.length);
  }
  for (const h of signals.cues.scan(tokens)) {
    hits.cues += h.length;
    cover(h.start, h.length);
  }
  for (const h of signals.askAgency.scan(tokens)) {
    hits.askAgency = true;
    cover(h.start, h.length);
  }
  for (const h of signals.placeContact.scan(tokens)) {
    hits.placeContact = true;
    cover(h.start, h.length);
  }
  // The longest phrase wins; between equals the later one, as the ask usually ends a message
  // ("tôi gọi điện mãi không được, cho hỏi làm hộ chiếu cần gì" asks for documents).
  let longest = 0;
  for (const h of signals.followUps.scan(tokens)) {
    if (h.length >= longest) {
      longest = h.length;
      hits.followUp = h.value;
    }
    cover(h.start, h.length);
  }
  return hits;
}
