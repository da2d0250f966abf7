import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNewsIngest, feedItemId, type NewsFeedConfig } from '../../src/core/news-ingest.js';
import type { NewsItem } from '../../src/domain/news.js';
import { createHttpFeedSource } from '../../src/feeds/http-feed.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Store } from '../../src/ports/store.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startFeedServer, type FakeFeedEntry, type FakeFeedServer } from '../fakes/feed-server.js';

/**
 * The news ingest end to end below the scheduler (issue 12, A.4 item 12): the real HTTP feed source
 * against a local feed server, and the embedded SQLite store. First poll seeds, a new entry is announced
 * exactly once, an unchanged feed costs a 304, a broken feed does not stop the others.
 */

const NOW = new Date('2026-12-07T03:00:00Z');
const RSS_PATH = '/rss/tuyen-dung.rss';
const ATOM_PATH = '/atom/canh-bao.xml';

const recruitment = (n: number, extra: Partial<FakeFeedEntry> = {}): FakeFeedEntry => ({
  guid: `td-${n}`,
  title: `Thông báo tuyển dụng viên chức đợt ${n} năm 2026`,
  link: `https://travinh.example.gov.vn/tin-tuc/tuyen-dung-${n}.html`,
  summary: `<p>Sở Nội vụ thông báo <strong>tuyển dụng</strong> đợt ${n}.</p>`,
  publishedAt: new Date(Date.UTC(2026, 11, n, 1, 0, 0)),
  ...extra,
});

