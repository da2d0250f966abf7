import type { Config } from '../config.js';
import { createNewsDelivery, type NewsDigest } from '../core/news-delivery.js';
import { createNewsBroadcasts, NEWS_BROADCAST_QUEUE, type NewsBroadcastJob } from '../core/news-broadcast.js';
import { createNewsEditor } from '../core/news-editor.js';
import { createNewsIngest } from '../core/news-ingest.js';
import type { DeliveryJob } from '../core/queues.js';
import { copyFor } from '../domain/copy/index.js';
import { DEFAULT_LOCALE } from '../domain/locale.js';
import type { ChannelKind, Reply } from '../domain/message.js';
import { isPublished, newsTextIn, type NewsItem, type NewsTopic } from '../domain/news.js';
import { AppError } from '../domain/errors.js';
import { createNewsSubscriptions } from '../core/news-subscriptions.js';
import { newsUnsubscribePayload } from '../domain/payloads.js';
import { createHttpFeedSource } from '../feeds/http-feed.js';
import { NEWS_QUEUE, type NewsFanOutJob } from '../listeners/news-fanout.listener.js';
import { subscribeNewsListeners } from './listeners.js';
import type { AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { FollowerBroadcaster } from '../ports/follower-broadcast.js';
import type { EventBus } from '../ports/events.js';
import type { Logger } from '../ports/logger.js';
import type { JobQueue, QueueBackend, QueueWorker } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import type { ReconcileSource } from '../core/reconcile-pending.js';
import type { Schedule } from './schedules.js';

/** How often pushes held for quiet hours are looked at (they go out once the quiet hours end). */
export const NEWS_QUIET_RELEASE_MS = 5 * 60_000;
/** How often scheduled items are looked at (an item goes out within a minute of its time). */
export const NEWS_SCHEDULED_MS = 60_000;

/**
 * Portal news (issue 12): the feeds' poll (a schedule every NEWS_POLL_SECONDS), each new item's fan-out as
 * a job (queue `news`, one per item, retried until it returns: src/core/news-delivery.ts is idempotent),
 * the morning release of pushes held for quiet hours and the digest (schedules), the editors' items
 * (published at once, or by a schedule at their time), and Zalo Article broadcasts (queue
 * `news-broadcast`, one job per item: src/core/news-broadcast.ts).
 */
export function buildNews(deps: {
  config: Config;
  store: Store;
  backend: QueueBackend;
  clock: Clock;
  logger: Logger;
  events: EventBus;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  /** The province's topics (knowledge/data/news-topics.vi.json). */
  topics: NewsTopic[];
  audit: AuditLog;
  /** The Zalo OA's follower broadcast, when the Zalo channel is on. */
  followers?: FollowerBroadcaster;
}) {
  const { config, store, clock, events } = deps;
  const unknown = config.news.feeds.filter((f) => !deps.topics.some((t) => t.id === f.topic)).map((f) => f.topic);
  if (unknown.length > 0) throw new AppError('CONFIG.INVALID', `NEWS_FEEDS names topics that are not in news-topics.vi.json: ${[...new Set(unknown)].join(', ')}`);
  const subscriptions = createNewsSubscriptions({ store, topics: deps.topics, clock });
  const logger = deps.logger.child({ component: 'news' });
  /** A pushed item: its title, summary and link, why it came and how to leave (one tap). */
  const render = (item: NewsItem, locale: Parameters<typeof copyFor>[0]): Reply => {
    const news = copyFor(locale).bot.news;
    const { title, summary } = newsTextIn(item, locale ?? DEFAULT_LOCALE);
    const text = [title, summary, item.link, news.pushFooter].filter((part): part is string => Boolean(part)).join('\n\n');
    return { text, buttons: [{ title: news.buttons.unsubscribeAll, payload: newsUnsubscribePayload() }], meta: { tag: 'news', ...(locale && { locale }) } };
  };
  /** The morning digest of the items past the daily cap: the list, then the same footer and button as a push. */
  const renderDigest = (digest: NewsDigest, locale: Parameters<typeof copyFor>[0]): Reply => {
    const news = copyFor(locale).bot.news;
    const text = [news.digest({ count: digest.count, items: digest.items.map((i) => ({ title: newsTextIn(i, locale ?? DEFAULT_LOCALE).title, ...(i.link && { link: i.link }) })) }), news.pushFooter].join('\n\n');
    return { text, buttons: [{ title: news.buttons.unsubscribeAll, payload: newsUnsubscribePayload() }], meta: { tag: 'news', ...(locale && { locale }) } };
  };
  const delivery = createNewsDelivery({ store, clock, deliveries: deps.deliveries, policy: config.news, render, renderDigest });
  const ingest = createNewsIngest({
    source: createHttpFeedSource(),
    store,
    clock,
    logger,
    feeds: config.news.feeds,
    onPublished: (item) => events.publish('news.published', { itemId: item.id, at: clock.now() }),
  });
  const editor = createNewsEditor({ store, topics: deps.topics, clock, events, audit: deps.audit, render });
  const broadcastSettings = config.news.zaloBroadcast;
  const broadcasts = createNewsBroadcasts({
    store,
    clock,
    logger,
    audit: deps.audit,
    jobs: deps.backend.queue<NewsBroadcastJob>(NEWS_BROADCAST_QUEUE),
    ...(deps.followers && broadcastSettings && { zalo: { broadcaster: deps.followers, ...broadcastSettings } }),
    copy: copyFor('vi').bot.news.article,
  });
  subscribeNewsListeners(events, { fanOuts: deps.backend.queue<NewsFanOutJob>(NEWS_QUEUE) });
  const schedules: Schedule[] = [
    { name: 'news-quiet', everyMs: NEWS_QUIET_RELEASE_MS, run: (now) => delivery.releaseQuiet(now) },
    // The morning digest of the items past the daily cap (once per conversation and day; idempotent).
    { name: 'news-digest', everyMs: 15 * 60_000, run: (now) => delivery.digest(now) },
    // Editors' scheduled items, published once each at their time (idempotent; src/core/news-editor.ts).
    { name: 'news-scheduled', everyMs: NEWS_SCHEDULED_MS, run: (now) => editor.publishDue(now) },
  ];
  if (config.news.feeds.length > 0) schedules.push({ name: 'news-poll', everyMs: config.news.pollMs, run: (now) => ingest.poll(now) });
  const fanOuts = deps.backend.queue<NewsFanOutJob>(NEWS_QUEUE);
  /** Fan-outs that did not finish (their job lost with Redis), queued again by the reconciler; fanOut is idempotent. */
  const reconcile: ReconcileSource = {
    name: 'newsFanOuts',
    async run(now) {
      const items = await delivery.unfinishedFanOuts(now);
      for (const itemId of items) await fanOuts.add('fan-out', { itemId }, { jobId: `news:${itemId}:reconcile`, attempts: 8, backoffMs: 1000, removeWhenDone: true });
      return items.length;
    },
  };
  /** Zalo Article broadcasts whose job was lost, resumed by the reconciler (src/core/news-broadcast.ts reconcile). */
  const reconcileBroadcasts: ReconcileSource = { name: 'newsBroadcasts', run: (now) => broadcasts.reconcile(now) };
  return {
    subscriptions,
    ingest,
    delivery,
    editor,
    broadcasts,
    schedules,
    /** The reconciler's source for news (src/core/reconcile-pending.ts); pending pushes are replies to it like any other. */
    reconcile,
    /** The reconciler's source for Zalo Article broadcasts whose job was lost (never one whose broadcast call may have been made). */
    reconcileBroadcasts,
    /** The fan-out and broadcast workers (the worker role). */
    workers(): QueueWorker[] {
      const fanOut = deps.backend.worker<NewsFanOutJob>(NEWS_QUEUE, async (job) => {
        const item = await store.newsItems.get(job.data.itemId);
        if (!item) return logger.warn({ itemId: job.data.itemId }, 'news fan-out for an unknown item');
        if (!isPublished(item)) throw new Error('news fan-out of an item not yet published');
        const counts = await delivery.fanOut(item, clock.now());
        logger.info({ itemId: item.id, ...counts }, 'news item pushed to its subscribers');
      });
      const broadcast = deps.backend.worker<NewsBroadcastJob>(NEWS_BROADCAST_QUEUE, async (job) => {
        const state = await broadcasts.run(job.data.itemId);
        logger.info({ itemId: job.data.itemId, state }, 'news broadcast moved');
      });
      return [fanOut, broadcast];
    },
  };
}

export type News = ReturnType<typeof buildNews>;
