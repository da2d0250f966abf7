import type { Listener } from '../ports/events.js';
import type { ConversationEngine } from '../ports/conversation-engine.js';

/**
 * A ticket answer's close/reopen options become what a typed number picks ("2"), as for the bot's own
 * replies. Not for an answer that waited for the citizen's next message (held, then sent): that
 * message's own reply follows it, with its own options.
 */
export function offeredChoicesListener(engine: Pick<ConversationEngine, 'offered'>): Listener<'reply.settled'> {
  return async function offeredChoices({ record, outcome }) {
    if (record.ticketId === undefined || outcome !== 'sent' || !record.reply.buttons?.length || record.error !== undefined) return;
    await engine.offered?.(record.conversationId, record.reply.buttons);
  };
}
