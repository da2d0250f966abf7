import { createHash } from 'node:crypto';
import { foldVietnamese, type NewsItem, type NewsUrgency } from '../domain/news.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { FeedError, type FeedEntry, type FeedErrorCode, type NewsSource } from '../ports/news-source.js';
import type { Store } from '../ports/store.js';

/**
 * Portal feeds → news items (issue 12, A.4 item 12). Each poll GETs every configured feed conditionally
 * (the validators of its last answer are kept in `newsFeeds`), records each entry once as a NewsItem
 * (insert-if-absent on a stable id, so replays, restarts and several workers polling at once create it
 * once), and hands every item it created to `onPublished`, which starts the fan-out.
 *
 * - A feed's FIRST successful poll only records what is already there (`announce: false`, kept for
 *   "tin mới", never pushed): a newly configured feed must not flood subscribers with its archive.
 *   Later polls record new entries with `announce: true`.
 * - A failing feed is logged once per poll (warn: topic, URL, error code and status; the feed is a
 *   public portal address, nothing personal) and the others are still polled. Its state is not touched,
 *   so a feed that has never answered is still seeded on its first success.
 * - The same URL listed under several topics is polled once and its items carry all those topics.
 */

/** The topic whose items may be critical (the accent-free slug of "Thiên tai – Thời tiết"). */
export const CRITICAL_TOPIC = 'thien-tai-thoi-tiet';

export interface NewsFeedConfig {
  /** A topic id (slug), e.g. `tuyen-dung`. */
  topic: string;
  /** The feed's http(s) URL. */
  url: string;
}

export interface NewsIngestDeps {
  source: NewsSource;
  store: Pick<Store, 'newsItems' | 'newsFeeds'>;
  clock: Clock;
  logger: Logger;
  feeds: readonly NewsFeedConfig[];
  /**
   * Called once for each item this poll created with `announce: true`, oldest first. It should only
   * queue durable work (the fan-out): the item is already recorded, so a failure here is logged, not retried.
   */
  onPublished: (item: NewsItem) => Promise<void>;
}

/** What one poll did, for the scheduler's log line. */
export interface NewsPollReport {
  /** Feeds polled (distinct URLs). */
  feeds: number;
  /** Items created and announced (handed to onPublished). */
  fresh: number;
  /** Items created at a feed's first poll (recorded, not announced). */
  seeded: number;
  /** Feeds that answered 304 Not Modified. */
  notModified: number;
  /** Feeds that failed this poll. */
  failed: number;
  /** Which ones and why (codes of FeedError; `internal` for anything else, e.g. the store). */
  failures: { topics: string[]; url: string; code: FeedErrorCode | 'internal'; status?: number }[];
}

export interface NewsIngest {
  /** Polls every feed once; never throws for a feed's failure. */
  poll(now?: Date): Promise<NewsPollReport>;
}

/** A feed entry's stable item id: the first 24 hex digits of sha256(feed URL + "\n" + guid). */
export function feedItemId(url: string, guid: string): string {
  return createHash('sha256').update(`${url}\n${guid}`, 'utf8').digest('hex').slice(0, 24);
}

// Multi-syllable warnings, matched on the accent-free text: no other Vietnamese word folds to these.
const CRITICAL_PHRASES = ['canh bao', 'khan cap', 'sat lo'];
// "bão" and "lũ" are single syllables whose accent-free forms are everyday words ("dự báo", "thông báo",
// "báo cáo" all fold to "bao"), so they count only as written with their tone, except in a title written
// without any accents at all, where the tone is unknowable and the folded word counts.
const CRITICAL_SYLLABLES = ['bão', 'lũ'];
const CRITICAL_SYLLABLES_FOLDED = ['bao', 'lu'];

/**
 * Whether a disaster/weather title announces a warning: it contains "cảnh báo", "khẩn cấp" or "sạt lở"
 * (accents and case ignored), or the word "bão" or "lũ" (case ignored; with the tone, unless the whole
 * title is written without accents). So "Cảnh báo lũ quét", "BÃO SỐ 3", "Sat lo dat o Tra Cu" are
 * critical, and "Bản tin dự báo thời tiết" is not.
 */
