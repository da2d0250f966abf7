import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VAPID_SECRET_KEY, WEBPUSH_TTL_CRITICAL_SEC, WEBPUSH_TTL_NORMAL_SEC, webPushRecipient, webPushSubscriptionId, webPushTopic } from '../../src/core/news-webpush.js';
import { newsDeliveryId, vietnamDayStart } from '../../src/domain/news.js';
import type { Clock } from '../../src/ports/clock.js';
import type { RunningSystem } from '../../src/system/index.js';
import { FakePushService, type FakePushSubscription } from '../fakes/push-service.js';
import { consoleCall, consoleLogin, type ConsoleSignIn } from './console-client.js';
import { eventually } from './helpers.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * Web Push of portal news (issue 12 item 3) against the real system in embedded mode, nothing of ours
 * mocked: browsers are subscriptions made on a local fake push service (which verifies the VAPID token
 * and decrypts each message with the browser's keys), they subscribe through the public HTTP API, a
 * coordinator publishes through POST /api/v1/news/items, and the `news.published` → job → fan-out path
 * delivers. The clock is the system's, moved to a chosen Vietnam time of day for quiet hours.
 *
 * Nothing is timed: each step waits for a condition. "Nothing arrived" is judged after the fan-out is
 * known to be over: a witness browser got the item, then the fan-out is replayed (idempotent; it returns
 * once every subscribed browser is decided).
 */

const PASSWORD = 'mat-khau-dieu-phoi-web-push';
let system: RunningSystem;
let dataDir: string;
let push: FakePushService;
let coordinator: ConsoleSignIn;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

/** Moves the system's clock to hh:mm Vietnam time of today (or `days` later). */
function setVietnamTime(hours: number, minutes = 0, days = 0): void {
  const real = new Date();
  offsetMs = vietnamDayStart(real).getTime() + ((days * 24 + hours) * 60 + minutes) * 60_000 - real.getTime();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'news-webpush-'));
  push = await new FakePushService().start();
  system = await startTestSystem(
    dataDir,
    { WEB_PUSH_ALLOWED_HOSTS: `${push.origin},fcm.googleapis.com`, NEWS_DAILY_CAP: '50', WEB_PUSH_SUBJECT: 'mailto:hotro1022@example.gov.vn' },
    { clock, passwordParams: CHEAP_SCRYPT },
  );
  await system.auth.createAccount({ username: 'dieuphoi.webpush', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
  coordinator = await consoleLogin(system.url!, 'dieuphoi.webpush', PASSWORD);
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await push?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  setVietnamTime(10);
  push.clearResponses();
});

