import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import type { Clock } from '../../src/ports/clock.js';
import type { RunningSystem } from '../../src/system/index.js';
import { startFeedServer, type FakeFeedServer } from '../fakes/feed-server.js';
import { FakeGraph } from '../fakes/messenger/fake-graph.js';
import { MessengerWebhookDriver } from '../fakes/messenger/webhook-driver.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { eventually } from './helpers.js';
import { fakePlatformsEnv, startTestSystem } from './test-system.js';

/**
 * Portal news end to end (issue 12), nothing of ours mocked: a local feed server stands in for the
 * portal's RSS, citizens subscribe by chatting on Zalo and Messenger through the fake platforms, and a
 * new feed entry must reach each subscriber once on their channel, within its window and outside quiet
 * hours, and nobody else. The poll is run directly (not on its schedule) at a clock the test sets.
 */

let zalo: FakeZalo;
let graph: FakeGraph;
let feeds: FakeFeedServer;
let system: RunningSystem;
let zaloDriver: ZaloWebhookDriver;
let fbDriver: MessengerWebhookDriver;
let dataDir: string;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
const FEED = '/tin-tuc/tuyen-dung.rss';

beforeEach(async () => {
  offsetMs = 0;
  dataDir = mkdtempSync(join(tmpdir(), 'news-'));
  zalo = await new FakeZalo().start();
  graph = await new FakeGraph().start();
  feeds = await startFeedServer();
  feeds.setFeed(FEED, { format: 'rss', entries: [{ guid: 'td-1', title: 'Thông báo tuyển dụng viên chức năm 2026', link: 'https://portal.example/td-1', publishedAt: new Date('2026-11-20T02:00:00Z') }] });
  system = await startTestSystem(
    dataDir,
    {
      ...fakePlatformsEnv(zalo, graph),
      NEWS_FEEDS: `tuyen-dung=${feeds.url(FEED)}`,
    },
    { clock },
  );
  zalo.webhookUrl = `${system.url}/webhooks/zalo`;
  zaloDriver = new ZaloWebhookDriver({ url: `${system.url}/webhooks/zalo`, appId: zalo.appId, oaId: zalo.oaId, oaSecretKey: zalo.oaSecretKey });
  fbDriver = new MessengerWebhookDriver({ url: `${system.url}/webhooks/messenger`, appSecret: graph.appSecret, pageId: graph.pageId });
});

afterEach(async () => {
  await system.stop();
  await zalo.stop();
  await graph.stop();
  await feeds.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const zaloTexts = (userId: string) => zalo.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: string }).text ?? ''));
const fbTexts = (psid: string) => graph.sent.filter((m) => m.psid === psid).map((m) => String((m.message as { text?: string }).text ?? ''));

async function zaloSays(userId: string, text: string): Promise<void> {
  expect((await zaloDriver.deliver(zaloDriver.text(userId, text))).status).toBe(200);
}

/** Noon of a working day in Vietnam, outside quiet hours. */
const noon = () => (offsetMs = Date.parse('2026-12-08T05:00:00Z') - Date.now());

