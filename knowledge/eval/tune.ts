import { loadCatalog } from '../catalog/load.js';
import { createBrain, DEFAULT_BRAIN_PARAMS, type BrainParams } from '../brain/index.js';
import { brainPrediction, evaluate, GOLDEN_FILE, HOLDOUT_FILE, loadQuestions } from './evaluate.js';

/**
 * Developer tool: grid search over decision parameters on the golden set, reporting the holdout set
 * alongside (never selected on). Usage: npm run eval:tune -- key=v1,v2 key2=v3,v4
 */
const catalog = loadCatalog();
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
/** Applies `group.name=v` (decision, retrieval) or `index.k1` / `index.<field>.<boost|b>` to a params copy. */
function withCombo(combo: Record<string, number>): BrainParams {
  const params: BrainParams = structuredClone(DEFAULT_BRAIN_PARAMS);
  for (const [key, v] of Object.entries(combo)) {
    const path = key.includes('.') ? key.split('.') : ['decision', key];
    if (path[0] === 'index' && path.length === 3) path.splice(1, 0, 'fields');
    let node = params as unknown as Record<string, unknown>;
    for (const step of path.slice(0, -1)) node = node[step] as Record<string, unknown>;
    node[path[path.length - 1]!] = v;
  }
  return params;
}
for (const combo of combos(0, {})) {
  const brain = createBrain(catalog, { params: withCombo(combo) });
  const g = evaluate(golden, (q) => brainPrediction(brain.ask(q)));
  const h = evaluate(holdout, (q) => brainPrediction(brain.ask(q)));
  console.log(
    `${JSON.stringify(combo)}  golden top1 ${pct(g.top1)} intent ${pct(g.intentAccuracy)} oosR ${pct(g.abstentionRecall)} acc ${pct(g.byVariant.accented?.top1 ?? 0)} unacc ${pct(g.byVariant.unaccented?.top1 ?? 0)}` +
      ` | holdout top1 ${pct(h.top1)} intent ${pct(h.intentAccuracy)} oosR ${pct(h.abstentionRecall)}`,
  );
}
