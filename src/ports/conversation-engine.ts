import type { Conversation, InboundMessage } from '../domain/conversation.js';
import type { Reply, ReplyButton } from '../domain/message.js';

/**
 * What runs one turn of a bot-mode conversation (the Botkit bridge implements it). It receives the
 * stored message and returns the replies to send; dialog state lives behind it, in the store.
 */
export interface ConversationEngine {
  handleTurn(input: { conversation: Conversation; message: InboundMessage }): Promise<Reply[]>;
  /**
   * Options shown to the citizen outside a turn (an agency's answer with its close/reopen buttons), so
   * that a reply of "2" on a channel that numbers options picks from what the citizen saw last.
   */
  offered?(conversationId: string, buttons: readonly ReplyButton[]): Promise<void>;
  /** The payload a typed number ("2") picks among the options last offered, if it picks one. */
  choice?(conversationId: string, typed: string | undefined): Promise<string | undefined>;
}
