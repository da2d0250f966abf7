import { BroadcastStepError, type ArticleDraft, type FollowerBroadcaster } from '../../src/ports/follower-broadcast.js';
import type { ZaloOA } from './client.js';
import { ZaloApiError } from './errors.js';

/** Zalo's "Article is being processed" (verify before the article has an id). */
export const ZALO_ARTICLE_PROCESSING = -214;

/**
 * The follower broadcast over the OA client (ZaloSpec §5.5, §8): a platform answer of -214 is
 * `processing`; any other platform refusal is `not-sent` when the table calls it retryable (-32 rate
 * limit, -200, …: Zalo did nothing) and `refused` otherwise; no usable answer is `unknown` (the call may
 * have been carried out). Token errors were already retried once by the client with a fresh token.
 */
export function createZaloBroadcaster(client: Pick<ZaloOA, 'createArticle' | 'verifyArticle' | 'broadcastArticles'>): FollowerBroadcaster {
  async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ZaloApiError) {
        const kind = error.code === ZALO_ARTICLE_PROCESSING ? 'processing' : error.classification === 'retryable' ? 'not-sent' : 'refused';
        throw new BroadcastStepError(`Zalo ${what}: ${error.code} ${error.platformMessage}`, kind, error.code);
      }
      throw new BroadcastStepError(`Zalo ${what}: ${error instanceof Error ? error.message : String(error)}`, 'unknown');
    }
  }
  return {
    createArticle: (draft: ArticleDraft) =>
      step('article create', () =>
        client.createArticle({
          title: draft.title,
          description: draft.description,
          author: draft.author,
          coverUrl: draft.coverUrl,
          paragraphs: draft.paragraphs,
          ...(draft.link !== undefined && { trackingLink: draft.link }),
        }),
      ),
    verifyArticle: async (token) => ({ articleId: (await step('article verify', () => client.verifyArticle(token))).id }),
    broadcast: (articleId, target) => step('broadcast', () => client.broadcastArticles([articleId], { cities: target.cities })),
  };
}
