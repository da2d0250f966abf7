import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReconciler, RECONCILE_GRACE_MS, type ReconcileSource } from '../../src/core/reconcile-pending.js';
import { createQueueGuard, outboundQueueName, TURN_QUEUE, type DeliveryJob, type TurnJob } from '../../src/core/queues.js';
import { createNewsDelivery, FAN_OUT_RECONCILE_AFTER_MS } from '../../src/core/news-delivery.js';
import type { ChannelKind } from '../../src/domain/message.js';
import type { NewsItem } from '../../src/domain/news.js';
import type { Job, JobQueue, QueueBackend } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createLocalBackend } from '../../src/queue/local/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { nextSlot, scheduleReconciler, SCHEDULE_QUEUE, type ScheduleJob } from '../../src/system/schedules.js';

/**
 * The reconciler (issue 14 item 1) on the in-process queue runner and the in-memory store: what the store
 * says is pending is queued once, however many passes run before the workers take it; a finished job does
 * not block the next pass; young work is left to its own job; nothing is queued while the queues do not
 * answer. Plus the parts the composition root adds: the schedules' next slots, unfinished news fan-outs,
 * and the guard that keeps a failing add from failing the caller.
 */

const silent = { fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, child: () => silent };
const T0 = new Date('2026-12-07T03:00:00Z');

let now: Date;
let store: Store;
let backend: QueueBackend;

beforeEach(async () => {
  now = T0;
  store = createMemoryStore({ now: () => now });
  await store.init();
  backend = createLocalBackend();
});

afterEach(async () => {
  await backend.close();
});

const deliveries = (channel: ChannelKind): JobQueue<DeliveryJob> => backend.queue<DeliveryJob>(outboundQueueName(channel));

function reconciler(options: { ping?: () => Promise<void>; sources?: ReconcileSource[] } = {}) {
  return createReconciler({
    store,
    turns: backend.queue<TurnJob>(TURN_QUEUE),
    deliveries,
    ping: options.ping ?? (async () => undefined),
    ...(options.sources ? { sources: options.sources } : {}),
    clock: { now: () => now },
    logger: silent,
  });
}

async function conversation(userId: string, channel: ChannelKind = 'zalo'): Promise<string> {
  const identity = { channel, accountId: 'oa', userId };
  const contact = await store.contacts.upsertByIdentity(identity, now);
  const c = await store.conversations.getOrOpen({ id: `${channel}:oa:${userId}`, contactId: contact.id, ...identity, at: now });
  return c.id;
}

async function inbound(conversationId: string, n: number): Promise<void> {
  await store.inbound.insert({ id: `${conversationId}#in${n}`, conversationId, externalId: `m${n}`, kind: 'message', text: 'hỏi', receivedAt: now });
}

async function outbound(conversationId: string, id: string, purpose: 'response' | 'news' = 'response'): Promise<void> {
  await store.outbound.insert({ id, conversationId, reply: { text: 'đáp' }, purpose, status: 'pending', attempts: 0, createdAt: now });
}

/** Attaches workers that record every job they run, then waits until the queues are idle. */
async function drain(channels: ChannelKind[] = ['zalo']): Promise<{ turns: Job<TurnJob>[]; deliveries: Job<DeliveryJob>[] }> {
  const ran = { turns: [] as Job<TurnJob>[], deliveries: [] as Job<DeliveryJob>[] };
  const workers = [
    backend.worker<TurnJob>(TURN_QUEUE, async (job) => void ran.turns.push(job), { concurrency: 4 }),
    ...channels.map((c) => backend.worker<DeliveryJob>(outboundQueueName(c), async (job) => void ran.deliveries.push(job), { concurrency: 4 })),
  ];
  await new Promise((r) => setTimeout(r, 50));
  await Promise.all(workers.map((w) => w.close()));
  return ran;
}

