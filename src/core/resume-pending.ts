import { queueDelivery, type DeliveryJob, type TurnJob } from './queues.js';
import type { ChannelKind } from '../domain/message.js';
import type { Logger } from '../ports/logger.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';

/**
 * The store is the source of truth: on start, conversations with unprocessed messages get a turn and
 * undelivered replies are queued again (queue job ids make this harmless if they were still queued).
 */
export async function resumePendingWork(
  store: Store,
  turns: JobQueue<TurnJob>,
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>,
  logger: Logger,
): Promise<void> {
  const startedAt = Date.now();
  const conversations = await store.inbound.conversationsWithPending();
  for (const conversationId of conversations) {
    await turns.add('turn', { conversationId }, { jobId: `resume:${conversationId}:${startedAt}`, attempts: 5, backoffMs: 200 });
  }
  // Pending replies, and news pushes a crash left `sending` (the delivery run records them interrupted).
  const pending = [...(await store.outbound.listByStatus('pending', 10_000)), ...(await store.outbound.listByStatus('sending', 10_000))];
  const waiting = new Set(pending.map((r) => r.conversationId));
  for (const conversationId of waiting) {
    const conversation = await store.conversations.get(conversationId);
    if (conversation) await queueDelivery(deliveries(conversation.channel), conversationId, `resume:${startedAt}`);
  }
  if (conversations.length || pending.length) logger.info({ conversations: conversations.length, outbound: pending.length }, 'resumed pending work from the store');
}
