import type { FailureLimiter, LimitDecision, LimiterFactory, RateLimiter } from '../ports/limiter.js';

/**
 * Throttles that keep working while their shared store is unreachable: each call goes to `primary`
 * (Redis, shared by every process) and, when it fails or does not answer within `timeoutMs`, to
 * `fallback` (this process's memory) instead. A citizen's widget message is then still stored and
 * answered during a Redis outage, throttled per process rather than across processes; `onError` hears
 * each failure (the caller logs the outage once, not per request).
 */
export interface FallbackOptions {
  primary: LimiterFactory;
  fallback: LimiterFactory;
  /** Longest wait for the primary before the fallback decides (default 500 ms). */
  timeoutMs?: number;
  onError(err: unknown): void;
  /** The primary answered: an outage (if any) is over. */
  onSuccess(): void;
}

const DEFAULT_TIMEOUT_MS = 500;

export function createFallbackLimiters(options: FallbackOptions): LimiterFactory {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function either<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`limiter store did not answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([primary(), late]);
      options.onSuccess();
      return result;
    } catch (err) {
      options.onError(err);
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    failures(name, policy): FailureLimiter {
      const primary = options.primary.failures(name, policy);
      const fallback = options.fallback.failures(name, policy);
      return {
        check: (key): Promise<LimitDecision> => either(() => primary.check(key), () => fallback.check(key)),
        fail: (key): Promise<LimitDecision> => either(() => primary.fail(key), () => fallback.fail(key)),
        reset: (key): Promise<void> => either(() => primary.reset(key), () => fallback.reset(key)),
      };
    },
    rate(name, policy): RateLimiter {
      const primary = options.primary.rate(name, policy);
      const fallback = options.fallback.rate(name, policy);
      return { hit: (key): Promise<LimitDecision> => either(() => primary.hit(key), () => fallback.hit(key)) };
    },
  };
}
