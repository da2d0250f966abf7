import { RetryLaterError, type QueueBackend } from '../ports/queue.js';

/** How long a lease lives without renewal: what a crashed worker can cost a conversation at most. */
export const LEASE_TTL_MS = 10_000;
/** A busy conversation's job runs again after this long. */
const BUSY_RETRY_MS = 50;

/**
 * Runs `work` holding the named lease, renewed while it runs (every third of the TTL), so one
 * conversation is worked on by one worker at a time across processes, and a worker that dies mid-way
 * frees the conversation within LEASE_TTL_MS. A busy lease re-runs the job shortly instead of waiting.
 */
export async function withLease<T>(backend: Pick<QueueBackend, 'lock'>, key: string, work: () => Promise<T>, ttlMs = LEASE_TTL_MS): Promise<T> {
  const lease = await backend.lock(key, ttlMs);
  if (!lease) throw new RetryLaterError(BUSY_RETRY_MS);
  const renew = setInterval(() => void lease.extend(ttlMs).catch(() => undefined), Math.max(1, Math.floor(ttlMs / 3)));
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await lease.release();
  }
}
