import { describe, expect, it } from 'vitest';
import { createMemoryLimiters } from '../../src/limits/memory.js';
import { limiterContract } from '../contract/limiter.contract.js';

/** The limiters of embedded mode: the contract, and the bound on the keys they remember. */
limiterContract('memory', async (clock) => {
  const limiters = createMemoryLimiters({ clock });
  return { limiters, peer: () => limiters, cleanup: async () => {} };
});

describe('memory limiters', () => {
  it('When more keys fail than the bound, then the least recently failed are forgotten', async () => {
    const now = Date.parse('2026-03-09T03:00:00Z');
    const limiters = createMemoryLimiters({ clock: { now: () => new Date(now) }, maxKeys: 2 });
    const failures = limiters.failures('login', { max: 1, windowMs: 60_000 });
    await failures.fail('a');
    await failures.fail('b');
    await failures.fail('a'); // a is now the most recent
    await failures.fail('c');
    expect(limiters.size('login')).toBe(2);
    expect((await failures.check('a')).allowed).toBe(false);
    expect((await failures.check('b')).allowed).toBe(true);
    expect((await failures.check('c')).allowed).toBe(false);
  });
});