describe('portal news to subscribers', () => {
  it('pushes a new feed entry once to each subscriber on their channel, nothing to others; unsubscribing stops it', async () => {
    noon();
    // The first poll records what the feed already holds without pushing it.
    expect(await system.news.ingest.poll(clock.now())).toMatchObject({ seeded: 1, fresh: 0 });

    const [subscriber, other, leaver] = [bigId(), bigId(), bigId()];
    await zaloSays(subscriber, 'dang ky nhan tin tuyen dung');
    await eventually(() => expect(zaloTexts(subscriber).join('\n')).toContain('Tuyển dụng'));
    await zaloSays(leaver, 'đăng ký nhận tin tuyển dụng');
    await zaloSays(other, 'đăng ký kết hôn cần giấy tờ gì');
    const psid = MessengerWebhookDriver.newPsid();
    graph.interact(psid);
    expect((await fbDriver.deliver(fbDriver.envelope(fbDriver.text(psid, 'đăng ký nhận tin tuyển dụng')))).status).toBe(200);
    await eventually(() => expect(fbTexts(psid).length).toBeGreaterThan(0));
    await eventually(() => expect(zaloTexts(leaver).length).toBeGreaterThan(0));
    await zaloSays(leaver, 'hủy nhận tin');
    await eventually(() => expect(zaloTexts(leaver).at(-1)).toContain(copy.bot.news.unsubscribedAll));
    await eventually(() => expect(zaloTexts(other).length).toBeGreaterThan(0));
    const before = { subscriber: zaloTexts(subscriber).length, other: zaloTexts(other).length, leaver: zaloTexts(leaver).length, fb: fbTexts(psid).length };

    feeds.addEntry(FEED, { guid: 'td-2', title: 'Tuyển dụng 25 giáo viên mầm non', link: 'https://portal.example/td-2', summary: '<p>Hạn nộp hồ sơ <b>20/12/2026</b>.</p>' });
    expect(await system.news.ingest.poll(clock.now())).toMatchObject({ fresh: 1 });
    // Polled again (a second worker, a restart): nothing new, nothing sent twice.
    expect(await system.news.ingest.poll(clock.now())).toMatchObject({ fresh: 0 });

    await eventually(() => expect(zaloTexts(subscriber)).toHaveLength(before.subscriber + 1));
    await eventually(() => expect(fbTexts(psid)).toHaveLength(before.fb + 1));
    expect(zaloTexts(subscriber).at(-1)).toContain('Tuyển dụng 25 giáo viên mầm non');
    expect(zaloTexts(subscriber).at(-1)).toContain('Hạn nộp hồ sơ 20/12/2026.');
    expect(zaloTexts(subscriber).at(-1)).toContain(copy.bot.news.pushFooter);
    const fbNews = graph.sent.filter((m) => m.psid === psid).at(-1)!;
    expect(fbNews).toMatchObject({ messagingType: 'UPDATE' });
    expect(fbNews.tag).toBeUndefined();
    // The fan-out run again (as a replay would) decides nobody new: the item's records are the two subscribers'.
    const [item] = await system.store.newsItems.latest({ topics: ['tuyen-dung'], limit: 1 });
    expect(await system.news.delivery.fanOut(item!, clock.now())).toMatchObject({ sent: 0, waiting: 0, quiet: 0, skipped: 2 });
    expect((await system.store.newsDeliveries.listByItem(item!.id)).map((d) => d.channel).sort()).toEqual(['messenger', 'zalo']);
    expect(zaloTexts(other)).toHaveLength(before.other);
    expect(zaloTexts(leaver)).toHaveLength(before.leaver);
    expect(zaloTexts(subscriber)).toHaveLength(before.subscriber + 1);

    // "Tin mới" lists it.
    await zaloSays(subscriber, 'tin mới');
    await eventually(() => expect(zaloTexts(subscriber).at(-1)).toContain('Tuyển dụng 25 giáo viên mầm non'));
  });

  it('holds a normal item during quiet hours until the morning, and never messages a citizen outside the window (it waits in "tin mới")', async () => {
    noon();
    await system.news.ingest.poll(clock.now());
    const [night, silent] = [bigId(), bigId()];
    for (const user of [night, silent]) await zaloSays(user, 'đăng ký nhận tin tuyển dụng');
    await eventually(() => expect([zaloTexts(night).length > 0, zaloTexts(silent).length > 0]).toEqual([true, true]));
    const counts = { night: zaloTexts(night).length, silent: zaloTexts(silent).length };

    // 23:00 the same day: held for the morning.
    offsetMs = Date.parse('2026-12-08T16:00:00Z') - Date.now();
    feeds.addEntry(FEED, { guid: 'td-3', title: 'Thông báo thi tuyển công chức cấp xã' });
    await system.news.ingest.poll(clock.now());
    await eventually(async () => expect((await system.store.newsDeliveries.listByStatus('quiet', 10)).length).toBe(2));
    expect(zaloTexts(night)).toHaveLength(counts.night);

    // Two days later at 13:00 the silent citizen's Zalo window (48 h since noon on the 8th) has closed; the other wrote again.
    offsetMs = Date.parse('2026-12-10T06:00:00Z') - Date.now();
    await zaloSays(night, 'xin chào');
    await eventually(() => expect(zaloTexts(night).length).toBeGreaterThan(counts.night));
    const afterHello = zaloTexts(night).length;
    expect(await system.news.delivery.releaseQuiet(clock.now())).toEqual({ sent: 1, waiting: 1 });
    await eventually(() => expect(zaloTexts(night)).toHaveLength(afterHello + 1));
    expect(zaloTexts(night).at(-1)).toContain('Thông báo thi tuyển công chức cấp xã');
    expect(zaloTexts(silent)).toHaveLength(counts.silent);
  });

  it('unfollowing the OA ends the subscription silently; a push the platform refuses for its window is not kept for the next visit', async () => {
    noon();
    await system.news.ingest.poll(clock.now());
    const [leaver, closed] = [bigId(), bigId()];
    for (const user of [leaver, closed]) await zaloSays(user, 'đăng ký nhận tin tuyển dụng');
    await eventually(() => expect([zaloTexts(leaver).length > 0, zaloTexts(closed).length > 0]).toEqual([true, true]));
    const subscriptionOf = async (user: string) => (await system.store.newsSubscriptions.listByTopic('tuyen-dung')).find((s) => s.id.endsWith(user));
    expect(await subscriptionOf(leaver)).toBeDefined();

    const sentBefore = zaloTexts(leaver).length;
    expect((await zaloDriver.deliver(zaloDriver.unfollow(leaver))).status).toBe(200);
    await eventually(async () => expect(await subscriptionOf(leaver)).toBeUndefined());
    expect(zaloTexts(leaver)).toHaveLength(sentBefore);

    // Zalo refuses the push (-230: the citizen's window closed on its side): recorded failed with the code, never sent later.
    zalo.windowClosed.add(closed);
    const closedBefore = zaloTexts(closed).length;
    feeds.addEntry(FEED, { guid: 'td-9', title: 'Tuyển dụng nhân viên y tế thôn bản' });
    await system.news.ingest.poll(clock.now());
    const [item] = await system.store.newsItems.latest({ topics: ['tuyen-dung'], limit: 1 });
    const conversationId = (await subscriptionOf(closed))!.id;
    await eventually(async () => expect((await system.store.outbound.get(`news:${item!.id}|${conversationId}`))?.status).toBe('failed'));
    expect((await system.store.outbound.get(`news:${item!.id}|${conversationId}`))?.error?.platformCode).toBe(-230);
    zalo.windowClosed.delete(closed);
    await zaloSays(closed, 'xin chào');
    await eventually(() => expect(zaloTexts(closed).length).toBeGreaterThan(closedBefore));
    expect(zaloTexts(closed).join('\n')).not.toContain('Tuyển dụng nhân viên y tế thôn bản');
  });
});