function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${system.url}/tin-tuc/web-push${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function subscribe(topics: string[], locale?: string): Promise<FakePushSubscription> {
  const browser = push.createSubscription();
  const response = await api('POST', '/subscriptions', { subscription: { endpoint: browser.endpoint, expirationTime: null, keys: browser.keys }, topics, ...(locale && { locale }) });
  expect(response.status).toBe(201);
  return browser;
}

async function publish(item: { title: string; topics: string[]; urgency?: 'normal' | 'critical'; summary?: string; link?: string; versions?: unknown }): Promise<string> {
  const response = await consoleCall(system.url!, 'POST', '/news/items', item, coordinator);
  expect(response.status).toBe(201);
  return ((await response.json()) as { item: { id: string } }).item.id;
}

const deliveryOf = (itemId: string, browser: FakePushSubscription) => system.store.newsDeliveries.get(newsDeliveryId(itemId, webPushRecipient(webPushSubscriptionId(browser.endpoint))));

/** Runs the item's fan-out again (as a retried job would) and returns what it did. */
async function replay(itemId: string) {
  const item = await system.store.newsItems.get(itemId);
  return system.webPush.service.fanOut(item!, clock.now());
}

describe('Web Push of portal news', () => {
  it('When browsers ask for the key twice, then it is the one generated once and kept in the store', async () => {
    const first = (await (await api('GET', '/key')).json()) as { publicKey: string; topics: { id: string; name: string }[] };
    const second = (await (await api('GET', '/key')).json()) as { publicKey: string };
    expect(first.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    expect(second.publicKey).toBe(first.publicKey);
    expect((await system.store.secrets.get(VAPID_SECRET_KEY))?.value['publicKey']).toBe(first.publicKey);
    expect(first.topics.map((t) => t.id)).toContain('thu-tuc-moi');
  });

  it('When a subscribed browser\'s topic gets an item, then it reaches the push service once, decryptable, with the title', async () => {
    const browser = await subscribe(['thu-tuc-moi']);
    const stored = await system.store.webPush.get(webPushSubscriptionId(browser.endpoint));
    expect(stored).toMatchObject({ topics: ['thu-tuc-moi'], locale: 'vi' });
    expect(stored!.consentAt).toBeInstanceOf(Date);

    const itemId = await publish({ title: 'Thủ tục mới: cấp đổi giấy phép lái xe trực tuyến', summary: 'Nộp hồ sơ trên Cổng Dịch vụ công.', link: 'https://portal.example.gov.vn/tin/1', topics: ['thu-tuc-moi'] });
    await eventually(async () => expect((await deliveryOf(itemId, browser))?.status).toBe('sent'));
    const messages = push.messagesFor(browser.endpoint);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ttl: WEBPUSH_TTL_NORMAL_SEC, urgency: 'normal', topic: webPushTopic(itemId), vapid: { sub: 'mailto:hotro1022@example.gov.vn', aud: push.origin } });
    expect(FakePushService.payload(messages[0]!)).toEqual({
      title: 'Thủ tục mới: cấp đổi giấy phép lái xe trực tuyến',
      body: 'Nộp hồ sơ trên Cổng Dịch vụ công.',
      url: 'https://portal.example.gov.vn/tin/1',
      tag: webPushTopic(itemId),
    });

    // A replayed fan-out (the job again, another worker) sends nothing more.
    expect(await replay(itemId)).toMatchObject({ sent: 0, skipped: 1 });
    expect(push.messagesFor(browser.endpoint)).toHaveLength(1);
  });

  it('When an item is of a topic the browser did not choose, then it gets nothing', async () => {
    const browser = await subscribe(['tuyen-dung']);
    const witness = await subscribe(['y-te']);
    const itemId = await publish({ title: 'Lịch tiêm chủng mở rộng tháng này', topics: ['y-te'] });
    await eventually(() => expect(push.messagesFor(witness.endpoint)).toHaveLength(1));
    await replay(itemId);
    expect(push.messagesFor(browser.endpoint)).toHaveLength(0);
    expect(await deliveryOf(itemId, browser)).toBeUndefined();
  });

  it('When the browser chose English and the item has an English version, then the notification is in English; without a link it opens the portal', async () => {
    const browser = await subscribe(['giao-duc'], 'en');
    const itemId = await publish({ title: 'Tuyển sinh lớp 10', topics: ['giao-duc'], versions: { en: { title: 'Grade 10 admissions', summary: 'Apply by 30 June.' } } });
    await eventually(() => expect(push.messagesFor(browser.endpoint)).toHaveLength(1));
    expect(FakePushService.payload(push.messagesFor(browser.endpoint)[0]!)).toMatchObject({ title: 'Grade 10 admissions', body: 'Apply by 30 June.', url: '/' });
    await eventually(async () => expect((await deliveryOf(itemId, browser))?.status).toBe('sent'));
  });

  it('When quiet hours last, then a normal item is held until they end and a critical one goes at once with urgency high', async () => {
    const browser = await subscribe(['thien-tai-thoi-tiet']);
    setVietnamTime(23);
    // A console session lasts a working day from sign-in: sign in again at the clock's 23:00 (the first
    // sign-in ran at the real time, which may be more than 10 hours before "today 23:00").
    coordinator = await consoleLogin(system.url!, 'dieuphoi.webpush', PASSWORD);
    const normal = await publish({ title: 'Lịch cắt điện tuần tới', topics: ['thien-tai-thoi-tiet'] });
    await eventually(async () => expect((await deliveryOf(normal, browser))?.status).toBe('quiet'));
    const critical = await publish({ title: 'Cảnh báo bão số 9 đổ bộ', topics: ['thien-tai-thoi-tiet'], urgency: 'critical' });
    await eventually(() => expect(push.messagesFor(browser.endpoint)).toHaveLength(1));
    expect(push.messagesFor(browser.endpoint)[0]).toMatchObject({ urgency: 'high', ttl: WEBPUSH_TTL_CRITICAL_SEC, topic: webPushTopic(critical) });
    expect((await deliveryOf(normal, browser))?.status).toBe('quiet');

    // The next morning's release (the schedule's work, run here at 07:05) sends the held one.
    setVietnamTime(7, 5, 1);
    await system.webPush.service.releaseQuiet(clock.now());
    await eventually(() => expect(push.messagesFor(browser.endpoint)).toHaveLength(2));
    expect(FakePushService.payload(push.messagesFor(browser.endpoint)[1]!).title).toBe('Lịch cắt điện tuần tới');
    expect((await deliveryOf(normal, browser))?.status).toBe('sent');
  });

  it('When the push service answers 410, then the subscription is removed and the delivery failed with its code', async () => {
    const browser = await subscribe(['tuyen-dung']);
    push.expire(browser.endpoint);
    const itemId = await publish({ title: 'Thi tuyển viên chức giáo dục', topics: ['tuyen-dung'] });
    await eventually(async () => expect((await deliveryOf(itemId, browser))?.status).toBe('failed'));
    expect((await deliveryOf(itemId, browser))?.error).toEqual({ code: 'WEBPUSH.GONE', status: 410 });
    expect(await system.store.webPush.get(webPushSubscriptionId(browser.endpoint))).toBeUndefined();
  });

  it('When the push service answers 429 with Retry-After once, then the message is sent again later with the same Topic, once', async () => {
    const browser = await subscribe(['y-te']);
    push.respond(browser.endpoint, 429, { retryAfter: '1', times: 1 });
    const itemId = await publish({ title: 'Khám sức khỏe miễn phí cho người cao tuổi', topics: ['y-te'] });
    await eventually(async () => expect((await deliveryOf(itemId, browser))?.status).toBe('sent'));
    expect(push.messagesFor(browser.endpoint)).toHaveLength(1);
    const tried = push.requests.filter((r) => r.subscriptionId === browser.id);
    expect(tried.map((r) => r.status)).toEqual([429, 201]);
    expect(new Set(tried.map((r) => r.topic))).toEqual(new Set([webPushTopic(itemId)]));
  });

  it('When a browser unsubscribes, then it is forgotten and gets no later item', async () => {
    const browser = await subscribe(['giao-duc']);
    const witness = await subscribe(['giao-duc']);
    const response = await api('POST', '/subscriptions/delete', { endpoint: browser.endpoint });
    expect(response.status).toBe(204);
    expect(await system.store.webPush.get(webPushSubscriptionId(browser.endpoint))).toBeUndefined();
    const itemId = await publish({ title: 'Lịch nghỉ Tết của học sinh', topics: ['giao-duc'] });
    await eventually(() => expect(push.messagesFor(witness.endpoint)).toHaveLength(1));
    await replay(itemId);
    expect(push.messagesFor(browser.endpoint)).toHaveLength(0);
  });

  it('When a subscription names another host, plain http, an unknown topic or wrong keys, then it is refused and nothing is stored', async () => {
    const browser = push.createSubscription();
    const attempt = (subscription: unknown, topics: unknown = ['thu-tuc-moi'], extra: Record<string, unknown> = {}) => api('POST', '/subscriptions', { subscription, topics, ...extra });
    const refused = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(((await response.json()) as { code: string }).code).toBe(code);
    };
    await refused(await attempt({ endpoint: 'https://attacker.example.com/push/1', keys: browser.keys }), 400, 'WEBPUSH.ENDPOINT_NOT_ALLOWED');
    await refused(await attempt({ endpoint: 'http://fcm.googleapis.com/fcm/send/abc', keys: browser.keys }), 400, 'WEBPUSH.ENDPOINT_NOT_ALLOWED');
    await refused(await attempt({ endpoint: 'https://169.254.169.254/latest', keys: browser.keys }), 400, 'WEBPUSH.ENDPOINT_NOT_ALLOWED');
    await refused(await attempt({ endpoint: browser.endpoint.replace(push.origin, 'http://127.0.0.1:1'), keys: browser.keys }), 400, 'WEBPUSH.ENDPOINT_NOT_ALLOWED');
    await refused(await attempt({ endpoint: browser.endpoint, keys: browser.keys }, ['khong-co']), 400, 'WEBPUSH.INPUT_INVALID');
    await refused(await attempt({ endpoint: browser.endpoint, keys: browser.keys }, []), 400, 'WEBPUSH.INPUT_INVALID');
    await refused(await attempt({ endpoint: browser.endpoint, keys: { p256dh: 'abc', auth: browser.keys.auth } }), 400, 'WEBPUSH.INPUT_INVALID');
    await refused(await attempt({ endpoint: browser.endpoint, keys: browser.keys }, ['thu-tuc-moi'], { locale: 'fr' }), 400, 'WEBPUSH.INPUT_INVALID');
    await refused(await attempt({ endpoint: browser.endpoint, keys: browser.keys }, ['thu-tuc-moi'], { admin: true }), 400, 'HTTP.BAD_REQUEST');
    await refused(await attempt({ endpoint: browser.endpoint, keys: browser.keys }, 'thu-tuc-moi'), 400, 'HTTP.BAD_REQUEST');
    await refused(await attempt({ endpoint: browser.endpoint, keys: browser.keys }, ['thu-tuc-moi'], { padding: 'x'.repeat(5000) }), 413, 'HTTP.PAYLOAD_TOO_LARGE');
    expect(await system.store.webPush.get(webPushSubscriptionId(browser.endpoint))).toBeUndefined();
    // An allowed push service host is accepted (never called here).
    const fcm = await attempt({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def', keys: browser.keys });
    expect(fcm.status).toBe(201);
    expect((await api('POST', '/subscriptions/delete', { endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def' })).status).toBe(204);
  });
});
