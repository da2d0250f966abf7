import { randomUUID } from 'node:crypto';
import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { newsDeliveryId, type NewsItem, type NewsTopic, type NewsUrgency } from '../domain/news.js';
import type { AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { Store } from '../ports/store.js';
import { hasRole } from './console-auth.js';

/**
 * Portal news in the console (issue 12, items 7 and 8): every console role reads the latest items
 * (agency staff included); coordinators and admins write an item, which is recorded like a feed's new
 * entry (announce: true) and published as `news.published`, so the fan-out (listeners/news-fanout)
 * pushes it to the topics' subscribers; and a delivery report per item.
 *
 * The report reads, for each subscription to one of the item's topics, the delivery record of
 * (item, conversation) by its id: one `get` per subscriber, fine at the province's scale (thousands of
 * subscribers, a report opened by hand). Conversations that have unsubscribed since the push are not
 * counted; a per-item index on deliveries would fix both once the store grows one.
 */

export const NEWS_TITLE_MAX = 300;
export const NEWS_SUMMARY_MAX = 2000;
export const NEWS_LINK_MAX = 2000;
export const NEWS_LIST_MAX = 200;

export interface NewsEditorDeps {
  store: Pick<Store, 'newsItems' | 'newsSubscriptions' | 'newsDeliveries'>;
  topics: readonly NewsTopic[];
  clock: Clock;
  events: Pick<EventBus, 'publish'>;
  audit: AuditLog;
}

export interface NewsDraft {
  title: string;
  summary?: string;
  link?: string;
  topics: string[];
  urgency: NewsUrgency;
}

export interface NewsReport {
  itemId: string;
  sent: number;
  waiting: { window: number; cap: number };
  quiet: number;
}

export interface NewsEditor {
  list(account: Account, query: { topic?: string; limit: number }): Promise<NewsItem[]>;
  write(account: Account, draft: NewsDraft): Promise<NewsItem>;
  report(account: Account, itemId: string): Promise<NewsReport>;
  get(account: Account, itemId: string): Promise<NewsItem>;
}

const invalid = (field: string, message: string): AppError => new AppError('NEWS.INPUT_INVALID', message, { details: { field } });

function requireReader(account: Account): void {
  if (!hasRole(account, 'staff', 'operator', 'coordinator', 'admin')) throw new AppError('AUTH.FORBIDDEN', 'Your role may not read news items', { details: { role: account.role } });
}

function requireEditor(account: Account): void {
  if (!hasRole(account, 'coordinator', 'admin')) throw new AppError('AUTH.FORBIDDEN', 'Only coordinators and admins write news items', { details: { role: account.role } });
}

export function createNewsEditor(deps: NewsEditorDeps): NewsEditor {
  const { store, clock } = deps;
  const known = new Set(deps.topics.map((t) => t.id));

  async function get(account: Account, itemId: string): Promise<NewsItem> {
    requireReader(account);
    const item = await store.newsItems.get(itemId);
    if (!item) throw new AppError('NEWS.NOT_FOUND', 'No news item with this id.');
    return item;
  }

  return {
    get,

    async list(account, query) {
      requireReader(account);
      if (query.topic !== undefined && !known.has(query.topic)) throw invalid('topic', 'Unknown topic');
      const limit = Math.min(Math.max(1, Math.trunc(query.limit)), NEWS_LIST_MAX);
      return store.newsItems.latest({ ...(query.topic !== undefined && { topics: [query.topic] }), limit });
    },

    async write(account, draft) {
      requireEditor(account);
      const title = draft.title.trim();
      if (title === '' || title.length > NEWS_TITLE_MAX) throw invalid('title', `A title of 1 to ${NEWS_TITLE_MAX} characters is needed`);
      const summary = draft.summary?.trim();
      if (summary !== undefined && summary.length > NEWS_SUMMARY_MAX) throw invalid('summary', `A summary of at most ${NEWS_SUMMARY_MAX} characters`);
      const link = draft.link?.trim();
      if (link !== undefined && link !== '') {
        let url: URL | undefined;
        try {
          url = new URL(link);
        } catch {
          url = undefined;
        }
        if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || link.length > NEWS_LINK_MAX) throw invalid('link', 'The link must be an http(s) URL');
      }
      const topics = [...new Set(draft.topics)];
      if (topics.length === 0) throw invalid('topics', 'At least one topic is needed');
      const unknown = topics.filter((t) => !known.has(t));
      if (unknown.length > 0) throw new AppError('NEWS.INPUT_INVALID', 'Unknown topic', { details: { field: 'topics', unknown } });
      if (draft.urgency !== 'normal' && draft.urgency !== 'critical') throw invalid('urgency', 'Urgency is normal or critical');

      const now = clock.now();
      const item: NewsItem = {
        id: randomUUID(),
        topics,
        title,
        ...(link && { link }),
        ...(summary && { summary }),
        urgency: draft.urgency,
        publishedAt: now,
        receivedAt: now,
        source: { kind: 'editor', accountId: account.id },
        announce: true,
      };
      await store.newsItems.insert(item);
      await deps.audit.record({
        action: 'news.publish',
        actor: { id: account.id, username: account.username },
        target: { kind: 'news', id: item.id },
        at: now,
        details: { topics: topics.join(','), urgency: item.urgency },
      });
      await deps.events.publish('news.published', { itemId: item.id, at: now });
      return item;
    },

    async report(account, itemId) {
      const item = await get(account, itemId);
      const report: NewsReport = { itemId: item.id, sent: 0, waiting: { window: 0, cap: 0 }, quiet: 0 };
      const seen = new Set<string>();
      for (const topic of item.topics) {
        for (const subscription of await store.newsSubscriptions.listByTopic(topic)) {
          if (seen.has(subscription.id)) continue;
          seen.add(subscription.id);
          const delivery = await store.newsDeliveries.get(newsDeliveryId(item.id, subscription.id));
          if (!delivery) continue;
          if (delivery.status === 'sent') report.sent += 1;
          else if (delivery.status === 'quiet') report.quiet += 1;
          else if (delivery.reason === 'cap') report.waiting.cap += 1;
          else report.waiting.window += 1;
        }
      }
      return report;
    },
  };
}