describe('reconcile-pending', () => {
  it('queues every pending turn and delivery once, however many passes run before the workers', async () => {
    const a = await conversation('a');
    const b = await conversation('b');
    const c = await conversation('c');
    await inbound(a, 1);
    await inbound(a, 2);
    await inbound(b, 1);
    await outbound(b, 'b#r0');
    await outbound(c, 'c#r0');
    await outbound(c, 'c#r1');

    const r = reconciler();
    expect(await r.reconcile({ graceMs: 0 })).toEqual({ turns: 2, deliveries: 2 });
    // A second pass, and a second process's pass (same ids), queue nothing more.
    await r.reconcile({ graceMs: 0 });
    await reconciler().reconcile({ graceMs: 0 });

    const ran = await drain();
    expect(ran.turns.map((j) => j.data.conversationId).sort()).toEqual([a, b].sort());
    expect(ran.turns.map((j) => j.id).sort()).toEqual([`reconcile:${a}`, `reconcile:${b}`].sort());
    expect(ran.deliveries.map((j) => j.data.conversationId).sort()).toEqual([b, c].sort());
  });

  it('queues again once the earlier job has finished: a kept id does not block a needed re-enqueue', async () => {
    const a = await conversation('a');
    await inbound(a, 1);
    const r = reconciler();
    await r.reconcile({ graceMs: 0 });
    expect((await drain()).turns).toHaveLength(1);
    // The workers above did nothing, so the store still says pending: the next pass queues it again.
    await r.reconcile({ graceMs: 0 });
    expect((await drain()).turns).toHaveLength(1);
  });

  it('leaves work younger than the grace to its own job, and takes it once it is older', async () => {
    const a = await conversation('a');
    await inbound(a, 1);
    await outbound(a, 'a#r0');
    const r = reconciler();
    expect(await r.reconcile()).toEqual({ turns: 0, deliveries: 0 });
    now = new Date(T0.getTime() + RECONCILE_GRACE_MS);
    expect(await r.reconcile()).toEqual({ turns: 1, deliveries: 1 });
  });

  it('runs news pushes alone in the background, and leaves sending pushes to the start-up pass or until their claim is stale', async () => {
    const a = await conversation('a');
    const b = await conversation('b');
    await outbound(a, 'news:1|a', 'news');
    await outbound(b, 'news:1|b', 'news');
    await outbound(b, 'b#r0');
    await store.outbound.update('news:1|a', { status: 'sending', sendingSince: T0 });
    const added: Array<{ id?: string; background?: boolean }> = [];
    const recording = (channel: ChannelKind): JobQueue<DeliveryJob> => ({
      name: outboundQueueName(channel),
      add: async (_name, _data, opts) => void added.push({ ...(opts?.jobId && { id: opts.jobId }), ...(opts?.background && { background: true }) }),
    });
    const r = createReconciler({ store, turns: backend.queue<TurnJob>(TURN_QUEUE), deliveries: recording, ping: async () => undefined, clock: { now: () => now }, logger: silent });
    now = new Date(T0.getTime() + RECONCILE_GRACE_MS);
    await r.reconcile();
    expect(added).toEqual([{ id: `deliver:${b}:reconcile` }]);
    added.length = 0;
    await r.reconcile({ graceMs: 0 });
    expect(added.sort((x, y) => String(x.id).localeCompare(String(y.id)))).toEqual([{ id: `deliver:${a}:reconcile`, background: true }, { id: `deliver:${b}:reconcile` }]);
  });

  it('takes a sending claim as stale from the configured age (SEND_CLAIM_SECONDS), not before', async () => {
    const a = await conversation('a');
    await outbound(a, 'a#r0');
    await store.outbound.update('a#r0', { status: 'sending', sendingSince: T0 });
    const r = createReconciler({ store, turns: backend.queue<TurnJob>(TURN_QUEUE), deliveries, ping: async () => undefined, clock: { now: () => now }, logger: silent, claimStaleMs: 20_000 });
    now = new Date(T0.getTime() + 19_999);
    expect(await r.reconcile()).toEqual({ turns: 0, deliveries: 0 });
    now = new Date(T0.getTime() + 20_000);
    expect(await r.reconcile()).toEqual({ turns: 0, deliveries: 1 });
  });

  it('queues nothing while the queues do not answer, and says so', async () => {
    const a = await conversation('a');
    await inbound(a, 1);
    const r = reconciler({ ping: async () => Promise.reject(new Error('redis connection is reconnecting')) });
    await expect(r.reconcile({ graceMs: 0 })).rejects.toThrow(/queues unreachable/);
    expect((await drain()).turns).toHaveLength(0);
  });

  it('runs the other sources with the pass time and reports their counts', async () => {
    const seen: Date[] = [];
    const r = reconciler({ sources: [{ name: 'extra', run: async (at) => (seen.push(at), 3) }] });
    expect(await r.reconcile()).toEqual({ turns: 0, deliveries: 0, extra: 3 });
    expect(seen).toEqual([T0]);
  });

  it('restores the schedules’ next slots, once each', async () => {
    const ran: Job<ScheduleJob>[] = [];
    const schedules = [
      { name: 'sweep', everyMs: 20, run: async () => undefined },
      { name: 'news-quiet', everyMs: 30, run: async () => undefined },
    ];
    const source = scheduleReconciler(backend, schedules);
    const at = new Date();
    await source.run(at);
    await source.run(at);
    const worker = backend.worker<ScheduleJob>(SCHEDULE_QUEUE, async (job) => void ran.push(job));
    await new Promise((r) => setTimeout(r, 120));
    await worker.close();
    expect(ran.map((j) => j.data).sort((x, y) => x.schedule.localeCompare(y.schedule))).toEqual([
      { schedule: 'news-quiet', slot: nextSlot(at, 30).toISOString() },
      { schedule: 'sweep', slot: nextSlot(at, 20).toISOString() },
    ]);
  });

  it('finds news items whose fan-out did not finish, and not once it has', async () => {
    const a = await conversation('a');
    const b = await conversation('b');
    for (const id of [a, b]) await store.newsSubscriptions.put({ id, channel: 'zalo', topics: ['thoi-tiet'], consentAt: now, updatedAt: now });
    const item: NewsItem = { id: 'n1', topics: ['thoi-tiet'], title: 'Bão số 9', urgency: 'normal', publishedAt: now, receivedAt: now, source: { kind: 'editor', accountId: 'x' }, announce: true };
    await store.newsItems.insert(item);
    const delivery = createNewsDelivery({
      store,
      clock: { now: () => now },
      deliveries: () => ({ name: 'outbound-zalo', add: async () => undefined }),
      policy: { quietHours: null, dailyCap: 3, zaloPaidWindow: false },
      render: (i) => ({ text: i.title }),
      renderDigest: () => ({ text: 'digest' }),
    });
    // Out for less than a minute: its own fan-out may still be running.
    now = new Date(T0.getTime() + FAN_OUT_RECONCILE_AFTER_MS - 1);
    expect(await delivery.unfinishedFanOuts(now)).toEqual([]);
    now = new Date(T0.getTime() + FAN_OUT_RECONCILE_AFTER_MS);
    expect(await delivery.unfinishedFanOuts(now)).toEqual(['n1']);
    // However many items came out after it within the window (not only the newest few).
    for (let i = 0; i < 30; i++) await store.newsItems.insert({ ...item, id: `later-${i}`, announce: false, publishedAt: new Date(T0.getTime() + 1000 + i), receivedAt: now });
    expect(await delivery.unfinishedFanOuts(now)).toEqual(['n1']);
    // A citizen who subscribed after the item came out is not owed it.
    await store.newsSubscriptions.remove(b);
    const late = await conversation('late');
    await store.newsSubscriptions.put({ id: late, channel: 'zalo', topics: ['thoi-tiet'], consentAt: now, updatedAt: now });
    await delivery.fanOut(item, now);
    expect(await store.newsDeliveries.listByItem('n1')).toHaveLength(2);
    await store.newsSubscriptions.put({ id: b, channel: 'zalo', topics: ['thoi-tiet'], consentAt: T0, updatedAt: now });
    expect(await delivery.unfinishedFanOuts(now)).toEqual([]);
  });
});

