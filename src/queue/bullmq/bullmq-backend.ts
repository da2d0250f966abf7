import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job as BullJob, JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobHandler, JobOptions, JobQueue, QueueBackend, QueueWorker, WorkerOptions } from '../../ports/queue.js';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_COMPLETED_RETENTION_MS,
  DEFAULT_FAILED_RETENTION_MS,
  DEFAULT_RETENTION_COUNT,
  errorMessage,
  isPermanent,
  isRetryLater,
  silentQueueLogger,
  type QueueLogger,
} from '../common.js';
import { fromBullJobId, toBullJobId } from './job-id.js';
import { acquireRedisLock } from './redis-lock.js';
import { isRedisConnectionError, RedisOutage } from './redis-outage.js';

export interface BullmqBackendOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  url: string;
  /** Key prefix for every queue and lock (BullMQ's `prefix`; default 'bull'). Must not contain ':'. */
  prefix?: string;
  /** Where connection errors and failed jobs are reported (the app's logger). Silent by default. */
  logger?: QueueLogger;
  /** How long completed jobs keep their id for deduplication (default 1 h). */
  completedRetentionMs?: number;
  /** How long failed jobs are kept (and dedupe) (default 24 h). */
  failedRetentionMs?: number;
}

/**
 * The production queue backend: BullMQ 6 on Redis. Queues and locks share one producer connection,
 * which fails commands after a few reconnection tries (a webhook should answer an error, not hang);
 * each worker gets BullMQ-owned connections with `maxRetriesPerRequest: null`, as BullMQ requires.
 * Redis going away is survived: every connection reconnects by itself (at most 2 s between tries), the
 * outage is logged once (RedisOutage), ping() fails at once while the producer is not connected (/readyz),
 * and leases are also held in this process (a flushed Redis cannot hand one to a second local holder).
 * What Redis forgot (a FLUSHALL, a restart without persistence) the reconciler queues again from the store.
 */
/** The BullMQ priority of background jobs (1 is the highest; jobs without one come before all). */
const BACKGROUND_PRIORITY = 10;
/** A readiness ping that takes longer than this counts as failed (the server is up but not answering). */
const PING_TIMEOUT_MS = 1_000;

