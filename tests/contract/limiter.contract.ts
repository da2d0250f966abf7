import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/ports/clock.js';
import type { LimiterFactory } from '../../src/ports/limiter.js';

/**
 * The conformance suite every LimiterFactory passes: the in-memory limiters of embedded mode
 * (tests/unit/limiter.memory.test.ts) and the Redis ones of production mode
 * (tests/integration/limiter.redis.test.ts). Windows are measured by the injected clock, which the
 * tests move: nothing here waits for real time to pass.
 *
 * `make` gets the clock and a second call to it must give a factory over the SAME counters (another
 * process on the same Redis; the same object in memory), for the sharing tests.
 */
export interface LimiterSubject {
  /** A factory over this test's counters (fresh per test). */
  limiters: LimiterFactory;
  /** Another factory over the same counters (another process, for Redis). */
  peer(): LimiterFactory;
  cleanup(): Promise<void>;
}

export function limiterContract(name: string, make: (clock: Clock) => Promise<LimiterSubject>): void {
  describe(`LimiterFactory contract: ${name}`, () => {
    const MINUTE = 60_000;
    let now: number;
    const clock: Clock = { now: () => new Date(now) };
    let subject: LimiterSubject;
    let limiters: LimiterFactory;

    beforeEach(async () => {
      now = Date.parse('2026-03-09T03:00:00Z');
      subject = await make(clock);
      limiters = subject.limiters;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    describe('FailureLimiter', () => {
      it('When a key has fewer failures than the maximum, then it may try; the failure that reaches it refuses', async () => {
        const failures = limiters.failures('login', { max: 3, windowMs: 15 * MINUTE });
        expect(await failures.check('hoa\n10.0.0.1')).toEqual({ allowed: true, retryAfterSec: 0 });
        expect(await failures.fail('hoa\n10.0.0.1')).toEqual({ allowed: true, retryAfterSec: 0 });
        now += 1000;
        expect((await failures.fail('hoa\n10.0.0.1')).allowed).toBe(true);
        now += 1000;
        // The third failure reaches the maximum: from now on the key waits for the first one to leave the window.
        expect(await failures.fail('hoa\n10.0.0.1')).toEqual({ allowed: false, retryAfterSec: 15 * 60 - 2 });
        expect(await failures.check('hoa\n10.0.0.1')).toEqual({ allowed: false, retryAfterSec: 15 * 60 - 2 });
      });

      it('When checks are made, then they count nothing', async () => {
        const failures = limiters.failures('login', { max: 2, windowMs: MINUTE });
        for (let i = 0; i < 10; i++) expect((await failures.check('k')).allowed).toBe(true);
        await failures.fail('k');
        expect((await failures.check('k')).allowed).toBe(true);
      });

      it('When the window slides past the oldest failures, then the key may try again, one failure at a time', async () => {
        const failures = limiters.failures('proof', { max: 2, windowMs: MINUTE });
        await failures.fail('K7QX-3M2PC');
        now += 20_000;
        await failures.fail('K7QX-3M2PC');
        expect(await failures.check('K7QX-3M2PC')).toEqual({ allowed: false, retryAfterSec: 40 });
        now += 39_999;
        expect((await failures.check('K7QX-3M2PC')).allowed).toBe(false);
        // A wait under a second is still said as 1 second (Retry-After is whole seconds).
        expect((await failures.check('K7QX-3M2PC')).retryAfterSec).toBe(1);
        now += 1;
        expect(await failures.check('K7QX-3M2PC')).toEqual({ allowed: true, retryAfterSec: 0 });
        // Only the first failure left the window: one more and the key waits for the second.
        expect(await failures.fail('K7QX-3M2PC')).toEqual({ allowed: false, retryAfterSec: 20 });
      });

      it('When a key is reset, then its failures are forgotten; other keys keep theirs', async () => {
        const failures = limiters.failures('login', { max: 1, windowMs: MINUTE });
        await failures.fail('a');
        await failures.fail('b');
        await failures.reset('a');
        await failures.reset('never-failed');
        expect((await failures.check('a')).allowed).toBe(true);
        expect((await failures.check('b')).allowed).toBe(false);
      });

      it('When two names count the same key, then their counts are separate', async () => {
        const byCode = limiters.failures('proof', { max: 1, windowMs: MINUTE });
        const byConversation = limiters.failures('proof-conversation', { max: 1, windowMs: MINUTE });
        await byCode.fail('same-key');
        expect((await byCode.check('same-key')).allowed).toBe(false);
        expect((await byConversation.check('same-key')).allowed).toBe(true);
      });

      it('When the same name is asked for twice (chat and lookup API, or two processes), then both see one count', async () => {
        const policy = { max: 4, windowMs: 15 * MINUTE };
        const chat = limiters.failures('proof', policy);
        const api = subject.peer().failures('proof', policy);
        await chat.fail('K7QX-3M2PC');
        await api.fail('K7QX-3M2PC');
        await chat.fail('K7QX-3M2PC');
        expect((await api.check('K7QX-3M2PC')).allowed).toBe(true);
        await api.fail('K7QX-3M2PC');
        expect((await chat.check('K7QX-3M2PC')).allowed).toBe(false);
        expect((await api.check('K7QX-3M2PC')).allowed).toBe(false);
      });

      it('When one name is asked for with another policy, then it is refused (the counts would mean different things)', () => {
        limiters.failures('login', { max: 10, windowMs: MINUTE });
        expect(() => limiters.failures('login', { max: 5, windowMs: MINUTE })).toThrow(/already in use/);
        expect(() => limiters.failures('Bad Name', { max: 5, windowMs: MINUTE })).toThrow(/name/);
        expect(() => limiters.rate('widget', { max: 0, windowMs: MINUTE })).toThrow(/max/);
      });

      it('When many failures are recorded at once, then every one counts', async () => {
        const failures = limiters.failures('proof', { max: 30, windowMs: MINUTE });
        await Promise.all(Array.from({ length: 25 }, () => failures.fail('K7QX-3M2PC')));
        expect((await failures.check('K7QX-3M2PC')).allowed).toBe(true);
        await Promise.all(Array.from({ length: 5 }, () => failures.fail('K7QX-3M2PC')));
        expect((await failures.check('K7QX-3M2PC')).allowed).toBe(false);
      });
    });

    describe('RateLimiter', () => {
      it('When a key sends up to the maximum within the window, then each is allowed; the next is refused with the wait', async () => {
        const perSession = limiters.rate('widget-session', { max: 3, windowMs: MINUTE });
        for (let i = 0; i < 3; i++) {
          expect(await perSession.hit('visitor-1')).toEqual({ allowed: true, retryAfterSec: 0 });
          now += 5000;
        }
        expect(await perSession.hit('visitor-1')).toEqual({ allowed: false, retryAfterSec: 45 });
        expect((await perSession.hit('visitor-2')).allowed).toBe(true);
      });

      it('When hits are refused, then they are not counted: the key may send again as soon as the oldest leaves the window', async () => {
        const perSession = limiters.rate('widget-session', { max: 2, windowMs: MINUTE });
        await perSession.hit('v');
        await perSession.hit('v');
        for (let i = 0; i < 20; i++) {
          now += 1000;
          expect((await perSession.hit('v')).allowed).toBe(false);
        }
        now += 40_000;
        expect((await perSession.hit('v')).allowed).toBe(true);
      });

      it('When many hits arrive at once, then exactly the maximum is allowed', async () => {
        const perAddress = limiters.rate('widget-address', { max: 20, windowMs: MINUTE });
        const decisions = await Promise.all(Array.from({ length: 50 }, () => perAddress.hit('203.0.113.7')));
        expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
        expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSec === 60)).toBe(true);
      });

      it('When another factory over the same counters hits the key, then it counts toward the same maximum', async () => {
        const policy = { max: 2, windowMs: MINUTE };
        await limiters.rate('widget-address', policy).hit('203.0.113.7');
        await subject.peer().rate('widget-address', policy).hit('203.0.113.7');
        expect((await limiters.rate('widget-address', policy).hit('203.0.113.7')).allowed).toBe(false);
      });
    });
  });
}
