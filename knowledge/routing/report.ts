import { loadBrain } from '../brain/index.js';
import { loadCatalog } from '../catalog/load.js';
import { evaluateRouting, loadRoutingItems } from './evaluate.js';
import { createRouter } from './index.js';

/** Prints routing accuracy on knowledge/eval/routing.vi.jsonl: `npx tsx knowledge/routing/report.ts [--errors]`. */
const catalog = loadCatalog();
const items = loadRoutingItems();
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const setups = [
  { name: 'brain + classifier, kind hints', router: createRouter({ catalog, brain: loadBrain() }), hints: true },
  { name: 'brain + classifier, text only', router: createRouter({ catalog, brain: loadBrain() }), hints: false },
  { name: 'classifier only, kind hints', router: createRouter({ catalog }), hints: true },
];
for (const s of setups) {
  const m = evaluateRouting(s.router, items, s.hints);
  console.log(`\n${s.name}: ${pct(m.accuracy)} of ${m.total}`);
  for (const [key, g] of Object.entries(m.by)) console.log(`  ${key.padEnd(26)} ${pct(g.accuracy).padStart(8)}  (n=${g.n})`);
  if (process.argv.includes('--errors')) {
    for (const e of m.errors) console.log(`  ✗ ${e.q}  →  ${e.got} (${e.reason} ${e.confidence}), expected ${e.expect}`);
  }
}
