import type { JobHandler, JobOptions } from '../../ports/queue.js';
import {
  backoffDelay,
  DEFAULT_BACKOFF_MS,
  DEFAULT_RETENTION_COUNT,
  errorMessage,
  isPermanent,
  isRetryLater,
  type QueueLogger,
} from '../common.js';

export interface LocalQueueSettings {
  logger: QueueLogger;
  completedRetentionMs: number;
  failedRetentionMs: number;
}

interface PendingJob {
  /** Map key: custom ids and generated ids live in separate namespaces, so they never collide. */
  key: string;
  id: string;
  name: string;
  data: unknown;
  attempts: number;
  backoffMs: number;
  /** Attempts spent so far (RetryLaterError does not spend one). */
  attemptsMade: number;
  /** JobOptions.background: started only when no other job is ready. */
  background: boolean;
  /** JobOptions.removeWhenDone: the id is not retained once the job finishes. */
  removeWhenDone: boolean;
}

export interface LocalConsumer {
  handler: JobHandler<unknown>;
  concurrency: number;
  running: Set<Promise<void>>;
}

/** Ids of finished jobs with their expiry; insertion order is expiry order (one retention per map). */
class Retained {
  private readonly expiries = new Map<string, number>();
  constructor(private readonly retentionMs: number) {}

  add(key: string, now: number): void {
    this.expiries.delete(key);
    this.expiries.set(key, now + this.retentionMs);
    this.prune(now);
  }

  has(key: string, now: number): boolean {
    this.prune(now);
    return this.expiries.has(key);
  }

  private prune(now: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt > now && this.expiries.size <= DEFAULT_RETENTION_COUNT) break;
      this.expiries.delete(key);
    }
  }
}

/**
 * One named queue of the in-process runner: pending jobs by id (deduplication), a FIFO of runnable
 * jobs, timers for delayed ones, the consumers (workers) attached to it and a fixed-window limiter
 * shared by all of them, as BullMQ's limiter is per queue.
 */
export class LocalQueue {
  private readonly pending = new Map<string, PendingJob>();
  private readonly ready: PendingJob[] = [];
  /** Runnable background jobs: started only when `ready` is empty. */
  private readonly readyBackground: PendingJob[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly completed: Retained;
  private readonly failed: Retained;
  private readonly consumers: LocalConsumer[] = [];
  private limiter: { max: number; durationMs: number } | undefined;
  private window = { start: 0, count: 0 };
  private limiterTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** No timers are armed and nothing is started once the backend is closing. */
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly settings: LocalQueueSettings,
  ) {
    this.completed = new Retained(settings.completedRetentionMs);
    this.failed = new Retained(settings.failedRetentionMs);
  }

  add(name: string, data: unknown, opts: JobOptions = {}): void {
    const key = opts.jobId !== undefined ? `c:${opts.jobId}` : `g:${++this.seq}`;
    const now = performance.now();
    if (this.pending.has(key) || this.completed.has(key, now) || this.failed.has(key, now)) return;
    const job: PendingJob = {
      key,
      id: opts.jobId ?? String(this.seq),
      name,
      // BullMQ stores data as JSON; doing the same here keeps embedded mode honest (a Date arrives as a string).
      data: data === undefined ? undefined : JSON.parse(JSON.stringify(data)),
      attempts: Math.max(1, Math.floor(opts.attempts ?? 1)),
      backoffMs: opts.backoffMs ?? DEFAULT_BACKOFF_MS,
      attemptsMade: 0,
      background: opts.background === true,
      removeWhenDone: opts.removeWhenDone === true,
    };
    this.pending.set(key, job);
    this.schedule(job, opts.delay ?? 0);
  }

  attach(consumer: LocalConsumer, limiter: { max: number; durationMs: number } | undefined): void {
    if (limiter) this.limiter = limiter;
    this.consumers.push(consumer);
    this.pump();
  }

  /** The consumer takes no new job; the ones it runs finish on their own. */
  detach(consumer: LocalConsumer): void {
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
  }

  /** Stops starting jobs and clears every timer; pending jobs stay in memory (the store re-enqueues on start). */
  stop(): void {
    this.stopped = true;
    this.consumers.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.limiterTimer) clearTimeout(this.limiterTimer);
    this.limiterTimer = undefined;
  }

  private schedule(job: PendingJob, delayMs: number): void {
    if (delayMs <= 0) {
      (job.background ? this.readyBackground : this.ready).push(job);
      this.pump();
      return;
    }
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      (job.background ? this.readyBackground : this.ready).push(job);
      this.pump();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Starts runnable jobs while a consumer has a free slot and the limiter allows. */
  private pump(): void {
    while (!this.stopped && this.ready.length + this.readyBackground.length > 0) {
      const consumer = this.consumers.find((c) => c.running.size < c.concurrency);
      if (!consumer) return;
      if (!this.takeLimiterSlot()) return;
      const job = (this.ready.shift() ?? this.readyBackground.shift()) as PendingJob;
      const run: Promise<void> = this.run(consumer, job).finally(() => {
        consumer.running.delete(run);
        this.pump();
      });
      consumer.running.add(run);
    }
  }

  /** Fixed window opened by the first job started in it (as BullMQ's limiter key with PX). */
  private takeLimiterSlot(): boolean {
    const limiter = this.limiter;
    if (!limiter) return true;
    const now = performance.now();
    if (now >= this.window.start + limiter.durationMs) this.window = { start: now, count: 0 };
    if (this.window.count < limiter.max) {
      this.window.count += 1;
      return true;
    }
    if (!this.limiterTimer) {
      this.limiterTimer = setTimeout(() => {
        this.limiterTimer = undefined;
        this.pump();
      }, this.window.start + limiter.durationMs - now);
      this.limiterTimer.unref();
    }
    return false;
  }

  private async run(consumer: LocalConsumer, job: PendingJob): Promise<void> {
    try {
      // A handler that throws synchronously is a failure like any other, never a crash.
      await Promise.resolve().then(() =>
        consumer.handler({ id: job.id, name: job.name, data: job.data, attempt: job.attemptsMade + 1 }),
      );
      this.finish(job, this.completed);
    } catch (err) {
      this.onFailure(job, err);
    }
  }

  private onFailure(job: PendingJob, err: unknown): void {
    if (isRetryLater(err)) {
      this.schedule(job, Math.max(0, err.delayMs));
      return;
    }
    job.attemptsMade += 1;
    const final = isPermanent(err) || job.attemptsMade >= job.attempts;
    if (final) this.finish(job, this.failed);
    else this.schedule(job, backoffDelay(job.backoffMs, job.attemptsMade));
    try {
      this.settings.logger.warn(
        { queue: this.name, jobId: job.id, jobName: job.name, attempt: job.attemptsMade, final, err: errorMessage(err) },
        final ? 'queue: job failed' : 'queue: job failed, will retry',
      );
    } catch {
      // A throwing logger must not take the runner down.
    }
  }

  private finish(job: PendingJob, into: Retained): void {
    this.pending.delete(job.key);
    if (!job.removeWhenDone) into.add(job.key, performance.now());
  }
}
