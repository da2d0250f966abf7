import type { HandoffPolicy } from '../../src/core/handoff-routing.js';
import type { Logger } from '../../src/ports/logger.js';
import type { QueueBackend } from '../../src/ports/queue.js';

/** What the handoff unit tests share: their Monday, their policy, a silent logger and a lock that is always free. */

/** Monday 9 March 2026, 10:00 in Hà Nội: inside office hours, no holiday near. */
export const MONDAY_10 = new Date('2026-03-09T10:00:00+07:00');
export const MINUTE = 60_000;
export const POLICY: HandoffPolicy = { claimMs: 5 * MINUTE, firstReplyMs: 2 * MINUTE, capacity: 3, externalPauseMs: 30 * MINUTE };

export const silentLogger: Logger = {
  fatal: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
  child: () => silentLogger,
};

export const freeLock: Pick<QueueBackend, 'lock'> = { lock: async () => ({ extend: async () => true, release: async () => {} }) };
