import type { Conversation } from '../../domain/conversation.js';
import type { ConversationRepo } from '../../ports/store.js';
import { isDuplicateKey, type Collection } from '../collection.js';
import { defined, fromDoc, openConversation, toDoc, type Doc } from '../documents.js';

type OpenInput = Parameters<ConversationRepo['getOrOpen']>[0];

/** Conversations, keyed by conversationKey(channel, account, user). */
export class ConversationsRepo implements ConversationRepo {
  constructor(
    private readonly conversations: Collection<Doc<Conversation>>,
    private readonly now: () => Date,
  ) {}

  async getOrOpen(input: OpenInput): Promise<Conversation> {
    const existing = await this.conversations.findOne({ _id: input.id });
    if (existing) return fromDoc(existing);
    const conversation = openConversation(input);
    try {
      await this.conversations.insertOne(toDoc(conversation));
      return conversation;
    } catch (error) {
      // Another worker opened it between our read and insert: theirs is the conversation.
      if (!isDuplicateKey(error)) throw error;
      const winner = await this.conversations.findOne({ _id: input.id });
      if (!winner) throw error;
      return fromDoc(winner);
    }
  }

  async get(id: string): Promise<Conversation | undefined> {
    const doc = await this.conversations.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, patch: Partial<Pick<Conversation, 'mode' | 'lastInboundAt' | 'locale'>>): Promise<void> {
    await this.conversations.updateOne({ _id: id }, { $set: { ...defined(patch), updatedAt: this.now() } });
  }
}
