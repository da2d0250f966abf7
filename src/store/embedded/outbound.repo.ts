import type { OutboundRecord } from '../../domain/conversation.js';
import type { DeliveryStatus } from '../../domain/message.js';
import type { OutboundRepo } from '../../ports/store.js';
import { defined, fromDoc, toDoc } from '../documents.js';
import { isUniqueViolation, type Datastores } from './datastores.js';

type OutboundPatch = Parameters<OutboundRepo['update']>[1];

/** Outbound messages and their delivery state in nedb; ids are deterministic, so insert is insert-if-absent. */
export class EmbeddedOutboundRepo implements OutboundRepo {
  constructor(private readonly db: () => Promise<Datastores>) {}

  async insert(record: OutboundRecord): Promise<{ created: boolean }> {
    const { outbound } = await this.db();
    try {
      await outbound.insertAsync(toDoc(record));
      return { created: true };
    } catch (error) {
      if (isUniqueViolation(error)) return { created: false };
      throw error;
    }
  }

  async get(id: string): Promise<OutboundRecord | undefined> {
    const { outbound } = await this.db();
    const doc = await outbound.findOneAsync({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, patch: OutboundPatch): Promise<void> {
    const set = defined(patch);
    if (Object.keys(set).length === 0) return;
    const { outbound } = await this.db();
    await outbound.updateAsync({ _id: id }, { $set: set }, {});
  }

  async listByStatus(status: DeliveryStatus, limit: number): Promise<OutboundRecord[]> {
    if (limit <= 0) return [];
    const { outbound } = await this.db();
    const docs = await outbound.findAsync({ status }).sort({ createdAt: 1, _id: 1 }).limit(limit);
    return docs.map((d) => fromDoc(d));
  }

  async listByConversation(conversationId: string, limit: number): Promise<OutboundRecord[]> {
    if (limit <= 0) return [];
    const { outbound } = await this.db();
    const docs = await outbound.findAsync({ conversationId }).sort({ createdAt: -1, _id: -1 }).limit(limit);
    return docs.reverse().map((d) => fromDoc(d));
  }

  async listWithStatus(conversationId: string, status: 'pending' | 'held'): Promise<OutboundRecord[]> {
    const { outbound } = await this.db();
    const docs = await outbound.findAsync({ conversationId, status }).sort({ createdAt: 1, _id: 1 });
    return docs.map((d) => fromDoc(d));
  }
}
