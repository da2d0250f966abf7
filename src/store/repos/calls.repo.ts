import type { PhoneCall } from '../../domain/handoff.js';
import type { PhoneCallRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import { fromDoc, toDoc, type Doc } from '../documents.js';

/** Hotline calls recorded by operators. */
export class PhoneCallsRepo implements PhoneCallRepo {
  constructor(private readonly calls: Collection<Doc<PhoneCall>>) {}

  async insert(call: PhoneCall): Promise<void> {
    await this.calls.insertOne(toDoc(call));
  }

  async listBetween(from: Date, to: Date): Promise<PhoneCall[]> {
    const docs = await this.calls.find({ receivedAt: { $gte: from, $lt: to } }, { sort: { receivedAt: 1, _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }

  async listRecent(limit: number): Promise<PhoneCall[]> {
    if (limit <= 0) return [];
    const docs = await this.calls.find({}, { sort: { receivedAt: -1, _id: -1 }, limit });
    return docs.map((d) => fromDoc(d));
  }
}
