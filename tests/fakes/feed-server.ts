import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local portal feed server for tests (issue 12): serves RSS 2.0 or Atom documents at paths the test
 * sets, answers conditional GETs like a real portal (ETag + If-None-Match, Last-Modified +
 * If-Modified-Since, 304 without a body; If-None-Match wins when both are sent, RFC 9110 §13.2.2), counts
 * requests, and lets the test add entries (each change is a new version: new ETag, later Last-Modified).
 */

export interface FakeFeedEntry {
  /** Omitted: the entry has no guid/id (readers fall back to the link). */
  guid?: string;
  title: string;
  link?: string;
  /** HTML allowed (RSS: in CDATA; Atom: `type="html"`). */
  summary?: string;
  publishedAt?: Date;
}

export interface FakeFeed {
  format: 'rss' | 'atom';
  title?: string;
  /** Newest first, as portals list them. */
  entries: FakeFeedEntry[];
  /** Which validators the server sends and honours (default both). */
  validators?: 'both' | 'etag' | 'last-modified' | 'none';
}

export interface FeedRequest {
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  status: number;
}

export interface FakeFeedServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** The absolute URL of a path (`/rss/tin-moi.rss`). */
  url(path: string): string;
  /** Serves this feed at `path` (a new version). */
  setFeed(path: string, feed: FakeFeed): void;
  /** Puts an entry at the top of the feed at `path` (a new version). */
  addEntry(path: string, entry: FakeFeedEntry): void;
  /** Serves a raw body at `path` (e.g. an HTML error page), with no validators. */
  setRaw(path: string, body: string, options?: { status?: number; contentType?: string }): void;
  /** Requests received for `path` (every path when omitted). */
  requestCount(path?: string): number;
  readonly requests: readonly FeedRequest[];
  close(): Promise<void>;
}

interface Served {
  feed?: FakeFeed;
  raw?: { body: string; status: number; contentType: string };
  version: number;
  /** Whole seconds, strictly increasing per change, so If-Modified-Since can tell versions apart. */
  lastModified: Date;
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cdata = (text: string): string => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

export function renderRss(feed: FakeFeed, selfUrl: string): string {
  const items = feed.entries.map((e) =>
    [
      '    <item>',
      `      <title>${esc(e.title)}</title>`,
      e.link ? `      <link>${esc(e.link)}</link>` : '',
      e.guid ? `      <guid isPermaLink="false">${esc(e.guid)}</guid>` : '',
      e.summary ? `      <description>${cdata(e.summary)}</description>` : '',
      e.publishedAt ? `      <pubDate>${e.publishedAt.toUTCString()}</pubDate>` : '',
      '    </item>',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    <title>${esc(feed.title ?? 'Cổng thông tin điện tử tỉnh')}</title>`,
    `    <atom:link href="${esc(selfUrl)}" rel="self" type="application/rss+xml"/>`,
    '    <link>https://example.gov.vn/</link>',
    '    <description>Tin tức</description>',
    '    <language>vi-VN</language>',
    ...items,
    '  </channel>',
    '</rss>',
  ].join('\n');
}

export function renderAtom(feed: FakeFeed, selfUrl: string, updated: Date): string {
  const entries = feed.entries.map((e) =>
    [
      '  <entry>',
      e.guid ? `    <id>${esc(e.guid)}</id>` : '',
      `    <title type="text">${esc(e.title)}</title>`,
      e.link ? `    <link rel="alternate" type="text/html" href="${esc(e.link)}"/>` : '',
      e.summary ? `    <summary type="html">${esc(e.summary)}</summary>` : '',
      e.publishedAt ? `    <published>${e.publishedAt.toISOString()}</published>` : '',
      e.publishedAt ? `    <updated>${e.publishedAt.toISOString()}</updated>` : '',
      '  </entry>',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">',
    `  <title>${esc(feed.title ?? 'Cổng thông tin điện tử tỉnh')}</title>`,
    `  <id>${esc(selfUrl)}</id>`,
    `  <link rel="self" href="${esc(selfUrl)}"/>`,
    `  <updated>${updated.toISOString()}</updated>`,
    ...entries,
    '</feed>',
  ].join('\n');
}

export async function startFeedServer(): Promise<FakeFeedServer> {
  const served = new Map<string, Served>();
  const requests: FeedRequest[] = [];
  let baseUrl = '';

  const touch = (path: string, change: (s: Served) => void): void => {
    const previous = served.get(path);
    const floor = previous ? previous.lastModified.getTime() + 1000 : 0;
    const now = Math.floor(Date.now() / 1000) * 1000;
    const next: Served = { ...(previous ?? { version: 0 }), version: (previous?.version ?? 0) + 1, lastModified: new Date(Math.max(now, floor)) };
    change(next);
    served.set(path, next);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const ifNoneMatch = req.headers['if-none-match'];
    const ifModifiedSince = req.headers['if-modified-since'];
    const answer = (status: number, headers: Record<string, string> = {}, body?: string): void => {
      requests.push({ path, ...(ifNoneMatch ? { ifNoneMatch } : {}), ...(ifModifiedSince ? { ifModifiedSince } : {}), status });
      res.writeHead(status, headers);
      res.end(body);
    };
    const entry = served.get(path);
    if (!entry) return answer(404, { 'content-type': 'text/html; charset=utf-8' }, '<html><body>Không tìm thấy trang</body></html>');
    if (entry.raw) return answer(entry.raw.status, { 'content-type': entry.raw.contentType }, entry.raw.body);
    const feed = entry.feed!;
    const mode = feed.validators ?? 'both';
    const etag = `"v${entry.version}"`;
    const lastModified = entry.lastModified.toUTCString();
    const headers: Record<string, string> = {};
    if (mode === 'both' || mode === 'etag') headers.etag = etag;
    if (mode === 'both' || mode === 'last-modified') headers['last-modified'] = lastModified;
    if (headers.etag && ifNoneMatch !== undefined) {
      if (ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) return answer(304, headers);
    } else if (headers['last-modified'] && ifModifiedSince !== undefined) {
      const since = Date.parse(ifModifiedSince);
      if (!Number.isNaN(since) && entry.lastModified.getTime() <= since) return answer(304, headers);
    }
    const self = `${baseUrl}${path}`;
    const body = feed.format === 'rss' ? renderRss(feed, self) : renderAtom(feed, self, entry.lastModified);
    answer(200, { ...headers, 'content-type': feed.format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8' }, body);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    setFeed: (path, feed) => touch(path, (s) => {
      s.feed = { ...feed, entries: [...feed.entries] };
      delete s.raw;
    }),
    addEntry: (path, entry) => touch(path, (s) => {
      if (!s.feed) throw new Error(`no feed at ${path}`);
      s.feed = { ...s.feed, entries: [entry, ...s.feed.entries] };
    }),
    setRaw: (path, body, options = {}) => touch(path, (s) => {
      s.raw = { body, status: options.status ?? 200, contentType: options.contentType ?? 'text/html; charset=utf-8' };
    }),
    requestCount: (path) => (path === undefined ? requests.length : requests.filter((r) => r.path === path).length),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
