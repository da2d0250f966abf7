import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFor } from '../../src/domain/copy/index.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import type { Clock } from '../../src/ports/clock.js';
import type { RunningSystem } from '../../src/system/index.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { consoleLogin, type ConsoleSignIn } from './console-client.js';
import { eventually } from './helpers.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * Editors' news end to end (issue 12 items 1, 6, 7): items scheduled and published at their time,
 * cancelled, written with a Khmer version, previewed per channel, reported by channel and platform code,
 * and broadcast as a Zalo Article to the OA's followers, through the console API of the real system and
 * the fake Zalo (which enforces the article and broadcast payloads and answers -214 while an article is
 * processed). Nothing of ours is mocked; the clock is the system's, moved by the test.
 */

const PASSWORD = 'mật khẩu biên tập tin tức';
const COVER = 'https://1022.example.gov.vn/anh/bia-tin.png';

let zalo: FakeZalo;
let system: RunningSystem;
let driver: ZaloWebhookDriver;
let dataDir: string;
let coordinator: ConsoleSignIn;
let staff: ConsoleSignIn;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  // Noon in Vietnam on a working day: outside quiet hours.
  offsetMs = Date.parse('2026-12-08T05:00:00Z') - Date.now();
  dataDir = mkdtempSync(join(tmpdir(), 'news-editor-'));
  zalo = await new FakeZalo({ articleProcessingPolls: 2 }).start();
  system = await startTestSystem(
    dataDir,
    { ...zalo.env(), NEWS_ZALO_BROADCAST_CITIES: '58', NEWS_ZALO_COVER_URL: COVER, NEWS_DAILY_CAP: '20' },
    { clock, passwordParams: CHEAP_SCRYPT },
  );
  driver = new ZaloWebhookDriver({ url: `${system.url}/webhooks/zalo`, appId: zalo.appId, oaId: zalo.oaId, oaSecretKey: zalo.oaSecretKey });
  await system.auth.createAccount({ username: 'bt.dieuphoi', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: 'bt.canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'so-tu-phap', password: PASSWORD });
  coordinator = await consoleLogin(system.url!, 'bt.dieuphoi', PASSWORD);
  staff = await consoleLogin(system.url!, 'bt.canbo', PASSWORD);
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await zalo?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function api(method: string, path: string, who: ConsoleSignIn, body?: unknown): Promise<Response> {
  return fetch(`${system.url}/api/v1/news${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrfToken },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const texts = (userId: string) => zalo.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: string }).text ?? ''));

async function subscribe(userId: string, topic: string): Promise<string> {
  expect((await driver.deliver(driver.text(userId, `đăng ký nhận tin ${topic}`))).status).toBe(200);
  await eventually(() => expect(texts(userId).join('\n')).toContain('Bạn đã đăng ký nhận tin'));
  const conversation = (await system.store.newsSubscriptions.listByTopic('y-te')).find((s) => s.id.endsWith(userId));
  return conversation?.id ?? '';
}

interface ItemJson {
  id: string;
  status: string;
  publishedAt: string;
  title: string;
}

describe('editors: scheduled items, versions, preview, report', () => {
  it('a scheduled item is listed as scheduled, not pushed nor in feeds, then published once at its time; a cancelled one never', async () => {
    const citizen = bigId();
    await subscribe(citizen, 'y tế');
    const before = texts(citizen).length;
    const at = new Date(clock.now().getTime() + 2 * 3_600_000);
    const response = await api('POST', '/items', coordinator, { title: 'Tiêm chủng mở rộng đợt 2', topics: ['y-te'], urgency: 'normal', publishAt: at.toISOString() });
    expect(response.status).toBe(201);
    const item = ((await response.json()) as { item: ItemJson }).item;
    expect(item).toMatchObject({ status: 'scheduled', publishedAt: at.toISOString() });
    const cancelled = ((await (await api('POST', '/items', coordinator, { title: 'Tin sẽ hủy', topics: ['y-te'], urgency: 'normal', publishAt: at.toISOString() })).json()) as { item: ItemJson }).item;

    const scheduled = ((await (await api('GET', '/items?status=scheduled', staff)).json()) as { items: ItemJson[] }).items.map((i) => i.id);
    expect(scheduled).toEqual(expect.arrayContaining([item.id, cancelled.id]));
    const published = ((await (await api('GET', '/items', staff)).json()) as { items: ItemJson[] }).items.map((i) => i.id);
    expect(published).not.toContain(item.id);
    expect(await (await fetch(`${system.url}/tin-tuc/y-te.xml`)).text()).not.toContain('Tiêm chủng mở rộng đợt 2');

    expect((await api('DELETE', `/items/${cancelled.id}`, staff)).status).toBe(403);
    expect((await api('DELETE', `/items/${cancelled.id}`, coordinator)).status).toBe(204);
    expect(await system.store.newsItems.get(cancelled.id)).toBeUndefined();

    // Not yet due: nothing. At its time (two runs, as two workers would): published once, pushed once.
    expect(await system.news.editor.publishDue(clock.now())).toBe(0);
    offsetMs += 2 * 3_600_000 + 60_000;
    const runs = await Promise.all([system.news.editor.publishDue(clock.now()), system.news.editor.publishDue(clock.now())]);
    expect(runs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    await eventually(() => expect(texts(citizen)).toHaveLength(before + 1));
    expect(texts(citizen).at(-1)).toContain('Tiêm chủng mở rộng đợt 2');
    expect((await system.store.newsItems.get(item.id))?.status).toBeUndefined();
    expect(await system.news.editor.publishDue(clock.now())).toBe(0);
    expect((await api('DELETE', `/items/${item.id}`, coordinator)).status).toBe(409);
    const audit = await system.store.audit.list({ targetId: cancelled.id, limit: 5 });
    expect(audit.map((a) => a.action).sort()).toEqual(['news.cancel', 'news.schedule']);
  });

  it('a Khmer-speaking citizen gets the Khmer version; the others the Vietnamese original', async () => {
    const [khmer, viet] = [bigId(), bigId()];
    const khmerConversation = await subscribe(khmer, 'y tế');
    await subscribe(viet, 'y tế');
    await system.store.conversations.update(khmerConversation, { locale: 'km' });
    const counts = { khmer: texts(khmer).length, viet: texts(viet).length };
    const response = await api('POST', '/items', coordinator, {
      title: 'Khám sức khỏe miễn phí cho người cao tuổi',
      summary: 'Tại trạm y tế xã, sáng thứ Bảy.',
      topics: ['y-te'],
      urgency: 'normal',
      versions: { km: { title: 'ការពិនិត្យសុខភាពដោយឥតគិតថ្លៃសម្រាប់មនុស្សចាស់', summary: 'នៅមណ្ឌលសុខភាពឃុំ ព្រឹកថ្ងៃសៅរ៍។' } },
    });
    expect(response.status).toBe(201);
    await eventually(() => expect([texts(khmer).length, texts(viet).length]).toEqual([counts.khmer + 1, counts.viet + 1]));
    expect(texts(khmer).at(-1)).toContain('ការពិនិត្យសុខភាពដោយឥតគិតថ្លៃសម្រាប់មនុស្សចាស់');
    expect(texts(khmer).at(-1)).not.toContain('Khám sức khỏe');
    expect(texts(khmer).at(-1)).toContain(copyFor('km').bot.news.pushFooter);
    expect(texts(viet).at(-1)).toContain('Khám sức khỏe miễn phí cho người cao tuổi');
  });

  it('the preview shows each channel with its length and limit; a malformed version is 400 naming its field', async () => {
    const draft = { title: 'Mưa lớn diện rộng', summary: 'Nguy cơ sạt lở đất tại các huyện miền núi.', link: 'https://portal.example.gov.vn/canh-bao/1', topics: ['thien-tai-thoi-tiet'], urgency: 'critical' };
    const response = await api('POST', '/preview', coordinator, draft);
    expect(response.status).toBe(200);
    const { preview } = (await response.json()) as { preview: Record<string, Record<string, unknown>> };
    expect(preview.zalo).toMatchObject({ limit: 2000 });
    expect(String(preview.zalo!.text)).toContain('Mưa lớn diện rộng');
    expect(String(preview.zalo!.text)).toContain(copy.bot.news.pushFooter);
    expect(preview.zalo!.length).toBe([...String(preview.zalo!.text)].length);
    expect(preview.webpush).toEqual({ title: 'Mưa lớn diện rộng', body: 'Nguy cơ sạt lở đất tại các huyện miền núi.' });
    expect(preview.zaloArticle).toMatchObject({ title: 'Mưa lớn diện rộng', titleLimit: 150, descriptionLimit: 300 });
    expect(preview.versions).toEqual({ km: false, en: false });
    expect((await api('POST', '/preview', staff, draft)).status).toBe(403);
    const bad = await api('POST', '/preview', coordinator, { ...draft, versions: { en: { title: '', summary: 'Only a summary' } } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'NEWS.INPUT_INVALID', field: 'versions.en.title' });
  });

  it("the report counts by channel and status, and a platform's refusal by its code", async () => {
    await subscribe(bigId(), 'y tế');
    // Every earlier subscriber of the topic is in the report too; one send is refused by Zalo (-201, permanent).
    zalo.failNext(-201, 1, { path: '/v3.0/oa/message/cs', message: 'user_id is invalid!' });
    const second = ((await (await api('POST', '/items', coordinator, { title: 'Tin thứ hai về vắc xin', topics: ['y-te'], urgency: 'normal' })).json()) as { item: ItemJson }).item;
    const subscribers = (await system.store.newsSubscriptions.listByTopic('y-te')).length;
    await eventually(async () => {
      const { report } = (await (await api('GET', `/items/${second.id}/report`, staff)).json()) as { report: { total: number; byStatus: Record<string, number>; byChannel: Record<string, Record<string, number>>; failures: unknown[] } };
      expect(report.total).toBe(subscribers);
      expect(report.byStatus).toMatchObject({ sent: subscribers - 1, failed: 1, queued: 0 });
      expect(report.byChannel.zalo).toMatchObject({ sent: subscribers - 1, failed: 1 });
      expect(report.failures).toEqual([{ channel: 'zalo', code: '-201', count: 1 }]);
    });
    const csv = await (await api('GET', `/items/${second.id}/report.csv`, coordinator)).text();
    expect(csv).toContain('Zalo');
    expect(csv).toContain('-201');
  });
});

describe('Zalo Article broadcast to followers', () => {
  it('creates one article, polls verify through -214, broadcasts once with the province target; a second request broadcasts nothing', async () => {
    const item = ((await (await api('POST', '/items', coordinator, { title: 'Cảnh báo bão số 15', summary: 'Bão đổ bộ đêm nay, người dân chằng chống nhà cửa.', link: 'https://portal.example.gov.vn/bao-15', topics: ['thien-tai-thoi-tiet'], urgency: 'critical' })).json()) as { item: ItemJson }).item;
    expect((await api('POST', `/items/${item.id}/broadcast`, staff)).status).toBe(403);
    const first = await api('POST', `/items/${item.id}/broadcast`, coordinator);
    expect(first.status).toBe(202);
    expect(((await first.json()) as { broadcast: { state: string } }).broadcast.state).toBe('creating');
    const again = await api('POST', `/items/${item.id}/broadcast`, coordinator);
    expect(again.status).toBe(200);

    await eventually(
      async () => {
        const { broadcast } = (await (await api('GET', `/items/${item.id}/broadcast`, staff)).json()) as { broadcast: { state: string; steps: { step: string; outcome: string }[]; messageId?: string } };
        expect(broadcast.state).toBe('done');
        expect(broadcast.steps.map((s) => `${s.step}:${s.outcome}`)).toEqual(['create:token', 'verify:-214', 'verify:-214', 'verify:id', 'broadcast:sent']);
        expect(broadcast.messageId).toBe(zalo.broadcasts[0]?.messageId);
      },
      60_000,
    );
    expect(zalo.articles.size).toBe(1);
    const article = [...zalo.articles.values()][0]!;
    expect(article).toMatchObject({ title: 'Cảnh báo bão số 15', description: 'Bão đổ bộ đêm nay, người dân chằng chống nhà cửa.', status: 'show', cover: { photo_url: COVER } });
    expect(zalo.broadcasts).toEqual([{ messageId: expect.any(String), target: { cities: '58' }, articleIds: [article.id] }]);
    expect(zalo.requests.some((r) => r.path === '/v3.0/oa/message/transaction' || r.path === '/v3.0/oa/message/promotion')).toBe(false);

    // Asked again later, or the job run again: the record is final, nothing more is sent.
    expect((await api('POST', `/items/${item.id}/broadcast`, coordinator)).status).toBe(200);
    expect(await system.news.broadcasts.run(item.id)).toBe('done');
    expect(zalo.broadcasts).toHaveLength(1);
    const audit = await system.store.audit.list({ targetId: item.id, limit: 5 });
    expect(audit.map((a) => a.action)).toContain('news.broadcast');
  });

  it('a rate-limited broadcast (-32: Zalo did nothing) is retried and sent once; an unknown item is 404', async () => {
    const item = ((await (await api('POST', '/items', coordinator, { title: 'Thông báo lịch cắt điện', topics: ['thu-tuc-moi'], urgency: 'normal' })).json()) as { item: ItemJson }).item;
    const sentBefore = zalo.broadcasts.length;
    zalo.articleProcessingPolls = 0;
    zalo.failNext(-32, 1, { path: '/v2.0/oa/message' });
    expect((await api('POST', `/items/${item.id}/broadcast`, coordinator)).status).toBe(202);
    await eventually(
      async () => {
        const { broadcast } = (await (await api('GET', `/items/${item.id}/broadcast`, staff)).json()) as { broadcast: { state: string; steps: { step: string; outcome: string }[] } };
        expect(broadcast.state).toBe('done');
        expect(broadcast.steps.filter((s) => s.step === 'broadcast').map((s) => s.outcome)).toEqual(['-32', 'sent']);
      },
      60_000,
    );
    expect(zalo.broadcasts).toHaveLength(sentBefore + 1);
    expect((await api('POST', '/items/khong-co/broadcast', coordinator)).status).toBe(404);
  });

  it('a broadcast whose call was interrupted is recorded unknown and never repeated', async () => {
    const item = ((await (await api('POST', '/items', coordinator, { title: 'Tin gián đoạn', topics: ['thu-tuc-moi'], urgency: 'normal' })).json()) as { item: ItemJson }).item;
    const now = clock.now();
    // A worker died after claiming the broadcast (state broadcasting) and before recording Zalo's answer.
    await system.store.newsBroadcasts.insert({
      id: item.id,
      itemId: item.id,
      state: 'broadcasting',
      requestedBy: { id: 'x', username: 'bt.dieuphoi' },
      requestedAt: now,
      articleId: 'a-1',
      target: { cities: '58' },
      steps: [],
      updatedAt: now,
    });
    const sent = zalo.broadcasts.length;
    offsetMs += 5 * 60_000;
    expect(await system.news.broadcasts.run(item.id)).toBe('unknown');
    expect(zalo.broadcasts).toHaveLength(sent);
    const { broadcast } = (await (await api('GET', `/items/${item.id}/broadcast`, staff)).json()) as { broadcast: { state: string; error: { code: string } } };
    expect(broadcast).toMatchObject({ state: 'unknown', error: { code: 'NEWS.BROADCAST_UNKNOWN' } });
  });
});
