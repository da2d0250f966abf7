import type { Conversation } from '../../domain/conversation.js';
import type { HandoffState, HandoffStatus } from '../../domain/handoff.js';
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

  async update(id: string, patch: Partial<Pick<Conversation, 'lastInboundAt' | 'locale'>>): Promise<void> {
    await this.conversations.updateOne({ _id: id }, { $set: { ...defined(patch), updatedAt: this.now() } });
  }

  async setHandoff(id: string, expectedRev: number, next: HandoffState): Promise<boolean> {
    // A conversation from before handoff existed has none: revision 0.
    const filter = expectedRev === 0 ? { _id: id, 'handoff.rev': { $exists: false } } : { _id: id, 'handoff.rev': expectedRev };
    const handoff = defined(next);
    let { matched } = await this.conversations.updateOne(filter, { $set: { handoff, updatedAt: this.now() } });
    if (matched === 0 && expectedRev === 0) ({ matched } = await this.conversations.updateOne({ _id: id, 'handoff.rev': 0 }, { $set: { handoff, updatedAt: this.now() } }));
    return matched === 1;
  }

  async listByHandoff(statuses: readonly HandoffStatus[], limit: number): Promise<Conversation[]> {
    if (limit <= 0) return [];
    const docs = await this.conversations.find({ 'handoff.status': { $in: [...statuses] } }, { sort: { 'handoff.queuedAt': 1, _id: 1 }, limit });
    return docs.map((d) => fromDoc(d));
  }
}
