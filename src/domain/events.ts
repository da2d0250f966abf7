import type { OutboundRecord } from './conversation.js';
import type { HandoffEvent, HandoffState } from './handoff.js';

/**
 * The named domain events (Chatwoot's listener vocabulary): what happened in one feature, for the
 * reactions of others, which are listeners (src/listeners) rather than callbacks wired in the
 * composition root. Payloads are domain values, never channel payloads.
 */
export interface DomainEvents {
  /**
   * A reply's delivery settled, as stored: sent, held by a closed platform window (until the citizen's
   * next interaction), or failed for good (not the transient failures that are retried).
   */
  'reply.settled': { record: OutboundRecord; outcome: ReplyOutcome; at: Date };
  /** The public Q&A changed: an answer was published, edited or unpublished. */
  'publications.changed': { at: Date };
  /** A conversation's handoff moved (domain/handoff.ts), as stored. */
  'handoff.moved': { conversationId: string; from: HandoffState; to: HandoffState; event: HandoffEvent; at: Date };
  /**
   * Something new in the transcript of a conversation a person needs or holds: the citizen wrote, an
   * operator replied or noted, staff answered from the platform's inbox, or an operator is typing.
   */
  'handoff.activity': { conversationId: string; kind: 'citizen' | 'operator' | 'note' | 'staff' | 'typing'; at: Date; by?: string };
  /** A news item to push was recorded (a feed's new entry; not the entries of a feed's first poll). */
  'news.published': { itemId: string; at: Date };
}

export type ReplyOutcome = 'sent' | 'held' | 'failed';

export type DomainEventName = keyof DomainEvents;
