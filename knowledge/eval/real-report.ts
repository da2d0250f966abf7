import { loadBrain } from '../brain/index.js';
import { bandLine } from './evaluate.js';
import { evaluateReal, LENGTH_BANDS, loadRealQuestions, realSetOf, type RealTally } from './real.js';

/**
 * `npm run eval:real [-- --set golden|holdout|all]`: the brain on real citizens' questions: top-1 where
 * a procedure fits, abstention where none does, and confidently wrong, overall, per kind and per length
 * band, with the reliability table of the calibrated confidence (issue 10). The holdout (a third of the
 * source pages) is reported, never tuned on.
 */
const arg = process.argv.indexOf('--set');
const wanted = arg > 0 ? process.argv[arg + 1] : 'all';
const brain = loadBrain();
const all = loadRealQuestions();
const pct = (a: number, b: number) => (b === 0 ? '   –  ' : `${((100 * a) / b).toFixed(1).padStart(5)} %`);
const line = (name: string, t: RealTally) =>
  `  ${name.padEnd(14)} n=${String(t.n).padStart(3)}  top-1 ${pct(t.top1, t.fit)} (${t.fit})  abstain ${pct(t.abstained, t.none)} (${t.none})  confidently wrong ${pct(t.confidentlyWrong, t.n)}`;

for (const set of ['golden', 'holdout'] as const) {
  if (wanted !== 'all' && wanted !== set) continue;
  const report = evaluateReal(
    all.filter((q) => realSetOf(q) === set),
    (text) => brain.ask(text),
  );
  console.log(`\n${set}${set === 'holdout' ? ' (never tuned on)' : ''}:`);
  console.log(line('TOTAL', report.total));
  for (const [kind, t] of Object.entries(report.byKind)) console.log(line(kind, t));
  for (const { name } of LENGTH_BANDS) if (report.byLength[name]) console.log(line(name, report.byLength[name]));
  console.log('  reliability (calibrated confidence in the best guess: questions, mean, share right):');
  for (const b of report.reliability) console.log(`    ${bandLine(b)}`);
}
