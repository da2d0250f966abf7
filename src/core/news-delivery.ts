import type { Conversation, OutboundRecord } from '../domain/conversation.js';
import { handoffOf } from '../domain/handoff.js';
import { DEFAULT_LOCALE, type Locale } from '../domain/locale.js';
import { CHANNEL_KINDS, type ChannelKind, type Reply } from '../domain/message.js';
import { isPublished, isQuiet, newsDeliveryId, vietnamDayStart, type NewsDelivery, type NewsItem, type NewsSubscription, type QuietHours } from '../domain/news.js';
import { MESSENGER_STANDARD_WINDOW_MS, ZALO_CONSULTATION_WINDOW_MS, ZALO_FREE_WINDOW_MS } from '../domain/reply-window.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { VIETNAM_UTC_OFFSET_MS } from '../domain/working-days.js';
import { queueDelivery, type DeliveryJob } from './queues.js';
import { createFanOutCheck } from './news-fan-out-check.js';

/**
 * Portal news pushed to subscribers (issue 12, news-handoff-languages.md A.4 items 3–6): one decision per
 * (item, subscribed conversation), taken at send time from the stored conversation, and recorded as a
 * NewsDelivery (`sent`, `waiting` with reason `window` | `cap`, or `quiet`).
 *
 * Who: only conversations with a subscription to one of the item's topics (consent is the subscription;
 * the fan-out reads nothing else), each once however many of its topics match. Items recorded at a feed's
 * first poll (`announce: false`) are never pushed.
 *
 * The decision, in this order:
 * 1. A person holds the conversation (handoff not `bot`: queued, assigned or snoozed) → `waiting`
 *    (reason `window`): no news interrupts an operator's conversation; the item stays in "tin mới".
 * 2. The channel's window (newsWindowOpen): Zalo less than 48 h since the citizen's last interaction
 *    (less than 7 days when the paid window is on: 48 h–7 d consultation messages are billed); Messenger
 *    less than 24 h (UPDATE, never a tag); webchat always (the widget shows it in its history when the
 *    citizen returns). "Less than" as in domain/reply-window.ts and the Messenger policy, so what this
 *    module decides to send the adapter does not then refuse. Closed → `waiting` (reason `window`): it
 *    stays in the citizen's "tin mới" and is never sent later by itself.
 * 3. Quiet hours: a `normal` item → `quiet`, sent by releaseQuiet once they end (window and cap checked
 *    again then); a `critical` item goes now (step 2 already kept it to channels whose window allows it).
 * 4. The daily cap: `dailyCap` news already sent to this conversation since the Vietnam day's start →
 *    `waiting` (reason `cap`), folded into the next morning's digest (below). The digest's own record
 *    of today is not a push and is not counted.
 * 5. Otherwise send.
 *
 * Exactly once, also across replays, crashes and several workers. A send is three writes, in this order:
 *   a. claim: insert the NewsDelivery `${itemId}|${conversationId}` as `sent` (insert-if-absent; the
 *      store's unique id makes one caller win);
 *   b. insert the OutboundRecord `news:<deliveryId>` (purpose `news`, pending; insert-if-absent);
 *   c. queue a delivery run for the conversation (job id `deliver:<conversationId>:news:<deliveryId>`).
 * The outbound record's deterministic id is what keeps the message single: the delivery worker sends only
 * `pending` records, one run per conversation at a time, so a second insert or a second job sends
 * nothing. The claim keeps the decision single (and counts toward the cap). A crash after (a) leaves a
 * claim without a message: re-running fanOut for the item (which the caller must do until it returns)
 * reads the item's claims once (a replay of thousands costs one lookup each) and, for a `sent` claim
 * whose message is missing or still pending, makes sure of (b) and (c), both idempotent; a `waiting` or `quiet` claim is left alone (waiting stays in "tin
 * mới"; quiet is releaseQuiet's). A crash after (b) is completed the same way; after (c) the replay
 * queues a run that finds nothing pending. A concurrent fan-out that loses the claim does the same as a
 * replay, so whichever of the two gets there first writes (b) and queues (c): one outbound record.
 *
 * releaseQuiet (the schedule runs it every few minutes; it does nothing while quiet hours last), for
 * `quiet` records once quiet hours are over: the claim exists already, so the order is
 * (b), (c), then the claim updated to `sent`; a crash in between leaves it `quiet` and the next run, or a
 * concurrent one, finds the outbound record present and completes the claim without sending again.
 *
 * digest (the schedule runs it every 15 minutes; nothing while quiet hours last, so the first run after
 * they end is the morning's): the items recorded `waiting` with reason `cap` before today (Vietnam day)
 * are folded, per conversation, into ONE message (renderDigest: the count, at most DIGEST_MAX_ITEMS
 * titles and links, newest first, "và N tin khác"; the push footer and the unsubscribe button).
 * - Its record: a NewsDelivery `digest:<yyyy-mm-dd>|<conversationId>` (itemId `digest:<yyyy-mm-dd>`, the
 *   Vietnam day of the run; no news item has such an id), always `sent`: one digest per conversation and
 *   day. Its message is the outbound record `news:<that id>`. It is not counted toward the day's cap
 *   (decide subtracts it).
 * - The folded items are then updated to `sent`, keeping their reason `cap` and their `at` (the day
 *   they were capped): a `sent` record with reason `cap` went in the digest of a later day, and it
 *   counts toward no day's cap but its own (already over). So a folded item is never folded twice.
 * - Same order as a push: (a) claim, (b) outbound record, (c) delivery run, (d) the folded items `sent`.
 *   A crash anywhere, or a second run or worker, finds the claim `sent` and the items still `waiting`
 *   (cap): it completes (b)–(d), all idempotent; once (d) is done the items are no longer found. One
 *   message: the outbound id is the claim's.
 * - Not sent (decided once, like a push, and never retried): a person holds the conversation or the
 *   channel's window is closed at that time → the items become `waiting` with reason `window` (they stay
 *   in "tin mới"); the subscription no longer covers an item (unsubscribed overnight), the item or the
 *   conversation is gone → that item too. No claim is written then.
 * - Finding them: the repository's capped records from before today (an index on status, reason and
 *   time), DIGEST_SCAN at most per run, oldest first.
 *
 * Known limit: the cap is read then written, so fan-outs of different items running at the same moment
 * for one conversation may each pass it (at most one extra push per concurrent fan-out).
 */

