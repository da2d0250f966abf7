import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createEventBus } from '../../src/core/event-bus.js';
import { BROADCAST_RECONCILE_AFTER_MS, CALL_SETTLED_MS, createNewsBroadcasts, NEWS_BROADCAST_QUEUE, type NewsBroadcastJob, type NewsBroadcasts } from '../../src/core/news-broadcast.js';
import { WEBPUSH_RECONCILE_AFTER_MS, WEBPUSH_TTL_CRITICAL_SEC, webPushRecipient, webPushSubscriptionId } from '../../src/core/news-webpush.js';
import { createReconciler, type ReconcileSource } from '../../src/core/reconcile-pending.js';
import { TURN_QUEUE, type DeliveryJob, type TurnJob } from '../../src/core/queues.js';
import { newsDeliveryId, type NewsBroadcast, type NewsBroadcastState, type NewsItem } from '../../src/domain/news.js';
import type { FollowerBroadcaster } from '../../src/ports/follower-broadcast.js';
import type { Logger } from '../../src/ports/logger.js';
import type { QueueBackend } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createLocalBackend } from '../../src/queue/local/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { buildWebPush } from '../../src/system/webpush.js';
import { FakePushService, type FakePushSubscription } from '../fakes/push-service.js';

/**
 * The reconciler's news sources that Redis could lose (issue 14 item 1), on the in-process queue runner
 * and the in-memory store: a browser fan-out whose job vanished with browsers never claimed, and Zalo
 * Article broadcasts stuck in a non-terminal state without their job. One pass resumes each exactly once,
 * a second pass queues nothing twice, and a broadcast whose call may have been made is never called again.
 * The "lost job" is simply never on the backend the reconciler sees (what a FLUSHALL leaves).
 */

