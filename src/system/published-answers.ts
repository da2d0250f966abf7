import type { Brain } from '../../knowledge/brain/brain.js';
import { PublishedIndex, type PublishedMatch } from '../../knowledge/published/index.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { PublicationRepo } from '../ports/store.js';

/**
 * The published-answers index kept fresh (issue 4): loaded from the store at start, rebuilt on every
 * publish/unpublish in this process (publishing's onChange), and reloaded when older than `maxAgeMs`
 * so a worker process separate from the web process that published still catches up.
 */
export interface PublishedAnswers {
  find(question: string): Promise<PublishedMatch | undefined>;
  refresh(): Promise<void>;
}

/** Entries indexed at most (newest first); the list grows by editor approvals, a few a day. */
const MAX_ENTRIES = 10_000;

export function createPublishedAnswers(deps: {
  brain: Pick<Brain, 'analyze' | 'stopwords' | 'params'>;
  publications: Pick<PublicationRepo, 'list'>;
  clock: Clock;
  logger?: Logger;
  maxAgeMs?: number;
}): PublishedAnswers {
  const index = new PublishedIndex(deps.brain);
  const maxAgeMs = deps.maxAgeMs ?? 60_000;
  let loadedAt: number | undefined;
  let loading: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    const entries = await deps.publications.list({ limit: MAX_ENTRIES });
    index.load(entries);
    loadedAt = deps.clock.now().getTime();
  }

  return {
    refresh,
    async find(question) {
      if (loadedAt === undefined || deps.clock.now().getTime() - loadedAt > maxAgeMs) {
        loading ??= refresh()
          .catch((err: unknown) => deps.logger?.warn({ err }, 'could not reload published answers; using the last index'))
          .finally(() => (loading = undefined));
        await loading;
      }
      return index.find(question);
    },
  };
}
