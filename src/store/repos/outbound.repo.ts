import type { OutboundRecord } from '../../domain/conversation.js';
import type { DeliveryStatus } from '../../domain/message.js';
import type { OutboundPatch, OutboundRepo } from '../../ports/store.js';
import { insertIfAbsent, type Collection } from '../collection.js';
import { defined, fromDoc, toDoc, type Doc } from '../documents.js';

const OLDEST_FIRST = { createdAt: 1, _id: 1 } as const;
/** Ids per query of getMany (keeps each query's parameter list small on every engine). */
const GET_MANY_CHUNK = 500;

/** Outbound messages and their delivery state; ids are deterministic, so insert is insert-if-absent. */
export class OutboundMessagesRepo implements OutboundRepo {
  constructor(private readonly outbound: Collection<Doc<OutboundRecord>>) {}

  async insert(record: OutboundRecord): Promise<{ created: boolean }> {
    return { created: await insertIfAbsent(this.outbound, toDoc(record)) };
  }

  async get(id: string): Promise<OutboundRecord | undefined> {
    const doc = await this.outbound.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<OutboundRecord[]> {
    const found: OutboundRecord[] = [];
    for (let i = 0; i < ids.length; i += GET_MANY_CHUNK) {
      const docs = await this.outbound.find({ _id: { $in: ids.slice(i, i + GET_MANY_CHUNK) } });
      for (const d of docs) found.push(fromDoc(d));
    }
    return found;
  }

  async update(id: string, patch: OutboundPatch): Promise<void> {
    const set = defined(patch);
    if (Object.keys(set).length === 0) return;
    await this.outbound.updateOne({ _id: id }, { $set: set });
  }

  async updateIf(id: string, from: DeliveryStatus, patch: OutboundPatch): Promise<boolean> {
    return (await this.outbound.updateOne({ _id: id, status: from }, { $set: defined(patch) })).matched === 1;
  }

  async findByExternalId(conversationId: string, externalId: string): Promise<OutboundRecord | undefined> {
    const doc = await this.outbound.findOne({ conversationId, externalId });
    return doc ? fromDoc(doc) : undefined;
  }

  async listByStatus(status: DeliveryStatus, limit: number): Promise<OutboundRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.outbound.find({ status }, { sort: OLDEST_FIRST, limit });
    return docs.map((d) => fromDoc(d));
  }

  async listByConversation(conversationId: string, limit: number): Promise<OutboundRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.outbound.find({ conversationId }, { sort: { createdAt: -1, _id: -1 }, limit });
    return docs.reverse().map((d) => fromDoc(d));
  }

  async listWithStatus(conversationId: string, status: 'pending' | 'sending' | 'held'): Promise<OutboundRecord[]> {
    const docs = await this.outbound.find({ conversationId, status }, { sort: OLDEST_FIRST });
    return docs.map((d) => fromDoc(d));
  }
}
