import type { Listener } from '../ports/events.js';
import type { JobQueue } from '../ports/queue.js';

/** The job that pushes one news item to its subscribers (src/core/news-delivery.ts fanOut, retried until done). */
export interface NewsFanOutJob {
  itemId: string;
}

export const NEWS_QUEUE = 'news';

/** A news item was published: its fan-out is queued once (the job id is the item's), retried until it returns. */
export function newsFanOutListener(queue: JobQueue<NewsFanOutJob>): Listener<'news.published'> {
  return async function newsFanOut({ itemId }) {
    await queue.add('fan-out', { itemId }, { jobId: `news:${itemId}`, attempts: 8, backoffMs: 1000 });
  };
}
