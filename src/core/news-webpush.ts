import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { DEFAULT_LOCALE, type Locale } from '../domain/locale.js';
import { clipNewsText, isQuiet, newsDeliveryId, newsTextIn, vietnamDayStart, type NewsDelivery, type NewsItem, type NewsTopic, type QuietHours, type WebPushSubscription } from '../domain/news.js';
import { pushEndpointAllowed, type PushHostRule } from '../domain/web-push.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { SecretRepo, Store } from '../ports/store.js';
import { WebPushSendError, type VapidKeys, type WebPushSender, type WebPushSendOptions } from '../ports/web-push.js';
import { createFanOutCheck } from './news-fan-out-check.js';

/**
 * Portal news pushed to browsers (issue 12 item 3, news-handoff-languages.md A.1.6 and A.4 items 5, 7, 8,
 * 13): the demo portal's top page subscribes a browser (its push endpoint and keys, the topics ticked, a
 * locale); each published item goes to the browsers subscribed to one of its topics, under the same
 * rules as the chat channels (src/core/news-delivery.ts) where they apply to a browser.
 *
 * Consent is the click: the page asks for the browser's permission only after the citizen pressed
 * "Nhận thông báo tin mới", and `subscribe` records `consentAt`. Nothing is pushed without a stored
 * subscription; `unsubscribe` (or a push service saying the subscription is gone) deletes it.
 *
 * The decision per (item, browser), in this order (no channel window: a browser may always be pushed):
 * 1. Quiet hours (NEWS_QUIET_HOURS): a `normal` item → recorded `quiet` (reason `quiet`), sent by
 *    releaseQuiet once they end (cap checked again then); a `critical` item goes at once, urgency `high`.
 * 2. The daily cap (NEWS_DAILY_CAP): that many `sent` records of this browser since the Vietnam day's
 *    start → `waiting` (reason `cap`); a browser has no "tin mới", so it is not pushed later.
 * 3. Otherwise sent: TTL 24 h (6 h for a critical item: a warning is stale sooner), urgency `normal`
 *    (`high` for critical), Topic = webPushTopic(item id).
 *
 * Exactly once per (item, browser), across replays, crashes and workers: the NewsDelivery
 * `${itemId}|webpush:<subscription id>` is claimed as `queued` by insert-if-absent (one caller wins),
 * the message sent, then the claim updated to `sent`. A replay (the job retried, another worker) finds
 * the claim taken: a `queued` one (not known to be accepted: a crash or a retryable failure between
 * claim and `sent`) is sent again, with the same Topic header so a push service still holding the
 * first copy undelivered replaces it; any other status is left alone. A crash after the push service
 * accepted but before `sent` is written can therefore show one notification twice on a browser that
 * was online in between: the Topic cannot replace a delivered message (the protocol's limit).
 *
 * Failures (adapters/webpush classifies them):
 * - gone (404, 410, 403 after a VAPID key change) → the subscription is removed and the claim `failed`
 *   with error {code: WEBPUSH.GONE, status};
 * - permanent (400, 413 …) → `failed` with {code: WEBPUSH.REJECTED, status};
 * - retryable (429, 5xx, network, timeout) → the claim stays `queued` and fanOut reports it
 *   (`retry`, with the longest Retry-After); the caller's job runs the fan-out again later, which
 *   re-sends only those. A claim still `queued` after its TTL is `failed` {code: WEBPUSH.EXPIRED}.
 *
 * releaseQuiet (a schedule; nothing while quiet hours last) sends the `quiet` web push records of items
 * still covered by the browser's subscription (else `waiting`, reason `window`, as the chat does for a
 * withdrawn consent), and re-sends `queued` claims left older than STALE_QUEUED_MS by a crashed run.
 *
 * Jobs lost with Redis (issue 14 item 1): unfinishedFanOuts finds the items, published within their push
 * TTL, with a browser subscribed before the item came out and not yet claimed for it; the reconciler
 * (src/system/webpush.ts) queues their fan-out again under the item's own job id, so it never runs beside
 * a fan-out job of the same item still held by the queue (two runs at once could each re-send the
 * other's fresh `queued` claim).
 *
 * Items with `announce: false` (a feed's first poll) or `status: 'scheduled'` are never pushed.
 * Known limit: as in the chat, the cap is read then written, so concurrent fan-outs of different items
 * may each pass it once.
 */

