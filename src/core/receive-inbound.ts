import { conversationKey, type InboundEvent } from '../domain/message.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/queue.js';
import type { TurnJob } from './queues.js';
import type { Store } from '../ports/store.js';

export interface ReceiveResult {
  /** False when the platform redelivered a message already stored. */
  created: boolean;
  conversationId: string;
}

export interface InboundReceiverDeps {
  store: Store;
  /**
   * Where the message's turn is queued. The system passes a guarded queue (createQueueGuard in
   * ./queues.js): its add never fails and waits at most QUEUE_ADD_TIMEOUT_MS, so a Redis outage does not
   * fail a message already stored (the reconciler queues its turn once Redis is back).
   */
  turns: JobQueue<TurnJob>;
  clock: Clock;
}

/** Conversations this process has seen, so a returning citizen's message costs one store write. */
const KNOWN_CONVERSATIONS = 50_000;

/**
 * The webhook side of a message: store it first (so nothing is lost whatever happens next), then queue
 * a turn for its conversation (stored is what counts: the webhook acknowledges even when the queue cannot
 * take the turn now, and only a store failure answers 503). A redelivered platform message is recognized by its id and neither
 * stored nor queued twice. It runs before the webhook answers, so it does as little as possible: the
 * contact and conversation are created once, everything else happens in the turn worker.
 */
export function createInboundReceiver(deps: InboundReceiverDeps) {
  const known = new Set<string>();
  return async function receive(event: InboundEvent): Promise<ReceiveResult> {
    const now = deps.clock.now();
    const conversationId = conversationKey(event.channel, event.accountId, event.userId);
    if (!known.has(conversationId)) {
      const identity = { channel: event.channel, accountId: event.accountId, userId: event.userId };
      const contact = await deps.store.contacts.upsertByIdentity(identity, now);
      await deps.store.conversations.getOrOpen({ id: conversationId, contactId: contact.id, ...identity, at: now });
      if (known.size >= KNOWN_CONVERSATIONS) known.clear();
      known.add(conversationId);
    }
    const { created, message } = await deps.store.inbound.insert({
      id: `${event.channel}:${event.externalId}`,
      conversationId,
      externalId: event.externalId,
      kind: event.kind,
      ...(event.text !== undefined ? { text: event.text } : {}),
      ...(event.payload !== undefined ? { payload: event.payload } : {}),
      receivedAt: now,
    });
    if (created) await deps.turns.add('turn', { conversationId }, { jobId: `turn:${message.id}`, attempts: 5, backoffMs: 200 });
    return { created, conversationId };
  };
}

export type InboundReceiver = ReturnType<typeof createInboundReceiver>;
