import { Router } from 'express';
import type { NewsItem, NewsTopic } from '../domain/news.js';
import { AppError } from '../domain/errors.js';
import type { Store } from '../ports/store.js';

/**
 * The public Atom 1.0 feed of one news topic (issue 12, item 7): `GET /tin-tuc/<topic>.xml`, the
 * topic's latest 50 items, newest first; 404 HTTP.NOT_FOUND for a topic that is not in
 * news-topics.vi.json. Written by hand: every text and attribute is escaped (& < > " ') and characters
 * XML 1.0 does not allow are dropped, so a portal title like "Thi tuyển <2026> & xét tuyển" stays text.
 */

export const NEWS_FEED_ITEMS = 50;

export interface NewsFeedRouterDeps {
  store: Pick<Store, 'newsItems'>;
  topics: readonly NewsTopic[];
  /** The public base URL (`https://1022.example.gov.vn`) for the feed's self link; relative without it. */
  baseUrl?: string;
}

/** Text or attribute content for XML: the five special characters escaped, disallowed control characters removed. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const entryId = (item: NewsItem): string => `urn:tro-ly-1022:news:${encodeURIComponent(item.id)}`;

/** The Atom document of a topic's items (newest first). */
export function renderAtomFeed(topic: NewsTopic, items: readonly NewsItem[], options: { selfUrl: string; updated: Date }): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">',
    `  <id>urn:tro-ly-1022:news-topic:${escapeXml(topic.id)}</id>`,
    `  <title>${escapeXml(`Tin tức – ${topic.name}`)}</title>`,
    `  <updated>${(items[0]?.publishedAt ?? options.updated).toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(options.selfUrl)}"/>`,
    '  <author><name>Trợ lý 1022</name></author>',
  ];
  for (const item of items) {
    lines.push(
      '  <entry>',
      `    <id>${escapeXml(entryId(item))}</id>`,
      `    <title type="text">${escapeXml(item.title)}</title>`,
      `    <updated>${item.publishedAt.toISOString()}</updated>`,
      `    <published>${item.publishedAt.toISOString()}</published>`,
    );
    if (item.link) lines.push(`    <link rel="alternate" href="${escapeXml(item.link)}"/>`);
    if (item.summary) lines.push(`    <summary type="text">${escapeXml(item.summary)}</summary>`);
    for (const t of item.topics) lines.push(`    <category term="${escapeXml(t)}"/>`);
    if (item.urgency === 'critical') lines.push('    <category term="khan-cap" label="Khẩn cấp"/>');
    lines.push('  </entry>');
  }
  lines.push('</feed>');
  return lines.join('\n') + '\n';
}

export function createNewsFeedRouter(deps: NewsFeedRouterDeps): Router {
  const router = Router();
  const topics = new Map(deps.topics.map((t) => [t.id, t]));
  const base = deps.baseUrl?.replace(/\/+$/, '') ?? '';

  router.get('/tin-tuc/:topic.xml', async (req, res) => {
    const topic = topics.get(req.params['topic'] ?? '');
    if (!topic) throw new AppError('HTTP.NOT_FOUND', 'No such news topic');
    const items = await deps.store.newsItems.latest({ topics: [topic.id], limit: NEWS_FEED_ITEMS });
    res
      .set('Content-Type', 'application/atom+xml; charset=utf-8')
      .set('Cache-Control', 'public, max-age=300')
      .send(renderAtomFeed(topic, items, { selfUrl: `${base}/tin-tuc/${encodeURIComponent(topic.id)}.xml`, updated: new Date() }));
  });

  return router;
}
