/** How often, at most, a lasting outage is said again. */
export const OUTAGE_REPEAT_EVERY_MS = 5 * 60_000;

/** What a failure calls for: the first line of an outage, a reminder that it lasts, or nothing. */
export type OutageFailure = { say: 'started' } | { say: 'still'; outageMs: number; failures: number } | { say: 'nothing' };

/** An outage that just ended: how long it lasted and how many failures it counted. */
export interface OutageEnded {
  outageMs: number;
  failures: number;
}

/**
 * The state of one dependency's outage as a log tells it: said once when it starts, every `repeatEveryMs`
 * while it lasts, and once when it ends (with its length and the failures it counted), instead of a line
 * per failure. Pure: callers give the time (a monotonic clock, `performance.now()`) and write their own
 * lines. Used by the queue back-end's Redis connections, the queue guard, the reconciler and the Redis
 * pub/sub of the widget hub and operator feed.
 */
export class OutageTracker {
  private since: number | undefined;
  private failures = 0;
  private lastSaid = 0;

  constructor(private readonly repeatEveryMs = OUTAGE_REPEAT_EVERY_MS) {}

  /** Whether an outage is on (a failure came and no success since). */
  get down(): boolean {
    return this.since !== undefined;
  }

  /** How long the outage has lasted at `at` (0 when there is none). */
  elapsedMs(at: number): number {
    return this.since === undefined ? 0 : at - this.since;
  }

  /** A failure at `at`. */
  failed(at: number): OutageFailure {
    this.failures += 1;
    if (this.since === undefined) {
      this.since = at;
      this.lastSaid = at;
      return { say: 'started' };
    }
    if (at - this.lastSaid < this.repeatEveryMs) return { say: 'nothing' };
    this.lastSaid = at;
    return { say: 'still', outageMs: at - this.since, failures: this.failures };
  }

  /** A success at `at`: the outage that it ends, if one was on. */
  succeeded(at: number): OutageEnded | undefined {
    if (this.since === undefined) return undefined;
    const ended = { outageMs: at - this.since, failures: this.failures };
    this.since = undefined;
    this.failures = 0;
    return ended;
  }
}
