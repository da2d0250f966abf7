import { AppError, isStoreUnavailable } from '../domain/errors.js';
import { OutageTracker } from '../domain/outage.js';
import type { Logger } from '../ports/logger.js';
import type { EngineInfo } from '../ports/store.js';
import type { Collection, Database } from './collection.js';

/**
 * The store being unreachable, as one error whatever the engine: each adapter names the driver errors
 * that mean "the store cannot read or write now" (a MongoDB server stopped or unreachable, a full or
 * failing disk under the embedded store) and `guardDatabase` turns them into AppError STORE.UNAVAILABLE
 * (503), so the webhooks answer 503 (the platform redelivers) and the workers run the job again later,
 * without knowing any driver. Every other error passes unchanged.
 *
 * It also keeps the outage's state, so the log says it once when the outage starts and once when it
 * ends (with how long it lasted and how many calls failed), and every few minutes while it lasts:
 * never one line per request or job.
 */

/** Which engine a guarded database runs on, for the error's details and the log. */
export type StoreName = EngineInfo['engine'];

/** Tells a driver's error meaning "unreachable now" apart from every other (returns a short reason, or undefined). */
export type UnavailableClassifier = (error: unknown) => string | undefined;

/** Filesystem errors of a full, read-only or failing disk (nedb's appends, SQLite's files, the data directory). */
const DISK_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS']);

/** A Node filesystem error of a full or failing disk: its errno code. */
export function diskError(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISK_ERRNO.has(code) ? code : undefined;
}

/**
 * SQLite's result codes of a full or failing disk, or a database another connection holds past the busy
 * timeout: SQLITE_FULL, SQLITE_IOERR (and its extended codes: SQLITE_IOERR_WRITE, _FSYNC…),
 * SQLITE_BUSY (and _SNAPSHOT, _TIMEOUT), SQLITE_CANTOPEN; the filesystem's own errno codes too.
 */
export function sqliteUnavailable(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^SQLITE_(FULL|IOERR|BUSY|CANTOPEN)(_|$)/.test(code)) return code;
  return diskError(error);
}

/** Node's socket errors of a peer gone or unreachable. */
const SOCKET_ERRNO = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/** Server codes that mean "no usable server now" (shutdown, stepdown, election, network). */
const MONGO_TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
/** Driver error classes of a server that cannot be reached (names, so no driver import is needed here). */
const MONGO_UNREACHABLE = new Set(['MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoServerSelectionError', 'MongoPoolClearedError', 'MongoNotConnectedError', 'MongoServerClosedError']);

/**
 * The MongoDB driver's errors of a server that cannot be reached: network and server-selection errors
 * (the server stopped, the network is down, no primary within serverSelectionTimeoutMS), a socket error
 * the driver passes on unwrapped (EPIPE on a connection the server ended), a pool cleared
 * after such an error, and the server's own transient codes (shutting down, primary stepped down, not
 * writable primary) or errors it labels retryable.
 */
export function mongoUnavailable(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (MONGO_UNREACHABLE.has(error.name)) return error.name;
  const { code, errorLabels } = error as { code?: unknown; errorLabels?: unknown };
  // A socket the server closed, surfacing from the driver unwrapped (a write on a connection it ended: EPIPE).
  if (typeof code === 'string' && SOCKET_ERRNO.has(code)) return code;
  if (typeof code === 'number' && MONGO_TRANSIENT_CODES.has(code)) return `${error.name} ${code}`;
  if (Array.isArray(errorLabels) && (errorLabels.includes('RetryableWriteError') || errorLabels.includes('ResetPool'))) return `${error.name} ${String(code ?? '')}`.trim();
  return undefined;
}

/** An adapter's own bound on a call (a readiness ping) ran out: the store did not answer in time. */
export class StoreTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** Rejects with StoreTimeoutError when `promise` has not settled within `ms`. */
export function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(what, ms)), ms);
  });
  promise.catch(() => undefined); // settled later, after the timeout: not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An outage ends with a call that succeeds having begun this long after the last failure: a disk that is
 * nearly full (some writes still fit) or a server going up and down is one outage, not one per flap.
 */
const QUIET_MS = 2_000;

type Kind = 'read' | 'write';

/** The outage state of one store: what the log says, and the calls that failed. */
export class StoreOutage {
  private readonly outage = new OutageTracker();
  /** The number of the last call that failed: only a call begun after it can tell the outage is over. */
  private lastFailedCall = 0;
  private lastFailureAt = 0;
  /** When a call last told the outage may be over (begun after the last failed call, of a kind that failed). */
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  private calls = 0;
  private readonly starts = new Map<number, number>();
  private readonly failedKinds = new Set<Kind>();

  constructor(
    readonly store: StoreName,
    private readonly logger: Pick<Logger, 'error' | 'warn'> | undefined,
    private readonly now: () => number = () => performance.now(),
    private readonly quietMs = QUIET_MS,
  ) {}

  /** Whether an outage is going on (a call failed and none begun since has succeeded). */
  get down(): boolean {
    return this.outage.down;
  }

  /** Milliseconds since the outage began (0 when there is none). */
  get elapsedMs(): number {
    return this.outage.elapsedMs(this.now());
  }

  begin(): number {
    const call = ++this.calls;
    // Start times matter only during an outage (whether a call began after the quiet period).
    if (this.outage.down) this.starts.set(call, this.now());
    return call;
  }

