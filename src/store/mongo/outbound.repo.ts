import type { OutboundRecord } from '../../domain/conversation.js';
import type { DeliveryStatus } from '../../domain/message.js';
import type { OutboundRepo } from '../../ports/store.js';
import { defined, fromDoc, toDoc } from '../documents.js';
import { isDuplicateKey, type Collections } from './collections.js';

type OutboundPatch = Parameters<OutboundRepo['update']>[1];

/** Outbound messages and their delivery state in MongoDB; deterministic ids make insert insert-if-absent. */
export class MongoOutboundRepo implements OutboundRepo {
  constructor(private readonly db: () => Promise<Collections>) {}

  async insert(record: OutboundRecord): Promise<{ created: boolean }> {
    const { outbound } = await this.db();
    try {
      await outbound.insertOne(toDoc(record));
      return { created: true };
    } catch (error) {
      if (isDuplicateKey(error)) return { created: false };
      throw error;
    }
  }

  async get(id: string): Promise<OutboundRecord | undefined> {
    const { outbound } = await this.db();
    const doc = await outbound.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, patch: OutboundPatch): Promise<void> {
    const set = defined(patch);
    if (Object.keys(set).length === 0) return;
    const { outbound } = await this.db();
    await outbound.updateOne({ _id: id }, { $set: set });
  }

  async listByStatus(status: DeliveryStatus, limit: number): Promise<OutboundRecord[]> {
    if (limit <= 0) return [];
    const { outbound } = await this.db();
    const docs = await outbound.find({ status }).sort({ createdAt: 1, _id: 1 }).limit(limit).toArray();
    return docs.map((d) => fromDoc(d));
  }

  async listByConversation(conversationId: string, limit: number): Promise<OutboundRecord[]> {
    if (limit <= 0) return [];
    const { outbound } = await this.db();
    const docs = await outbound.find({ conversationId }).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
    return docs.reverse().map((d) => fromDoc(d));
  }

  async listWithStatus(conversationId: string, status: 'pending' | 'held'): Promise<OutboundRecord[]> {
    const { outbound } = await this.db();
    const docs = await outbound.find({ conversationId, status }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map((d) => fromDoc(d));
  }
}
