import { OutageTracker } from '../../domain/outage.js';
import type { QueueLogger } from '../common.js';
import { errorMessage } from '../common.js';

/** Node's and ioredis' ways of saying the server cannot be reached (or the command never got an answer). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|Reached the max retries per request|connect ECONNREFUSED|read ECONNRESET|Socket closed/i;

/** Whether an error of a Redis client means "the server cannot be reached now". */
export function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'string' && CONNECTION_CODES.has(code)) || CONNECTION_MESSAGES.test(err.message) || err.name === 'MaxRetriesPerRequestError';
}

/**
 * The outage state of one backend's Redis connections, so a Redis that is down says so once when it
 * goes (`queue: redis unreachable`), every few minutes while it lasts, and once when it is back (with how
 * long and how many connection errors), instead of one line per reconnection attempt of every
 * connection (the producer's and each worker's retry every ≤ 2 s).
 */
export class RedisOutage {
  private readonly tracker = new OutageTracker();

  constructor(
    private readonly logger: QueueLogger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get down(): boolean {
    return this.tracker.down;
  }

  /** A connection error from any of the backend's connections (`source`: producer, a queue or worker name). */
  error(source: string, err: unknown): void {
    const said = this.tracker.failed(this.now());
    if (said.say === 'started') {
      this.logger.error({ code: 'QUEUE.UNAVAILABLE', source, err: errorMessage(err) }, 'queue: redis unreachable; webhooks still store and acknowledge, the reconciler re-queues the pending work once it is back');
    } else if (said.say === 'still') {
      this.logger.error({ code: 'QUEUE.UNAVAILABLE', source, outageMs: said.outageMs, errors: said.failures, err: errorMessage(err) }, 'queue: redis still unreachable');
    }
  }

  /** The producer connection is ready again: the outage (if any) is over. */
  ready(): void {
    const ended = this.tracker.succeeded(this.now());
    if (ended) this.logger.warn({ code: 'QUEUE.UNAVAILABLE', outageMs: ended.outageMs, errors: ended.failures }, `queue: redis reachable again after ${ended.outageMs} ms`);
  }
}