  failed(call: number, kind: Kind, reason: string, cause: unknown): AppError {
    this.starts.delete(call);
    this.lastFailedCall = Math.max(this.lastFailedCall, call);
    this.failedKinds.add(kind);
    const at = this.now();
    this.lastFailureAt = at;
    const said = this.outage.failed(at);
    if (said.say === 'started') {
      this.logger?.error({ code: 'STORE.UNAVAILABLE', store: this.store, reason, err: cause }, `store unavailable: ${this.store} (${reason}); webhooks answer 503 and jobs wait until it is back`);
    } else if (said.say === 'still') {
      this.logger?.error({ code: 'STORE.UNAVAILABLE', store: this.store, reason, outageMs: said.outageMs, failures: said.failures }, `store still unavailable: ${this.store} (${reason})`);
    }
    return new AppError('STORE.UNAVAILABLE', `The ${this.store} store is unavailable (${reason})`, { cause, details: { store: this.store, reason } });
  }

  succeeded(call: number, kind: Kind): void {
    const startedAt = this.starts.get(call);
    this.starts.delete(call);
    if (!this.outage.down || call <= this.lastFailedCall || !this.failedKinds.has(kind)) return;
    this.lastSuccessAt = this.now();
    if (startedAt === undefined || startedAt - this.lastFailureAt < this.quietMs) {
      // It works again, but too soon after a failure to tell: over once the quiet spell passes without
      // another failure (checked then, so that a store left idle after the outage is said back too).
      this.confirmLater();
      return;
    }
    this.end();
  }

  private confirming: NodeJS.Timeout | undefined;

  private confirmLater(): void {
    if (this.confirming) return;
    const failureAt = this.lastFailureAt;
    this.confirming = setTimeout(() => {
      this.confirming = undefined;
      if (!this.outage.down) return;
      if (this.lastFailureAt === failureAt) this.end();
      // A failure came meanwhile: over once a quiet spell passes after it too, if a call has worked since
      // (else the next success looks again). Without this, a store left idle after flapping stayed "down".
      else if (this.lastSuccessAt > this.lastFailureAt) this.confirmLater();
    }, Math.max(0, failureAt + this.quietMs - this.now()));
    this.confirming.unref();
  }

  private end(): void {
    const ended = this.outage.succeeded(this.now());
    if (!ended) return;
    this.logger?.warn({ code: 'STORE.UNAVAILABLE', store: this.store, ...ended }, `store available again: ${this.store} after ${ended.outageMs} ms (${ended.failures} calls failed)`);
    this.failedKinds.clear();
    this.starts.clear();
  }

  /** A call ended without telling anything about the store (closed, or its error is another's). */
  forget(call: number): void {
    this.starts.delete(call);
  }
}

export interface GuardOptions {
  store: StoreName;
  /** See QUIET_MS (tests set 0). */
  quietMs?: number;
  classify: UnavailableClassifier;
  /** Where the outage is said (once at its start, once at its end); silent when absent. */
  logger?: Pick<Logger, 'error' | 'warn'> | undefined;
}

const READS = ['findOne', 'find', 'distinct'] as const;
const WRITES = ['insertOne', 'updateOne', 'replaceOne', 'deleteMany'] as const;

/**
 * Wraps a database so that its adapter's "unreachable" errors surface as STORE.UNAVAILABLE, and the
 * outage is logged once (see StoreOutage). `outage` is exposed for the adapters' tests.
 */
export function guardDatabase(db: Database, options: GuardOptions): Database & { readonly outage: StoreOutage } {
  const outage = new StoreOutage(options.store, options.logger, undefined, options.quietMs);
  /** After close(), a call that fails is the caller's mistake (or a shutdown), not an outage. */
  let closed = false;

  async function run<T>(kind: Kind, call: () => Promise<T>): Promise<T> {
    const n = outage.begin();
    try {
      const result = await call();
      outage.succeeded(n, kind);
      return result;
    } catch (error) {
      if (closed || isStoreUnavailable(error)) {
        outage.forget(n);
        throw error;
      }
      const reason = error instanceof StoreTimeoutError ? 'timeout' : options.classify(error);
      if (reason === undefined) {
        // A refusal (duplicate key, bad query) is an answer: the store is up.
        outage.succeeded(n, kind);
        throw error;
      }
      throw outage.failed(n, kind, reason, error);
    }
  }

  const collections = new Map<string, Collection<{ _id: string }>>();
  return {
    outage,
    collection<D extends { _id: string }>(name: string): Collection<D> {
      let guarded = collections.get(name);
      if (!guarded) {
        const inner = db.collection<{ _id: string }>(name);
        const wrapped: Record<string, unknown> = {};
        for (const method of READS) wrapped[method] = (...args: unknown[]) => run('read', () => (inner[method] as (...a: unknown[]) => Promise<unknown>)(...args));
        for (const method of WRITES) wrapped[method] = (...args: unknown[]) => run('write', () => (inner[method] as (...a: unknown[]) => Promise<unknown>)(...args));
        guarded = wrapped as unknown as Collection<{ _id: string }>;
        collections.set(name, guarded);
      }
      return guarded as unknown as Collection<D>;
    },
    init: () => {
      closed = false;
      return run('read', () => db.init());
    },
    ping: () => run('read', () => db.ping()),
    info: () => run('read', () => db.info()),
    close: () => {
      closed = true;
      return db.close();
    },
  };
}
