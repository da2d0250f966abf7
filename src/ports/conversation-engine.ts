import type { Conversation, InboundMessage } from '../domain/conversation.js';
import type { Reply } from '../domain/message.js';

/**
 * What runs one turn of a bot-mode conversation (the Botkit bridge implements it). It receives the
 * stored message and returns the replies to send; dialog state lives behind it, in the store.
 */
export interface ConversationEngine {
  handleTurn(input: { conversation: Conversation; message: InboundMessage }): Promise<Reply[]>;
}
