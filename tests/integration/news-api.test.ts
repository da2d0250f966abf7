import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newsDeliveryId, type NewsDelivery } from '../../src/domain/news.js';
import { NEWS_REPORT_CSV_HEADER } from '../../src/http/news.router.js';
import type { RunningSystem } from '../../src/system/index.js';
import { consoleLogin, openWebchatConversation, type ConsoleSignIn } from './console-client.js';
import { eventually } from './helpers.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * Portal news in the console and the public Atom feed (issue 12, items 7 and 8) over HTTP, on the real
 * system (its app mounts /api/v1/news and /tin-tuc) with its embedded store and console sign-in.
 */

const PASSWORD = 'mật khẩu thử nghiệm tin tức';

let dataDir: string;
let system: RunningSystem;
let base: string;
let coordinator: ConsoleSignIn;
let staff: ConsoleSignIn;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'news-api-'));
  system = await startTestSystem(dataDir, { PUBLIC_BASE_URL: 'https://1022.example.gov.vn' }, { passwordParams: CHEAP_SCRYPT });
  base = system.url!;
  await system.auth.createAccount({ username: 'tin.dieuphoi', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: 'tin.canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'so-tu-phap', password: PASSWORD });
  coordinator = await consoleLogin(base, 'tin.dieuphoi', PASSWORD);
  staff = await consoleLogin(base, 'tin.canbo', PASSWORD);
}, 120_000);

