import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AskResult, ConfidenceEvidence } from '../../src/ports/knowledge.js';
import { loadBrain } from '../brain/index.js';
import { Calibration, CALIBRATION_FILE, featuresOf, type CalibrationData } from '../brain/calibration.js';
import { DEFAULT_DATA_DIR } from '../catalog/load.js';
import { bandLine, GOLDEN_FILE, HOLDOUT_FILE, loadQuestions, reliabilityBands } from './evaluate.js';
import { loadRealQuestions, realSetOf } from './real.js';

/**
 * `npm run eval:calibrate [-- --write]`: fits the confidence model (knowledge/brain/calibration.ts) on
 * the golden sets (single-turn golden and real golden), chooses the answer threshold for ≥ 97 %
 * precision and the confirmation threshold below which a guess is mostly wrong, and prints the
 * reliability tables: on the fitted sets, and on the holdouts (reported, never fitted on). With
 * --write it stores the model in knowledge/data/calibration.json.
 */

const PRECISION = 0.97;
/** Below `confirmAt` a confirmation would be right this rarely or less: the question is routed instead. */
const CONFIRM_FLOOR = 0.25;
/** A band (routing, or answering) must rest on at least this many examples. */
const MIN_BAND = 10;
const TODAY = new Date().toISOString().slice(0, 10);

interface Example {
  evidence: ConfidenceEvidence;
  right: boolean;
  /** The brain, by score alone, would answer outright. */
  answered: boolean;
}

const brain = loadBrain({ calibrated: false });

function example(r: AskResult, expected: string | null): Example | undefined {
  if (!r.evidence || r.intent !== 'procedure') return undefined;
  const top = r.best ?? r.alternatives[0];
  return { evidence: r.evidence, right: top !== undefined && top.procedure.id === expected, answered: r.decision === 'answer' };
}

function singleTurn(file: string): Example[] {
  return loadQuestions(file).flatMap((q) => example(brain.ask(q.q), q.expect) ?? []);
}

function real(set: 'golden' | 'holdout'): Example[] {
  return loadRealQuestions()
    .filter((q) => realSetOf(q) === set)
    .flatMap((q) => example(brain.ask(q.text), q.label === 'none' ? null : q.label) ?? []);
}

/** The model's features, in the order featuresOf gives them. */
const KEYS = Object.keys(featuresOf({ score: 0, margin: 0, coverage: 0, story: false, words: 0, accents: 0 })) as Array<keyof CalibrationData['weights']>;

/** Logistic regression by gradient descent, a little L2 to keep the weights sane. */
function fit(examples: Example[]): Pick<CalibrationData, 'weights' | 'bias'> {
  const xs = examples.map((e) => KEYS.map((k) => featuresOf(e.evidence)[k]));
  const ys = examples.map((e) => (e.right ? 1 : 0));
  const w = KEYS.map(() => 0);
  let b = 0;
  const rate = 0.5;
  const l2 = 1e-3;
  for (let step = 0; step < 20000; step++) {
    const gw = w.map(() => 0);
    let gb = 0;
    for (let i = 0; i < xs.length; i++) {
      const z = b + w.reduce((s, wk, k) => s + wk * xs[i]![k]!, 0);
      const err = 1 / (1 + Math.exp(-z)) - ys[i]!;
      for (let k = 0; k < w.length; k++) gw[k]! += err * xs[i]![k]!;
      gb += err;
    }
    for (let k = 0; k < w.length; k++) w[k]! -= rate * (gw[k]! / xs.length + l2 * w[k]!);
    b -= rate * (gb / xs.length);
  }
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return { weights: Object.fromEntries(KEYS.map((k, i) => [k, round(w[i]!)])) as CalibrationData['weights'], bias: round(b) };
}

/** The lowest threshold at which the questions answered outright (all those at or above it) keep the precision asked. */
function answerThreshold(model: Calibration, examples: Example[]): number {
  const answered = examples.filter((e) => e.answered).map((e) => ({ p: model.probability(e.evidence), right: e.right })).sort((a, b) => b.p - a.p);
  let ok = 0;
  let t = 1;
  for (let i = 0; i < answered.length; i++) {
    if (answered[i]!.right) ok++;
    const tie = answered[i + 1]?.p === answered[i]!.p;
    if (!tie && i + 1 >= MIN_BAND && ok / (i + 1) >= PRECISION) t = answered[i]!.p;
  }
  return Math.round(t * 1e3) / 1e3;
}

/** The highest threshold below which guesses are right at most CONFIRM_FLOOR of the time. */
function confirmThreshold(model: Calibration, examples: Example[]): number {
  const scored = examples.map((e) => ({ p: model.probability(e.evidence), right: e.right })).sort((a, b) => a.p - b.p);
  let t = 0;
  let right = 0;
  scored.forEach((e, i) => {
    if (e.right) right++;
    if (i + 1 >= MIN_BAND && right / (i + 1) <= CONFIRM_FLOOR) t = e.p;
  });
  return Math.round(t * 1e3) / 1e3;
}

function table(name: string, model: Calibration, examples: Example[]): void {
  console.log(`\n${name} (n=${examples.length}): probability band, questions, mean probability, share right`);
  for (const b of reliabilityBands(examples.map((e) => ({ p: model.probability(e.evidence), right: e.right })))) console.log(`  ${bandLine(b)}`);
}

const train = [...singleTurn(GOLDEN_FILE), ...real('golden')];
const fitted = fit(train);
const provisional = new Calibration({ fitted: { date: TODAY, sets: [], examples: 0, precision: PRECISION }, ...fitted, thresholds: { plain: { answerAt: 1, confirmAt: 0 }, story: { answerAt: 1, confirmAt: 0 } } });
const thresholds = (story: boolean) => {
  const kind = train.filter((e) => e.evidence.story === story);
  return { answerAt: answerThreshold(provisional, kind), confirmAt: confirmThreshold(provisional, kind) };
};
const data: CalibrationData = {
  _comment: 'Fitted by `npm run eval:calibrate -- --write` (knowledge/eval/calibrate.ts) on the golden sets only; the holdouts are reported, never fitted on. Do not edit by hand.',
  fitted: { date: TODAY, sets: ['knowledge/eval/golden.vi.jsonl', 'knowledge/eval/real (golden)'], examples: train.length, precision: PRECISION },
  ...fitted,
  thresholds: { plain: thresholds(false), story: thresholds(true) },
};
const model = new Calibration(data);
console.log(JSON.stringify({ weights: data.weights, bias: data.bias, thresholds: data.thresholds }));
table('fitted on: single-turn golden', model, train.filter((e) => !e.evidence.story));
table('fitted on: stories (real golden and single-turn golden narratives)', model, train.filter((e) => e.evidence.story));
table('single-turn holdout (never fitted on)', model, singleTurn(HOLDOUT_FILE));
table('real holdout (never fitted on)', model, real('holdout'));
if (process.argv.includes('--write')) {
  writeFileSync(join(DEFAULT_DATA_DIR, CALIBRATION_FILE), `${JSON.stringify(data, null, 2)}\n`);
  console.log(`\nwritten: knowledge/data/${CALIBRATION_FILE}`);
}