export interface NewsPolicy {
  /** NEWS_QUIET_HOURS, Vietnam time; null = off. */
  quietHours: QuietHours;
  /** NEWS_DAILY_CAP: pushes per conversation per Vietnam day. */
  dailyCap: number;
  /** NEWS_ZALO_PAID_WINDOW: also push to Zalo citizens last seen 48 h–7 d ago (billed consultation messages). */
  zaloPaidWindow: boolean;
}

export interface NewsDeliveryDeps {
  store: Store;
  clock: Clock;
  /** The delivery queue of each channel (the same queues as the conversation pipeline's replies). */
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  policy: NewsPolicy;
  /** The message of an item in the conversation's language. */
  render: (item: NewsItem, locale: Locale) => Reply;
  /** The digest message: `count` items folded, `items` the first DIGEST_MAX_ITEMS of them (newest first). */
  renderDigest: (digest: NewsDigest, locale: Locale) => Reply;
}

/** What a digest lists: how many items were folded into it, and the ones it names. */
export interface NewsDigest {
  count: number;
  items: NewsItem[];
}

/** What one fanOut did: records it created per status, and conversations someone had already decided (`skipped`). */
export interface FanOutCounts {
  sent: number;
  waiting: number;
  quiet: number;
  skipped: number;
}

/** What one releaseQuiet did with the held pushes it found. */
export interface ReleaseCounts {
  sent: number;
  waiting: number;
}

/** What one digest run did: digests queued (or completed after a crash), items folded into them, items left waiting (window). */
export interface DigestCounts {
  sent: number;
  folded: number;
  waiting: number;
}

type Decision = { status: 'sent' } | { status: 'waiting'; reason: 'window' | 'cap' } | { status: 'quiet' };

const HOLD = { status: 'waiting', reason: 'window' } as const;

/** The order channels are fanned out in: the most rate-limited first. */
const CHANNEL_ORDER: Record<ChannelKind, number> = { zalo: 0, messenger: 1, webchat: 2 };
/** Subscribers handled at once within one fan-out (each one's writes stay in order). */
const FAN_OUT_CONCURRENCY = 16;
/** Held pushes read per page by releaseQuiet. */
const RELEASE_PAGE = 200;
/** `waiting` records read by one digest run (see the known limit above). */
const DIGEST_SCAN = 50_000;
/** How far back the reconciler looks for items whose fan-out did not finish (src/core/reconcile-pending.ts). */
export const FAN_OUT_RECONCILE_WITHIN_MS = 24 * 60 * 60_000;
/** An item out for less than this is left to its own fan-out job (it may still be running). */
export const FAN_OUT_RECONCILE_AFTER_MS = 60_000;
/** Titles a digest names; the rest are "N tin khác". */
export const DIGEST_MAX_ITEMS = 10;