afterAll(async () => {
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function call(method: string, path: string, who?: ConsoleSignIn, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who) Object.assign(headers, { cookie: who.cookie, 'x-csrf-token': who.csrfToken });
  return fetch(`${base}/api/v1/news${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

interface ItemJson {
  id: string;
  title: string;
  link?: string;
  summary?: string;
  topics: string[];
  urgency: string;
  publishedAt: string;
  source: string;
}

describe('news API', () => {
  let written: ItemJson;

  it('a coordinator writes an item: 201, listed newest first, audited', async () => {
    const response = await call('POST', '/items', coordinator, {
      title: 'Thi tuyển công chức <2026> & xét tuyển viên chức',
      summary: 'Nộp hồ sơ trước ngày 31/12.',
      link: 'https://portal.example.gov.vn/tuyen-dung/2026',
      topics: ['tuyen-dung'],
      urgency: 'normal',
    });
    expect(response.status).toBe(201);
    written = ((await response.json()) as { item: ItemJson }).item;
    expect(written).toMatchObject({ title: 'Thi tuyển công chức <2026> & xét tuyển viên chức', topics: ['tuyen-dung'], urgency: 'normal', source: 'editor' });
    expect(written.id).toMatch(/^[0-9a-f-]{36}$/);

    const stored = await system.store.newsItems.get(written.id);
    expect(stored).toMatchObject({ announce: true, source: { kind: 'editor' } });
    expect(stored?.status).toBeUndefined();

    const list = await call('GET', '/items?topic=tuyen-dung&limit=10', staff);
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: ItemJson[] };
    expect(items[0]).toEqual(written);

    const audit = await system.store.audit.list({ targetId: written.id, limit: 5 });
    expect(audit.map((a) => a.action)).toEqual(['news.publish']);
  });

  it('staff may read but not write (403); no session is 401; no CSRF token is 403', async () => {
    const body = { title: 'x', topics: ['y-te'], urgency: 'normal' };
    expect(((await (await call('POST', '/items', staff, body)).json()) as { code: string }).code).toBe('AUTH.FORBIDDEN');
    expect((await call('GET', '/items')).status).toBe(401);
    const noCsrf = await fetch(`${base}/api/v1/news/items`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: coordinator.cookie }, body: JSON.stringify(body) });
    expect(noCsrf.status).toBe(403);
  });

  it('an unknown topic is 400 NEWS.INPUT_INVALID; a malformed body is 400 HTTP.BAD_REQUEST', async () => {
    const unknown = await call('POST', '/items', coordinator, { title: 'Tin', topics: ['khong-co'], urgency: 'normal' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { code: string }).code).toBe('NEWS.INPUT_INVALID');
    const badLink = await call('POST', '/items', coordinator, { title: 'Tin', topics: ['y-te'], link: 'javascript:alert(1)' });
    expect(((await badLink.json()) as { code: string }).code).toBe('NEWS.INPUT_INVALID');
    const listUnknown = await call('GET', '/items?topic=khong-co', staff);
    expect(listUnknown.status).toBe(400);
    const malformed = await call('POST', '/items', coordinator, { title: 'Tin', topics: 'y-te' });
    expect(((await malformed.json()) as { code: string }).code).toBe('HTTP.BAD_REQUEST');
  });

  it("the report counts the item's deliveries by channel and status (a chat push by its message's state); CSV with BOM; unknown item 404", async () => {
    const at = new Date();
    // An item recorded without being announced, so only the records below exist for it.
    const itemId = 'bao-cao-thu';
    await system.store.newsItems.insert({ id: itemId, topics: ['tuyen-dung'], title: 'Tin cho báo cáo', urgency: 'normal', publishedAt: at, receivedAt: at, source: { kind: 'editor', accountId: 'x' }, announce: true });
    const outcomes: Pick<NewsDelivery, 'status' | 'reason'>[] = [
      { status: 'sent' },
      { status: 'sent' },
      { status: 'waiting', reason: 'window' },
      { status: 'waiting', reason: 'cap' },
      { status: 'quiet', reason: 'quiet' },
    ];
    for (const [i, outcome] of outcomes.entries()) {
      const conversationId = `webchat:portal:tin-${i}`;
      await system.store.newsDeliveries.insert({ id: newsDeliveryId(itemId, conversationId), itemId, conversationId, channel: 'webchat', at, ...outcome });
    }
    // The first push's message was sent; the second's is still queued (no message recorded yet).
    await system.store.outbound.insert({ id: `news:${newsDeliveryId(itemId, 'webchat:portal:tin-0')}`, conversationId: 'webchat:portal:tin-0', reply: { text: 'Tin' }, purpose: 'news', status: 'sent', attempts: 1, createdAt: at });

    const response = await call('GET', `/items/${itemId}/report`, staff);
    expect(response.status).toBe(200);
    const tally = { queued: 1, sent: 1, failed: 0, waiting: 2, quiet: 1 };
    expect(await response.json()).toEqual({ report: { itemId, total: 5, byStatus: tally, waiting: { window: 1, cap: 1 }, byChannel: { webchat: tally }, failures: [] } });

    const csv = await call('GET', `/items/${itemId}/report.csv`, coordinator);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const header = NEWS_REPORT_CSV_HEADER.map((h) => (h.includes(',') ? `"${h}"` : h)).join(',');
    expect(text).toBe(`\uFEFF${header}\r\n${itemId},Cổng thông tin (widget),5,1,1,0,2,1\r\n${itemId},Tất cả,5,1,1,0,2,1\r\n`);

    const missing = await call('GET', '/items/khong-co-tin-nay/report', coordinator);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('NEWS.NOT_FOUND');
  });
});

describe('Atom feed per topic', () => {
  it('serves the topic\'s items as Atom with & < > escaped; 404 for an unknown topic', async () => {
    const response = await fetch(`${base}/tin-tuc/tuyen-dung.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    expect(xml).toContain('<title type="text">Thi tuyển công chức &lt;2026&gt; &amp; xét tuyển viên chức</title>');
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="https://1022.example.gov.vn/tin-tuc/tuyen-dung.xml"/>');
    expect(xml).not.toContain('<2026>');
    expect(xml.match(/<entry>/g)?.length).toBeGreaterThanOrEqual(1);

    const other = await (await fetch(`${base}/tin-tuc/y-te.xml`)).text();
    expect(other).not.toContain('<entry>');
    expect((await fetch(`${base}/tin-tuc/khong-co.xml`)).status).toBe(404);
  });
});

describe('wired into the system', () => {
  it('an item written over the API is fanned out to a subscriber (news.published → fan-out) and counted in the report', async () => {
    const conversationId = await openWebchatConversation(system.store, 'tin-wired');
    const at = new Date();
    await system.store.newsSubscriptions.put({ id: conversationId, channel: 'webchat', topics: ['giao-duc'], consentAt: at, updatedAt: at });
    const response = await call('POST', '/items', coordinator, { title: 'Tuyển sinh lớp 10', topics: ['giao-duc'], urgency: 'critical' });
    expect(response.status).toBe(201);
    const { item } = (await response.json()) as { item: ItemJson };
    await eventually(async () => {
      const report = await call('GET', `/items/${item.id}/report`, staff);
      expect(((await report.json()) as { report: { total: number; byStatus: { queued: number; sent: number } } }).report).toMatchObject({ total: 1 });
    });
    const feed = await fetch(`${base}/tin-tuc/giao-duc.xml`);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(await feed.text()).toContain('<title type="text">Tuyển sinh lớp 10</title>');
  });
});
