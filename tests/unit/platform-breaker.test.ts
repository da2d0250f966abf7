import { describe, expect, it } from 'vitest';
import { createPlatformBreaker, jitteredBackoff, type BreakerTransition } from '../../src/core/platform-breaker.js';

/** The circuit breaker's states on a hand-moved monotonic clock, and the jittered backoff's bounds. */

function breaker(options: { threshold?: number; openMs?: number; maxOpenMs?: number } = {}) {
  let now = 1_000;
  const transitions: BreakerTransition[] = [];
  const b = createPlatformBreaker('zalo', { threshold: 3, openMs: 1_000, spreadMs: 0, random: () => 0.5, monotonic: () => now, ...options }, (t) => transitions.push(t));
  return { b, transitions, advance: (ms: number) => (now += ms) };
}

describe('platform breaker', () => {
  it('When transient failures reach the threshold in a row, then it opens and calls wait for the cool-down', () => {
    const { b, transitions } = breaker();
    b.failed(false);
    b.failed(false);
    expect(b.state()).toBe('closed');
    expect(b.admit()).toEqual({ kind: 'call', probe: false });
    b.failed(false);
    expect(b.state()).toBe('open');
    expect(b.admit()).toEqual({ kind: 'wait', retryInMs: 1_000 });
    expect(transitions).toEqual([{ channel: 'zalo', from: 'closed', to: 'open', failures: 3, openMs: 1_000 }]);
  });

  it('When a success comes between failures, then the count starts again', () => {
    const { b } = breaker();
    b.failed(false);
    b.failed(false);
    b.succeeded(false);
    b.failed(false);
    b.failed(false);
    expect(b.state()).toBe('closed');
  });

  it('When the cool-down ends, then exactly one call is the probe; its success closes the breaker', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failed(false);
    advance(1_000);
    expect(b.admit()).toEqual({ kind: 'call', probe: true });
    expect(b.state()).toBe('half-open');
    const other = b.admit();
    expect(other.kind).toBe('wait');
    b.succeeded(true);
    expect(b.state()).toBe('closed');
    expect(b.admit()).toEqual({ kind: 'call', probe: false });
    expect(b.stats()).toMatchObject({ opened: 1, closed: 1, probes: 1 });
  });

  it('When probes fail, then it reopens with cool-downs doubling up to the maximum', () => {
    const { b, advance, transitions } = breaker({ maxOpenMs: 4_000 });
    for (let i = 0; i < 3; i++) b.failed(false);
    const cooldowns: number[] = [];
    for (let round = 0; round < 4; round++) {
      const wait = b.admit();
      expect(wait.kind).toBe('wait');
      cooldowns.push((wait as { retryInMs: number }).retryInMs);
      advance(cooldowns.at(-1)!);
      expect(b.admit()).toEqual({ kind: 'call', probe: true });
      b.failed(true);
    }
    expect(cooldowns).toEqual([1_000, 2_000, 4_000, 4_000]);
    expect(transitions.filter((t) => t.to === 'open')).toHaveLength(5);
  });

  it('When a call admitted before the opening fails late, then it neither reopens nor extends the cool-down', () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) b.failed(false);
    const before = b.admit();
    b.failed(false);
    expect(b.admit()).toEqual(before);
    expect(b.stats().opened).toBe(1);
  });
});

describe('jittered backoff', () => {
  it('doubles per attempt from the base, half fixed and half random, capped', () => {
    expect(jitteredBackoff(1, 500, 60_000, () => 0)).toBe(250);
    expect(jitteredBackoff(1, 500, 60_000, () => 0.999999)).toBe(500);
    expect(jitteredBackoff(3, 500, 60_000, () => 0)).toBe(1_000);
    expect(jitteredBackoff(20, 500, 60_000, () => 0.999999)).toBe(60_000);
    const spread = new Set(Array.from({ length: 50 }, () => jitteredBackoff(4)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(2_000);
  });
});
