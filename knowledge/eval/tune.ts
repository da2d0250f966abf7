import { loadBrain } from '../brain/index.js';
import { brainPrediction, evaluate, GOLDEN_FILE, HOLDOUT_FILE, loadQuestions } from './evaluate.js';

/**
 * Developer tool: grid search over decision parameters on the golden set, reporting the holdout set
 * alongside (never selected on). Usage: npm run eval:tune -- key=v1,v2 key2=v3,v4
 */
const brain = loadBrain();
const golden = loadQuestions(GOLDEN_FILE);
const holdout = loadQuestions(HOLDOUT_FILE);
const grid = process.argv.slice(2).map((arg) => {
  const [key, values] = arg.split('=');
  return { key: key!, values: values!.split(',').map(Number) };
});
const pct = (x: number) => (x * 100).toFixed(1);
function* combos(i: number, acc: Record<string, number>): Generator<Record<string, number>> {
  if (i === grid.length) return yield { ...acc };
  for (const v of grid[i]!.values) yield* combos(i + 1, { ...acc, [grid[i]!.key]: v });
}
const target = brain.params as unknown as Record<string, Record<string, number>>;
for (const combo of combos(0, {})) {
  for (const [k, v] of Object.entries(combo)) {
    const [group, name] = k.includes('.') ? k.split('.') : ['decision', k];
    target[group!]![name!] = v;
  }
  const g = evaluate(golden, (q) => brainPrediction(brain.ask(q)));
  const h = evaluate(holdout, (q) => brainPrediction(brain.ask(q)));
  console.log(
    `${JSON.stringify(combo)}  golden top1 ${pct(g.top1)} intent ${pct(g.intentAccuracy)} oosR ${pct(g.abstentionRecall)} acc ${pct(g.byVariant.accented?.top1 ?? 0)} unacc ${pct(g.byVariant.unaccented?.top1 ?? 0)}` +
      ` | holdout top1 ${pct(h.top1)} intent ${pct(h.intentAccuracy)} oosR ${pct(h.abstentionRecall)}`,
  );
}