/** The Vietnam date of `at`, yyyy-mm-dd. */
export const vietnamDate = (at: Date): string => new Date(vietnamDayStart(at).getTime() + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 10);

/** The delivery record (the claim) of a conversation's digest on the Vietnam day of `at`. */
export const newsDigestId = (conversationId: string, at: Date): string => newsDeliveryId(`digest:${vietnamDate(at)}`, conversationId);

/** The outbound record of one news delivery (deterministic: the send-once guard). */
export const newsOutboundId = (deliveryId: string): string => `news:${deliveryId}`;

/**
 * Whether a news item may be pushed now on `channel` to a citizen last heard from at `lastInboundAt`:
 * Zalo < 48 h (< 7 d with the paid window), Messenger < 24 h, webchat always. An invalid time is closed.
 */
export function newsWindowOpen(channel: ChannelKind, lastInboundAt: Date, now: Date, zaloPaidWindow: boolean): boolean {
  if (channel === 'webchat') return true;
  const elapsed = now.getTime() - lastInboundAt.getTime();
  if (Number.isNaN(elapsed)) return false;
  if (channel === 'zalo') return elapsed < (zaloPaidWindow ? ZALO_CONSULTATION_WINDOW_MS : ZALO_FREE_WINDOW_MS);
  return elapsed < MESSENGER_STANDARD_WINDOW_MS;
}

