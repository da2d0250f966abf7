import type { EventBus } from '../ports/events.js';
import type { ConversationEngine } from '../ports/conversation-engine.js';
import type { TicketService } from '../core/tickets.js';
import type { createWindowNotices } from '../core/ticket-notices.js';
import { offeredChoicesListener } from '../listeners/offered-choices.listener.js';
import { publishedAnswersListener } from '../listeners/published-answers.listener.js';
import { ticketDeliveryListener } from '../listeners/ticket-delivery.listener.js';
import { windowNoticeListener } from '../listeners/window-notice.listener.js';
import { operatorFeedActivityListener, operatorFeedMovedListener } from '../listeners/operator-feed.listener.js';
import type { OperatorFeed } from '../ports/operator-feed.js';
import { newsFanOutListener, type NewsFanOutJob } from '../listeners/news-fanout.listener.js';
import { newsWebPushListener, type NewsWebPushJob } from '../listeners/news-webpush.listener.js';
import type { JobQueue } from '../ports/queue.js';

/**
 * Which listener reacts to which domain event (Chatwoot's listener registry); the reactions themselves
 * live in src/listeners, one per file. Order matters within an event: the ticket records a held
 * delivery before a notice is claimed on it.
 */

/** The reactions of the worker role to settled deliveries. */
export function subscribeDeliveryListeners(
  events: EventBus,
  deps: { engine: Pick<ConversationEngine, 'offered'>; tickets: Pick<TicketService, 'recordDelivery'>; noticeHeldAnswer: ReturnType<typeof createWindowNotices> },
): void {
  events.subscribe('reply.settled', offeredChoicesListener(deps.engine));
  events.subscribe('reply.settled', ticketDeliveryListener(deps.tickets));
  events.subscribe('reply.settled', windowNoticeListener(deps.noticeHeldAnswer));
}

/** The reactions to changes of the public Q&A. */
export function subscribePublicationListeners(events: EventBus, deps: { published: { refresh(): Promise<void> } }): void {
  events.subscribe('publications.changed', publishedAnswersListener(deps.published));
}

/** The reactions to handoff moves and activity: the operators' consoles hear them live. */
export function subscribeHandoffListeners(events: EventBus, deps: { feed: Pick<OperatorFeed, 'publish'> }): void {
  events.subscribe('handoff.moved', operatorFeedMovedListener(deps.feed));
  events.subscribe('handoff.activity', operatorFeedActivityListener(deps.feed));
}

/** The reactions to a published news item: its fan-out is queued. */
export function subscribeNewsListeners(events: EventBus, deps: { fanOuts: JobQueue<NewsFanOutJob> }): void {
  events.subscribe('news.published', newsFanOutListener(deps.fanOuts));
}

/** The reaction to a published news item for browsers: its Web Push fan-out is queued (a queue of its own). */
export function subscribeWebPushListeners(events: EventBus, deps: { pushes: JobQueue<NewsWebPushJob> }): void {
  events.subscribe('news.published', newsWebPushListener(deps.pushes));
}
