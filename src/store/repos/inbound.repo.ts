import type { InboundMessage, InboundStatus, TurnDecision } from '../../domain/conversation.js';
import type { InboundRepo } from '../../ports/store.js';
import { isDuplicateKey, type Collection } from '../collection.js';
import { defined, fromDoc, receivedMessage, toDoc, type Doc } from '../documents.js';
import { KeyedMutex } from '../keyed-mutex.js';

/** Tries before an insert gives up on a conversation whose seq keeps being taken by other processes. */
const MAX_SEQ_ATTEMPTS = 50;

/**
 * Inbound messages. A message's seq is the conversation's last seq + 1, and the unique
 * { conversationId, seq } index refuses a seq another process took first: the insert then retries
 * with the next one. So seqs are strictly increasing and gap-free on every engine (a seq is consumed
 * only by a stored message, there is no counter a crash could leave behind), and the _id (the
 * platform message id) makes a redelivery a no-op. Within one process a per-conversation mutex
 * keeps concurrent inserts of one conversation from racing each other at all.
 */
export class InboundMessagesRepo implements InboundRepo {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly inbound: Collection<Doc<InboundMessage>>) {}

  insert(msg: Omit<InboundMessage, 'seq' | 'status'>): Promise<{ created: boolean; message: InboundMessage }> {
    return this.mutex.run(msg.conversationId, async () => {
      // A redelivery is found by the refused insert, not looked up first: one read less per new message.
      for (let attempt = 1; ; attempt++) {
        const last = await this.inbound.findOne({ conversationId: msg.conversationId }, { sort: { seq: -1 } });
        const message = receivedMessage(msg, (last?.seq ?? 0) + 1);
        try {
          await this.inbound.insertOne(toDoc(message));
          return { created: true, message };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // Either this id arrived meanwhile (a redelivery racing its original) or the seq was taken.
          const winner = await this.inbound.findOne({ _id: msg.id });
          if (winner) return { created: false, message: fromDoc(winner) };
          if (attempt >= MAX_SEQ_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 2)));
        }
      }
    });
  }

  async nextPending(conversationId: string): Promise<InboundMessage | undefined> {
    const doc = await this.inbound.findOne({ conversationId, status: 'received' }, { sort: { seq: 1 } });
    return doc ? fromDoc(doc) : undefined;
  }

  async setStatus(id: string, status: InboundStatus, patch: { error?: string; processedAt?: Date } = {}): Promise<void> {
    await this.inbound.updateOne({ _id: id }, { $set: { ...defined(patch), status }, $unset: { decided: true } });
  }

  async recordDecision(id: string, decided: TurnDecision): Promise<void> {
    // As JSON (replies are JSON values): no `undefined` for a driver to store as null.
    await this.inbound.updateOne({ _id: id }, { $set: { decided: JSON.parse(JSON.stringify(decided)) as TurnDecision } });
  }

  async conversationsWithPending(): Promise<string[]> {
    return (await this.inbound.distinct('conversationId', { status: 'received' })) as string[];
  }

  async listByConversation(conversationId: string, limit: number): Promise<InboundMessage[]> {
    if (limit <= 0) return [];
    const docs = await this.inbound.find({ conversationId }, { sort: { seq: -1 }, limit });
    return docs.reverse().map((d) => fromDoc(d));
  }

  async listReceivedBetween(from: Date, to: Date): Promise<InboundMessage[]> {
    const docs = await this.inbound.find({ receivedAt: { $gte: from, $lt: to } }, { sort: { receivedAt: 1, _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }
}
