import type { ChannelKind } from '../domain/message.js';
import { ChannelSendError, type ChannelAdapter } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { PermanentJobError, type Job } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import type { DeliveryJob } from './receive-inbound.js';

export interface DeliveryDeps {
  store: Store;
  adapters: Partial<Record<ChannelKind, ChannelAdapter>>;
  logger: Logger;
  clock: Clock;
  /** Attempts the queue makes; on the last one a retryable failure is recorded as failed. */
  maxAttempts: number;
}

/**
 * The outbound worker (Chatwoot's SendReplyJob): loads the stored message, skips it if already sent
 * (a redelivered job), sends it through the channel's adapter and records the delivery state.
 * Permanent refusals fail at once; a closed platform window keeps the message `held` until the
 * citizen's next interaction; transient failures are retried with backoff by the queue.
 */
export function createDeliveryWorker(deps: DeliveryDeps) {
  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const record = await deps.store.outbound.get(job.data.outboundId);
    if (!record || record.status === 'sent') return;
    const conversation = await deps.store.conversations.get(record.conversationId);
    if (!conversation) throw new PermanentJobError(`conversation of ${record.id} not found`, 'STORE.NOT_FOUND');
    const adapter = deps.adapters[conversation.channel];
    if (!adapter) throw new PermanentJobError(`channel ${conversation.channel} is not enabled`, 'CHANNEL.SEND_REJECTED');
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
      await deps.store.outbound.update(record.id, { status: 'sent', externalId, sentAt: deps.clock.now(), attempts: job.attempt });
    } catch (err) {
      if (!(err instanceof ChannelSendError)) throw err;
      const error = { code: `CHANNEL.${err.kind.toUpperCase()}`, ...(err.platformCode !== undefined ? { platformCode: err.platformCode } : {}), message: err.message };
      if (err.kind === 'window') {
        await deps.store.outbound.update(record.id, { status: 'held', attempts: job.attempt, error });
        deps.logger.info({ outboundId: record.id, platformCode: err.platformCode }, 'platform window closed; message held for the next interaction');
        return;
      }
      const final = err.kind === 'permanent' || job.attempt >= deps.maxAttempts;
      await deps.store.outbound.update(record.id, { status: final ? 'failed' : 'pending', attempts: job.attempt, error });
      deps.logger.warn({ outboundId: record.id, kind: err.kind, platformCode: err.platformCode, attempt: job.attempt }, 'delivery failed');
      if (err.kind === 'permanent') throw new PermanentJobError(err.message, 'CHANNEL.SEND_REJECTED');
      throw err;
    }
  };
}
