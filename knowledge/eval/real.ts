import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AskResult } from '../../src/ports/knowledge.js';
import { loadJsonl, reliabilityBands, type ReliabilityBand } from './evaluate.js';

/**
 * Real citizens' questions (knowledge/eval/real, issue 10): loading, the golden/holdout split and the
 * metrics `npm run eval:real` prints. The split goes by source page (a hash of its URL), so the questions
 * of one page never sit on both sides.
 */

export const REAL_DIR = new URL('./real/', import.meta.url).pathname;

export const realQuestionSchema = z.object({
  id: z.string().regex(/^rq-[a-z]-\d{3}$/),
  text: z.string().min(10),
  source: z.object({
    url: z.string().url(),
    title: z.string().min(1),
    date: z.string().regex(/^(\d{4}(-\d{2}(-\d{2})?)?|unknown)$/),
    retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
  label: z.string().min(1),
  kind: z.enum(['procedure', 'complaint', 'dispute', 'entitlement', 'legal', 'other']),
  aspect: z.string().optional(),
  related: z.string().optional(),
  words: z.number().int().positive(),
});

export type RealQuestion = z.infer<typeof realQuestionSchema>;
export type RealSet = 'golden' | 'holdout';

/** Every real question of the collection, in file order. */
export function loadRealQuestions(dir = REAL_DIR): RealQuestion[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => loadJsonl(join(dir, f), realQuestionSchema));
}

/** A third of the source pages (by a hash of the URL) form the holdout, never tuned on. */
export function realSetOf(question: RealQuestion): RealSet {
  const digest = createHash('sha256').update(question.source.url).digest();
  return digest.readUInt32BE(0) % 3 === 0 ? 'holdout' : 'golden';
}

export const LENGTH_BANDS = [
  { name: '≤15 words', max: 15 },
  { name: '16–40', max: 40 },
  { name: '41–80', max: 80 },
  { name: '>80', max: Number.POSITIVE_INFINITY },
] as const;

export interface RealTally {
  n: number;
  /** Questions a catalog procedure answers, and how many of them got it as the best candidate. */
  fit: number;
  top1: number;
  /** Questions no procedure answers, and how many were not answered outright (clarified, confirmed, routed). */
  none: number;
  abstained: number;
  /** Answered outright with a wrong procedure (or with any where none fits). */
  confidentlyWrong: number;
}

const empty = (): RealTally => ({ n: 0, fit: 0, top1: 0, none: 0, abstained: 0, confidentlyWrong: 0 });

export interface RealReport {
  total: RealTally;
  byKind: Record<string, RealTally>;
  byLength: Record<string, RealTally>;
  /** Per band of the brain's calibrated confidence in its best guess: questions, and how many it got right. */
  reliability: ReliabilityBand[];
}

/** Tallies the brain's answers to the questions, overall, per kind and per length band. */
export function evaluateReal(questions: RealQuestion[], ask: (text: string) => AskResult): RealReport {
  const report: RealReport = { total: empty(), byKind: {}, byLength: {}, reliability: [] };
  const guesses: Array<{ p: number; right: boolean }> = [];
  for (const q of questions) {
    const r = ask(q.text);
    const best = r.best?.procedure.id ?? null;
    const guess = (r.best ?? r.alternatives[0])?.procedure.id;
    if (r.confidence !== undefined && guess !== undefined) guesses.push({ p: r.confidence, right: guess === q.label });
    const answered = r.intent === 'procedure' && r.decision === 'answer' && best !== null;
    const band = LENGTH_BANDS.find((b) => q.words <= b.max)!.name;
    for (const t of [report.total, (report.byKind[q.kind] ??= empty()), (report.byLength[band] ??= empty())]) {
      t.n++;
      if (q.label === 'none') {
        t.none++;
        if (!answered) t.abstained++;
      } else {
        t.fit++;
        if (best === q.label) t.top1++;
      }
      if (answered && best !== q.label) t.confidentlyWrong++;
    }
  }
  report.reliability = reliabilityBands(guesses);
  return report;
}
