import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AskResult, Intent } from '../../src/ports/knowledge.js';

/**
 * Evaluation over a labelled question set: top-1 accuracy, abstention precision/recall, intent
 * accuracy and accuracy per input variant. Any system that maps a question to an intent and a
 * procedure id (the brain, or a baseline) can be measured the same way.
 */

export const GOLDEN_FILE = new URL('./golden.vi.jsonl', import.meta.url).pathname;
export const HOLDOUT_FILE = new URL('./holdout.vi.jsonl', import.meta.url).pathname;

const itemSchema = z.object({
  q: z.string().min(1),
  intent: z.enum(['procedure', 'greeting', 'handoff', 'news', 'track', 'feedback', 'other']),
  expect: z.string().nullable(),
  variant: z.string(),
});
export type LabelledQuestion = z.infer<typeof itemSchema>;

/** Reads a labelled JSON-lines file, validating each line; errors name the file and line. */
export function loadJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

export function loadQuestions(file: string): LabelledQuestion[] {
  return loadJsonl(file, itemSchema);
}

export interface Prediction {
  intent: Intent;
  /** Predicted procedure id, or null when the system gives no procedure (abstains). */
  procedureId: string | null;
  /** Best candidate even when abstaining, to tell a useful abstention from a lost answer. */
  topCandidateId?: string | null;
  /** Whether the procedure was given as the answer outright (not offered in a clarification or a confirmation). */
  answered?: boolean;
  /** The brain's confidence in its best candidate, for the reliability table. */
  score?: number;
}

/** One band of a reliability table: guesses whose confidence fell in [from, to), their mean confidence, and how many were right. */
export interface ReliabilityBand {
  from: number;
  to: number;
  n: number;
  /** Mean confidence of the band's guesses. */
  mean: number;
  correct: number;
}

/** Groups guesses (a confidence, right or not) into bands of `width`: the reliability table, empty bands left out. */
export function reliabilityBands(guesses: Iterable<{ p: number; right: boolean }>, width = 0.1): ReliabilityBand[] {
  const bands = Array.from({ length: Math.round(1 / width) }, (_, k) => ({ from: k * width, to: (k + 1) * width, n: 0, mean: 0, correct: 0 }));
  for (const { p, right } of guesses) {
    const band = bands[Math.min(bands.length - 1, Math.floor(p / width))]!;
    band.n++;
    band.mean += p;
    if (right) band.correct++;
  }
  return bands.filter((b) => b.n > 0).map((b) => ({ ...b, mean: b.mean / b.n }));
}

/** One line of a reliability table, as the reports print it. */
export function bandLine(b: ReliabilityBand): string {
  return `${b.from.toFixed(1)}–${b.to.toFixed(1)}  n=${String(b.n).padStart(3)}  p̄=${b.mean.toFixed(2)}  right=${((100 * b.correct) / b.n).toFixed(1)} %`;
}

/**
 * The reliability table of a labelled set: how often the best candidate is right at each band of the
 * brain's confidence (a question with no fitting procedure is never right). Calibrated confidences
 * have the share right near the band's mean.
 */
export function reliability(items: LabelledQuestion[], predict: (q: string) => Prediction, width = 0.1): ReliabilityBand[] {
  const guesses = items.flatMap((item) => {
    const p = predict(item.q);
    return p.score === undefined || p.topCandidateId == null ? [] : [{ p: p.score, right: p.topCandidateId === item.expect }];
  });
  return reliabilityBands(guesses, width);
}

export interface Metrics {
  total: number;
  inScope: number;
  outOfScope: number;
  top1: number;
  intentAccuracy: number;
  abstentionPrecision: number;
  abstentionRecall: number;
  /**
   * Share of all questions answered outright with a procedure that is not the expected one (or with
   * any procedure where none fits): the worst outcome, counted apart from misses that were offered as a
   * choice or routed.
   */
  confidentlyWrong: number;
  byVariant: Record<string, { n: number; top1: number }>;
  errors: Array<{ q: string; expectIntent: Intent; expect: string | null; gotIntent: Intent; got: string | null }>;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export function evaluate(items: LabelledQuestion[], predict: (q: string) => Prediction): Metrics {
  let correct = 0;
  let intentOk = 0;
  let abstained = 0;
  let goodAbstentions = 0;
  let oosAbstained = 0;
  let confidentlyWrong = 0;
  const byVariant: Record<string, { n: number; ok: number }> = {};
  const errors: Metrics['errors'] = [];
  for (const item of items) {
    const p = predict(item.q);
    if (p.intent === item.intent) intentOk++;
    const ok = p.procedureId === item.expect;
    if (p.answered && p.procedureId !== null && !ok) confidentlyWrong++;
    if (item.expect !== null) {
      const v = (byVariant[item.variant] ??= { n: 0, ok: 0 });
      v.n++;
      if (ok) {
        v.ok++;
        correct++;
      }
    }
    if (p.procedureId === null) {
      abstained++;
      if (item.expect === null) oosAbstained++;
      if (item.expect === null || (p.topCandidateId ?? null) !== item.expect) goodAbstentions++;
    }
    if (!ok || p.intent !== item.intent) errors.push({ q: item.q, expectIntent: item.intent, expect: item.expect, gotIntent: p.intent, got: p.procedureId });
  }
  const inScope = items.filter((i) => i.expect !== null).length;
  const outOfScope = items.length - inScope;
  return {
    total: items.length,
    inScope,
    outOfScope,
    top1: ratio(correct, inScope),
    intentAccuracy: ratio(intentOk, items.length),
    abstentionPrecision: ratio(goodAbstentions, abstained),
    abstentionRecall: ratio(oosAbstained, outOfScope),
    confidentlyWrong: items.length === 0 ? 0 : confidentlyWrong / items.length,
    byVariant: Object.fromEntries(Object.entries(byVariant).map(([k, v]) => [k, { n: v.n, top1: ratio(v.ok, v.n) }])),
    errors,
  };
}

/**
 * How a brain decision counts in the evaluation: a clarification still names its best guess. A matter
 * outside the catalog (`outside`, intent `other` in the brain's contract) is what the labelled sets
 * call a procedure question the catalog does not cover (`procedure`, no procedure): it counts as such,
 * unless `strictIntent` asks for the brain's intent as it is.
 */
export function brainPrediction(result: AskResult, strictIntent = false): Prediction {
  const top = result.best ?? result.alternatives[0] ?? null;
  // A dispute, amount or legal judgement about a procedure is a procedure question routed on, naming that procedure as context.
  const routed = result.concern && result.concern.kind !== 'complaint' && !strictIntent ? result.concern : undefined;
  const intent = result.outside || routed ? (strictIntent ? result.intent : 'procedure') : result.intent;
  return { intent, procedureId: result.best?.procedure.id ?? routed?.related?.id ?? null, topCandidateId: top?.procedure.id ?? null, answered: result.decision === 'answer' && result.best !== null, ...(top ? { score: result.confidence ?? top.score } : {}) };
}
