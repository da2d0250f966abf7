import type { Logger } from '../ports/logger.js';
import { PermanentJobError, RetryLaterError } from '../ports/queue.js';

/**
 * Defaults and helpers shared by both queue backends, so embedded mode and production behave alike
 * (the conformance suite in tests/contract/queue.contract.ts holds them to it).
 */

/** Exponential backoff base when a job gives none (the port documents 200 ms). */
export const DEFAULT_BACKOFF_MS = 200;

/**
 * How long a finished job keeps its id, so a platform redelivering the same message id within this
 * window is still ignored. Platforms redeliver within seconds to minutes; one hour is generous.
 */
export const DEFAULT_COMPLETED_RETENTION_MS = 60 * 60 * 1000;

/** Failed jobs are kept longer (for inspection) and dedupe for as long as they are kept. */
export const DEFAULT_FAILED_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Upper bound on finished jobs kept per queue, whatever their age (memory/Redis bound). */
export const DEFAULT_RETENTION_COUNT = 50_000;

/** Delay before attempt `failedAttempt + 1`: base, 2×base, 4×base… (BullMQ's 'exponential'). */
export function backoffDelay(baseMs: number, failedAttempt: number): number {
  return Math.round(baseMs * 2 ** Math.max(0, failedAttempt - 1));
}

/** Both backends log through the app's logger port; they only need warn and error. */
export type QueueLogger = Pick<Logger, 'warn' | 'error'>;

export const silentQueueLogger: QueueLogger = { warn() {}, error() {} };

/** Error text for logs: the message only; job data (citizen text) is never logged. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** A handler asked to stop retrying (also across module copies, hence the name check). */
export function isPermanent(err: unknown): err is PermanentJobError {
  return err instanceof PermanentJobError || (err instanceof Error && err.name === 'PermanentJobError');
}

/** A handler asked to run again later without spending an attempt. */
export function isRetryLater(err: unknown): err is RetryLaterError {
  return (
    err instanceof RetryLaterError ||
    (err instanceof Error && err.name === 'RetryLaterError' && typeof (err as RetryLaterError).delayMs === 'number')
  );
}
