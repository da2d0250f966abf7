import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebPushSender, generateVapidKeys } from '../../../adapters/webpush/index.js';
import { createNewsWebPush, webPushRecipient, webPushSubscriptionId, webPushTopic, type NewsWebPush } from '../../../src/core/news-webpush.js';
import { newsDeliveryId, parseQuietHours, vietnamDayStart, type NewsItem } from '../../../src/domain/news.js';
import { parsePushHostRules } from '../../../src/domain/web-push.js';
import type { Store } from '../../../src/ports/store.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import { FakePushService, type FakePushSubscription } from '../../fakes/push-service.js';

/**
 * The browsers' fan-out (src/core/news-webpush.ts) on the in-memory store, sending for real through the
 * Web Push adapter to a local fake push service: the cap, items never pushed, the quiet-hours release,
 * a crashed run's claim, expiry, and refusals. The clock is a variable the test sets.
 */

let push: FakePushService;
let store: Store;
let service: NewsWebPush;
let now: Date;
const day = vietnamDayStart(new Date('2026-12-07T05:00:00Z'));
const at = (hours: number, minutes = 0, days = 0) => new Date(day.getTime() + ((days * 24 + hours) * 60 + minutes) * 60_000);
let seq = 0;

beforeAll(async () => {
  push = await new FakePushService().start();
});
afterAll(async () => {
  await push.stop();
});

beforeEach(() => {
  store = createMemoryStore();
  now = at(10);
  service = createNewsWebPush({
    store,
    clock: { now: () => now },
    sender: createWebPushSender({ vapid: { ...generateVapidKeys(), subject: 'mailto:hotro@example.gov.vn' } }),
    policy: { quietHours: parseQuietHours('21:30-07:00'), dailyCap: 2 },
    topics: [{ id: 'y-te', name: 'Y tế' }, { id: 'giao-duc', name: 'Giáo dục' }],
    allowedHosts: parsePushHostRules(push.origin),
    portalUrl: 'https://portal.example.gov.vn/',
  });
});

async function browser(topics = ['y-te']): Promise<FakePushSubscription> {
  const sub = push.createSubscription();
  await service.subscribe({ endpoint: sub.endpoint, keys: sub.keys, topics });
  return sub;
}

async function item(over: Partial<NewsItem> = {}): Promise<NewsItem> {
  const it: NewsItem = { id: `item-${++seq}`, topics: ['y-te'], title: `Tin ${seq}`, urgency: 'normal', publishedAt: now, receivedAt: now, source: { kind: 'editor', accountId: 'a' }, announce: true, ...over };
  await store.newsItems.insert(it);
  return it;
}

const delivery = (itemId: string, sub: FakePushSubscription) => store.newsDeliveries.get(newsDeliveryId(itemId, webPushRecipient(webPushSubscriptionId(sub.endpoint))));

