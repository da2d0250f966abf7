import type { JobQueue } from '../ports/queue.js';

/**
 * The queue vocabulary of the conversation pipeline: the turn queue, one delivery queue per channel,
 * and their jobs. Jobs only name a conversation; what to do is read from the store (the source of truth).
 */

/** A turn job names only the conversation: the worker takes its pending messages from the store in order. */
export interface TurnJob {
  conversationId: string;
}

/**
 * A delivery job names the conversation: the worker sends that conversation's pending replies in the
 * order they were created, so a later reply never overtakes an earlier one.
 */
export interface DeliveryJob {
  conversationId: string;
}

/** Attempts of one delivery job; each reply's own attempts are counted in the store. */
export const DELIVERY_JOB_ATTEMPTS = 8;

/** Queues a delivery run for a conversation; `cause` makes the job id unique per trigger. */
/** `background`: a news push, which waits behind citizens' replies on the channel's queue. */
export function queueDelivery(queue: JobQueue<DeliveryJob>, conversationId: string, cause: string, options: { background?: boolean } = {}): Promise<void> {
  return queue.add('deliver', { conversationId }, { jobId: `deliver:${conversationId}:${cause}`, attempts: DELIVERY_JOB_ATTEMPTS, backoffMs: 500, ...(options.background && { background: true }) });
}

export const TURN_QUEUE = 'turns';
export const outboundQueueName = (channel: string) => `outbound-${channel}`;
