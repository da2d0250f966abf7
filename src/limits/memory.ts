import type { Clock } from '../ports/clock.js';
import type { FailureLimiter, LimitDecision, LimiterFactory, LimitPolicy, RateLimiter } from '../ports/limiter.js';
import { decision, samePolicy, validPolicy } from './policy.js';

/**
 * The limiters of embedded mode: counts in this process's memory, lost on restart. Each key keeps the
 * instants of its last `max` events within the window (a sliding log), so memory per key is bounded by
 * the policy, and the number of keys by `maxKeys` per name (expired keys first, then the least
 * recently counted). Only correct while one process serves everything: production mode uses Redis.
 */

/** Distinct keys one named limiter remembers; beyond this the oldest are forgotten first. */
export const DEFAULT_MAX_KEYS = 50_000;

export interface MemoryLimiterOptions {
  clock: Clock;
  maxKeys?: number;
}

/** The instants of each key's counted events, within a sliding window. */
class SlidingLog {
  private readonly events = new Map<string, number[]>();

  constructor(
    readonly policy: LimitPolicy,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until the key is below the maximum again; 0 when it is now. */
  waitMs(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.policy.max) return 0;
    return recent[recent.length - this.policy.max]! + this.policy.windowMs - now;
  }

  record(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    if (recent.length > this.policy.max) recent.splice(0, recent.length - this.policy.max);
    this.events.delete(key); // re-insert: Map order becomes least recently counted first
    this.events.set(key, recent);
    if (this.events.size > this.maxKeys) this.evict(now);
  }

  forget(key: string): void {
    this.events.delete(key);
  }

  get size(): number {
    return this.events.size;
  }

  private recent(key: string, now: number): number[] {
    const times = this.events.get(key);
    if (!times) return [];
    const recent = times.filter((t) => t > now - this.policy.windowMs);
    if (recent.length === 0) this.events.delete(key);
    return recent;
  }

  /** Drops expired keys, then the least recently counted ones, down to the bound. */
  private evict(now: number): void {
    for (const [key, times] of this.events) {
      if (times.every((t) => t <= now - this.policy.windowMs)) this.events.delete(key);
    }
    for (const key of this.events.keys()) {
      if (this.events.size <= this.maxKeys) break;
      this.events.delete(key);
    }
  }
}

export interface MemoryLimiters extends LimiterFactory {
  /** Keys a named limiter currently remembers (tests of the bound). */
  size(name: string): number;
}

export function createMemoryLimiters(options: MemoryLimiterOptions): MemoryLimiters {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const logs = new Map<string, SlidingLog>();
  const now = () => options.clock.now().getTime();

  /** One log per name, so two users of the same name share its counts. */
  function logFor(name: string, policy: LimitPolicy): SlidingLog {
    validPolicy(name, policy);
    const existing = logs.get(name);
    if (existing) {
      samePolicy(name, existing.policy, policy);
      return existing;
    }
    const log = new SlidingLog({ ...policy }, maxKeys);
    logs.set(name, log);
    return log;
  }

  return {
    failures(name, policy): FailureLimiter {
      const log = logFor(name, policy);
      return {
        async check(key): Promise<LimitDecision> {
          return decision(log.waitMs(key, now()));
        },
        async fail(key) {
          const at = now();
          log.record(key, at);
          return decision(log.waitMs(key, at));
        },
        async reset(key) {
          log.forget(key);
        },
      };
    },

    rate(name, policy): RateLimiter {
      const log = logFor(name, policy);
      return {
        async hit(key) {
          const at = now();
          const waitMs = log.waitMs(key, at);
          if (waitMs === 0) log.record(key, at);
          return decision(waitMs);
        },
      };
    },

    size(name) {
      return logs.get(name)?.size ?? 0;
    },
  };
}
