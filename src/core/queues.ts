import { OutageTracker } from '../domain/outage.js';
import type { Logger } from '../ports/logger.js';
import type { JobQueue, QueueBackend } from '../ports/queue.js';

/**
 * The queue vocabulary of the conversation pipeline: the turn queue, one delivery queue per channel,
 * and their jobs. Jobs only name a conversation; what to do is read from the store (the source of truth).
 */

/** A turn job names only the conversation: the worker takes its pending messages from the store in order. */
export interface TurnJob {
  conversationId: string;
}

/**
 * A delivery job names the conversation: the worker sends that conversation's pending replies in the
 * order they were created, so a later reply never overtakes an earlier one.
 */
export interface DeliveryJob {
  conversationId: string;
}

/**
 * Attempts of one delivery job against unexpected errors only: a platform failure or an open breaker makes
 * the run come back later (RetryLaterError) without spending one, each reply's own attempts being counted in
 * the store.
 */
export const DELIVERY_JOB_ATTEMPTS = 8;

/**
 * Queues a delivery run for a conversation; `cause` makes the job id unique per trigger.
 * `background`: a news push, which waits behind citizens' replies on the channel's queue.
 * `removeWhenDone`: the id dedupes only while the run is queued (the reconciler's `reconcile` cause).
 */
export function queueDelivery(queue: JobQueue<DeliveryJob>, conversationId: string, cause: string, options: { background?: boolean; removeWhenDone?: boolean } = {}): Promise<void> {
  return queue.add('deliver', { conversationId }, {
    jobId: `deliver:${conversationId}:${cause}`,
    attempts: DELIVERY_JOB_ATTEMPTS,
    backoffMs: 500,
    ...(options.background && { background: true }),
    ...(options.removeWhenDone && { removeWhenDone: true }),
  });
}

export const TURN_QUEUE = 'turns';
export const OUTBOUND_QUEUE_PREFIX = 'outbound-';
export const outboundQueueName = (channel: string) => `${OUTBOUND_QUEUE_PREFIX}${channel}`;

/** The pipeline's queues (turns, and each channel's deliveries): their jobs follow a store write. */
export const isPipelineQueue = (name: string): boolean => name === TURN_QUEUE || name.startsWith(OUTBOUND_QUEUE_PREFIX);

/** How long an add to a pipeline queue may take before the caller goes on without it (QUEUE_ADD_TIMEOUT_MS). */
export const DEFAULT_QUEUE_ADD_TIMEOUT_MS = 2_000;

export interface QueueGuardOptions {
  /** Longest wait for one add (default DEFAULT_QUEUE_ADD_TIMEOUT_MS). */
  timeoutMs?: number;
  logger: Pick<Logger, 'warn' | 'error'>;
  now?: () => number;
}

/**
 * Adds that never fail the caller, for jobs that only follow a store write: a turn after the inbound
 * message is stored, a delivery run after the reply is stored. Redis down (or hanging) must not turn an
 * acknowledged webhook into an error, nor a finished turn into an apology: the add is bounded by a short
 * timeout, a failure is logged once per outage (not once per message: once when adds start failing,
 * every few minutes while they do, once when one succeeds again), and the work stays in the store, where
 * the reconciler (src/core/reconcile-pending.ts) finds it and queues it again.
 */
export function createQueueGuard(options: QueueGuardOptions) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUEUE_ADD_TIMEOUT_MS;
  const now = options.now ?? (() => performance.now());
  const outage = new OutageTracker();

  function failed(queue: string, err: unknown): void {
    const said = outage.failed(now());
    const reason = err instanceof Error ? err.message : String(err);
    if (said.say === 'started') options.logger.error({ code: 'QUEUE.UNAVAILABLE', queue, reason }, 'queue add failed: the work stays in the store and the reconciler queues it again');
    else if (said.say === 'still') options.logger.error({ code: 'QUEUE.UNAVAILABLE', queue, reason, outageMs: said.outageMs, failures: said.failures }, 'queue adds still failing');
  }

  function succeeded(): void {
    const ended = outage.succeeded(now());
    if (ended) options.logger.warn({ code: 'QUEUE.UNAVAILABLE', ...ended }, `queue adds succeed again after ${ended.outageMs} ms (${ended.failures} left to the reconciler)`);
  }

  /** `queue` whose add resolves within the timeout whatever happens (never rejects). */
  function guard<T>(queue: JobQueue<T>): JobQueue<T> {
    return {
      name: queue.name,
      async add(name, data, opts) {
        let timer: NodeJS.Timeout | undefined;
        const added = queue.add(name, data, opts);
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
          timer.unref();
        });
        try {
          const result = await Promise.race([added.then(() => 'ok' as const), timeout]);
          if (result === 'ok') succeeded();
          else {
            // It may still fail later: nobody waits for it any more.
            added.catch(() => undefined);
            failed(queue.name, new Error(`no answer within ${timeoutMs} ms`));
          }
        } catch (err) {
          failed(queue.name, err);
        } finally {
          clearTimeout(timer);
        }
      },
    };
  }

  return {
    queue: guard,
    /** Whether adds are failing now (an outage began and no add has succeeded since). */
    get down(): boolean {
      return outage.down;
    },
    /**
     * `backend` whose pipeline queues (isPipelineQueue) are guarded; every other queue, the workers,
     * locks and ping are the backend's own.
     */
    backend(backend: QueueBackend): QueueBackend {
      return {
        queue: <T>(name: string) => (isPipelineQueue(name) ? guard(backend.queue<T>(name)) : backend.queue<T>(name)),
        worker: (name, handler, opts) => backend.worker(name, handler, opts),
        lock: (key, ttlMs) => backend.lock(key, ttlMs),
        ping: () => backend.ping(),
        close: () => backend.close(),
      };
    },
  };
}

export type QueueGuard = ReturnType<typeof createQueueGuard>;
