import type { Listener } from '../ports/events.js';
import type { ConversationEngine } from '../ports/conversation-engine.js';

/**
 * The options of a message no turn produced (a ticket answer's close/reopen, a handoff notice's "never
 * mind", the offer when no operator can be reached, the rating question) become what a typed number
 * picks ("2"), as the engine records them for the bot's own replies. Not for one that waited for the
 * citizen's next message (held, then sent): that message's own reply follows it, with its own options.
 */
export function offeredChoicesListener(engine: Pick<ConversationEngine, 'offered'>): Listener<'reply.settled'> {
  return async function offeredChoices({ record, outcome }) {
    if (record.inReplyTo !== undefined || outcome !== 'sent' || !record.reply.buttons?.length || record.error !== undefined) return;
    await engine.offered?.(record.conversationId, record.reply.buttons);
  };
}
