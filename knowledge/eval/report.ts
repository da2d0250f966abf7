import { loadBrain } from '../brain/index.js';
import { bandLine, brainPrediction, evaluate, GOLDEN_FILE, HOLDOUT_FILE, loadQuestions, reliability } from './evaluate.js';

/**
 * Developer report: metrics, the reliability table and every error on the golden (or --holdout) set; --strict-intent counts a
 * matter outside the catalog as the brain's intent `other` instead of a procedure question without one.
 */
const file = process.argv.includes('--holdout') ? HOLDOUT_FILE : GOLDEN_FILE;
const brain = loadBrain();
const strict = process.argv.includes('--strict-intent');
const items = loadQuestions(file);
// Each question asked once: the metrics and the reliability table read the same predictions.
const predictions = new Map(items.map((i) => [i.q, brainPrediction(brain.ask(i.q), strict)]));
const predict = (q: string) => predictions.get(q)!;
const m = evaluate(items, predict);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
if (!process.argv.includes('--quiet')) {
  for (const e of m.errors) console.log(`${e.expectIntent}/${e.expect ?? '-'} ← ${e.gotIntent}/${e.got ?? '-'}  | ${e.q}`);
}
console.log(`\n${file}\nn=${m.total} in-scope=${m.inScope} oos=${m.outOfScope}`);
console.log(`top1=${pct(m.top1)} intent=${pct(m.intentAccuracy)} abstainP=${pct(m.abstentionPrecision)} abstainR=${pct(m.abstentionRecall)} confidentlyWrong=${pct(m.confidentlyWrong)}`);
console.log(Object.entries(m.byVariant).map(([k, v]) => `${k}:${pct(v.top1)}(${v.n})`).join(' '));
console.log('reliability (band of the calibrated confidence in the best candidate: questions, mean, share right):');
for (const b of reliability(items, predict)) console.log(`  ${bandLine(b)}`);
