import type { Conversation } from '../../domain/conversation.js';
import type { ConversationRepo } from '../../ports/store.js';
import { defined, fromDoc, openConversation, toDoc } from '../documents.js';
import { isUniqueViolation, type Datastores } from './datastores.js';

type OpenInput = Parameters<ConversationRepo['getOrOpen']>[0];

/** Conversations in nedb, keyed by conversationKey(channel, account, user). */
export class EmbeddedConversationRepo implements ConversationRepo {
  constructor(
    private readonly db: () => Promise<Datastores>,
    private readonly now: () => Date,
  ) {}

  async getOrOpen(input: OpenInput): Promise<Conversation> {
    const { conversations } = await this.db();
    const existing = await conversations.findOneAsync({ _id: input.id });
    if (existing) return fromDoc(existing);
    const conversation = openConversation(input);
    try {
      await conversations.insertAsync(toDoc(conversation));
      return conversation;
    } catch (error) {
      // Another worker opened it between our read and insert: theirs is the conversation.
      if (!isUniqueViolation(error)) throw error;
      const winner = await conversations.findOneAsync({ _id: input.id });
      if (!winner) throw error;
      return fromDoc(winner);
    }
  }

  async get(id: string): Promise<Conversation | undefined> {
    const { conversations } = await this.db();
    const doc = await conversations.findOneAsync({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, patch: Partial<Pick<Conversation, 'mode' | 'lastInboundAt'>>): Promise<void> {
    const { conversations } = await this.db();
    await conversations.updateAsync({ _id: id }, { $set: { ...defined(patch), updatedAt: this.now() } }, {});
  }
}
