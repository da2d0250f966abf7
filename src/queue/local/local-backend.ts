import { randomUUID } from 'node:crypto';
import type { JobHandler, JobOptions, JobQueue, QueueBackend, QueueWorker, WorkerOptions } from '../../ports/queue.js';
import {
  DEFAULT_COMPLETED_RETENTION_MS,
  DEFAULT_FAILED_RETENTION_MS,
  silentQueueLogger,
  type QueueLogger,
} from '../common.js';
import { LocalQueue, type LocalConsumer } from './local-queue.js';

export interface LocalBackendOptions {
  /** Where failed jobs are reported (the app's logger). Silent by default. */
  logger?: QueueLogger;
  /** How long completed jobs keep their id for deduplication (default 1 h). */
  completedRetentionMs?: number;
  /** How long failed jobs keep their id (default 24 h). */
  failedRetentionMs?: number;
}

/** Locks held in memory are swept of expired entries once the map grows past this size. */
const LOCK_SWEEP_THRESHOLD = 1_000;

/**
 * The embedded-mode queue backend: an in-process runner with BullMQ's semantics (dedupe by job id,
 * delays, attempts with exponential backoff, permanent and retry-later errors, concurrency, a
 * per-queue limiter, leased locks). Jobs live in memory only: the store is the source of truth and
 * re-enqueues pending work on start. Timers are unref'd, so the runner never keeps a process alive.
 */
export function createLocalBackend(options: LocalBackendOptions = {}): QueueBackend {
  const settings = {
    logger: options.logger ?? silentQueueLogger,
    completedRetentionMs: options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS,
    failedRetentionMs: options.failedRetentionMs ?? DEFAULT_FAILED_RETENTION_MS,
  };
  const queues = new Map<string, LocalQueue>();
  const consumers = new Set<LocalConsumer>();
  const locks = new Map<string, { token: string; expiresAt: number }>();
  let closing: Promise<void> | undefined;
  /** Set once running handlers have finished: until then they may still enqueue and lock. */
  let closed = false;

  function localQueue(name: string): LocalQueue {
    let queue = queues.get(name);
    if (!queue) {
      queue = new LocalQueue(name, settings);
      queues.set(name, queue);
    }
    return queue;
  }

  function sweepLocks(now: number): void {
    if (locks.size < LOCK_SWEEP_THRESHOLD) return;
    for (const [key, held] of locks) if (held.expiresAt <= now) locks.delete(key);
  }

  return {
    queue<T>(name: string): JobQueue<T> {
      return {
        name,
        async add(jobName: string, data: T, opts?: JobOptions): Promise<void> {
          if (closed) throw new Error('queue backend is closed');
          localQueue(name).add(jobName, data, opts);
        },
      };
    },

    worker<T>(name: string, handler: JobHandler<T>, opts: WorkerOptions = {}): QueueWorker {
      if (closing) throw new Error('queue backend is closed');
      const consumer: LocalConsumer = {
        handler: handler as JobHandler<unknown>,
        concurrency: Math.max(1, Math.floor(opts.concurrency ?? 1)),
        running: new Set(),
      };
      const queue = localQueue(name);
      consumers.add(consumer);
      queue.attach(consumer, opts.limiter);
      return {
        async close() {
          queue.detach(consumer);
          consumers.delete(consumer);
          await Promise.allSettled([...consumer.running]);
        },
      };
    },

    async lock(key: string, ttlMs: number) {
      if (closed) throw new Error('queue backend is closed');
      const now = performance.now();
      sweepLocks(now);
      const held = locks.get(key);
      if (held && held.expiresAt > now) return undefined;
      const token = randomUUID();
      locks.set(key, { token, expiresAt: now + Math.max(1, Math.ceil(ttlMs)) });
      return {
        async extend(ms: number) {
          const current = locks.get(key);
          if (current?.token !== token || current.expiresAt <= performance.now()) return false;
          current.expiresAt = performance.now() + Math.max(1, Math.ceil(ms));
          return true;
        },
        async release() {
          // Compare-and-delete: a holder whose lease ran out must not free the next holder's lock.
          if (locks.get(key)?.token === token) locks.delete(key);
        },
      };
    },

    async ping() {
      if (closed) throw new Error('queue backend is closed');
    },

    close(): Promise<void> {
      closing ??= (async () => {
        for (const queue of queues.values()) queue.stop();
        const running = [...consumers].flatMap((c) => [...c.running]);
        consumers.clear();
        await Promise.allSettled(running);
        // Handlers finishing during close may have armed retry timers: clear them too.
        for (const queue of queues.values()) queue.stop();
        closed = true;
        locks.clear();
      })();
      return closing;
    },
  };
}