/** Resolves or rejects with `promise`, or rejects after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createBullmqBackend(options: BullmqBackendOptions): QueueBackend {
  const prefix = options.prefix ?? 'bull';
  if (prefix.includes(':')) throw new Error(`queue prefix must not contain ':' (got "${prefix}")`);
  const logger = options.logger ?? silentQueueLogger;
  const keep = {
    removeOnComplete: { age: Math.ceil((options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS) / 1000), count: DEFAULT_RETENTION_COUNT },
    removeOnFail: { age: Math.ceil((options.failedRetentionMs ?? DEFAULT_FAILED_RETENTION_MS) / 1000), count: DEFAULT_RETENTION_COUNT },
  };

  // Connection errors are said once per outage (RedisOutage), not once per reconnection attempt.
  const outage = new RedisOutage(logger);
  /** An error event of a connection: an outage's, or anything else (logged as it comes). */
  const reportError = (source: string, message: string, err: Error, fields: Record<string, unknown> = {}) => {
    if (isRedisConnectionError(err) || outage.down) outage.error(source, err);
    else logger.error({ ...fields, err: errorMessage(err) }, message);
  };

  const producer = new Redis(options.url, { maxRetriesPerRequest: 3 });
  producer.on('error', (err: Error) => reportError('producer', 'queue: redis connection error', err));
  producer.on('ready', () => outage.ready());
  /**
   * Leases this backend holds, with when each lapses unless renewed: a second holder in this process is
   * refused even when Redis has forgotten the lease (FLUSHALL, a restart without persistence), so one
   * process never runs two turns or deliveries of one conversation at once.
   */
  const held = new Map<string, { expiresAt: number }>();

  const queues = new Map<string, Queue>();
  const workers = new Set<Worker>();
  let closing: Promise<void> | undefined;
  /** Set once the workers are closed: until then, handlers still running may enqueue and lock. */
  let closed = false;

  function bullQueue(name: string): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: producer, prefix, defaultJobOptions: keep });
      queue.on('error', (err: Error) => reportError(name, 'queue: error', err, { queue: name }));
      queues.set(name, queue);
    }
    return queue;
  }

  function jobsOptions(opts: JobOptions = {}): JobsOptions {
    const out: JobsOptions = {};
    if (opts.jobId !== undefined) out.jobId = toBullJobId(opts.jobId);
    if (opts.delay !== undefined && opts.delay > 0) out.delay = Math.ceil(opts.delay);
    const attempts = Math.max(1, Math.floor(opts.attempts ?? 1));
    out.attempts = attempts;
    if (attempts > 1) out.backoff = { type: 'exponential', delay: opts.backoffMs ?? DEFAULT_BACKOFF_MS };
    // Jobs without a priority run before any prioritized one (BullMQ "Prioritized" guide).
    if (opts.background) out.priority = BACKGROUND_PRIORITY;
    if (opts.removeWhenDone) {
      out.removeOnComplete = true;
      out.removeOnFail = true;
    }
    return out;
  }

  return {
    queue<T>(name: string): JobQueue<T> {
      return {
        name,
        async add(jobName: string, data: T, opts?: JobOptions): Promise<void> {
          if (closed) throw new Error('queue backend is closed');
          // BullMQ ignores an add whose jobId already exists (waiting, delayed, active or kept).
          await bullQueue(name).add(jobName, data, jobsOptions(opts));
        },
      };
    },

    worker<T>(name: string, handler: JobHandler<T>, opts: WorkerOptions = {}): QueueWorker {
      if (closing) throw new Error('queue backend is closed');
      const processor = async (job: BullJob<T>, token?: string): Promise<void> => {
        try {
          await handler({ id: fromBullJobId(job.id ?? ''), name: job.name, data: job.data, attempt: job.attemptsMade + 1 });
        } catch (err) {
          if (isRetryLater(err)) {
            // Back to 'delayed' without spending an attempt; DelayedError tells BullMQ we moved it.
            // BullMQ keeps delayed jobs by wall-clock timestamp (its own design): a step of the host clock moves them.
            await job.moveToDelayed(Date.now() + Math.max(0, err.delayMs), token);
            throw new DelayedError();
          }
          if (isPermanent(err)) {
            throw new UnrecoverableError(err.code ? `${err.code}: ${err.message}` : err.message);
          }
          throw err;
        }
      };
      const worker = new Worker<T, void>(name, processor, {
        // BullMQ's own reconnection backoff (1 s, then e^n ms) grows to 20 s, so a worker could idle that long
        // after Redis is back; capped at 2 s here, it takes jobs again within 2 s.
        connection: { url: options.url, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.max(Math.min(Math.exp(times), 2_000), 1_000) },
        prefix,
        concurrency: Math.max(1, Math.floor(opts.concurrency ?? 1)),
        ...(opts.limiter ? { limiter: { max: opts.limiter.max, duration: opts.limiter.durationMs } } : {}),
      });
      worker.on('error', (err: Error) => reportError(name, 'queue: worker error', err, { queue: name }));
      worker.on('failed', (job: BullJob<T> | undefined, err: Error) => {
        const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
        logger.warn(
          { queue: name, jobId: job?.id && fromBullJobId(job.id), jobName: job?.name, attempt: job?.attemptsMade, final, err: errorMessage(err) },
          final ? 'queue: job failed' : 'queue: job failed, will retry',
        );
      });
      workers.add(worker);
      return {
        async close() {
          workers.delete(worker);
          await worker.close();
        },
      };
    },

    async lock(key: string, ttlMs: number) {
      if (closed) throw new Error('queue backend is closed');
      const mine = held.get(key);
      if (mine && mine.expiresAt > performance.now()) return undefined;
      // Claimed here before the round trip, so two callers of this process never both try.
      const entry = { expiresAt: performance.now() + ttlMs };
      held.set(key, entry);
      const forget = () => {
        if (held.get(key) === entry) held.delete(key);
      };
      let lease;
      try {
        // '::' keeps locks apart from every queue's keys (`<prefix>:<queue>:…`; a queue name is never empty).
        lease = await acquireRedisLock(producer, `${prefix}::lock:${key}`, ttlMs);
      } catch (err) {
        forget();
        throw err;
      }
      if (!lease) {
        forget();
        return undefined;
      }
      const acquired = lease;
      return {
        async extend(ms: number) {
          // The holder is alive: this process keeps refusing others, whatever Redis answers.
          if (held.get(key) === entry) entry.expiresAt = performance.now() + ms;
          return acquired.extend(ms);
        },
        async release() {
          forget();
          await acquired.release();
        },
      };
    },

    async ping() {
      if (closed) throw new Error('queue backend is closed');
      // While ioredis reconnects, a command would wait in its offline queue: say "not ready" at once.
      if (producer.status !== 'ready') throw new Error(`redis connection is ${producer.status}`);
      await within(producer.ping(), PING_TIMEOUT_MS, 'redis ping');
    },

    close(): Promise<void> {
      closing ??= (async () => {
        // Workers first: close() waits for the jobs they are running, which may still enqueue.
        await Promise.allSettled([...workers].map((w) => w.close()));
        workers.clear();
        closed = true;
        await Promise.allSettled([...queues.values()].map((q) => q.close()));
        queues.clear();
        try {
          await producer.quit();
        } catch {
          producer.disconnect();
        }
      })();
      return closing;
    },
  };
}