export interface WebPushPolicy {
  quietHours: QuietHours;
  dailyCap: number;
}

export interface NewsWebPushDeps {
  store: Pick<Store, 'webPush' | 'newsDeliveries' | 'newsItems'>;
  clock: Clock;
  sender: WebPushSender;
  policy: WebPushPolicy;
  /** The province's topics (knowledge/data/news-topics.vi.json): what a browser may subscribe to. */
  topics: readonly NewsTopic[];
  /** WEB_PUSH_ALLOWED_HOSTS: the push services an endpoint may name. */
  allowedHosts: readonly PushHostRule[];
  /** Where a notification opens when the item has no link: the portal. */
  portalUrl: string;
  logger?: Logger;
}

/** What one fanOut did: claims created per status, replays re-sent, and sends to try again. */
export interface WebPushFanOutCounts {
  sent: number;
  quiet: number;
  waiting: number;
  failed: number;
  /** Browsers decided by an earlier run and left alone. */
  skipped: number;
  /** Claims still `queued` after a retryable failure; the caller runs the fan-out again. */
  retry: number;
  /** The longest Retry-After the push services asked for (ms), when any did. */
  retryAfterMs?: number;
}

export interface WebPushReleaseCounts {
  sent: number;
  waiting: number;
  failed: number;
  retry: number;
}

/** The payload the service worker (src/http/demo-page/sw.js) shows: title, body and the link to open. */
export interface WebPushPayload {
  title: string;
  body: string;
  url: string;
  /** The notification tag: one notification per item on the device. */
  tag: string;
}

export const WEBPUSH_TTL_NORMAL_SEC = 24 * 3600;
export const WEBPUSH_TTL_CRITICAL_SEC = 6 * 3600;
/** A `queued` claim older than this is a crashed run's: releaseQuiet re-sends it. */
export const STALE_QUEUED_MS = 15 * 60_000;
const TITLE_MAX = 200;
const BODY_MAX = 1000;
const CONCURRENCY = 16;
const RELEASE_PAGE = 500;
/** The release reads browsers' records only (the chat's are news-delivery.ts's). */
const WEBPUSH_ONLY = ['webpush'] as const;
const TOPICS_MAX = 20;
/** An item out for less than this is left to the fan-out job queued when it was published. */
export const WEBPUSH_RECONCILE_AFTER_MS = 60_000;

/** A subscription's id: a hash of its endpoint (one per browser; subscribing again replaces it). */
export const webPushSubscriptionId = (endpoint: string): string => createHash('sha256').update(endpoint).digest('base64url');

/** The recipient id in delivery records. */
export const webPushRecipient = (subscriptionId: string): string => `webpush:${subscriptionId}`;

/** The Web Push Topic of an item: 32 URL-safe base64 characters derived from its id (stable across replays). */
export const webPushTopic = (itemId: string): string => createHash('sha256').update(itemId).digest('base64url').slice(0, 32);

/** TTL and urgency of an item's push. */
export function webPushOptions(item: Pick<NewsItem, 'id' | 'urgency'>): WebPushSendOptions {
  const critical = item.urgency === 'critical';
  return { ttlSec: critical ? WEBPUSH_TTL_CRITICAL_SEC : WEBPUSH_TTL_NORMAL_SEC, urgency: critical ? 'high' : 'normal', topic: webPushTopic(item.id) };
}

