import { beforeAll, describe, expect, it } from 'vitest';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';
import { brainPrediction, evaluate, GOLDEN_FILE, HOLDOUT_FILE, loadQuestions, type Metrics } from '../../knowledge/eval/evaluate.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';

/**
 * Accuracy floors on the labelled question sets. The golden set is what the brain was tuned on; the
 * holdout set was written independently and never tuned on, so its floor is the honest one.
 */
let brain: Brain;
const run = (file: string): Metrics => evaluate(loadQuestions(file), (q) => brainPrediction(brain.ask(q)));

beforeAll(() => {
  brain = loadBrain();
});

describe('golden set', () => {
  const items = loadQuestions(GOLDEN_FILE);

  it('is large and covers the whole catalog', () => {
    const ids = new Set(loadCatalog().procedures.map((p) => p.id));
    expect(items.length).toBeGreaterThanOrEqual(300);
    expect(items.filter((i) => i.expect === null).length / items.length).toBeGreaterThanOrEqual(0.25);
    for (const i of items) if (i.expect) expect(ids.has(i.expect), i.expect).toBe(true);
    const covered = new Set(items.map((i) => i.expect).filter(Boolean));
    expect(covered.size).toBe(ids.size);
  });

  it('meets the accuracy floors', () => {
    const m = run(GOLDEN_FILE);
    expect(m.top1).toBeGreaterThanOrEqual(0.96);
    expect(m.abstentionRecall).toBeGreaterThanOrEqual(0.9);
    expect(m.intentAccuracy).toBeGreaterThanOrEqual(0.95);
    // Answered outright with the wrong procedure: 2.5 % when first counted, 0.8 % once answers need a calibrated probability (issue 10).
    expect(m.confidentlyWrong).toBeLessThanOrEqual(0.015);
    const accented = m.byVariant.accented!.top1;
    const unaccented = m.byVariant.unaccented!.top1;
    expect(unaccented).toBeGreaterThanOrEqual(accented - 0.03);
  });
});

describe('holdout set (never tuned on)', () => {
  it('meets its floors', () => {
    const m = run(HOLDOUT_FILE);
    expect(m.top1).toBeGreaterThanOrEqual(HOLDOUT_FLOORS.top1);
    expect(m.abstentionRecall).toBeGreaterThanOrEqual(HOLDOUT_FLOORS.abstentionRecall);
    expect(m.intentAccuracy).toBeGreaterThanOrEqual(HOLDOUT_FLOORS.intent);
    expect(m.confidentlyWrong).toBeLessThanOrEqual(HOLDOUT_FLOORS.confidentlyWrongAtMost);
  });
});

const HOLDOUT_FLOORS = { top1: 0.95, abstentionRecall: 0.85, intent: 0.97, confidentlyWrongAtMost: 0.015 };