const silent = { fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, child: () => silent };
/** 10:00 in Vietnam: outside the default quiet hours. */
const T0 = new Date('2026-12-07T03:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

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

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function reconciler(sources: ReconcileSource[]) {
  return createReconciler({
    store,
    turns: backend.queue<TurnJob>(TURN_QUEUE),
    deliveries: (channel) => backend.queue<DeliveryJob>(`outbound-${channel}`),
    ping: async () => undefined,
    sources,
    clock: { now: () => now },
    logger: silent,
  });
}

const item = (over: Partial<NewsItem> = {}): NewsItem => ({
  id: 'n1',
  topics: ['y-te'],
  title: 'Tiêm chủng mở rộng',
  urgency: 'normal',
  publishedAt: T0,
  receivedAt: T0,
  source: { kind: 'editor', accountId: 'a' },
  announce: true,
  ...over,
});

describe('reconciler: browser (Web Push) fan-outs whose job was lost', () => {
  let push: FakePushService;
  beforeAll(async () => {
    push = await new FakePushService().start();
  });
  afterAll(async () => {
    await push.stop();
  });

  async function setup() {
    const fanOutsLogged: string[] = [];
    const info = (o: object | string, msg?: string): void => {
      if (typeof o === 'object' && msg === 'news item pushed to subscribed browsers') fanOutsLogged.push(String((o as { itemId?: string }).itemId));
    };
    const logger: Logger = { ...silent, child: () => logger, info };
    const config = loadConfig({ WEB_PUSH_ALLOWED_HOSTS: push.origin });
    const webPush = await buildWebPush({ config, store, backend, clock: { now: () => now }, logger, events: createEventBus(silent), topics: [{ id: 'y-te', name: 'Y tế' }, { id: 'giao-duc', name: 'Giáo dục' }] });
    const browser = async (): Promise<FakePushSubscription> => {
      const sub = push.createSubscription();
      await webPush.service.subscribe({ endpoint: sub.endpoint, keys: sub.keys, topics: ['y-te'] });
      return sub;
    };
    return { webPush, browser, fanOutsLogged };
  }

  it('one pass pushes the browsers never claimed, once each; a second pass queues nothing more; a complete item is not found again', async () => {
    const { webPush, browser, fanOutsLogged } = await setup();
    const [a, b, c] = [await browser(), await browser(), await browser()];
    await store.newsItems.insert(item());
    // The first run claimed and pushed browser a, then its job vanished with Redis.
    await store.newsDeliveries.insert({ id: newsDeliveryId('n1', webPushRecipient(webPushSubscriptionId(a.endpoint))), itemId: 'n1', conversationId: webPushRecipient(webPushSubscriptionId(a.endpoint)), channel: 'webpush', status: 'sent', at: T0 });
    const pass = reconciler([webPush.reconcile]);

    // Out for less than a minute: left to the job queued when it was published.
    now = later(WEBPUSH_RECONCILE_AFTER_MS - 1);
    expect((await pass.reconcile()).webPushFanOuts).toBe(0);

    now = later(WEBPUSH_RECONCILE_AFTER_MS);
    expect((await pass.reconcile()).webPushFanOuts).toBe(1);
    // A second pass (or another process) before the job ran: the same job id, not queued again.
    await pass.reconcile();
    const worker = webPush.worker();
    await waitFor('b and c pushed', () => push.messagesFor(b.endpoint).length > 0 && push.messagesFor(c.endpoint).length > 0);
    await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    expect(fanOutsLogged).toEqual(['n1']);
    expect(push.messagesFor(a.endpoint)).toHaveLength(0);
    expect(push.messagesFor(b.endpoint)).toHaveLength(1);
    expect(push.messagesFor(c.endpoint)).toHaveLength(1);

    // Complete: not queued by this process, nor found by another one reading the store.
    expect((await pass.reconcile()).webPushFanOuts).toBe(0);
    const other = await setup();
    expect(await other.webPush.service.unfinishedFanOuts(now)).toEqual([]);
  });

  it('owes nothing to browsers subscribed after the item came out, nor past its push TTL, nor for claims left queued (the schedule re-sends those)', async () => {
    const { webPush, browser } = await setup();
    const early = await browser();
    await store.newsItems.insert(item({ id: 'critical', urgency: 'critical' }));
    await store.newsItems.insert(item({ id: 'claimed' }));
    const recipient = webPushRecipient(webPushSubscriptionId(early.endpoint));
    await store.newsDeliveries.insert({ id: newsDeliveryId('claimed', recipient), itemId: 'claimed', conversationId: recipient, channel: 'webpush', status: 'queued', at: T0 });
    now = later(60_000);
    await browser();
    await store.newsItems.insert(item({ id: 'before-late', publishedAt: later(-1) }));
    now = later(WEBPUSH_RECONCILE_AFTER_MS + 60_000);
    expect((await webPush.service.unfinishedFanOuts(now)).sort()).toEqual(['before-late', 'critical']);
    // A critical item is stale after 6 h: no longer pushed late.
    now = later(WEBPUSH_TTL_CRITICAL_SEC * 1000);
    expect(await webPush.service.unfinishedFanOuts(now)).toEqual(['before-late']);
  });
});

describe('reconciler: Zalo Article broadcasts whose job was lost', () => {
  const calls = { create: [] as string[], verify: [] as string[], broadcast: [] as string[] };
  const followers: FollowerBroadcaster = {
    createArticle: async (draft) => {
      calls.create.push(draft.title);
      return { token: `token-${draft.title}` };
    },
    verifyArticle: async (token) => {
      calls.verify.push(token);
      return { articleId: token.replace('token-', 'article-') };
    },
    broadcast: async (articleId) => {
      calls.broadcast.push(articleId);
      return { messageId: `msg-${articleId}` };
    },
  };
  let broadcasts: NewsBroadcasts;
  const runs: string[] = [];

  beforeEach(() => {
    for (const list of Object.values(calls)) list.length = 0;
    runs.length = 0;
    broadcasts = createNewsBroadcasts({
      store,
      clock: { now: () => now },
      logger: silent,
      audit: { record: async () => undefined },
      jobs: backend.queue<NewsBroadcastJob>(NEWS_BROADCAST_QUEUE),
      zalo: { broadcaster: followers, cities: '4', coverUrl: 'https://portal.example.gov.vn/cover.jpg' },
      copy: { author: 'UBND tỉnh', readMore: 'Xem thêm:' },
    });
  });

  /** A broadcast as the store holds it after Redis lost its job. */
  async function stored(itemId: string, state: NewsBroadcastState, over: Partial<NewsBroadcast> = {}): Promise<void> {
    await store.newsItems.insert(item({ id: itemId, title: itemId }));
    await store.newsBroadcasts.insert({ id: itemId, itemId, state, requestedBy: { id: 'c1', username: 'coordinator' }, requestedAt: T0, target: { cities: '4' }, steps: [], updatedAt: T0, ...over });
  }

  /** Runs the broadcast jobs queued so far, as the system's worker does, recording each run. */
  async function work(until: () => Promise<boolean>): Promise<void> {
    const worker = backend.worker<NewsBroadcastJob>(NEWS_BROADCAST_QUEUE, async (job) => {
      runs.push(job.data.itemId);
      await broadcasts.run(job.data.itemId);
    });
    await waitFor('broadcasts moved', until);
    await new Promise((r) => setTimeout(r, 50));
    await worker.close();
  }

  const state = async (id: string) => (await store.newsBroadcasts.get(id))?.state;

  it('one pass resumes each broadcast that made no broadcast call, exactly once; a second pass queues nothing twice', async () => {
    await stored('creating', 'creating');
    await stored('verifying', 'verifying', { token: 'token-verifying' });
    await stored('live', 'live', { token: 'token-live', articleId: 'article-live' });
    await stored('done', 'done', { articleId: 'article-done', messageId: 'm' });
    await stored('failed', 'failed', { error: { code: 'NEWS.BROADCAST_REFUSED' } });
    const pass = reconciler([{ name: 'newsBroadcasts', run: (at) => broadcasts.reconcile(at) }]);

    now = later(BROADCAST_RECONCILE_AFTER_MS - 1);
    expect((await pass.reconcile()).newsBroadcasts).toBe(0);
    now = later(BROADCAST_RECONCILE_AFTER_MS);
    expect((await pass.reconcile()).newsBroadcasts).toBe(3);
    await pass.reconcile();
    await work(async () => (await state('creating')) === 'done' && (await state('verifying')) === 'done' && (await state('live')) === 'done');

    expect(runs.sort()).toEqual(['creating', 'live', 'verifying']);
    expect(calls.create).toEqual(['creating']);
    expect(calls.broadcast.sort()).toEqual(['article-creating', 'article-live', 'article-verifying']);
    expect(await state('done')).toBe('done');
    expect(await state('failed')).toBe('failed');
    // All settled: nothing found again.
    expect((await pass.reconcile()).newsBroadcasts).toBe(0);
  });

  it('a broadcast whose call outcome is unknown is never called again: `unknown` is left alone, `broadcasting` only settled to `unknown`', async () => {
    // The run died during its broadcast call (its job gone with Redis); another item already recorded unknown.
    await stored('in-call', 'broadcasting', { token: 't', articleId: 'article-in-call' });
    await stored('unknown', 'unknown', { token: 't', articleId: 'article-unknown', error: { code: 'NEWS.BROADCAST_UNKNOWN' } });
    const pass = reconciler([{ name: 'newsBroadcasts', run: (at) => broadcasts.reconcile(at) }]);

    // While a call could still be in flight in another process, nothing is queued.
    now = later(CALL_SETTLED_MS - 1);
    expect((await pass.reconcile()).newsBroadcasts).toBe(0);
    now = later(CALL_SETTLED_MS);
    expect((await pass.reconcile()).newsBroadcasts).toBe(1);
    await pass.reconcile();
    await work(async () => (await state('in-call')) === 'unknown');

    expect(runs).toEqual(['in-call']);
    expect(calls.broadcast).toEqual([]);
    expect(await store.newsBroadcasts.get('in-call')).toMatchObject({ state: 'unknown', error: { code: 'NEWS.BROADCAST_UNKNOWN' } });
    expect(await state('unknown')).toBe('unknown');
    expect((await pass.reconcile()).newsBroadcasts).toBe(0);
  });

  it('finds nothing when Zalo broadcasts are not set up (no job could move them)', async () => {
    await stored('creating', 'creating');
    const unconfigured = createNewsBroadcasts({ store, clock: { now: () => now }, logger: silent, audit: { record: async () => undefined }, jobs: backend.queue<NewsBroadcastJob>(NEWS_BROADCAST_QUEUE), copy: { author: 'x', readMore: 'y' } });
    now = later(BROADCAST_RECONCILE_AFTER_MS);
    expect(await unconfigured.unfinished(now)).toEqual([]);
    expect(await broadcasts.unfinished(now)).toEqual(['creating']);
  });
});