export function isCriticalTitle(title: string): boolean {
  const folded = ` ${foldVietnamese(title)} `;
  if (CRITICAL_PHRASES.some((phrase) => folded.includes(` ${phrase} `))) return true;
  const words = title.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}]+/u);
  if (words.some((word) => CRITICAL_SYLLABLES.includes(word))) return true;
  const accentFree = foldVietnamese(title) === words.filter(Boolean).join(' ');
  return accentFree && folded.split(' ').some((word) => CRITICAL_SYLLABLES_FOLDED.includes(word));
}

/** `critical` only for a warning in the disaster/weather topic; everything else is `normal`. */
export function feedItemUrgency(topics: readonly string[], title: string): NewsUrgency {
  return topics.includes(CRITICAL_TOPIC) && isCriticalTitle(title) ? 'critical' : 'normal';
}

export function createNewsIngest(deps: NewsIngestDeps): NewsIngest {
  const { source, store, clock, logger, onPublished } = deps;
  // One poll per URL, with every topic it was listed under, in configuration order.
  const byUrl = new Map<string, string[]>();
  for (const { topic, url } of deps.feeds) {
    const topics = byUrl.get(url) ?? [];
    if (!topics.includes(topic)) topics.push(topic);
    byUrl.set(url, topics);
  }

  function toItem(url: string, topics: string[], entry: FeedEntry, now: Date, announce: boolean): NewsItem {
    // A date in the future (a portal's wrong time zone) would pin the item to the top of "tin mới".
    const publishedAt = entry.publishedAt && entry.publishedAt.getTime() <= now.getTime() ? entry.publishedAt : now;
    return {
      id: feedItemId(url, entry.guid),
      topics: [...topics],
      title: entry.title,
      ...(entry.link ? { link: entry.link } : {}),
      ...(entry.summary ? { summary: entry.summary } : {}),
      urgency: feedItemUrgency(topics, entry.title),
      publishedAt,
      receivedAt: now,
      source: { kind: 'feed', url, guid: entry.guid },
      announce,
    };
  }

  async function pollFeed(url: string, topics: string[], now: Date, report: NewsPollReport): Promise<void> {
    const state = await store.newsFeeds.get(url);
    const validators = { ...(state?.etag ? { etag: state.etag } : {}), ...(state?.lastModified ? { lastModified: state.lastModified } : {}) };
    const answer = await source.fetchFeed(url, validators);
    if (answer.status === 'not-modified') {
      report.notModified++;
      await store.newsFeeds.put({ url, ...validators, polledAt: now });
      return;
    }
    const announce = state !== undefined;
    const created: NewsItem[] = [];
    for (const entry of answer.entries) {
      const item = toItem(url, topics, entry, now, announce);
      if ((await store.newsItems.insert(item)).created) created.push(item);
    }
    if (!announce) report.seeded += created.length;
    else {
      created.sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
      for (const item of created) {
        report.fresh++;
        try {
          await onPublished(item);
        } catch (error) {
          logger.error({ itemId: item.id, url, err: { name: (error as Error)?.name, message: (error as Error)?.message } }, 'news item recorded but its fan-out failed to start');
        }
      }
    }
    await store.newsFeeds.put({
      url,
      ...(answer.etag ? { etag: answer.etag } : {}),
      ...(answer.lastModified ? { lastModified: answer.lastModified } : {}),
      polledAt: now,
    });
  }

  return {
    async poll(now = clock.now()): Promise<NewsPollReport> {
      const report: NewsPollReport = { feeds: byUrl.size, fresh: 0, seeded: 0, notModified: 0, failed: 0, failures: [] };
      await Promise.all(
        [...byUrl].map(async ([url, topics]) => {
          try {
            await pollFeed(url, topics, now, report);
          } catch (error) {
            const code = error instanceof FeedError ? error.code : 'internal';
            const status = error instanceof FeedError ? error.status : undefined;
            report.failed++;
            report.failures.push({ topics: [...topics], url, code, ...(status !== undefined ? { status } : {}) });
            logger.warn({ topics, url, code, ...(status !== undefined ? { status } : {}), ...(code === 'internal' ? { errName: (error as Error)?.name } : {}) }, 'news feed poll failed');
          }
        }),
      );
      return report;
    },
  };
}
