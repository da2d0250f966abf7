import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { loadBrain } from '../../knowledge/brain/index.js';
import { evaluateReal, loadRealQuestions, realSetOf } from '../../knowledge/eval/real.js';
import { maskPii } from '../../src/domain/pii.js';

/** The collection of real citizens' questions (knowledge/eval/real, issue 10): every line as its README says. */
describe("real citizens' questions", () => {
  const catalog = loadCatalog();
  const ids = new Set(catalog.procedures.map((p) => p.id));
  const all = loadRealQuestions();

  it('has valid lines with unique ids, catalog labels or none, and a source for each', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(new Set(all.map((q) => q.id)).size).toBe(all.length);
    for (const q of all) {
      expect(q.label === 'none' || ids.has(q.label), `${q.id} label ${q.label}`).toBe(true);
      if (q.related !== undefined) expect(ids.has(q.related), `${q.id} related ${q.related}`).toBe(true);
    }
  });

  it('keeps no phone number, ID number or e-mail', () => {
    for (const q of all) expect(maskPii(q.text), q.id).toBe(q.text);
  });

  it('keeps no two copies of one question', () => {
    const texts = all.map((q) => q.text.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('splits by source page: a page never on both sides, about a third of the questions in the holdout', () => {
    const sides = new Map<string, Set<string>>();
    for (const q of all) (sides.get(q.source.url) ?? sides.set(q.source.url, new Set()).get(q.source.url)!).add(realSetOf(q));
    for (const [url, set] of sides) expect(set.size, url).toBe(1);
    const holdout = all.filter((q) => realSetOf(q) === 'holdout').length / all.length;
    expect(holdout).toBeGreaterThan(0.25);
    expect(holdout).toBeLessThan(0.45);
  });

  /**
   * Floors under the figures measured when they were set (golden 79.1 / 92.9 / 2.5 %, holdout 70.7 /
   * 93.5 / 3.1 %), to catch regressions. Issue 10 asks the holdout for top-1 ≥ 90 %, abstention ≥ 85 %
   * and confidently wrong ≤ 2 %: not all met yet (see `npm run eval:real`).
   */
  it('meets its floors: top-1 where a procedure fits, abstention where none does, few confident wrong answers', () => {
    const brain = loadBrain();
    const floors = { golden: { top1: 0.77, abstain: 0.92, wrongAtMost: 0.03 }, holdout: { top1: 0.68, abstain: 0.9, wrongAtMost: 0.04 } };
    for (const set of ['golden', 'holdout'] as const) {
      const { total } = evaluateReal(all.filter((q) => realSetOf(q) === set), (text) => brain.ask(text));
      expect(total.top1 / total.fit, `${set} top-1`).toBeGreaterThanOrEqual(floors[set].top1);
      expect(total.abstained / total.none, `${set} abstention`).toBeGreaterThanOrEqual(floors[set].abstain);
      expect(total.confidentlyWrong / total.n, `${set} confidently wrong`).toBeLessThanOrEqual(floors[set].wrongAtMost);
    }
  });
});
