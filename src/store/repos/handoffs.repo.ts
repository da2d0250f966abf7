import type { HandoffRecord } from '../../domain/handoff.js';
import type { HandoffRepo } from '../../ports/store.js';
import { insertIfAbsent, type Collection } from '../collection.js';
import { defined, fromDoc, toDoc, type Doc } from '../documents.js';

/** Human stretches of conversations; insert is insert-if-absent (a replayed request records one stretch). */
export class HandoffsRepo implements HandoffRepo {
  constructor(private readonly handoffs: Collection<Doc<HandoffRecord>>) {}

  async insert(record: HandoffRecord): Promise<void> {
    await insertIfAbsent(this.handoffs, toDoc(record));
  }

  async get(id: string): Promise<HandoffRecord | undefined> {
    const doc = await this.handoffs.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, patch: Parameters<HandoffRepo['update']>[1]): Promise<void> {
    const set = defined(patch);
    if (Object.keys(set).length > 0) await this.handoffs.updateOne({ _id: id }, { $set: set });
  }

  async listByConversation(conversationId: string, limit: number): Promise<HandoffRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.handoffs.find({ conversationId }, { sort: { requestedAt: -1, _id: -1 }, limit });
    return docs.map((d) => fromDoc(d));
  }

  async listRequestedBetween(from: Date, to: Date): Promise<HandoffRecord[]> {
    const docs = await this.handoffs.find({ requestedAt: { $gte: from, $lt: to } }, { sort: { requestedAt: 1, _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }
}