/** The notification of an item in the browser's language (newsTextIn), opening the item's link or the portal. */
export function webPushPayload(item: NewsItem, locale: Locale, portalUrl: string): WebPushPayload {
  const text = newsTextIn(item, locale);
  return { title: clipNewsText(text.title, TITLE_MAX), body: clipNewsText(text.summary ?? '', BODY_MAX), url: item.link ?? portalUrl, tag: webPushTopic(item.id) };
}

export const VAPID_SECRET_KEY = 'webpush-vapid';

/**
 * The VAPID keys: the configured pair, else the pair kept in the store's secrets, generated by the
 * first process that needs it (compare-and-set: two processes starting together end with the same pair).
 */
export async function resolveVapidKeys(deps: { configured: VapidKeys | undefined; secrets: SecretRepo; generate: () => VapidKeys }): Promise<{ keys: VapidKeys; source: 'config' | 'store' | 'generated' }> {
  if (deps.configured) return { keys: deps.configured, source: 'config' };
  for (let attempt = 0; attempt < 3; attempt++) {
    const stored = await deps.secrets.get(VAPID_SECRET_KEY);
    const value = stored?.value;
    if (value && typeof value['publicKey'] === 'string' && typeof value['privateKey'] === 'string') {
      return { keys: { publicKey: value['publicKey'], privateKey: value['privateKey'] }, source: 'store' };
    }
    const fresh = deps.generate();
    if (await deps.secrets.compareAndSet(VAPID_SECRET_KEY, stored?.version ?? 0, { ...fresh })) return { keys: fresh, source: 'generated' };
  }
  throw new Error('could not store the generated VAPID keys');
}

