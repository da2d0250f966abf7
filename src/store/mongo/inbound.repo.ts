import type { InboundMessage, InboundStatus } from '../../domain/conversation.js';
import type { InboundRepo } from '../../ports/store.js';
import { defined, fromDoc, receivedMessage, toDoc } from '../documents.js';
import { isDuplicateKey, type Collections } from './collections.js';

const MAX_SEQ_ATTEMPTS = 3;

/**
 * Inbound messages in MongoDB, safe with several worker processes: the seq comes from an atomic $inc
 * on the conversation's counter, and the _id (the platform message id) makes a redelivery a no-op.
 * A redelivery racing its original may burn one seq (a gap, never a duplicate or a reordering).
 */
export class MongoInboundRepo implements InboundRepo {
  constructor(private readonly db: () => Promise<Collections>) {}

  async insert(msg: Omit<InboundMessage, 'seq' | 'status'>): Promise<{ created: boolean; message: InboundMessage }> {
    const { inbound } = await this.db();
    for (let attempt = 1; ; attempt++) {
      const existing = await inbound.findOne({ _id: msg.id });
      if (existing) return { created: false, message: fromDoc(existing) };
      const message = receivedMessage(msg, await this.nextSeq(msg.conversationId));
      try {
        await inbound.insertOne(toDoc(message));
        return { created: true, message };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const winner = await inbound.findOne({ _id: msg.id });
        if (winner) return { created: false, message: fromDoc(winner) };
        // The seq was taken: the counter is behind the messages (e.g. restored from an older backup).
        if (attempt >= MAX_SEQ_ATTEMPTS) throw error;
        await this.resyncCounter(msg.conversationId);
      }
    }
  }

  async nextPending(conversationId: string): Promise<InboundMessage | undefined> {
    const { inbound } = await this.db();
    const doc = await inbound.findOne({ conversationId, status: 'received' }, { sort: { seq: 1 } });
    return doc ? fromDoc(doc) : undefined;
  }

  async setStatus(id: string, status: InboundStatus, patch: { error?: string; processedAt?: Date } = {}): Promise<void> {
    const { inbound } = await this.db();
    await inbound.updateOne({ _id: id }, { $set: { ...defined(patch), status } });
  }

  async conversationsWithPending(): Promise<string[]> {
    const { inbound } = await this.db();
    return inbound.distinct('conversationId', { status: 'received' });
  }

  async listByConversation(conversationId: string, limit: number): Promise<InboundMessage[]> {
    if (limit <= 0) return [];
    const { inbound } = await this.db();
    const docs = await inbound.find({ conversationId }).sort({ seq: -1 }).limit(limit).toArray();
    return docs.reverse().map((d) => fromDoc(d));
  }

  async listReceivedBetween(from: Date, to: Date): Promise<InboundMessage[]> {
    const { inbound } = await this.db();
    const docs = await inbound.find({ receivedAt: { $gte: from, $lt: to } }).sort({ receivedAt: 1, _id: 1 }).toArray();
    return docs.map((d) => fromDoc(d));
  }

  /** Atomically takes the conversation's next seq; an upsert creates the counter at 1. */
  private async nextSeq(conversationId: string): Promise<number> {
    const { counters } = await this.db();
    for (let attempt = 1; ; attempt++) {
      try {
        const counter = await counters.findOneAndUpdate(
          { _id: conversationId },
          { $inc: { seq: 1 } },
          { upsert: true, returnDocument: 'after' },
        );
        if (!counter) throw new Error(`counter ${conversationId} missing after upsert`);
        return counter.seq;
      } catch (error) {
        // Two first messages at once: the server may refuse one upsert with E11000; the retry increments.
        if (!isDuplicateKey(error) || attempt >= MAX_SEQ_ATTEMPTS) throw error;
      }
    }
  }

  private async resyncCounter(conversationId: string): Promise<void> {
    const { inbound, counters } = await this.db();
    const last = await inbound.findOne({ conversationId }, { sort: { seq: -1 }, projection: { seq: 1 } });
    await counters.updateOne({ _id: conversationId }, { $max: { seq: last?.seq ?? 0 } }, { upsert: true });
  }
}
