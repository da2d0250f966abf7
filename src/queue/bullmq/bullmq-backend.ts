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
 */
/** The BullMQ priority of background jobs (1 is the highest; jobs without one come before all). */
const BACKGROUND_PRIORITY = 10;

export function createBullmqBackend(options: BullmqBackendOptions): QueueBackend {
  const prefix = options.prefix ?? 'bull';
  if (prefix.includes(':')) throw new Error(`queue prefix must not contain ':' (got "${prefix}")`);
  const logger = options.logger ?? silentQueueLogger;
  const keep = {
    removeOnComplete: { age: Math.ceil((options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS) / 1000), count: DEFAULT_RETENTION_COUNT },
    removeOnFail: { age: Math.ceil((options.failedRetentionMs ?? DEFAULT_FAILED_RETENTION_MS) / 1000), count: DEFAULT_RETENTION_COUNT },
  };

  const producer = new Redis(options.url, { maxRetriesPerRequest: 3 });
  producer.on('error', (err: Error) => logger.error({ err: errorMessage(err) }, 'queue: redis connection error'));

  const queues = new Map<string, Queue>();
  const workers = new Set<Worker>();
  let closing: Promise<void> | undefined;
  /** Set once the workers are closed: until then, handlers still running may enqueue and lock. */
  let closed = false;

  function bullQueue(name: string): Queue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: producer, prefix, defaultJobOptions: keep });
      queue.on('error', (err: Error) => logger.error({ queue: name, err: errorMessage(err) }, 'queue: error'));
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
        connection: { url: options.url, maxRetriesPerRequest: null },
        prefix,
        concurrency: Math.max(1, Math.floor(opts.concurrency ?? 1)),
        ...(opts.limiter ? { limiter: { max: opts.limiter.max, duration: opts.limiter.durationMs } } : {}),
      });
      worker.on('error', (err: Error) => logger.error({ queue: name, err: errorMessage(err) }, 'queue: worker error'));
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
      // '::' keeps locks apart from every queue's keys (`<prefix>:<queue>:…`; a queue name is never empty).
      return acquireRedisLock(producer, `${prefix}::lock:${key}`, ttlMs);
    },

    async ping() {
      if (closed) throw new Error('queue backend is closed');
      await producer.ping();
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
