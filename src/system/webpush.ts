import { createWebPushSender, generateVapidKeys } from '../../adapters/webpush/index.js';
import type { Config } from '../config.js';
import { createNewsWebPush, resolveVapidKeys } from '../core/news-webpush.js';
import type { NewsTopic } from '../domain/news.js';
import { NEWS_WEBPUSH_ATTEMPTS, NEWS_WEBPUSH_BACKOFF_MS, NEWS_WEBPUSH_QUEUE, type NewsWebPushJob } from '../listeners/news-webpush.listener.js';
import type { ReconcileSource } from '../core/reconcile-pending.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { Logger } from '../ports/logger.js';
import { RetryLaterError, type QueueBackend, type QueueWorker } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { subscribeWebPushListeners } from './listeners.js';
import type { Schedule } from './schedules.js';

/** How often web pushes held for quiet hours (and claims a crashed run left queued) are looked at. */
export const WEBPUSH_RELEASE_MS = 5 * 60_000;
/** The shortest wait before a fan-out runs again for a push service that asked to wait (Retry-After). */
const MIN_RETRY_LATER_MS = 1000;
const FAN_OUT_CONCURRENCY = 4;

/**
 * Web Push of portal news to browsers (issue 12 item 3): the VAPID keys (configured, else generated once
 * and kept in the store's secrets so every process signs with the same pair), the sender
 * (adapters/webpush), the use cases (src/core/news-webpush.ts), the reaction to `news.published` (a job
 * per item on queue `news-webpush`), its worker and the quiet-release schedule.
 *
 * The worker runs the item's fan-out; while some browsers' sends are to be retried it fails the job so
 * the queue runs it again: after the push service's Retry-After when one was given (RetryLaterError,
 * no attempt spent; bounded because a claim still unsent after its TTL is given up), else with the
 * job's exponential backoff. Claims left `queued` after the last attempt are re-sent by the schedule.
 * Fan-outs whose job was lost (Redis flushed or restarted empty) are queued again by the reconciler
 * (`reconcile`, src/core/reconcile-pending.ts).
 */
export async function buildWebPush(deps: { config: Config; store: Store; backend: QueueBackend; clock: Clock; logger: Logger; events: EventBus; topics: NewsTopic[] }) {
  const { config, store, clock } = deps;
  const logger = deps.logger.child({ component: 'webpush' });
  const { keys, source } = await resolveVapidKeys({ configured: config.webPush.vapid, secrets: store.secrets, generate: generateVapidKeys });
  // The public key only: the private one is never logged.
  logger.info({ publicKey: keys.publicKey, source }, source === 'generated' ? 'web push VAPID keys generated and kept in the store' : 'web push VAPID keys loaded');
  const sender = createWebPushSender({ vapid: { ...keys, subject: config.webPush.subject } });
  const service = createNewsWebPush({
    store,
    clock,
    sender,
    policy: { quietHours: config.news.quietHours, dailyCap: config.news.dailyCap },
    topics: deps.topics,
    allowedHosts: config.webPush.allowedHosts,
    portalUrl: config.publicBaseUrl ? `${config.publicBaseUrl}/` : '/',
    logger,
  });
  subscribeWebPushListeners(deps.events, { pushes: deps.backend.queue<NewsWebPushJob>(NEWS_WEBPUSH_QUEUE) });
  const pushes = deps.backend.queue<NewsWebPushJob>(NEWS_WEBPUSH_QUEUE);
  /**
   * Fan-outs with browsers never claimed (their job lost with Redis), queued again by the reconciler. The
   * job id is the listener's own (`webpush:<item>`), so the add is a no-op while that job is still waiting,
   * delayed or running (two fan-outs of one item at once could each re-send the other's fresh claim);
   * `removeWhenDone` lets a later pass queue it again once this one has finished.
   */
  const reconcile: ReconcileSource = {
    name: 'webPushFanOuts',
    async run(now) {
      const items = await service.unfinishedFanOuts(now);
      for (const itemId of items) await pushes.add('web-push', { itemId }, { jobId: `webpush:${itemId}`, attempts: NEWS_WEBPUSH_ATTEMPTS, backoffMs: NEWS_WEBPUSH_BACKOFF_MS, removeWhenDone: true });
      return items.length;
    },
  };
  const schedules: Schedule[] = [{ name: 'webpush-quiet', everyMs: WEBPUSH_RELEASE_MS, run: (now) => service.releaseQuiet(now) }];
  return {
    service,
    schedules,
    /** The reconciler's source for browsers' fan-outs (src/core/reconcile-pending.ts). */
    reconcile,
    /** The browsers' fan-out worker (the worker role). */
    worker(): QueueWorker {
      return deps.backend.worker<NewsWebPushJob>(
        NEWS_WEBPUSH_QUEUE,
        async (job) => {
          const item = await store.newsItems.get(job.data.itemId);
          if (!item) return logger.warn({ itemId: job.data.itemId }, 'web push fan-out for an unknown item');
          const counts = await service.fanOut(item, clock.now());
          logger.info({ itemId: item.id, attempt: job.attempt, ...counts }, 'news item pushed to subscribed browsers');
          if (counts.retry === 0) return;
          if (counts.retryAfterMs !== undefined) throw new RetryLaterError(Math.max(MIN_RETRY_LATER_MS, counts.retryAfterMs));
          throw new Error(`${counts.retry} web push(es) to retry`);
        },
        { concurrency: FAN_OUT_CONCURRENCY },
      );
    },
  };
}

export type WebPush = Awaited<ReturnType<typeof buildWebPush>>;
