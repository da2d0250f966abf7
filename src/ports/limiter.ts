/**
 * Throttles as the core sees them, so the counts can live in process memory (embedded mode, one
 * process) or in Redis (production mode, shared by every web and worker process). Two implementations
 * pass one contract suite (tests/contract/limiter.contract.ts): src/limits/memory.ts and src/limits/redis.ts.
 *
 * Both count within a sliding window measured by the injected clock: what happened more than
 * `windowMs` ago no longer counts, and a refusal says how long until the oldest counted event leaves
 * the window. Keys are the caller's (a username + address, a tracking code, a visitor id…); the
 * limiter's `name` keeps the counters of different uses apart, and the same name means the same
 * counters, in one process as across processes.
 */

/** What a limiter allows within a sliding window. */
export interface LimitPolicy {
  /** Events (failures, messages) allowed within the window. */
  max: number;
  windowMs: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** Whole seconds until the key may try again: 0 when allowed, at least 1 when not. */
  retryAfterSec: number;
}

/**
 * Counts failures (wrong passwords, wrong proofs): `check` before the attempt, `fail` after a failed
 * one, `reset` after a success where a success should clear the count (a login, not a lookup).
 */
export interface FailureLimiter {
  /** Whether the key may try now (failures in the window below the maximum). Records nothing. */
  check(key: string): Promise<LimitDecision>;
  /** Records one failure; answers what `check` would answer right after it. */
  fail(key: string): Promise<LimitDecision>;
  /** Forgets the key's failures. */
  reset(key: string): Promise<void>;
}

/** Counts events that are allowed only so often (widget messages): a refused hit is not counted. */
export interface RateLimiter {
  /** Counts one event for the key if it is allowed, atomically with the decision. */
  hit(key: string): Promise<LimitDecision>;
}

/**
 * Makes limiters. The same `name` twice gives counters that share their keys (and must be asked with
 * the same policy); names are short identifiers (`login`, `proof`…).
 */
export interface LimiterFactory {
  failures(name: string, policy: LimitPolicy): FailureLimiter;
  rate(name: string, policy: LimitPolicy): RateLimiter;
}
