import { existsSync } from 'node:fs';
import MiniSearch from 'minisearch';
import type { Procedure } from '../src/domain/procedure.js';
import { loadCatalog } from '../knowledge/catalog/load.js';
import { createBrain } from '../knowledge/brain/index.js';
import { brainPrediction, evaluate, GOLDEN_FILE, HOLDOUT_FILE, loadQuestions, type Metrics, type Prediction } from '../knowledge/eval/evaluate.js';
import { foldDiacritics } from '../knowledge/nlp/vietnamese.js';
import { pick, rng, syntheticCatalog } from './synthetic-catalog.js';

/**
 * `npm run bench:answer`: quality of the brain against a plain MiniSearch index over the same catalog
 * text, on the golden and holdout sets; then latency and index memory at 6,000 procedures and 10,000
 * questions. Prints figures; asserts nothing.
 */

function miniSearchPredictor(procedures: Procedure[]): (q: string) => Prediction {
  const ms = new MiniSearch({ fields: ['name', 'aliases', 'field', 'keywords', 'description'], storeFields: ['id'] });
  ms.addAll(procedures.map((p) => ({ ...p, aliases: p.aliases.join('\n'), keywords: p.keywords.join('\n') })));
  return (q) => {
    const hit = ms.search(q, { boost: { name: 3, aliases: 2 } })[0];
    const id = (hit?.id as string | undefined) ?? null;
    return { intent: id ? 'procedure' : 'other', procedureId: id, topCandidateId: id };
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);

function row(label: string, a: Metrics, b: Metrics, pickMetric: (m: Metrics) => number | undefined): string {
  const fa = pickMetric(a);
  const fb = pickMetric(b);
  return `  ${label.padEnd(28)}${fa === undefined ? '      -' : pct(fa)}   ${fb === undefined ? '      -' : pct(fb)}`;
}

function qualityTable(title: string, brain: Metrics, baseline: Metrics): void {
  console.log(`\n${title} (n=${brain.total}: ${brain.inScope} in scope, ${brain.outOfScope} without a procedure)`);
  console.log(`  ${''.padEnd(28)}  brain  minisearch`);
  console.log(row('top-1 accuracy', brain, baseline, (m) => m.top1));
  console.log(row('abstention precision', brain, baseline, (m) => m.abstentionPrecision));
  console.log(row('abstention recall (OOS)', brain, baseline, (m) => m.abstentionRecall));
  console.log(row('intent accuracy', brain, baseline, (m) => m.intentAccuracy));
  for (const v of ['accented', 'unaccented', 'abbrev', 'typo', 'narrative']) {
    console.log(row(`top-1, ${v} (n=${brain.byVariant[v]?.n ?? 0})`, brain, baseline, (m) => m.byVariant[v]?.top1));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const catalog = loadCatalog();
const brain = createBrain(catalog);
const baseline = miniSearchPredictor(catalog.procedures);
console.log(`catalog: ${catalog.procedures.length} procedures`);
for (const [title, file] of [['Golden set', GOLDEN_FILE], ['Holdout set (never tuned on)', HOLDOUT_FILE]] as const) {
  if (!existsSync(file)) continue;
  const items = loadQuestions(file);
  qualityTable(title, evaluate(items, (q) => brainPrediction(brain.ask(q))), evaluate(items, baseline));
}

// Scale: 6,000 procedures, 10,000 questions.
const SIZE = 6000;
const QUESTIONS = 10000;
const big = syntheticCatalog(catalog.procedures, SIZE);
gc();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const bigBrain = createBrain({ ...catalog, procedures: big });
const buildMs = performance.now() - t0;
gc();
const indexMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

const r = rng(7);
const seeds = [GOLDEN_FILE, HOLDOUT_FILE].filter(existsSync).flatMap((f) => loadQuestions(f).map((i) => i.q));
const questions: string[] = [];
while (questions.length < QUESTIONS) {
  const alias = pick(pick(big, r).aliases, r);
  const generated = r() < 0.5 ? foldDiacritics(alias) : `cho em hỏi ${alias} cần giấy tờ gì ạ`;
  questions.push(r() < 0.5 && seeds.length > 0 ? pick(seeds, r) : generated);
}
for (const q of questions.slice(0, 500)) bigBrain.ask(q);
const times: number[] = [];
for (const q of questions) {
  const s = performance.now();
  bigBrain.ask(q);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
console.log(`\nScale: ${SIZE} procedures (synthetic, grown from the real catalog), ${QUESTIONS} questions`);
console.log(`  index build            ${buildMs.toFixed(0)} ms`);
console.log(`  index memory (heap)    ${indexMb.toFixed(1)} MB${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for an exact figure)'}`);
console.log(`  latency median         ${percentile(times, 50).toFixed(3)} ms`);
console.log(`  latency p99            ${percentile(times, 99).toFixed(3)} ms`);
console.log(`  latency max            ${times[times.length - 1]!.toFixed(3)} ms`);
console.log(`  peak RSS               ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
