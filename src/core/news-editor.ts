import { randomUUID } from 'node:crypto';
import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import type { OutboundRecord } from '../domain/conversation.js';
import type { Locale } from '../domain/locale.js';
import type { Reply } from '../domain/message.js';
import { clipNewsText, type NewsChannel, type NewsDelivery, type NewsItem, type NewsTopic, type NewsUrgency, type NewsVersion } from '../domain/news.js';
import type { AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { Store } from '../ports/store.js';
import { hasRole } from './console-auth.js';
import { ARTICLE_DESCRIPTION_MAX, ARTICLE_TITLE_MAX } from './news-broadcast.js';
import { newsOutboundId } from './news-delivery.js';
import { webPushPayload } from './news-webpush.js';

/**
 * Portal news in the console (issue 12, items 1, 7 and 8): every console role reads the items (agency
 * staff included); coordinators and admins write an item, now or at a set time, with optional Khmer and
 * English versions, preview it per channel, cancel a scheduled one, and read each item's delivery report.
 *
 * An item written for now is recorded like a feed's new entry (announce: true) and published as
 * `news.published`, so the fan-outs (listeners/news-fanout and the web push one) push it. A scheduled
 * item is recorded `scheduled` and stays out of lists, feeds and pushes; publishDue (a schedule, every
 * minute) publishes those due in two compare-and-set steps so that several workers publish each once and
 * a crash loses nothing: `scheduled` → `publishing` (published from then on), `news.published`, then
 * `publishing` → published. A run that finds an item still `publishing` announces it again (the fan-out
 * is idempotent and its job id is the item's).
 *
 * The report reads the item's delivery records (one per recipient, an index on the item) and, for a
 * chat push, the state of its message (queued, sent, held by the platform's window, failed with the
 * platform's code).
 */

export const NEWS_TITLE_MAX = 300;
export const NEWS_SUMMARY_MAX = 2000;
export const NEWS_LINK_MAX = 2000;
export const NEWS_LIST_MAX = 200;
/** How far ahead an item can be scheduled. */
export const NEWS_SCHEDULE_MAX_DAYS = 90;
/** A publish time closer than this is "now"; one further in the past is refused. */
const SCHEDULE_MIN_AHEAD_MS = 60_000;
/** Scheduled items published per run of publishDue. */
const PUBLISH_BATCH = 100;
/** Channel text limits the preview measures against (Zalo consultation and Messenger text messages). */
const TEXT_LIMITS = { zalo: 2000, messenger: 2000 } as const;

export interface NewsEditorDeps {
  store: Pick<Store, 'newsItems' | 'newsDeliveries' | 'outbound'>;
  topics: readonly NewsTopic[];
  clock: Clock;
  events: Pick<EventBus, 'publish'>;
  audit: AuditLog;
  /** The chat message of a pushed item (src/system/news.ts), for the preview. */
  render: (item: NewsItem, locale: Locale) => Reply;
}

export interface NewsDraft {
  title: string;
  summary?: string;
  link?: string;
  topics: string[];
  urgency: NewsUrgency;
  /** Later than a minute from now: scheduled; otherwise published at once. */
  publishAt?: Date;
  versions?: NewsItem['versions'];
}

type Tally = { queued: number; sent: number; failed: number; waiting: number; quiet: number };

export interface NewsReport {
  itemId: string;
  total: number;
  byStatus: Tally;
  /** Why the waiting ones wait: the channel's window (or an operator holding the conversation), or the daily cap. */
  waiting: { window: number; cap: number };
  byChannel: Partial<Record<NewsChannel, Tally>>;
  /** Failures by channel and code (the platform's code where it gave one). */
  failures: { channel: NewsChannel; code: string; count: number }[];
}

export interface NewsPreview {
  zalo: { text: string; length: number; limit: number };
  messenger: { text: string; length: number; limit: number };
  webchat: { text: string };
  webpush: { title: string; body: string };
  zaloArticle: { title: string; description: string; titleLimit: number; descriptionLimit: number };
  versions: { km: boolean; en: boolean };
}

export interface NewsEditor {
  list(account: Account, query: { topic?: string; status?: 'published' | 'scheduled'; limit: number }): Promise<NewsItem[]>;
  write(account: Account, draft: NewsDraft): Promise<NewsItem>;
  cancel(account: Account, itemId: string): Promise<void>;
  preview(account: Account, draft: NewsDraft): NewsPreview;
  report(account: Account, itemId: string): Promise<NewsReport>;
  get(account: Account, itemId: string): Promise<NewsItem>;
  /** Publishes the scheduled items that are due (the schedule's run); how many it announced. */
  publishDue(now: Date): Promise<number>;
}

const invalid = (field: string, message: string): AppError => new AppError('NEWS.INPUT_INVALID', message, { details: { field } });

function requireReader(account: Account): void {
  if (!hasRole(account, 'staff', 'operator', 'coordinator', 'admin')) throw new AppError('AUTH.FORBIDDEN', 'Your role may not read news items', { details: { role: account.role } });
}

function requireEditor(account: Account): void {
  if (!hasRole(account, 'coordinator', 'admin')) throw new AppError('AUTH.FORBIDDEN', 'Only coordinators and admins write news items', { details: { role: account.role } });
}

const emptyTally = (): Tally => ({ queued: 0, sent: 0, failed: 0, waiting: 0, quiet: 0 });

/** A delivery as the report counts it: for a chat push, its message's state. */
function outcomeOf(delivery: NewsDelivery, message: OutboundRecord | undefined): { status: keyof Tally; reason?: 'window' | 'cap'; code?: string } {
  switch (delivery.status) {
    case 'quiet':
      return { status: 'quiet' };
    case 'waiting':
      return { status: 'waiting', reason: delivery.reason === 'cap' ? 'cap' : 'window' };
    case 'queued':
      return { status: 'queued' };
    case 'failed':
      return { status: 'failed', code: delivery.error?.status !== undefined ? String(delivery.error.status) : (delivery.error?.code ?? 'unknown') };
    case 'sent':
      // A webpush `sent` was accepted by the push service; a capped item marked sent went in a digest.
      if (delivery.channel === 'webpush' || delivery.reason === 'cap') return { status: 'sent' };
      if (!message) return { status: 'queued' };
      if (message.status === 'sent') return { status: 'sent' };
      if (message.status === 'held') return { status: 'waiting', reason: 'window' };
      if (message.status === 'failed') return { status: 'failed', code: String(message.error?.platformCode ?? message.error?.code ?? 'unknown') };
      return { status: 'queued' };
  }
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

  function checkText(field: string, value: string | undefined, max: number, required: boolean): string | undefined {
    const text = value?.trim();
    if (required && !text) throw invalid(field, `A text of 1 to ${max} characters is needed`);
    if (text !== undefined && text.length > max) throw invalid(field, `At most ${max} characters`);
    return text || undefined;
  }

  /** The draft checked and normalised: what an item is made of. */
  function check(draft: NewsDraft): Omit<NewsItem, 'id' | 'publishedAt' | 'receivedAt' | 'source' | 'announce'> {
    const title = checkText('title', draft.title, NEWS_TITLE_MAX, true)!;
    const summary = checkText('summary', draft.summary, NEWS_SUMMARY_MAX, false);
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
    const versions: NonNullable<NewsItem['versions']> = {};
    for (const locale of ['km', 'en'] as const) {
      const version = draft.versions?.[locale];
      if (!version) continue;
      const vTitle = checkText(`versions.${locale}.title`, version.title, NEWS_TITLE_MAX, false);
      const vSummary = checkText(`versions.${locale}.summary`, version.summary, NEWS_SUMMARY_MAX, false);
      if (!vTitle && vSummary) throw invalid(`versions.${locale}.title`, 'A version with a summary needs its title');
      if (vTitle) versions[locale] = { title: vTitle, ...(vSummary && { summary: vSummary }) } satisfies NewsVersion;
    }
    return {
      topics,
      title,
      ...(link && { link }),
      ...(summary && { summary }),
      urgency: draft.urgency,
      ...(Object.keys(versions).length > 0 && { versions }),
    };
  }

  async function announce(item: NewsItem): Promise<void> {
    await deps.events.publish('news.published', { itemId: item.id, at: clock.now() });
  }

  return {
    get,

    async list(account, query) {
      requireReader(account);
      if (query.topic !== undefined && !known.has(query.topic)) throw invalid('topic', 'Unknown topic');
      const limit = Math.min(Math.max(1, Math.trunc(query.limit)), NEWS_LIST_MAX);
      if (query.status === 'scheduled') {
        const items = await store.newsItems.listByStatus('scheduled', { limit: NEWS_LIST_MAX });
        return items.filter((i) => query.topic === undefined || i.topics.includes(query.topic)).slice(0, limit);
      }
      return store.newsItems.latest({ ...(query.topic !== undefined && { topics: [query.topic] }), limit });
    },

    async write(account, draft) {
      requireEditor(account);
      const content = check(draft);
      const now = clock.now();
      const at = draft.publishAt;
      if (at !== undefined && (Number.isNaN(at.getTime()) || at.getTime() < now.getTime() - SCHEDULE_MIN_AHEAD_MS || at.getTime() > now.getTime() + NEWS_SCHEDULE_MAX_DAYS * 86_400_000)) {
        throw invalid('publishAt', `A publish time from now to ${NEWS_SCHEDULE_MAX_DAYS} days ahead`);
      }
      const scheduled = at !== undefined && at.getTime() > now.getTime() + SCHEDULE_MIN_AHEAD_MS;
      const item: NewsItem = {
        id: randomUUID(),
        ...content,
        publishedAt: scheduled ? at : now,
        receivedAt: now,
        source: { kind: 'editor', accountId: account.id },
        announce: true,
        ...(scheduled && { status: 'scheduled' as const }),
      };
      await store.newsItems.insert(item);
      await deps.audit.record({
        action: scheduled ? 'news.schedule' : 'news.publish',
        actor: { id: account.id, username: account.username },
        target: { kind: 'news', id: item.id },
        at: now,
        details: { topics: item.topics.join(','), urgency: item.urgency, ...(scheduled && { publishAt: item.publishedAt.toISOString() }) },
      });
      if (!scheduled) await announce(item);
      return item;
    },

    async cancel(account, itemId) {
      requireEditor(account);
      const item = await get(account, itemId);
      if (!(await store.newsItems.removeScheduled(item.id))) throw new AppError('NEWS.ALREADY_PUBLISHED', 'This item is already published; only a scheduled item can be cancelled.');
      await deps.audit.record({ action: 'news.cancel', actor: { id: account.id, username: account.username }, target: { kind: 'news', id: item.id }, at: clock.now() });
    },

    preview(account, draft) {
      requireEditor(account);
      const now = clock.now();
      const content = check(draft);
      const item: NewsItem = { id: 'preview', ...content, publishedAt: now, receivedAt: now, source: { kind: 'editor', accountId: account.id }, announce: true };
      const text = deps.render(item, 'vi').text ?? '';
      const length = [...text].length;
      const description = item.summary ?? item.title;
      // What a browser is sent, as news-webpush.ts builds it (the preview shows no link).
      const push = webPushPayload(item, 'vi', '');
      return {
        zalo: { text, length, limit: TEXT_LIMITS.zalo },
        messenger: { text, length, limit: TEXT_LIMITS.messenger },
        webchat: { text },
        webpush: { title: push.title, body: push.body },
        zaloArticle: { title: clipNewsText(item.title, ARTICLE_TITLE_MAX), description: clipNewsText(description, ARTICLE_DESCRIPTION_MAX), titleLimit: ARTICLE_TITLE_MAX, descriptionLimit: ARTICLE_DESCRIPTION_MAX },
        versions: { km: item.versions?.km !== undefined, en: item.versions?.en !== undefined },
      };
    },

    async report(account, itemId) {
      const item = await get(account, itemId);
      const report: NewsReport = { itemId: item.id, total: 0, byStatus: emptyTally(), waiting: { window: 0, cap: 0 }, byChannel: {}, failures: [] };
      const failures = new Map<string, { channel: NewsChannel; code: string; count: number }>();
      const deliveries = await store.newsDeliveries.listByItem(item.id);
      // The chat messages of the sent deliveries, read together (what the platform did with them since).
      const sentChat = deliveries.filter((d) => d.status === 'sent' && d.channel !== 'webpush').map((d) => newsOutboundId(d.id));
      const messages = new Map((await store.outbound.getMany(sentChat)).map((m) => [m.id, m]));
      for (const delivery of deliveries) {
        const message = delivery.status === 'sent' && delivery.channel !== 'webpush' ? messages.get(newsOutboundId(delivery.id)) : undefined;
        const outcome = outcomeOf(delivery, message);
        report.total += 1;
        report.byStatus[outcome.status] += 1;
        (report.byChannel[delivery.channel] ??= emptyTally())[outcome.status] += 1;
        if (outcome.reason) report.waiting[outcome.reason] += 1;
        if (outcome.status === 'failed') {
          const key = `${delivery.channel}|${outcome.code}`;
          const entry = failures.get(key) ?? { channel: delivery.channel, code: outcome.code ?? 'unknown', count: 0 };
          entry.count += 1;
          failures.set(key, entry);
        }
      }
      report.failures = [...failures.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
      return report;
    },

    async publishDue(now) {
      for (const item of await store.newsItems.listByStatus('scheduled', { dueBy: now, limit: PUBLISH_BATCH })) {
        await store.newsItems.moveStatus(item.id, 'scheduled', 'publishing');
      }
      let announced = 0;
      for (const item of await store.newsItems.listByStatus('publishing', { limit: PUBLISH_BATCH })) {
        await announce(item);
        if (await store.newsItems.moveStatus(item.id, 'publishing', undefined)) announced += 1;
      }
      return announced;
    },
  };
}
