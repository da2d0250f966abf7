import type { DomainEvents } from '../domain/events.js';
import type { Listener } from '../ports/events.js';
import type { OperatorFeed } from '../ports/operator-feed.js';

/** A handoff moved: the operators' consoles hear it live. */
export function operatorFeedMovedListener(feed: Pick<OperatorFeed, 'publish'>): Listener<'handoff.moved'> {
  return async function operatorFeedMoved(event: DomainEvents['handoff.moved']) {
    await feed.publish({ type: 'handoff.moved', conversationId: event.conversationId, status: event.to.status, at: event.at.toISOString() });
  };
}

/** Something new in a handed-off conversation's transcript: the consoles hear it live. */
export function operatorFeedActivityListener(feed: Pick<OperatorFeed, 'publish'>): Listener<'handoff.activity'> {
  return async function operatorFeedActivity(event: DomainEvents['handoff.activity']) {
    await feed.publish({ type: 'handoff.activity', conversationId: event.conversationId, kind: event.kind, ...(event.by && { by: event.by }), at: event.at.toISOString() });
  };
}
