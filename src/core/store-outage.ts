import { isStoreUnavailable } from '../domain/errors.js';
import { RetryLaterError, type Job, type JobHandler } from '../ports/queue.js';

/**
 * Jobs that meet a store outage (STORE.UNAVAILABLE: the MongoDB server unreachable, the embedded
 * store's disk full) run again later, with a growing delay, WITHOUT spending an attempt: an outage of
 * minutes never uses up a job's attempts, so the work is neither lost nor left to a restart. The store
 * logs the outage once (store/unavailable.ts); the queues log nothing for a RetryLaterError, so an
 * outage is not one log line per job.
 */

export interface StoreOutageRetryOptions {
  /** First delay (ms); doubled at every consecutive failure of the same key. */
  baseMs?: number;
  /** Longest delay (ms). */
  maxMs?: number;
  /** 0..1 (tests pass a fixed one). */
  random?: () => number;
}

const DEFAULT_BASE_MS = 500;
const DEFAULT_MAX_MS = 5_000;
/** Keys remembered at most (consecutive failures per conversation or job); past it the count starts over. */
const MAX_KEYS = 10_000;

export interface StoreOutageRetry {
  /** The delay before the next run of `key` after one more failure: base × 2^(n−1), capped, ±25 % jitter. */
  nextDelayMs(key: string): number;
  /** `key` worked: its next failure starts from the base delay again. */
  succeeded(key: string): void;
  /** A store outage becomes RetryLaterError (the job runs again later); anything else is thrown as it is. */
  rethrow(key: string, err: unknown): never;
  /** The handler with store outages retried (keyed by `keyOf(job)`, default the job's id). */
  wrap<T>(handler: JobHandler<T>, keyOf?: (job: Job<T>) => string): JobHandler<T>;
}

export function createStoreOutageRetry(options: StoreOutageRetryOptions = {}): StoreOutageRetry {
  const baseMs = options.baseMs ?? DEFAULT_BASE_MS;
  const maxMs = options.maxMs ?? DEFAULT_MAX_MS;
  const random = options.random ?? Math.random;
  const failures = new Map<string, number>();

  const retry: StoreOutageRetry = {
    nextDelayMs(key) {
      const n = (failures.get(key) ?? 0) + 1;
      if (!failures.has(key) && failures.size >= MAX_KEYS) failures.clear();
      failures.set(key, n);
      const delay = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 20));
      return Math.max(1, Math.round(delay * (0.75 + random() * 0.5)));
    },
    succeeded(key) {
      failures.delete(key);
    },
    rethrow(key, err) {
      if (isStoreUnavailable(err)) throw new RetryLaterError(retry.nextDelayMs(key));
      throw err;
    },
    wrap(handler, keyOf = (job) => job.id) {
      return async (job) => {
        const key = keyOf(job);
        try {
          await handler(job);
        } catch (err) {
          retry.rethrow(key, err);
        }
        retry.succeeded(key);
      };
    },
  };
  return retry;
}

export interface UntilStoredOptions {
  /** Delays between tries (default: a retry of its own, 500 ms doubling to 5 s). */
  retry?: StoreOutageRetry;
  /** Gives up (throws the last error) after this long; default 10 minutes. */
  maxWaitMs?: number;
  /** Waits `ms` (tests); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_MAX_WAIT_MS = 10 * 60_000;
let untilStoredCalls = 0;

/**
 * Runs `write` until the store takes it, waiting out a store outage in place: for a record of something
 * that already happened outside (a platform accepted a send), which must not be done again because its
 * record failed. The process knows it happened; a new run of the job would not, and would do it twice.
 * Any other error is thrown at once.
 */
export async function untilStored<T>(write: () => Promise<T>, options: UntilStoredOptions = {}): Promise<T> {
  const retry = options.retry ?? createStoreOutageRetry();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = performance.now() + (options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  const key = `untilStored:${++untilStoredCalls}`;
  for (;;) {
    try {
      const result = await write();
      retry.succeeded(key);
      return result;
    } catch (err) {
      if (!isStoreUnavailable(err) || performance.now() >= deadline) {
        retry.succeeded(key);
        throw err;
      }
      await sleep(retry.nextDelayMs(key));
    }
  }
}