export function createNewsDelivery(deps: NewsDeliveryDeps) {
  const { store, policy } = deps;
  async function decide(conversation: Conversation, item: NewsItem, now: Date): Promise<Decision> {
    if (handoffOf(conversation).status !== 'bot') return HOLD;
    if (!newsWindowOpen(conversation.channel, conversation.lastInboundAt, now, policy.zaloPaidWindow)) return HOLD;
    if (item.urgency === 'normal' && isQuiet(now, policy.quietHours)) return { status: 'quiet' };
    if (await capReached(conversation.id, now)) return { status: 'waiting', reason: 'cap' };
    return { status: 'sent' };
  }

  /** Pushes sent today (Vietnam day) reach the cap; today's digest is a `sent` record too, not counted. */
  async function capReached(conversationId: string, now: Date): Promise<boolean> {
    const sent = await store.newsDeliveries.countSent(conversationId, vietnamDayStart(now));
    if (sent < policy.dailyCap) return false;
    const digest = await store.newsDeliveries.get(newsDigestId(conversationId, now));
    return sent - (digest?.status === 'sent' ? 1 : 0) >= policy.dailyCap;
  }

  /** (b) then (c): the pending outbound record (insert-if-absent) and the conversation's delivery run. */
  async function send(conversation: Conversation, item: NewsItem, deliveryId: string): Promise<void> {
    await queueNews(conversation, deliveryId, (locale) => deps.render(item, locale));
  }

  async function queueNews(conversation: Conversation, deliveryId: string, render: (locale: Locale) => Reply): Promise<void> {
    const outboundId = newsOutboundId(deliveryId);
    const locale = conversation.locale ?? DEFAULT_LOCALE;
    const reply = render(locale);
    const record: OutboundRecord = {
      id: outboundId,
      conversationId: conversation.id,
      reply: { ...reply, meta: reply.meta ?? { tag: 'news', locale } },
      purpose: 'news',
      status: 'pending',
      attempts: 0,
      createdAt: deps.clock.now(),
    };
    await store.outbound.insert(record);
    await queueDelivery(deps.deliveries(conversation.channel), conversation.id, outboundId, { background: true });
  }

  async function fanOutOne(item: NewsItem, subscription: NewsSubscription, now: Date, counts: FanOutCounts, decided: NewsDelivery | undefined): Promise<void> {
    const deliveryId = newsDeliveryId(item.id, subscription.id);
    if (decided) {
      // Decided by an earlier run (a replay after a crash): only a `sent` claim whose message was never recorded needs anything.
      counts.skipped++;
      if (decided.status !== 'sent') return;
      const message = await store.outbound.get(newsOutboundId(deliveryId));
      if (message && message.status !== 'pending') return;
      const conversation = await store.conversations.get(subscription.id);
      if (conversation) await send(conversation, item, deliveryId);
      return;
    }
    const conversation = await store.conversations.get(subscription.id);
    const decision: Decision = conversation ? await decide(conversation, item, now) : HOLD;
    const channel = conversation?.channel ?? subscription.channel;
    const claim: NewsDelivery = { id: deliveryId, itemId: item.id, conversationId: subscription.id, channel, status: decision.status, at: now };
    if (decision.status !== 'sent') claim.reason = decision.status === 'quiet' ? 'quiet' : decision.reason;

    const { created } = await store.newsDeliveries.insert(claim);
    if (created) {
      counts[decision.status]++;
      if (decision.status === 'sent') await send(conversation!, item, deliveryId);
      return;
    }
    counts.skipped++;
    if (!conversation) return;
    // Claimed before (a replay, or another worker): a `sent` claim gets its message and run (idempotent); any other is left alone.
    if ((await store.newsDeliveries.get(deliveryId))?.status === 'sent') await send(conversation, item, deliveryId);
  }

  /** Whether a subscription still covers one of the item's topics (consent may be withdrawn overnight). */
  const covers = (subscription: NewsSubscription | undefined, item: NewsItem): boolean => subscription !== undefined && item.topics.some((t) => subscription.topics.includes(t));

  async function releaseOne(held: NewsDelivery, now: Date, counts: ReleaseCounts): Promise<void> {
    const [item, conversation, subscription] = await Promise.all([
      store.newsItems.get(held.itemId),
      store.conversations.get(held.conversationId),
      store.newsSubscriptions.get(held.conversationId),
    ]);
    if (!item || !conversation || !covers(subscription, item)) {
      // Unsubscribed since (or gone): never pushed. Recorded as not reachable (reason `window`): the
      // repository cannot clear the `quiet` reason, and no other reason fits a withdrawn consent.
      await store.newsDeliveries.update(held.id, { status: 'waiting', reason: 'window', at: now });
      counts.waiting++;
      return;
    }
    const outboundId = newsOutboundId(held.id);
    const alreadySent = (await store.outbound.get(outboundId)) !== undefined;
    // Not quiet now (checked by the caller), so the decision is the window's and the cap's.
    const decision: Decision = alreadySent ? { status: 'sent' } : await decide(conversation, item, now);
    if (decision.status === 'sent') {
      await send(conversation, item, held.id);
      await store.newsDeliveries.update(held.id, { status: 'sent', at: now });
      counts.sent++;
    } else if (decision.status === 'waiting') {
      await store.newsDeliveries.update(held.id, { status: 'waiting', reason: decision.reason, at: now });
      counts.waiting++;
    }
  }

  /** One conversation's digest of today from its capped items (`held`, oldest first). */
  async function digestOne(conversationId: string, held: NewsDelivery[], now: Date, counts: DigestCounts): Promise<void> {
    const claimId = newsDigestId(conversationId, now);
    const [conversation, subscription, claim, items] = await Promise.all([
      store.conversations.get(conversationId),
      store.newsSubscriptions.get(conversationId),
      store.newsDeliveries.get(claimId),
      Promise.all(held.map((d) => store.newsItems.get(d.itemId))),
    ]);
    const folded: Array<{ delivery: NewsDelivery; item: NewsItem }> = [];
    const dropped: NewsDelivery[] = [];
    held.forEach((delivery, i) => {
      const item = items[i];
      if (conversation && item && covers(subscription, item)) folded.push({ delivery, item });
      else dropped.push(delivery);
    });
    // Claimed before (a crash, another worker): decided already, so completed whatever the window now.
    const open = claim?.status === 'sent' || (conversation !== undefined && handoffOf(conversation).status === 'bot' && newsWindowOpen(conversation.channel, conversation.lastInboundAt, now, policy.zaloPaidWindow));
    if (!open) dropped.push(...folded.splice(0).map((f) => f.delivery));
    for (const delivery of dropped) await store.newsDeliveries.update(delivery.id, { status: 'waiting', reason: 'window', at: now });
    counts.waiting += dropped.length;
    if (folded.length === 0 || !conversation) return;

    if (!claim) await store.newsDeliveries.insert({ id: claimId, itemId: `digest:${vietnamDate(now)}`, conversationId, channel: conversation.channel, status: 'sent', at: now });
    const newest = folded.map((f) => f.item).sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());
    await queueNews(conversation, claimId, (locale) => deps.renderDigest({ count: newest.length, items: newest.slice(0, DIGEST_MAX_ITEMS) }, locale));
    // `at` kept: the day it was capped (counted toward no later day's cap).
    for (const { delivery } of folded) await store.newsDeliveries.update(delivery.id, { status: 'sent' });
    counts.sent++;
    counts.folded += folded.length;
  }

  return {
    /**
     * Items whose fan-out did not finish, for the reconciler (news-fan-out-check.ts): announced, published
     * items out between FAN_OUT_RECONCILE_AFTER_MS and FAN_OUT_RECONCILE_WITHIN_MS ago with a subscriber who
     * had one of their topics before they came out and has no record of them yet.
     */
    unfinishedFanOuts: createFanOutCheck({
      store,
      withinMs: FAN_OUT_RECONCILE_WITHIN_MS,
      owes: (item, outAt, now) => isPublished(item) && outAt >= now - FAN_OUT_RECONCILE_WITHIN_MS && outAt <= now - FAN_OUT_RECONCILE_AFTER_MS,
      recipients: async (topic) => (await store.newsSubscriptions.listByTopic(topic)).map((s) => ({ key: s.id, subscribedAt: s.updatedAt })),
    }),

    /**
     * Decides and records the item for every subscribed conversation, and queues the sends. Idempotent:
     * run it again for the same item (after a crash, from another worker) and nothing is sent twice.
     */
    async fanOut(item: NewsItem, now: Date): Promise<FanOutCounts> {
      const counts: FanOutCounts = { sent: 0, waiting: 0, quiet: 0, skipped: 0 };
      if (!item.announce) return counts;
      const subscribers = new Map<string, NewsSubscription>();
      for (const topic of new Set(item.topics)) {
        for (const subscription of await store.newsSubscriptions.listByTopic(topic)) subscribers.set(subscription.id, subscription);
      }
      // What earlier runs decided, read once: a replay then costs one lookup per subscriber, not four writes.
      const decided = new Map((await store.newsDeliveries.listByItem(item.id)).map((d) => [d.conversationId, d]));
      // The slowest channel first (Zalo's rate limit), so the whole fan-out ends soonest.
      const all = [...subscribers.values()].sort((a, b) => CHANNEL_ORDER[a.channel] - CHANNEL_ORDER[b.channel]);
      for (let i = 0; i < all.length; i += FAN_OUT_CONCURRENCY) {
        await Promise.all(all.slice(i, i + FAN_OUT_CONCURRENCY).map((subscription) => fanOutOne(item, subscription, now, counts, decided.get(subscription.id))));
      }
      return counts;
    },

    /**
     * Sends the pushes held for quiet hours once they are over (nothing while `now` is quiet): each one's
     * window and the cap are checked again; what may not go now is marked `waiting`.
     */
    async releaseQuiet(now: Date): Promise<ReleaseCounts> {
      const counts: ReleaseCounts = { sent: 0, waiting: 0 };
      if (isQuiet(now, policy.quietHours)) return counts;
      for (;;) {
        const page = (await store.newsDeliveries.listByStatus('quiet', RELEASE_PAGE, CHANNEL_KINDS)).filter((held) => held.at.getTime() <= now.getTime());
        if (page.length === 0) break;
        const before = counts.sent + counts.waiting;
        for (const held of page) await releaseOne(held, now, counts);
        if (counts.sent + counts.waiting === before) break;
      }
      return counts;
    },

    /**
     * Folds each conversation's items capped before today into one digest message (see the module
     * comment); nothing while quiet hours last. Idempotent: a second run the same day sends nothing.
     */
    async digest(now: Date): Promise<DigestCounts> {
      const counts: DigestCounts = { sent: 0, folded: 0, waiting: 0 };
      if (isQuiet(now, policy.quietHours)) return counts;
      const dayStart = vietnamDayStart(now).getTime();
      const byConversation = new Map<string, NewsDelivery[]>();
      for (const held of await store.newsDeliveries.listCapped(new Date(dayStart), DIGEST_SCAN, CHANNEL_KINDS)) {
        const list = byConversation.get(held.conversationId);
        if (list) list.push(held);
        else byConversation.set(held.conversationId, [held]);
      }
      const all = [...byConversation];
      for (let i = 0; i < all.length; i += FAN_OUT_CONCURRENCY) {
        await Promise.all(all.slice(i, i + FAN_OUT_CONCURRENCY).map(([conversationId, held]) => digestOne(conversationId, held, now, counts)));
      }
      return counts;
    },
  };
}

export type NewsDeliveryService = ReturnType<typeof createNewsDelivery>;
