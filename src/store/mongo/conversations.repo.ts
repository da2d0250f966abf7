import type { Conversation } from '../../domain/conversation.js';
import type { ConversationRepo } from '../../ports/store.js';
import { defined, fromDoc, openConversation, toDoc } from '../documents.js';
import { isDuplicateKey, type Collections } from './collections.js';

type OpenInput = Parameters<ConversationRepo['getOrOpen']>[0];

/** Conversations in MongoDB, keyed by conversationKey(channel, account, user). */
export class MongoConversationRepo implements ConversationRepo {
  constructor(
    private readonly db: () => Promise<Collections>,
    private readonly now: () => Date,
  ) {}

  async getOrOpen(input: OpenInput): Promise<Conversation> {
    const { conversations } = await this.db();
    const { _id, ...fields } = toDoc(openConversation(input));
    try {
      const doc = await conversations.findOneAndUpdate({ _id }, { $setOnInsert: fields }, { upsert: true, returnDocument: 'after' });
      if (doc) return fromDoc(doc);
    } catch (error) {
      // Two concurrent upserts of a new id: the loser gets E11000 and reads the winner's document.
      if (!isDuplicateKey(error)) throw error;
    }
    const doc = await conversations.findOne({ _id });
    if (!doc) throw new Error(`conversation ${_id} vanished while being opened`);
    return fromDoc(doc);
  }

  async get(id: string): Promise<Conversation | undefined> {
    const { conversations } = await this.db();
    const doc = await conversations.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, patch: Partial<Pick<Conversation, 'mode' | 'lastInboundAt'>>): Promise<void> {
    const { conversations } = await this.db();
    await conversations.updateOne({ _id: id }, { $set: { ...defined(patch), updatedAt: this.now() } });
  }
}
