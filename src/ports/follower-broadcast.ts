/**
 * Broadcasting an article to the OA's followers (Zalo: create an Article, verify it until it has an id,
 * broadcast it with a target; news-handoff-languages.md A.1.2), as src/core/news-broadcast.ts sees it.
 * The Zalo adapter implements it (adapters/zalo/broadcaster.ts); core never imports the platform.
 */

/** What the article says (Zalo's limits: title ≤ 150, description ≤ 300, author ≤ 50). */
export interface ArticleDraft {
  title: string;
  description: string;
  author: string;
  coverUrl: string;
  paragraphs: string[];
  link?: string;
}

/**
 * Why a step did not succeed:
 * - `processing`: the article is not processed yet (Zalo -214); ask again later;
 * - `refused`: the platform answered no and will again (bad field, quota, permission); `platformCode` says which;
 * - `not-sent`: the platform answered that it did nothing this time (rate limit, its own hiccup); retry;
 * - `unknown`: no usable answer (timeout, reset, 5xx): the step may or may not have happened.
 */
export type BroadcastFailureKind = 'processing' | 'refused' | 'not-sent' | 'unknown';

export class BroadcastStepError extends Error {
  constructor(
    message: string,
    readonly kind: BroadcastFailureKind,
    readonly platformCode?: number,
  ) {
    super(message);
    this.name = 'BroadcastStepError';
  }
}

export interface FollowerBroadcaster {
  /** Starts the article; the platform's async token. */
  createArticle(draft: ArticleDraft): Promise<{ token: string }>;
  /** The article's id once processed; BroadcastStepError `processing` until then. */
  verifyArticle(token: string): Promise<{ articleId: string }>;
  /** Sends the article to the followers matching the province target; the broadcast's message id. */
  broadcast(articleId: string, target: { cities: string }): Promise<{ messageId: string }>;
}