/** A logger that keeps what it is told (the warn lines are asserted). */
function recordingLogger(): Logger & { lines: { level: string; obj: unknown; msg?: string }[] } {
  const lines: { level: string; obj: unknown; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      lines.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
    };
  const logger = { lines, fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace'), child: () => logger };
  return logger as Logger & { lines: typeof lines };
}

/** A URL on which nothing listens (a port taken and released). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/rss/khong-ton-tai.rss`;
}

describe('news ingest: portal feeds → news items', () => {
  let feeds: FakeFeedServer;
  let store: Store;
  let dataDir: string;

  beforeEach(async () => {
    feeds = await startFeedServer();
    dataDir = await mkdtemp(join(tmpdir(), 'troly-news-'));
    store = createSqliteStore({ dataDir });
    await store.init();
  });

  afterEach(async () => {
    await feeds.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function ingest(config: NewsFeedConfig[], options: { maxBytes?: number } = {}) {
    const published: NewsItem[] = [];
    const logger = recordingLogger();
    const service = createNewsIngest({
      source: createHttpFeedSource({ timeoutMs: 5000, ...options }),
      store,
      clock: { now: () => NOW },
      logger,
      feeds: config,
      onPublished: async (item) => {
        published.push(item);
      },
    });
    return { service, published, logger };
  }

  const twoFeeds = (): NewsFeedConfig[] => [
    { topic: 'tuyen-dung', url: feeds.url(RSS_PATH) },
    { topic: 'thien-tai-thoi-tiet', url: feeds.url(ATOM_PATH) },
  ];

  beforeEach(() => {
    feeds.setFeed(RSS_PATH, { format: 'rss', entries: [recruitment(3), recruitment(2), recruitment(1)] });
    feeds.setFeed(ATOM_PATH, {
      format: 'atom',
      entries: [
        { guid: 'tag:kttv,2026:bt-2', title: 'Bản tin dự báo thời tiết ngày 07/12/2026', link: 'https://kttv.example.gov.vn/bt-2', publishedAt: new Date('2026-12-06T10:00:00Z') },
        { guid: 'tag:kttv,2026:bt-1', title: 'Cảnh báo triều cường vùng ven biển', link: 'https://kttv.example.gov.vn/bt-1', publishedAt: new Date('2026-12-05T10:00:00Z') },
      ],
    });
  });

  it('When the feeds are polled for the first time, then their entries are recorded without being announced', async () => {
    // Arrange
    const { service, published } = ingest(twoFeeds());

    // Act
    const report = await service.poll(NOW);

    // Assert
    expect(report).toEqual({ feeds: 2, fresh: 0, seeded: 5, notModified: 0, failed: 0, failures: [] });
    expect(published).toEqual([]);
    const items = await store.newsItems.latest({ limit: 10 });
    expect(items).toHaveLength(5);
    expect(items.every((i) => i.announce === false)).toBe(true);
    const first = await store.newsItems.get(feedItemId(feeds.url(RSS_PATH), 'td-3'));
    expect(first).toMatchObject({
      topics: ['tuyen-dung'],
      title: 'Thông báo tuyển dụng viên chức đợt 3 năm 2026',
      summary: 'Sở Nội vụ thông báo tuyển dụng đợt 3.',
      urgency: 'normal',
      publishedAt: new Date('2026-12-03T01:00:00Z'),
      receivedAt: NOW,
      source: { kind: 'feed', url: feeds.url(RSS_PATH), guid: 'td-3' },
    });
    // The warning in the disaster topic is critical, the forecast is not.
    expect((await store.newsItems.get(feedItemId(feeds.url(ATOM_PATH), 'tag:kttv,2026:bt-1')))?.urgency).toBe('critical');
    expect((await store.newsItems.get(feedItemId(feeds.url(ATOM_PATH), 'tag:kttv,2026:bt-2')))?.urgency).toBe('normal');
    expect(await store.newsFeeds.get(feeds.url(RSS_PATH))).toMatchObject({ etag: '"v1"', lastModified: expect.stringMatching(/GMT$/), polledAt: NOW });
  });

  it('When a later poll finds one new entry, then exactly one item is announced; then an unchanged feed answers 304 and nothing is created', async () => {
    // Arrange
    const { service, published } = ingest(twoFeeds());
    await service.poll(NOW);
    feeds.addEntry(RSS_PATH, recruitment(4, { summary: undefined }));

    // Act
    const second = await service.poll(NOW);

    // Assert
    expect(second).toEqual({ feeds: 2, fresh: 1, seeded: 0, notModified: 1, failed: 0, failures: [] });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ id: feedItemId(feeds.url(RSS_PATH), 'td-4'), announce: true, topics: ['tuyen-dung'], urgency: 'normal' });
    expect(await store.newsItems.get(published[0]!.id)).toMatchObject({ announce: true });

    // Act: the third poll
    const before = (await store.newsItems.latest({ limit: 50 })).length;
    const third = await service.poll(NOW);

    // Assert
    expect(third).toEqual({ feeds: 2, fresh: 0, seeded: 0, notModified: 2, failed: 0, failures: [] });
    expect(published).toHaveLength(1);
    expect((await store.newsItems.latest({ limit: 50 })).length).toBe(before);
    const rssRequests = feeds.requests.filter((r) => r.path === RSS_PATH);
    expect(rssRequests.map((r) => r.status)).toEqual([200, 200, 304]);
    expect(rssRequests[0]).not.toHaveProperty('ifNoneMatch');
    expect(rssRequests[2]).toMatchObject({ ifNoneMatch: '"v2"', ifModifiedSince: expect.stringMatching(/GMT$/) });
  });

  it('When a feed sends only Last-Modified, then If-Modified-Since gets the 304', async () => {
    feeds.setFeed('/rss/y-te.rss', { format: 'rss', validators: 'last-modified', entries: [{ guid: 'yt-1', title: 'Tiêm chủng mở rộng đợt 2' }] });
    const { service } = ingest([{ topic: 'y-te', url: feeds.url('/rss/y-te.rss') }]);
    await service.poll(NOW);
    expect(await service.poll(NOW)).toMatchObject({ notModified: 1, seeded: 0, fresh: 0 });
    expect(feeds.requests.at(-1)).toMatchObject({ path: '/rss/y-te.rss', status: 304, ifModifiedSince: expect.any(String) });
    expect(feeds.requests.at(-1)).not.toHaveProperty('ifNoneMatch');
  });

  it('When one feed is unreachable, then it is reported and logged once while the others are still polled', async () => {
    // Arrange
    const dead = await deadUrl();
    const { service, logger } = ingest([{ topic: 'thu-tuc-moi', url: dead }, ...twoFeeds()]);

    // Act
    const report = await service.poll(NOW);

    // Assert
    expect(report).toMatchObject({ feeds: 3, seeded: 5, failed: 1, failures: [{ topics: ['thu-tuc-moi'], url: dead, code: 'network' }] });
    expect(feeds.requestCount(RSS_PATH)).toBe(1);
    expect(feeds.requestCount(ATOM_PATH)).toBe(1);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).toEqual([{ level: 'warn', obj: { topics: ['thu-tuc-moi'], url: dead, code: 'network' }, msg: 'news feed poll failed' }]);
    // Never answered, so never seeded: its first success will only record.
    expect(await store.newsFeeds.get(dead)).toBeUndefined();
  });

  it('When feeds answer 404, an HTML page or a body over the cap, then each failure has its code', async () => {
    feeds.setRaw('/rss/html.rss', '<!DOCTYPE html><html><body><h1>Bảo trì hệ thống</h1></body></html>');
    feeds.setFeed('/rss/lon.rss', { format: 'rss', entries: Array.from({ length: 50 }, (_, i) => recruitment(i + 1)) });
    const { service } = ingest(
      [
        { topic: 'giao-duc', url: feeds.url('/rss/khong-co.rss') },
        { topic: 'giao-duc', url: feeds.url('/rss/html.rss') },
        { topic: 'giao-duc', url: feeds.url('/rss/lon.rss') },
      ],
      { maxBytes: 4096 },
    );
    const report = await service.poll(NOW);
    expect(report.failed).toBe(3);
    const byPath = Object.fromEntries(report.failures.map((f) => [new URL(f.url).pathname, { code: f.code, status: f.status }]));
    expect(byPath).toEqual({
      '/rss/khong-co.rss': { code: 'http', status: 404 },
      '/rss/html.rss': { code: 'not-a-feed', status: undefined },
      '/rss/lon.rss': { code: 'too-large', status: 200 },
    });
  });

  it('When two workers poll the same new entry at once, or the process restarts, then it is announced once in all', async () => {
    // Arrange: seeded by one worker.
    const a = ingest(twoFeeds());
    const b = ingest(twoFeeds());
    await a.service.poll(NOW);
    feeds.addEntry(ATOM_PATH, { guid: 'tag:kttv,2026:bt-3', title: 'Tin bão khẩn cấp: bão số 9 đổ bộ', publishedAt: new Date('2026-12-07T02:30:00Z') });

    // Act
    const [ra, rb] = await Promise.all([a.service.poll(NOW), b.service.poll(NOW)]);
    const c = ingest(twoFeeds());
    const rc = await c.service.poll(NOW);

    // Assert
    expect(ra.fresh + rb.fresh + rc.fresh).toBe(1);
    const announced = [...a.published, ...b.published, ...c.published];
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ topics: ['thien-tai-thoi-tiet'], urgency: 'critical', announce: true });
  });

  it('When one URL is listed under two topics, then it is polled once and its items carry both', async () => {
    const { service } = ingest([
      { topic: 'thu-tuc-moi', url: feeds.url(RSS_PATH) },
      { topic: 'tuyen-dung', url: feeds.url(RSS_PATH) },
    ]);
    expect(await service.poll(NOW)).toMatchObject({ feeds: 1, seeded: 3 });
    expect(feeds.requestCount(RSS_PATH)).toBe(1);
    expect((await store.newsItems.get(feedItemId(feeds.url(RSS_PATH), 'td-1')))?.topics).toEqual(['thu-tuc-moi', 'tuyen-dung']);
  });
});
