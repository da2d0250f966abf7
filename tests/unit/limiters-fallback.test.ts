import { describe, expect, it } from 'vitest';
import { createFallbackLimiters } from '../../src/limits/fallback.js';
import { createMemoryLimiters } from '../../src/limits/memory.js';
import { systemClock } from '../../src/ports/clock.js';
import type { LimiterFactory } from '../../src/ports/limiter.js';

/** A primary store that is down (rejects) or hangs, as Redis does while unreachable. */
function broken(mode: 'reject' | 'hang'): LimiterFactory {
  const call = () => (mode === 'reject' ? Promise.reject(new Error('connect ECONNREFUSED')) : new Promise<never>(() => undefined));
  return { failures: () => ({ check: call, fail: call, reset: call }), rate: () => ({ hit: call }) };
}

describe('throttles while their shared store is unreachable (issue 14)', () => {
  for (const mode of ['reject', 'hang'] as const) {
    it(`When the primary ${mode === 'reject' ? 'fails' : 'does not answer'}, then this process's memory decides, and the outage is reported`, async () => {
      const errors: unknown[] = [];
      const limiters = createFallbackLimiters({ primary: broken(mode), fallback: createMemoryLimiters({ clock: systemClock }), timeoutMs: 50, onError: (e) => errors.push(e), onSuccess: () => undefined });
      const rate = limiters.rate('widget-session', { max: 2, windowMs: 60_000 });
      expect((await rate.hit('s1')).allowed).toBe(true);
      expect((await rate.hit('s1')).allowed).toBe(true);
      expect((await rate.hit('s1')).allowed).toBe(false);
      const failures = limiters.failures('login', { max: 1, windowMs: 60_000 });
      await failures.fail('u');
      expect((await failures.check('u')).allowed).toBe(false);
      expect(errors.length).toBe(5);
    });
  }

  it('When the primary answers, then it decides and the fallback is not used', async () => {
    const primary = createMemoryLimiters({ clock: systemClock });
    let successes = 0;
    const limiters = createFallbackLimiters({ primary, fallback: broken('reject'), onError: () => expect.fail('no error expected'), onSuccess: () => successes++ });
    expect((await limiters.rate('r', { max: 1, windowMs: 60_000 }).hit('k')).allowed).toBe(true);
    expect((await primary.rate('r', { max: 1, windowMs: 60_000 }).hit('k')).allowed).toBe(false);
    expect(successes).toBe(1);
  });
});
