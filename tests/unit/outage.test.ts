import { describe, expect, it } from 'vitest';
import { OUTAGE_REPEAT_EVERY_MS, OutageTracker } from '../../src/domain/outage.js';

describe('OutageTracker: an outage said once when it starts, every few minutes while it lasts, once when it ends', () => {
  it('When failures follow one another, then only the first and one per repeat period are said, and the end counts them all', () => {
    const t = new OutageTracker();
    expect(t.down).toBe(false);
    expect(t.succeeded(0)).toBeUndefined();
    expect(t.failed(1_000)).toEqual({ say: 'started' });
    expect(t.down).toBe(true);
    for (let at = 2_000; at < 1_000 + OUTAGE_REPEAT_EVERY_MS; at += 10_000) expect(t.failed(at).say).toBe('nothing');
    expect(t.failed(1_000 + OUTAGE_REPEAT_EVERY_MS)).toMatchObject({ say: 'still', outageMs: OUTAGE_REPEAT_EVERY_MS });
    expect(t.failed(1_000 + OUTAGE_REPEAT_EVERY_MS + 1).say).toBe('nothing');
    expect(t.elapsedMs(61_000)).toBe(60_000);
    const ended = t.succeeded(1_000 + 2 * OUTAGE_REPEAT_EVERY_MS);
    expect(ended?.outageMs).toBe(2 * OUTAGE_REPEAT_EVERY_MS);
    expect(ended?.failures).toBeGreaterThan(30);
    expect(t.down).toBe(false);
    expect(t.elapsedMs(9_999_999)).toBe(0);
    expect(t.succeeded(9_999_999)).toBeUndefined();
  });

  it('When a new outage starts after one ended, then it is said again from the start', () => {
    const t = new OutageTracker(100);
    t.failed(0);
    t.failed(50);
    t.succeeded(60);
    expect(t.failed(70)).toEqual({ say: 'started' });
    expect(t.failed(171)).toEqual({ say: 'still', outageMs: 101, failures: 2 });
  });
});
