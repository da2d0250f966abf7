import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { clipNewsText, isPublished, type NewsBroadcast, type NewsBroadcastState, type NewsItem } from '../domain/news.js';
import type { AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import { BroadcastStepError, type ArticleDraft, type FollowerBroadcaster } from '../ports/follower-broadcast.js';
import type { Logger } from '../ports/logger.js';
import { RetryLaterError, type JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { hasRole } from './console-auth.js';

/**
 * A coordinator broadcasts a news item to the Zalo OA's followers in the province (issue 12 item 6;
 * news-handoff-languages.md A.1.2, A.4.9), the only way Zalo lets an OA reach followers outside their
 * interaction window. A state machine kept in the store (domain/news.ts NewsBroadcast), one per item,
 * driven by a job (`news-broadcast`, job id per item, re-run until it returns):
 *
 *   creating ──create→ token── verifying ──verify→ id── live ──(claim)── broadcasting ──→ done
 *                                  └ -214: still processing, asked again with backoff (at most VERIFY_POLLS)
 *   any step refused → failed (code kept); a broadcast call without a usable answer → unknown.
 *
 * Never two broadcasts for one item: the record is inserted once (the item's id is its id), every move
 * is a compare-and-set on its state, and the broadcast call is made only by the run that moved it from
 * `live` to `broadcasting`. A run that finds it `broadcasting` (the caller died during the call, or the
 * call timed out) cannot know whether Zalo sent it (the API offers no lookup), so it records `unknown`
 * and never calls again: at most once, and the console says to check the OA's own statistics. A refusal
 * that says nothing was done (rate limit) moves it back to `live` and the job retries. A crash between
 * create and recording the token can create a second, unused article; never a second broadcast.
 *
 * A job lost with Redis (issue 14 item 1): `unfinished` finds the broadcasts of the newest items still in
 * `creating`, `verifying` or `live` (no broadcast call made: resuming them is what a retry does), and those
 * `broadcasting` for longer than CALL_SETTLED_MS, which run() only settles to `unknown` without calling;
 * the reconciler queues their job again under its own id. `done`, `failed` and `unknown` are never queued.
 */

export const NEWS_BROADCAST_QUEUE = 'news-broadcast';

export interface NewsBroadcastJob {
  itemId: string;
}

/** Verify calls before giving up on an article that stays "being processed" (about 25 minutes with the backoff). */
export const VERIFY_POLLS = 30;
/** Longer than any platform call may take (the Zalo client's timeout is far shorter): a `broadcasting` record older than this has no call in flight. */
export const CALL_SETTLED_MS = 120_000;
/** The job's id and retries (request and the reconciler queue the same job). */
export const broadcastJobId = (itemId: string): string => `broadcast:${itemId}`;
export const BROADCAST_JOB_ATTEMPTS = 8;
export const BROADCAST_JOB_BACKOFF_MS = 5_000;
/** Unfinished broadcasts one reconcile pass reads (least recently moved first; a province has a handful at a time). */
export const BROADCAST_RECONCILE_LIMIT = 500;
/** A broadcast moved less than this ago is left to its own job (it may be waiting out a verify delay). */
export const BROADCAST_RECONCILE_AFTER_MS = 60_000;
/** States whose next step makes no broadcast call (`broadcasting` is settled to `unknown`, never called again). */
const RESUMABLE: readonly NewsBroadcastState[] = ['creating', 'verifying', 'live', 'broadcasting'];
/** Zalo's limits on an article. */
export const ARTICLE_TITLE_MAX = 150;
export const ARTICLE_DESCRIPTION_MAX = 300;
export const ARTICLE_AUTHOR_MAX = 50;

export interface NewsBroadcastDeps {
  store: Pick<Store, 'newsItems' | 'newsBroadcasts'>;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  jobs: JobQueue<NewsBroadcastJob>;
  /** Absent: Zalo broadcasts are not set up (no Zalo channel, or no target and cover configured). */
  zalo?: { broadcaster: FollowerBroadcaster; cities: string; coverUrl: string };
  /** The article's author line and the words before its link (the province's copy). */
  copy: { author: string; readMore: string };
}

/** The article for an item (Vietnamese: Zalo followers are the province's citizens at large). */
export function articleOf(item: NewsItem, settings: { coverUrl: string; author: string; readMore: string }): ArticleDraft {
  const paragraphs = [item.summary?.trim() || item.title, ...(item.link ? [`${settings.readMore} ${item.link}`] : [])];
  return {
    title: clipNewsText(item.title, ARTICLE_TITLE_MAX),
    description: clipNewsText(item.summary?.trim() || item.title, ARTICLE_DESCRIPTION_MAX),
    author: clipNewsText(settings.author, ARTICLE_AUTHOR_MAX),
    coverUrl: settings.coverUrl,
    paragraphs,
    ...(item.link !== undefined && { link: item.link }),
  };
}

/** Delay before the n-th verify call (1-based): 2 s, 4 s, 8 s … at most a minute. */
const verifyDelayMs = (polls: number): number => Math.min(60_000, 2_000 * 2 ** Math.max(0, polls - 1));

export function createNewsBroadcasts(deps: NewsBroadcastDeps) {
  const { store, clock } = deps;

  const step = (name: NewsBroadcast['steps'][number]['step'], outcome: string) => ({ step: name, at: clock.now(), outcome });
  const failure = (err: BroadcastStepError) => ({ code: `NEWS.BROADCAST_${err.kind === 'unknown' ? 'UNKNOWN' : 'REFUSED'}`, ...(err.platformCode !== undefined && { platformCode: err.platformCode }), message: err.message });

  async function request(account: Account, itemId: string): Promise<{ broadcast: NewsBroadcast; created: boolean }> {
    if (!hasRole(account, 'coordinator', 'admin')) throw new AppError('AUTH.FORBIDDEN', 'Only coordinators and admins broadcast news', { details: { role: account.role } });
    const item = await store.newsItems.get(itemId);
    if (!item) throw new AppError('NEWS.NOT_FOUND', 'No news item with this id.');
    const existing = await store.newsBroadcasts.get(itemId);
    if (existing) return { broadcast: existing, created: false };
    if (!isPublished(item)) throw new AppError('NEWS.NOT_PUBLISHED', 'This item is scheduled; broadcast it once it is published.');
    if (!deps.zalo) throw new AppError('NEWS.BROADCAST_UNCONFIGURED', 'Zalo broadcasts are not set up on this system.');
    const now = clock.now();
    const record: NewsBroadcast = {
      id: item.id,
      itemId: item.id,
      state: 'creating',
      requestedBy: { id: account.id, username: account.username },
      requestedAt: now,
      target: { cities: deps.zalo.cities },
      steps: [],
      updatedAt: now,
    };
    const { created } = await store.newsBroadcasts.insert(record);
    if (!created) return { broadcast: (await store.newsBroadcasts.get(itemId))!, created: false };
    await deps.audit.record({
      action: 'news.broadcast',
      actor: { id: account.id, username: account.username },
      target: { kind: 'news', id: item.id },
      at: now,
      details: { cities: record.target.cities },
    });
    await deps.jobs.add('broadcast', { itemId: item.id }, { jobId: broadcastJobId(item.id), attempts: BROADCAST_JOB_ATTEMPTS, backoffMs: BROADCAST_JOB_BACKOFF_MS });
    return { broadcast: record, created: true };
  }

  async function get(account: Account, itemId: string): Promise<NewsBroadcast | undefined> {
    if (!hasRole(account, 'staff', 'operator', 'coordinator', 'admin')) throw new AppError('AUTH.FORBIDDEN', 'Your role may not read news items');
    if (!(await store.newsItems.get(itemId))) throw new AppError('NEWS.NOT_FOUND', 'No news item with this id.');
    return store.newsBroadcasts.get(itemId);
  }

  /** Moves the broadcast of `itemId` as far as it goes now; throws to be retried (RetryLaterError while Zalo processes the article). */
  async function run(itemId: string): Promise<NewsBroadcast['state'] | undefined> {
    const zalo = deps.zalo;
    for (;;) {
      const b = await store.newsBroadcasts.get(itemId);
      if (!b || !zalo) return b?.state;
      const moved = (patch: Parameters<Store['newsBroadcasts']['advance']>[2], s?: ReturnType<typeof step>) =>
        store.newsBroadcasts.advance(b.id, b.state, { ...patch, updatedAt: clock.now() }, s);
      switch (b.state) {
        case 'creating': {
          const item = await store.newsItems.get(itemId);
          if (!item) {
            await moved({ state: 'failed', error: { code: 'NEWS.NOT_FOUND', message: 'the item was removed' } });
            continue;
          }
          try {
            const { token } = await zalo.broadcaster.createArticle(articleOf(item, { coverUrl: zalo.coverUrl, ...deps.copy }));
            await moved({ state: 'verifying', token }, step('create', 'token'));
          } catch (err) {
            if (!(err instanceof BroadcastStepError) || err.kind !== 'refused') throw err;
            await moved({ state: 'failed', error: failure(err) }, step('create', String(err.platformCode ?? err.kind)));
          }
          continue;
        }
        case 'verifying': {
          const polls = b.steps.filter((s) => s.step === 'verify').length;
          try {
            const { articleId } = await zalo.broadcaster.verifyArticle(b.token!);
            await moved({ state: 'live', articleId }, step('verify', 'id'));
          } catch (err) {
            if (!(err instanceof BroadcastStepError)) throw err;
            if (err.kind === 'processing' && polls + 1 < VERIFY_POLLS) {
              await moved({}, step('verify', String(err.platformCode ?? 'processing')));
              throw new RetryLaterError(verifyDelayMs(polls + 1));
            }
            if (err.kind === 'processing' || err.kind === 'refused') {
              const error = err.kind === 'processing' ? { code: 'NEWS.ARTICLE_NOT_READY', platformCode: err.platformCode ?? -214, message: `still processing after ${VERIFY_POLLS} checks` } : failure(err);
              await moved({ state: 'failed', error }, step('verify', String(err.platformCode ?? err.kind)));
              continue;
            }
            throw err;
          }
          continue;
        }
        case 'live': {
          // The claim: only the run that moves it out of `live` calls broadcast.
          if (!(await moved({ state: 'broadcasting' }))) continue;
          const claimed = (await store.newsBroadcasts.get(itemId))!;
          const next = (patch: Parameters<Store['newsBroadcasts']['advance']>[2], s: ReturnType<typeof step>) =>
            store.newsBroadcasts.advance(itemId, 'broadcasting', { ...patch, updatedAt: clock.now() }, s);
          try {
            const { messageId } = await zalo.broadcaster.broadcast(claimed.articleId!, claimed.target);
            await next({ state: 'done', messageId }, step('broadcast', 'sent'));
            deps.logger.info({ itemId, cities: claimed.target.cities }, 'news item broadcast to the Zalo followers');
          } catch (err) {
            if (!(err instanceof BroadcastStepError)) throw err;
            if (err.kind === 'not-sent') {
              // Zalo said it did nothing (rate limit): back to live, and the job retries.
              await next({ state: 'live' }, step('broadcast', String(err.platformCode ?? err.kind)));
              throw err;
            }
            await next({ state: err.kind === 'unknown' ? 'unknown' : 'failed', error: failure(err) }, step('broadcast', String(err.platformCode ?? err.kind)));
            deps.logger.warn({ itemId, kind: err.kind, platformCode: err.platformCode }, 'news broadcast did not complete');
          }
          continue;
        }
        case 'broadcasting':
          // Another run may still be in its call: wait until no call can still be in flight.
          if (clock.now().getTime() - b.updatedAt.getTime() < CALL_SETTLED_MS) throw new RetryLaterError(CALL_SETTLED_MS);
          // A run died during the call: whether Zalo sent it cannot be known; never call again.
          await moved({ state: 'unknown', error: { code: 'NEWS.BROADCAST_UNKNOWN', message: 'the broadcast call was interrupted; check the OA statistics' } });
          continue;
        default:
          return b.state;
      }
    }
  }

  /**
   * Broadcasts to resume (their job lost with Redis), for the reconciler, found by their state in the
   * store: those in `creating`, `verifying` or `live` not moved for BROADCAST_RECONCILE_AFTER_MS, and those
   * `broadcasting` for CALL_SETTLED_MS (run() records them `unknown` without calling again). None when Zalo
   * broadcasts are not set up (run() could not move them).
   */
  async function unfinished(now: Date): Promise<string[]> {
    if (!deps.zalo) return [];
    const found: string[] = [];
    for (const b of await store.newsBroadcasts.listByState(RESUMABLE, BROADCAST_RECONCILE_LIMIT)) {
      const idle = now.getTime() - b.updatedAt.getTime();
      if (idle >= (b.state === 'broadcasting' ? CALL_SETTLED_MS : BROADCAST_RECONCILE_AFTER_MS)) found.push(b.itemId);
    }
    return found;
  }

  /**
   * Queues again the broadcasts `unfinished` finds, under the job id request() used, `removeWhenDone`: a
   * no-op while that job is still held (waiting, delayed, running), so two runs never move one broadcast
   * at once and several passes or processes queue it once. Returns how many it queued.
   */
  async function reconcile(now: Date): Promise<number> {
    const items = await unfinished(now);
    for (const itemId of items) await deps.jobs.add('broadcast', { itemId }, { jobId: broadcastJobId(itemId), attempts: BROADCAST_JOB_ATTEMPTS, backoffMs: BROADCAST_JOB_BACKOFF_MS, removeWhenDone: true });
    return items.length;
  }

  return { request, get, run, unfinished, reconcile };
}

export type NewsBroadcasts = ReturnType<typeof createNewsBroadcasts>;
