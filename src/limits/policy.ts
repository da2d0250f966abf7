import type { LimitDecision, LimitPolicy } from '../ports/limiter.js';

/** The decision for a wait in milliseconds: allowed at 0 (or less), else whole seconds, at least 1. */
export function decision(waitMs: number): LimitDecision {
  return waitMs > 0 ? { allowed: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true, retryAfterSec: 0 };
}

/** Names become part of Redis keys: short identifiers only. */
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

export function validPolicy(name: string, policy: LimitPolicy): void {
  if (!NAME_PATTERN.test(name)) throw new Error(`limiter name must be 1–40 of a-z, 0-9 and - (got "${name}")`);
  if (!Number.isInteger(policy.max) || policy.max < 1) throw new Error(`limiter ${name}: max must be a whole number ≥ 1`);
  if (!Number.isInteger(policy.windowMs) || policy.windowMs < 1) throw new Error(`limiter ${name}: windowMs must be a whole number ≥ 1`);
}

/** Two users of one name share its counters, so they must count the same way. */
export function samePolicy(name: string, a: LimitPolicy, b: LimitPolicy): void {
  if (a.max !== b.max || a.windowMs !== b.windowMs) {
    throw new Error(`limiter ${name} is already in use with ${a.max} per ${a.windowMs} ms (asked for ${b.max} per ${b.windowMs} ms)`);
  }
}