describe('news web push fan-out', () => {
  it('When the daily cap is reached, then later items wait (reason cap) and are not pushed', async () => {
    const sub = await browser();
    for (let i = 0; i < 3; i++) await service.fanOut(await item(), now);
    expect(push.messagesFor(sub.endpoint)).toHaveLength(2);
    expect((await delivery(`item-${seq}`, sub))).toMatchObject({ status: 'waiting', reason: 'cap' });
  });

  it('When an item is not announced or still scheduled, then nothing is recorded or sent', async () => {
    const sub = await browser();
    const quietItem = await item({ announce: false });
    const scheduled = await item({ status: 'scheduled' });
    expect(await service.fanOut(quietItem, now)).toMatchObject({ sent: 0, quiet: 0, waiting: 0 });
    expect(await service.fanOut(scheduled, now)).toMatchObject({ sent: 0, quiet: 0, waiting: 0 });
    expect(await delivery(quietItem.id, sub)).toBeUndefined();
    expect(push.messagesFor(sub.endpoint)).toHaveLength(0);
  });

  it('When a normal item is held for quiet hours, then the release sends it only once they are over, and once', async () => {
    const sub = await browser();
    now = at(23);
    const held = await item();
    expect(await service.fanOut(held, now)).toMatchObject({ quiet: 1 });
    now = at(2, 0, 1);
    expect(await service.releaseQuiet(now)).toMatchObject({ sent: 0 });
    now = at(7, 5, 1);
    expect(await service.releaseQuiet(now)).toMatchObject({ sent: 1 });
    expect(await service.releaseQuiet(now)).toMatchObject({ sent: 0 });
    expect(push.messagesFor(sub.endpoint)).toHaveLength(1);
    expect(await delivery(held.id, sub)).toMatchObject({ status: 'sent' });
  });

  it('When the browser unsubscribed overnight, then the held item is not sent', async () => {
    const sub = await browser();
    now = at(23);
    const held = await item();
    await service.fanOut(held, now);
    await service.unsubscribe(sub.endpoint);
    now = at(7, 5, 1);
    expect(await service.releaseQuiet(now)).toMatchObject({ sent: 0, waiting: 1 });
    expect(push.messagesFor(sub.endpoint)).toHaveLength(0);
  });

  it('When a run crashed between claim and send, then the release re-sends the stale claim with the same topic; a fresh claim is left to its run', async () => {
    const sub = await browser();
    const crashed = await item();
    const running = await item();
    const recipient = webPushRecipient(webPushSubscriptionId(sub.endpoint));
    await store.newsDeliveries.insert({ id: newsDeliveryId(crashed.id, recipient), itemId: crashed.id, conversationId: recipient, channel: 'webpush', status: 'queued', at: new Date(now.getTime() - 20 * 60_000) });
    await store.newsDeliveries.insert({ id: newsDeliveryId(running.id, recipient), itemId: running.id, conversationId: recipient, channel: 'webpush', status: 'queued', at: new Date(now.getTime() - 60_000) });
    expect(await service.releaseQuiet(now)).toMatchObject({ sent: 1 });
    expect(push.messagesFor(sub.endpoint).map((m) => m.topic)).toEqual([webPushTopic(crashed.id)]);
    expect(await delivery(running.id, sub)).toMatchObject({ status: 'queued' });
  });

  it('When a claim is still unsent after its TTL, then it is given up as expired', async () => {
    const sub = await browser();
    const old = await item({ urgency: 'critical' });
    const recipient = webPushRecipient(webPushSubscriptionId(sub.endpoint));
    await store.newsDeliveries.insert({ id: newsDeliveryId(old.id, recipient), itemId: old.id, conversationId: recipient, channel: 'webpush', status: 'queued', at: new Date(now.getTime() - 7 * 3600_000) });
    expect(await service.fanOut(old, now)).toMatchObject({ failed: 1 });
    expect(await delivery(old.id, sub)).toMatchObject({ status: 'failed', error: { code: 'WEBPUSH.EXPIRED' } });
    expect(push.messagesFor(sub.endpoint)).toHaveLength(0);
  });

  it('When the push service refuses for good (400) or fails for now (500), then the first is failed and kept subscribed, the second retried by the next run, once', async () => {
    const sub = await browser();
    push.respond(sub.endpoint, 400, { times: 1 });
    const refused = await item();
    expect(await service.fanOut(refused, now)).toMatchObject({ failed: 1 });
    expect(await delivery(refused.id, sub)).toMatchObject({ status: 'failed', error: { code: 'WEBPUSH.REJECTED', status: 400 } });
    expect(await store.webPush.get(webPushSubscriptionId(sub.endpoint))).toBeDefined();

    push.respond(sub.endpoint, 500, { times: 1 });
    const later = await item();
    const first = await service.fanOut(later, now);
    expect(first).toMatchObject({ retry: 1 });
    expect(first.retryAfterMs).toBeUndefined();
    expect(await service.fanOut(later, now)).toMatchObject({ sent: 1 });
    expect(await service.fanOut(later, now)).toMatchObject({ sent: 0, skipped: 1 });
    expect(push.messagesFor(sub.endpoint)).toHaveLength(1);
  });

  it('When a subscription names an unknown topic or a push service not allowed, then it is refused', async () => {
    const sub = push.createSubscription();
    await expect(service.subscribe({ endpoint: sub.endpoint, keys: sub.keys, topics: ['khong-co'] })).rejects.toMatchObject({ code: 'WEBPUSH.INPUT_INVALID' });
    await expect(service.subscribe({ endpoint: 'https://fcm.googleapis.com/fcm/send/x', keys: sub.keys, topics: ['y-te'] })).rejects.toMatchObject({ code: 'WEBPUSH.ENDPOINT_NOT_ALLOWED' });
  });
});
