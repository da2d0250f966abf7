/**
 * The job queue as the app uses it, so core never imports bullmq. Two implementations pass one
 * conformance suite: BullMQ on Redis (production) and an in-process runner (embedded mode).
 * Only what the app relies on is declared here (BullMQ's own habit for its ports).
 */

export interface JobOptions {
  /** Deduplication id: a second add with the same id while the first exists is ignored. */
  jobId?: string;
  /** Milliseconds before the job becomes runnable. */
  delay?: number;
  /** Total attempts including the first (default 1). */
  attempts?: number;
  /** Exponential backoff base in ms between attempts (default 200). */
  backoffMs?: number;
  /**
   * Runs only when no job without this flag is ready in the queue (BullMQ priority; a second FIFO in the
   * in-process runner): news pushes wait behind citizens' replies on a channel's delivery queue.
   */
  background?: boolean;
  /**
   * Forget the job once it finishes (completed, or failed for good): its id then dedupes only while the
   * job waits, is delayed or runs, so the same id can be queued again later. The reconciler's ids
   * (src/core/reconcile-pending.ts) need this; by default a finished id keeps deduplicating for the
   * backend's retention period (platform redeliveries).
   */
  removeWhenDone?: boolean;
}

export interface Job<T> {
  id: string;
  name: string;
  data: T;
  /** 1 for the first attempt. */
  attempt: number;
}

/** Thrown by a handler to fail the job at once, whatever attempts remain (BullMQ UnrecoverableError). */
export class PermanentJobError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** Thrown by a handler to run the job again after `delayMs` without spending an attempt. */
export class RetryLaterError extends Error {
  constructor(readonly delayMs: number) {
    super(`retry in ${delayMs} ms`);
    this.name = 'RetryLaterError';
  }
}

export interface WorkerOptions {
  concurrency?: number;
  /** At most `max` jobs per `durationMs` across all workers of this queue (platform rate limits). */
  limiter?: { max: number; durationMs: number };
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface JobQueue<T> {
  readonly name: string;
  add(name: string, data: T, options?: JobOptions): Promise<void>;
}

export interface QueueWorker {
  close(): Promise<void>;
}

/** A held lock. It expires after its TTL unless extended, so a crashed holder blocks nobody for long. */
export interface Lease {
  /** Renews the lease for `ttlMs` from now; false when it was lost (expired and taken). */
  extend(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

export interface QueueBackend {
  queue<T>(name: string): JobQueue<T>;
  worker<T>(name: string, handler: JobHandler<T>, options?: WorkerOptions): QueueWorker;
  /** Mutual exclusion across workers and processes (per-conversation turns): a lease of `ttlMs`. */
  lock(key: string, ttlMs: number): Promise<Lease | undefined>;
  /** Resolves when the queues' server answers (readiness checks); the in-process runner always does. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
