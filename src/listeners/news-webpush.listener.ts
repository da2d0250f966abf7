import type { Listener } from '../ports/events.js';
import type { JobQueue } from '../ports/queue.js';

/** The job that pushes one news item to the subscribed browsers (src/core/news-webpush.ts fanOut, run again until nothing is left to retry). */
export interface NewsWebPushJob {
  itemId: string;
}

export const NEWS_WEBPUSH_QUEUE = 'news-webpush';

/** Attempts of a browser fan-out: exponential from 2 s, about an hour in all, for push services answering 5xx without Retry-After. */
export const NEWS_WEBPUSH_ATTEMPTS = 12;
export const NEWS_WEBPUSH_BACKOFF_MS = 2000;

/** A news item was published: its browser fan-out is queued once (the job id is the item's), on a queue of its own. */
export function newsWebPushListener(queue: JobQueue<NewsWebPushJob>): Listener<'news.published'> {
  return async function newsWebPush({ itemId }) {
    await queue.add('web-push', { itemId }, { jobId: `webpush:${itemId}`, attempts: NEWS_WEBPUSH_ATTEMPTS, backoffMs: NEWS_WEBPUSH_BACKOFF_MS });
  };
}
