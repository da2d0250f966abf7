import type { OutboundRecord } from '../domain/conversation.js';
import type { ChannelKind } from '../domain/message.js';
import { OutageTracker } from '../domain/outage.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { SEND_CLAIM_STALE_MS } from './deliver-outbound.js';
import { queueDelivery, type DeliveryJob, type TurnJob } from './queues.js';

/**
 * The store is the source of truth; the queues only say what to look at next. When Redis forgets (a
 * FLUSHALL, a restart without persistence, an add that failed while it was down) the reconciler finds
 * in the store what is pending and queues it again, at start and then every RECONCILE_SECONDS in every
 * worker process, without a restart:
 *
 * - turns: conversations with inbound messages still `received` → a turn job `reconcile:<conversation>`;
 * - deliveries: replies `pending` (and replies a dead run left `sending`, which the delivery run checks
 *   with the platform, or records interrupted for news) → a delivery run `deliver:<conversation>:reconcile`
 *   (in the background when all of them are news, as news pushes are);
 * - the composition root's sources: ticket answers left half done, news fan-outs not complete (chat,
 *   src/system/news.ts; browsers never claimed, src/system/webpush.ts), Zalo Article broadcasts stopped
 *   before their broadcast call (src/core/news-broadcast.ts; never one whose call may have been made),
 *   the schedules' next slots (src/system/index.ts).
 *
 * Idempotent, and harmless when several processes run it at once: jobs only name a conversation (the
 * workers take its lease and read the store), and the reconciler's job ids are deterministic and
 * `removeWhenDone`, so a run still queued is not queued twice, while a finished one (which BullMQ would
 * otherwise keep for an hour) does not block the next re-enqueue. Work younger than `graceMs` is left
 * alone by the periodic passes: its own job was queued a moment ago. A pass runs only when the queues
 * answer (`ping`); while they do not, the next try comes within a second, so the queues are refilled as
 * soon as Redis is back.
 */

/** Work younger than this is left to the job queued with it (periodic passes; the start-up pass takes everything). */
export const RECONCILE_GRACE_MS = 5_000;
/**
 * A reply that already failed an attempt is being retried by its job's backoff: it is queued again only
 * when older than this (its job may be gone with Redis), so the reconciler does not speed up the retries.
 */
export const RETRYING_GRACE_MS = 10 * 60_000;
/** Records read per status and pass. */
const SCAN_LIMIT = 10_000;
/** Adds in flight at once within a pass. */
const ADD_CONCURRENCY = 16;
/** While the queues do not answer, the next pass is tried after this long. */
const RETRY_WHILE_DOWN_MS = 1_000;
/** How long the start-up pass waits for the queues' first connection before leaving it to the periodic passes. */
const START_WAIT_MS = 5_000;

/** Another kind of pending work: re-enqueues what it finds and returns how many jobs it queued. */
export interface ReconcileSource {
  name: string;
  run(now: Date): Promise<number>;
}

export interface ReconcilerDeps {
  store: Store;
  turns: JobQueue<TurnJob>;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  /** Resolves when the queues answer (backend.ping); a pass does nothing while it rejects. */
  ping: () => Promise<void>;
  sources?: readonly ReconcileSource[];
  clock: Clock;
  logger: Logger;
  /** Default RECONCILE_GRACE_MS. */
  graceMs?: number;
  /** Age from which a `sending` claim is a dead run's (SEND_CLAIM_SECONDS); default SEND_CLAIM_STALE_MS. */
  claimStaleMs?: number;
}

/** Jobs queued by one pass, per kind. */
export type ReconcileCounts = Record<string, number>;

