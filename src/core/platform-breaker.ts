/**
 * A circuit breaker per platform (issue 14, item 4), and the jittered backoff of the delivery worker.
 *
 * Closed: every delivery run calls the platform; `threshold` transient failures in a row (5xx, timeouts,
 * rate limits, from any conversation) open it. Open: runs do not call the platform and do not spend their
 * reply's attempts; they are asked to come back when the cool-down ends (spread by a random delay, so the
 * queue does not stampede the platform the instant it may be tried again). Half-open: ONE run is let through
 * as the probe; the others come back shortly. The probe's success closes the breaker; its failure opens it
 * again for a cool-down twice as long (up to `maxOpenMs`: 8 × the first, at most 5 minutes).
 *
 * One breaker per channel per process, in memory: each process learns the platform's health from its own
 * calls, which costs at most `threshold` failed calls plus one probe per process per cool-down. Sharing it in
 * Redis would make the platform path depend on Redis being up (issue 14, item 2) for a small saving.
 * Durations are measured on a monotonic clock (performance.now()), so a wall-clock jump neither opens nor closes it.
 */

export interface BreakerOptions {
  /** Transient failures in a row that open the breaker (default 5). */
  threshold?: number;
  /** First cool-down once open (default 30 s); each failed probe doubles it up to `maxOpenMs`. */
  openMs?: number;
  /** Longest cool-down (default 8 × `openMs`, at most 5 min; never less than `openMs`). */
  maxOpenMs?: number;
  /** Upper bound of the random delay added to the end of a cool-down for the runs that wait (default: min(openMs, 5 s)). */
  spreadMs?: number;
  /** What a run waits while the probe is out (default 250–1,000 ms, random). */
  probeWaitMs?: readonly [number, number];
  /** Random numbers in [0, 1) (tests pass a seeded source). */
  random?: () => number;
  /** Monotonic milliseconds (default performance.now(); tests pass their own). */
  monotonic?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What a delivery run may do now. */
export type Admission = { kind: 'call'; probe: boolean } | { kind: 'wait'; retryInMs: number };

/** One state change, for logs and the fault report. */
export interface BreakerTransition {
  channel: string;
  from: BreakerState;
  to: BreakerState;
  /** Consecutive failures when it opened. */
  failures: number;
  /** The cool-down now running (open only). */
  openMs?: number;
}

export interface PlatformBreaker {
  readonly channel: string;
  state(): BreakerState;
  /** Asks to call the platform; `probe` = this call decides whether the breaker closes. */
  admit(): Admission;
  /** The call reached the platform and it answered (a success, or a refusal that is not transient). */
  succeeded(probe: boolean): void;
  /** The call failed transiently (network, 5xx, timeout, rate limit). */
  failed(probe: boolean): void;
  /** Counters since start, for tests and logs. */
  stats(): { opened: number; closed: number; probes: number; rejected: number };
}

export const DEFAULT_BREAKER_THRESHOLD = 5;
export const DEFAULT_BREAKER_OPEN_MS = 30_000;
const DEFAULT_MAX_OPEN_MS = 5 * 60_000;

export function createPlatformBreaker(channel: string, options: BreakerOptions = {}, onChange?: (t: BreakerTransition) => void): PlatformBreaker {
  const threshold = Math.max(1, Math.floor(options.threshold ?? DEFAULT_BREAKER_THRESHOLD));
  const baseOpenMs = Math.max(1, options.openMs ?? DEFAULT_BREAKER_OPEN_MS);
  // Probing backs off, but not so far that a platform back up waits long for us (30 s → at most 4 min).
  const maxOpenMs = Math.max(baseOpenMs, options.maxOpenMs ?? Math.min(DEFAULT_MAX_OPEN_MS, 8 * baseOpenMs));
  const spreadMs = Math.max(0, options.spreadMs ?? Math.min(baseOpenMs, 5_000));
  const [probeMin, probeMax] = options.probeWaitMs ?? [250, 1_000];
  const random = options.random ?? Math.random;
  const monotonicMs = options.monotonic ?? (() => performance.now());

  let state: BreakerState = 'closed';
  let failures = 0;
  let openMs = baseOpenMs;
  let openUntil = 0;
  let probeOut = false;
  const counters = { opened: 0, closed: 0, probes: 0, rejected: 0 };

  function move(to: BreakerState): void {
    const from = state;
    if (from === to) return;
    state = to;
    if (to === 'open') counters.opened++;
    if (to === 'closed') counters.closed++;
    onChange?.({ channel, from, to, failures, ...(to === 'open' ? { openMs } : {}) });
  }

  function open(now: number): void {
    openUntil = now + openMs;
    probeOut = false;
    move('open');
  }

  return {
    channel,
    state: () => state,
    admit() {
      if (state === 'closed') return { kind: 'call', probe: false };
      const now = monotonicMs();
      if (state === 'open' && now < openUntil) {
        counters.rejected++;
        return { kind: 'wait', retryInMs: Math.ceil(openUntil - now + random() * spreadMs) };
      }
      if (state === 'open') move('half-open');
      if (!probeOut) {
        probeOut = true;
        counters.probes++;
        return { kind: 'call', probe: true };
      }
      counters.rejected++;
      return { kind: 'wait', retryInMs: Math.ceil(probeMin + random() * Math.max(0, probeMax - probeMin)) };
    },
    succeeded(probe) {
      failures = 0;
      if (state === 'closed') return;
      // A success seen while half-open (the probe, or a call admitted before the breaker opened) closes it.
      if (probe || state === 'half-open') {
        probeOut = false;
        openMs = baseOpenMs;
        move('closed');
      }
    },
    failed(probe) {
      const now = monotonicMs();
      if (state === 'closed') {
        failures++;
        if (failures >= threshold) open(now);
        return;
      }
      if (probe) {
        failures++;
        openMs = Math.min(maxOpenMs, openMs * 2);
        open(now);
      }
      // A call admitted before the breaker opened, failing late: already counted by the opening.
    },
    stats: () => ({ ...counters }),
  };
}

/** One breaker per channel, made on first use with the same options. */
export function createBreakers(options: BreakerOptions = {}, onChange?: (t: BreakerTransition) => void): (channel: string) => PlatformBreaker {
  const breakers = new Map<string, PlatformBreaker>();
  return (channel) => {
    let breaker = breakers.get(channel);
    if (!breaker) breakers.set(channel, (breaker = createPlatformBreaker(channel, options, onChange)));
    return breaker;
  };
}

/**
 * The delay before retrying after the `failedAttempt`-th transient failure: exponential from `baseMs`
 * (base, 2×, 4× …, capped at `capMs`), then "equal jitter": half of it fixed, half random, so replies that
 * failed together do not all come back in the same instant.
 */
export function jitteredBackoff(failedAttempt: number, baseMs = 500, capMs = 60_000, random: () => number = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.ceil(exp / 2 + random() * (exp / 2));
}