describe('queue guard', () => {
  it('never fails the caller: a failing or hanging add is bounded, logged once per outage and once when it ends', async () => {
    const logged: string[] = [];
    const logger = { ...silent, error: (_o: unknown, msg?: string) => void logged.push(`error ${msg}`), warn: (_o: unknown, msg?: string) => void logged.push(`warn ${msg}`) };
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    const added: string[] = [];
    const inner: JobQueue<TurnJob> = {
      name: TURN_QUEUE,
      add: (_name, data) => {
        if (mode === 'fail') return Promise.reject(new Error('Connection is closed.'));
        if (mode === 'hang') return new Promise<void>(() => undefined);
        added.push(data.conversationId);
        return Promise.resolve();
      },
    };
    const guard = createQueueGuard({ timeoutMs: 50, logger });
    const turns = guard.queue(inner);
    for (let i = 0; i < 5; i++) await turns.add('turn', { conversationId: `c${i}` });
    mode = 'hang';
    await turns.add('turn', { conversationId: 'h' });
    expect(guard.down).toBe(true);
    mode = 'ok';
    await turns.add('turn', { conversationId: 'ok' });
    expect(added).toEqual(['ok']);
    expect(guard.down).toBe(false);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^error queue add failed/);
    expect(logged[1]).toMatch(/^warn queue adds succeed again/);
  });

  it('guards only the pipeline queues of a backend', async () => {
    const guarded = createQueueGuard({ timeoutMs: 50, logger: silent }).backend({
      ...backend,
      queue: <T>(name: string): JobQueue<T> => ({ name, add: () => Promise.reject(new Error('down')) }),
    });
    await expect(guarded.queue<TurnJob>(TURN_QUEUE).add('turn', { conversationId: 'x' })).resolves.toBeUndefined();
    await expect(guarded.queue<DeliveryJob>(outboundQueueName('zalo')).add('deliver', { conversationId: 'x' })).resolves.toBeUndefined();
    await expect(guarded.queue<ScheduleJob>(SCHEDULE_QUEUE).add('sweep', { schedule: 'sweep', slot: '' })).rejects.toThrow('down');
  });
});
