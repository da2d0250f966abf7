import type { InboundMessage, InboundStatus } from '../../domain/conversation.js';
import type { InboundRepo } from '../../ports/store.js';
import { defined, fromDoc, receivedMessage, toDoc } from '../documents.js';
import { isUniqueViolation, type Datastores } from './datastores.js';
import type { KeyedMutex } from './keyed-mutex.js';

/**
 * Inbound messages in nedb. The embedded mode is one process, so a per-conversation mutex makes
 * "look up the id, read the last seq, insert" one atomic step: seq is strictly increasing and gap-free,
 * and it is derived from the stored messages themselves (no counter that a crash could leave behind).
 */
export class EmbeddedInboundRepo implements InboundRepo {
  constructor(
    private readonly db: () => Promise<Datastores>,
    private readonly mutex: KeyedMutex,
  ) {}

  async insert(msg: Omit<InboundMessage, 'seq' | 'status'>): Promise<{ created: boolean; message: InboundMessage }> {
    const { inbound } = await this.db();
    return this.mutex.run(`inbound:${msg.conversationId}`, async () => {
      const existing = await inbound.findOneAsync({ _id: msg.id });
      if (existing) return { created: false, message: fromDoc(existing) };
      const [last] = await inbound.findAsync({ conversationId: msg.conversationId }).sort({ seq: -1 }).limit(1);
      const message = receivedMessage(msg, (last?.seq ?? 0) + 1);
      try {
        await inbound.insertAsync(toDoc(message));
        return { created: true, message };
      } catch (error) {
        // Only reachable if the same id arrives under another conversation id: the first one stands.
        if (!isUniqueViolation(error)) throw error;
        const winner = await inbound.findOneAsync({ _id: msg.id });
        if (!winner) throw error;
        return { created: false, message: fromDoc(winner) };
      }
    });
  }

  async nextPending(conversationId: string): Promise<InboundMessage | undefined> {
    const { inbound } = await this.db();
    const [doc] = await inbound.findAsync({ conversationId, status: 'received' }).sort({ seq: 1 }).limit(1);
    return doc ? fromDoc(doc) : undefined;
  }

  async setStatus(id: string, status: InboundStatus, patch: { error?: string; processedAt?: Date } = {}): Promise<void> {
    const { inbound } = await this.db();
    await inbound.updateAsync({ _id: id }, { $set: { ...defined(patch), status } }, {});
  }

  async conversationsWithPending(): Promise<string[]> {
    const { inbound } = await this.db();
    const docs = await inbound.findAsync({ status: 'received' }, { conversationId: 1, _id: 0 });
    return [...new Set(docs.map((d) => d.conversationId))];
  }

  async listByConversation(conversationId: string, limit: number): Promise<InboundMessage[]> {
    if (limit <= 0) return [];
    const { inbound } = await this.db();
    const docs = await inbound.findAsync({ conversationId }).sort({ seq: -1 }).limit(limit);
    return docs.reverse().map((d) => fromDoc(d));
  }

  async listReceivedBetween(from: Date, to: Date): Promise<InboundMessage[]> {
    const { inbound } = await this.db();
    // Every match is returned, so sorting here is cheaper than nedb's cursor sort (a generic comparator
    // that resolves each field path on every comparison): about 3× faster on a year of messages.
    const docs = await inbound.findAsync({ receivedAt: { $gte: from, $lt: to } });
    docs.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    return docs.map((d) => fromDoc(d));
  }
}