export function createNewsWebPush(deps: NewsWebPushDeps) {
  const { store, policy, sender } = deps;
  const topicIds = new Set(deps.topics.map((t) => t.id));
  async function capReached(recipient: string, now: Date): Promise<boolean> {
    return (await store.newsDeliveries.countSent(recipient, vietnamDayStart(now))) >= policy.dailyCap;
  }

  type Outcome = 'sent' | 'failed' | 'retry';

  /** Sends a claimed delivery and records the outcome; `queued` stays on a retryable failure. */
  async function sendClaimed(deliveryId: string, item: NewsItem, subscription: WebPushSubscription, claimedAt: Date, now: Date, retry: { afterMs?: number }): Promise<Outcome> {
    const options = webPushOptions(item);
    if (now.getTime() - claimedAt.getTime() > options.ttlSec * 1000) {
      await store.newsDeliveries.update(deliveryId, { status: 'failed', error: { code: 'WEBPUSH.EXPIRED' }, at: now });
      return 'failed';
    }
    const payload = webPushPayload(item, subscription.locale ?? DEFAULT_LOCALE, deps.portalUrl);
    try {
      await sender.send({ endpoint: subscription.endpoint, keys: subscription.keys }, JSON.stringify(payload), options);
    } catch (err) {
      if (!(err instanceof WebPushSendError)) throw err;
      if (err.kind === 'retryable') {
        if (err.retryAfterMs !== undefined) retry.afterMs = Math.max(retry.afterMs ?? 0, err.retryAfterMs);
        deps.logger?.warn({ itemId: item.id, subscription: subscription.id, status: err.status }, 'web push not accepted yet; will retry');
        return 'retry';
      }
      const error = err.kind === 'gone' ? { code: 'WEBPUSH.GONE' } : { code: 'WEBPUSH.REJECTED' };
      if (err.kind === 'gone') await store.webPush.remove(subscription.id);
      await store.newsDeliveries.update(deliveryId, { status: 'failed', error: { ...error, ...(err.status !== undefined && { status: err.status }) }, at: now });
      deps.logger?.info({ itemId: item.id, subscription: subscription.id, status: err.status, kind: err.kind }, err.kind === 'gone' ? 'web push subscription gone; removed' : 'web push refused for good');
      return 'failed';
    }
    await store.newsDeliveries.update(deliveryId, { status: 'sent', at: deps.clock.now() });
    return 'sent';
  }

  async function fanOutOne(item: NewsItem, subscription: WebPushSubscription, now: Date, counts: WebPushFanOutCounts, retry: { afterMs?: number }): Promise<void> {
    const recipient = webPushRecipient(subscription.id);
    const deliveryId = newsDeliveryId(item.id, recipient);
    let status: NewsDelivery['status'] = 'queued';
    let reason: NewsDelivery['reason'];
    if (item.urgency === 'normal' && isQuiet(now, policy.quietHours)) [status, reason] = ['quiet', 'quiet'];
    else if (await capReached(recipient, now)) [status, reason] = ['waiting', 'cap'];
    const claim: NewsDelivery = { id: deliveryId, itemId: item.id, conversationId: recipient, channel: 'webpush', status, ...(reason && { reason }), at: now };
    const { created } = await store.newsDeliveries.insert(claim);
    let claimedAt = now;
    if (!created) {
      // Decided before (a replay, another worker): only a claim not known to be accepted is sent again.
      const existing = await store.newsDeliveries.get(deliveryId);
      if (existing?.status !== 'queued') {
        counts.skipped++;
        return;
      }
      claimedAt = existing.at;
    } else if (status !== 'queued') {
      counts[status === 'quiet' ? 'quiet' : 'waiting']++;
      return;
    }
    const outcome = await sendClaimed(deliveryId, item, subscription, claimedAt, now, retry);
    counts[outcome]++;
  }

  async function inBatches<T>(all: T[], run: (one: T) => Promise<void>): Promise<void> {
    for (let i = 0; i < all.length; i += CONCURRENCY) await Promise.all(all.slice(i, i + CONCURRENCY).map(run));
  }

  return {
    /** The VAPID public key browsers subscribe with. */
    publicKey: sender.publicKey,

    /** The topics a browser may choose (id and name). */
    topics(): NewsTopic[] {
      return deps.topics.map((t) => ({ id: t.id, name: t.name }));
    },

    /**
     * Records a browser's subscription after its click (consent): the endpoint must be an allowed push
     * service, the topics the province's. Subscribing again from the same browser replaces the topics.
     */
    async subscribe(input: { endpoint: string; keys: { p256dh: string; auth: string }; topics: readonly string[]; locale?: Locale }): Promise<WebPushSubscription> {
      if (!pushEndpointAllowed(input.endpoint, deps.allowedHosts)) throw new AppError('WEBPUSH.ENDPOINT_NOT_ALLOWED', 'The subscription endpoint is not an allowed push service');
      const topics = [...new Set(input.topics)];
      if (topics.length === 0 || topics.length > TOPICS_MAX) throw new AppError('WEBPUSH.INPUT_INVALID', 'Choose at least one topic', { details: { field: 'topics' } });
      const unknown = topics.filter((t) => !topicIds.has(t));
      if (unknown.length > 0) throw new AppError('WEBPUSH.INPUT_INVALID', 'Unknown news topic', { details: { field: 'topics', unknown } });
      const now = deps.clock.now();
      const subscription: WebPushSubscription = {
        id: webPushSubscriptionId(input.endpoint),
        endpoint: input.endpoint,
        keys: { p256dh: input.keys.p256dh, auth: input.keys.auth },
        topics,
        locale: input.locale ?? DEFAULT_LOCALE,
        consentAt: now,
        updatedAt: now,
      };
      await store.webPush.put(subscription);
      return subscription;
    },

    /** Forgets a browser's subscription; whether there was one. */
    async unsubscribe(endpoint: string): Promise<boolean> {
      return store.webPush.remove(webPushSubscriptionId(endpoint));
    },

    /**
     * Decides, records and sends the item for every subscribed browser. Idempotent: run it again (the
     * job's retry, another worker) and only claims still `queued` are sent again.
     */
    async fanOut(item: NewsItem, now: Date): Promise<WebPushFanOutCounts> {
      const counts: WebPushFanOutCounts = { sent: 0, quiet: 0, waiting: 0, failed: 0, skipped: 0, retry: 0 };
      if (!item.announce || item.status === 'scheduled') return counts;
      const browsers = new Map<string, WebPushSubscription>();
      for (const topic of new Set(item.topics)) {
        for (const subscription of await store.webPush.listByTopic(topic)) browsers.set(subscription.id, subscription);
      }
      const retry: { afterMs?: number } = {};
      await inBatches([...browsers.values()], (subscription) => fanOutOne(item, subscription, now, counts, retry));
      if (retry.afterMs !== undefined) counts.retryAfterMs = retry.afterMs;
      return counts;
    },

    /**
     * Items whose browser fan-out did not finish, for the reconciler (news-fan-out-check.ts): announced,
     * published items out for at least WEBPUSH_RECONCILE_AFTER_MS and less than their push TTL (a later push
     * would be stale), with a browser subscribed to one of their topics before they came out and no claim
     * for them. Claims left `queued` are not counted: the job's retries and releaseQuiet re-send them.
     */
    unfinishedFanOuts: createFanOutCheck({
      store,
      withinMs: Math.max(WEBPUSH_TTL_NORMAL_SEC, WEBPUSH_TTL_CRITICAL_SEC) * 1000,
      owes: (item, outAt, now) => item.status !== 'scheduled' && now - outAt >= WEBPUSH_RECONCILE_AFTER_MS && now - outAt < webPushOptions(item).ttlSec * 1000,
      recipients: async (topic) => (await store.webPush.listByTopic(topic)).map((s) => ({ key: webPushRecipient(s.id), subscribedAt: s.updatedAt })),
    }),

    /**
     * Once quiet hours are over: sends the web pushes held for them (the cap checked again), and re-sends
     * the claims a crashed run left `queued`. Nothing while `now` is quiet.
     */
    async releaseQuiet(now: Date): Promise<WebPushReleaseCounts> {
      const counts: WebPushReleaseCounts = { sent: 0, waiting: 0, failed: 0, retry: 0 };
      if (isQuiet(now, policy.quietHours)) return counts;
      const held = (await store.newsDeliveries.listByStatus('quiet', RELEASE_PAGE, WEBPUSH_ONLY)).filter((d) => d.at.getTime() <= now.getTime());
      const stale = (await store.newsDeliveries.listByStatus('queued', RELEASE_PAGE, WEBPUSH_ONLY)).filter((d) => now.getTime() - d.at.getTime() >= STALE_QUEUED_MS);
      const retry: { afterMs?: number } = {};
      await inBatches([...held, ...stale], async (delivery) => {
        const [item, subscription] = await Promise.all([store.newsItems.get(delivery.itemId), store.webPush.get(delivery.conversationId.slice('webpush:'.length))]);
        if (!item || !subscription || !item.topics.some((t) => subscription.topics.includes(t))) {
          // Unsubscribed since, or gone: never pushed (recorded as the chat records a withdrawn consent).
          await store.newsDeliveries.update(delivery.id, { status: 'waiting', reason: 'window', at: now });
          counts.waiting++;
          return;
        }
        if (delivery.status === 'quiet') {
          if (await capReached(delivery.conversationId, now)) {
            await store.newsDeliveries.update(delivery.id, { status: 'waiting', reason: 'cap', at: now });
            counts.waiting++;
            return;
          }
          await store.newsDeliveries.update(delivery.id, { status: 'queued', at: now });
        }
        const outcome = await sendClaimed(delivery.id, item, subscription, delivery.status === 'quiet' ? now : delivery.at, now, retry);
        counts[outcome]++;
      });
      return counts;
    },
  };
}

export type NewsWebPush = ReturnType<typeof createNewsWebPush>;