/** Thrown by a pass when the queues do not answer. */
class QueuesUnreachable extends Error {
  constructor(cause: unknown) {
    super(`queues unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'QueuesUnreachable';
  }
}

async function inChunks<T>(items: readonly T[], each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += ADD_CONCURRENCY) await Promise.all(items.slice(i, i + ADD_CONCURRENCY).map(each));
}

export function createReconciler(deps: ReconcilerDeps) {
  const { store } = deps;
  const claimStaleMs = deps.claimStaleMs ?? SEND_CLAIM_STALE_MS;
  const logger = deps.logger;

  async function turns(now: number, graceMs: number): Promise<number> {
    let queued = 0;
    await inChunks(await store.inbound.conversationsWithPending(), async (conversationId) => {
      if (graceMs > 0) {
        const oldest = await store.inbound.nextPending(conversationId);
        if (!oldest || now - oldest.receivedAt.getTime() < graceMs) return;
      }
      await deps.turns.add('turn', { conversationId }, { jobId: `reconcile:${conversationId}`, attempts: 5, backoffMs: 200, removeWhenDone: true });
      queued += 1;
    });
    return queued;
  }

  /** Whether a pending or sending record is the reconciler's to queue now. */
  function due(record: OutboundRecord, now: number, graceMs: number): boolean {
    if (graceMs === 0) return true;
    // A claim this fresh may be in its platform call in this or another process (its run queues what follows).
    if (record.status === 'sending') return now - (record.sendingSince ?? record.createdAt).getTime() >= claimStaleMs;
    const age = now - record.createdAt.getTime();
    if (record.attempts > 0) return age >= RETRYING_GRACE_MS;
    return age >= graceMs;
  }

  async function deliveries(now: number, graceMs: number): Promise<number> {
    const records = [...(await store.outbound.listByStatus('pending', SCAN_LIMIT)), ...(await store.outbound.listByStatus('sending', SCAN_LIMIT))].filter((r) => due(r, now, graceMs));
    /** Per conversation: whether every record found is a news push (then its run waits behind replies). */
    const newsOnly = new Map<string, boolean>();
    for (const r of records) newsOnly.set(r.conversationId, (newsOnly.get(r.conversationId) ?? true) && r.purpose === 'news');
    let queued = 0;
    await inChunks([...newsOnly], async ([conversationId, background]) => {
      const conversation = await store.conversations.get(conversationId);
      if (!conversation) return;
      await queueDelivery(deps.deliveries(conversation.channel), conversationId, 'reconcile', { background, removeWhenDone: true });
      queued += 1;
    });
    return queued;
  }

  /** One pass: everything pending is queued again (idempotent). `graceMs` 0 takes even the newest work. */
  async function reconcile(options: { graceMs?: number } = {}): Promise<ReconcileCounts> {
    try {
      await deps.ping();
    } catch (err) {
      throw new QueuesUnreachable(err);
    }
    const graceMs = options.graceMs ?? deps.graceMs ?? RECONCILE_GRACE_MS;
    const now = deps.clock.now();
    const counts: ReconcileCounts = {
      turns: await turns(now.getTime(), graceMs),
      deliveries: await deliveries(now.getTime(), graceMs),
    };
    for (const source of deps.sources ?? []) counts[source.name] = await source.run(now);
    return counts;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  /** The start-up pass could not run (queues unreachable): the first periodic pass comes at once. */
  let startMissed = false;
  const failing = new OutageTracker();

  function report(counts: ReconcileCounts, at: string): void {
    if (Object.values(counts).some((n) => n > 0)) logger.info({ ...counts, at }, 'reconciler: pending work from the store queued again');
  }

  function failed(err: unknown): void {
    const said = failing.failed(performance.now());
    const fields = { ...(err instanceof QueuesUnreachable && { code: 'QUEUE.UNAVAILABLE' }), err: err instanceof Error ? err.message : String(err) };
    if (said.say === 'started') logger.warn(fields, 'reconciler: pass failed; trying again until it succeeds');
    else if (said.say === 'still') logger.warn({ ...fields, failingMs: said.outageMs }, 'reconciler: passes still failing');
  }

  function schedule(everyMs: number, delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = (async () => {
        let next = everyMs;
        try {
          const counts = await reconcile();
          const ended = failing.succeeded(performance.now());
          if (ended) logger.warn({ failingMs: ended.outageMs }, 'reconciler: pass succeeded again');
          report(counts, 'periodic');
        } catch (err) {
          failed(err);
          next = Math.min(everyMs, RETRY_WHILE_DOWN_MS);
        }
        running = undefined;
        schedule(everyMs, next);
      })();
    }, delayMs);
    timer.unref();
  }

  return {
    reconcile,
    /**
     * The start-up pass: everything pending, whatever its age; logged. It waits up to START_WAIT_MS for
     * the queues' first connection; when they still do not answer, start() retries at once and every
     * second. Errors of the store are thrown (the start fails, as before).
     */
    async atStart(): Promise<ReconcileCounts | undefined> {
      const deadline = performance.now() + START_WAIT_MS;
      for (;;) {
        try {
          const counts = await reconcile({ graceMs: 0 });
          report(counts, 'start');
          return counts;
        } catch (err) {
          if (!(err instanceof QueuesUnreachable)) throw err;
          if (performance.now() >= deadline) {
            startMissed = true;
            failed(err);
            return undefined;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
    /** Runs a pass every `everyMs` until stop() (passes never overlap; retried within a second while failing). */
    start(everyMs: number): void {
      if (timer || running || stopped) return;
      schedule(everyMs, startMissed ? Math.min(everyMs, RETRY_WHILE_DOWN_MS) : everyMs);
    },
    /** Stops the periodic passes and waits for the one running, if any. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
