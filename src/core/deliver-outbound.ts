import type { OutboundRecord } from '../domain/conversation.js';
import type { ReplyOutcome } from '../domain/events.js';
import type { ChannelKind } from '../domain/message.js';
import { ChannelSendError, type ChannelAdapter } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { Logger } from '../ports/logger.js';
import type { Job, QueueBackend } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { withLease } from './conversation-lease.js';
import type { DeliveryJob } from './queues.js';

export interface DeliveryDeps {
  store: Store;
  backend: Pick<QueueBackend, 'lock'>;
  adapters: Partial<Record<ChannelKind, ChannelAdapter>>;
  logger: Logger;
  clock: Clock;
  /** Send attempts per reply before it is recorded as failed. */
  maxAttempts: number;
  /** Where each reply's settled outcome is published (`reply.settled`), once it is stored. */
  events: Pick<EventBus, 'publish'>;
}

/** Transient failure of the reply at the head of a conversation: the job retries with backoff. */
class DeliveryRetry extends Error {
  constructor(readonly outboundId: string, cause: unknown) {
    super(`delivery of ${outboundId} will be retried`, { cause });
    this.name = 'DeliveryRetry';
  }
}

/**
 * The outbound worker (Chatwoot's SendReplyJob, per conversation): under the conversation's delivery
 * lease it sends the pending replies oldest first and records each one's state. Permanent refusals are
 * recorded as failed and not retried; a closed platform window keeps the reply `held` until the
 * citizen's next interaction (a news push is recorded failed instead: late news is no news); a news push
 * is marked `sending` before its platform call and never sent twice (see DeliveryStatus); a transient failure stops the run (so nothing overtakes that reply) and
 * the job retries with backoff, until the reply has used its attempts.
 */
export function createDeliveryWorker(deps: DeliveryDeps) {
  async function settle(record: OutboundRecord, patch: Parameters<Store['outbound']['update']>[1], outcome: ReplyOutcome, at: Date): Promise<void> {
    await deps.store.outbound.update(record.id, patch);
    await deps.events.publish('reply.settled', { record: { ...record, ...patch }, outcome, at });
  }

  async function deliverOne(record: OutboundRecord): Promise<void> {
    const conversation = await deps.store.conversations.get(record.conversationId);
    const adapter = conversation && deps.adapters[conversation.channel];
    if (!conversation || !adapter) {
      await settle(record, { status: 'failed', error: { code: 'CHANNEL.SEND_REJECTED', message: 'channel not enabled' } }, 'failed', deps.clock.now());
      return;
    }
    const attempts = record.attempts + 1;
    // News is sent at most once: marked before the call, so a crash during it is never followed by a second send.
    if (record.purpose === 'news') await deps.store.outbound.update(record.id, { status: 'sending' });
    try {
      const { externalId } = await adapter.send({
        id: record.id,
        channel: conversation.channel,
        accountId: conversation.accountId,
        userId: conversation.userId,
        conversationId: conversation.id,
        reply: record.reply,
        purpose: record.purpose,
        lastInboundAt: conversation.lastInboundAt.getTime(),
      });
      const sentAt = deps.clock.now();
      await settle(record, { status: 'sent', externalId, sentAt, attempts }, 'sent', sentAt);
    } catch (err) {
      if (!(err instanceof ChannelSendError)) throw err;
      const error = { code: `CHANNEL.${err.kind.toUpperCase()}`, ...(err.platformCode !== undefined ? { platformCode: err.platformCode } : {}), message: err.message };
      const where = { outboundId: record.id, kind: err.kind, platformCode: err.platformCode, attempts };
      // News is not kept for the citizen's next visit (it would arrive out of date): it stays in their "tin mới".
      if (err.kind === 'window' && record.purpose !== 'news') {
        await settle(record, { status: 'held', attempts, error }, 'held', deps.clock.now());
        deps.logger.info(where, 'platform window closed; reply held for the next interaction');
        return;
      }
      const final = err.kind === 'permanent' || err.kind === 'window' || attempts >= deps.maxAttempts;
      if (final) await settle(record, { status: 'failed', attempts, error }, 'failed', deps.clock.now());
      else await deps.store.outbound.update(record.id, { status: 'pending', attempts, error });
      deps.logger.warn(where, final ? 'delivery failed' : 'delivery failed; will retry');
      if (!final) throw new DeliveryRetry(record.id, err);
    }
  }

  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const { conversationId } = job.data;
    await withLease(deps.backend, `deliver:${conversationId}`, async () => {
      // Left `sending` by a run that died during the platform call (the lease is ours now): maybe delivered, never resent.
      for (const record of await deps.store.outbound.listWithStatus(conversationId, 'sending')) {
        await settle(record, { status: 'failed', error: { code: 'DELIVERY.INTERRUPTED', message: 'the sender stopped during the platform call; not sent again' } }, 'failed', deps.clock.now());
        deps.logger.warn({ outboundId: record.id }, 'news push interrupted during its platform call; recorded failed, not resent');
      }
      for (const record of await deps.store.outbound.listWithStatus(conversationId, 'pending')) await deliverOne(record);
    });
  };
}
