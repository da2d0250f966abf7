import type { Conversation, InboundMessage, TurnDecision } from '../domain/conversation.js';
import { isStoreUnavailable } from '../domain/errors.js';
import { handoffOf } from '../domain/handoff.js';
import type { ChannelKind, Reply } from '../domain/message.js';
import type { ConversationEngine } from '../ports/conversation-engine.js';
import type { Logger } from '../ports/logger.js';
import type { Job, JobQueue, QueueBackend } from '../ports/queue.js';
import { withLease } from './conversation-lease.js';
import type { HandoffCitizen } from './handoff-citizen.js';
import type { Store } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';
import { queueDelivery, type DeliveryJob, type TurnJob } from './queues.js';
import { createStoreOutageRetry, type StoreOutageRetryOptions } from './store-outage.js';

export interface TurnRunnerDeps {
  store: Store;
  backend: Pick<QueueBackend, 'lock'>;
  engine: ConversationEngine;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  logger: Logger;
  clock: Clock;
  /** Said when a turn fails, so the citizen is never left without an answer. */
  apology: Reply;
  /** Longest a turn may take before it is abandoned (and apologized for). */
  turnTimeoutMs?: number;
  /** Shows a typing indicator on the conversation's channel while its turn runs (best effort). */
  typing?: (conversation: Conversation) => Promise<void>;
  /** Live handoff: echoes, messages while a person needs or holds the conversation, the disclosure after external staff. */
  handoff?: Pick<HandoffCitizen, 'echo' | 'held' | 'disclosure'>;
  /** Delays of a turn that met a store outage (tests shorten them). */
  storeRetry?: StoreOutageRetryOptions;
}

const DEFAULT_TURN_TIMEOUT_MS = 10_000;
/** Platform windows are hours and days long: the last interaction is recorded to the minute. */
const INTERACTION_PRECISION_MS = 60_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`turn timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The turn worker: takes the conversation's lease (so its turns run one at a time, in order, whatever
 * the number of workers), then processes every pending message of that conversation in seq order.
 * A busy conversation re-runs the job shortly. Replies are stored with ids derived from the inbound message
 * before they are queued, so a turn replayed after a crash cannot send twice.
 */
export function createTurnRunner(deps: TurnRunnerDeps) {
  const turnTimeoutMs = deps.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;

  async function queueReplies(conversation: Conversation, message: InboundMessage, replies: Reply[], tag: string): Promise<void> {
    for (const [i, reply] of replies.entries()) {
      const id = `${message.id}#${tag}${i}`;
      await deps.store.outbound.insert({
        id,
        conversationId: conversation.id,
        inReplyTo: message.id,
        reply,
        purpose: 'response',
        status: 'pending',
        attempts: 0,
        createdAt: deps.clock.now(),
      });
    }
    if (replies.length > 0) await queueDelivery(deps.deliveries(conversation.channel), conversation.id, message.id);
  }

  /** The citizen interacted: their platform window reopens and replies held for it go out now. */
  async function markInteraction(conversation: Conversation, message: InboundMessage): Promise<void> {
    if (message.receivedAt.getTime() - conversation.lastInboundAt.getTime() > INTERACTION_PRECISION_MS) {
      await deps.store.conversations.update(conversation.id, { lastInboundAt: message.receivedAt });
    }
    const held = await deps.store.outbound.listWithStatus(conversation.id, 'held');
    for (const record of held) await deps.store.outbound.update(record.id, { status: 'pending' });
    if (held.length > 0) await queueDelivery(deps.deliveries(conversation.channel), conversation.id, `held:${message.id}`);
  }

  async function runOne(conversation: Conversation, message: InboundMessage): Promise<void> {
    // An echo is something sent TO the citizen (ours, or staff from the platform's inbox): not an interaction.
    if (message.kind === 'echo') {
      await deps.handoff?.echo(conversation, message);
      await deps.store.inbound.setStatus(message.id, 'done', { processedAt: deps.clock.now() });
      return;
    }
    await markInteraction(conversation, message);
    // A person needs or holds the conversation: the bot says nothing; the message waits in the transcript.
    if (handoffOf(conversation).status !== 'bot') {
      const picked = message.payload === undefined ? await deps.engine.choice?.(conversation.id, message.text) : undefined;
      if ((await deps.handoff?.held(conversation, message, picked)) !== 'to-bot') {
        await deps.store.inbound.setStatus(message.id, 'done', { processedAt: deps.clock.now() });
        return;
      }
      // The citizen left the queue by choosing what the bot offers instead: the bot takes this message.
      conversation = (await deps.store.conversations.get(conversation.id)) ?? conversation;
    }
    // A turn cut after its decision was recorded is completed from it, never decided again (TurnDecision);
    // the decision rides on the message's own record and goes with its final status.
    const outcome = message.decided ?? (await decide(conversation, message));
    if (!message.decided) await deps.store.inbound.recordDecision(message.id, outcome);
    await queueReplies(conversation, message, outcome.replies, outcome.tag);
    await deps.store.inbound.setStatus(message.id, outcome.status, { ...(outcome.error !== undefined && { error: outcome.error }), processedAt: deps.clock.now() });
  }

  /**
   * Runs the engine for one message: its replies, or the apology when the turn fails. A store outage is
   * not a failed turn (nothing to apologize for: the turn runs again once the store is back), so it is
   * thrown on.
   */
  async function decide(conversation: Conversation, message: InboundMessage): Promise<TurnDecision> {
    deps.typing?.(conversation).catch((err: unknown) => deps.logger.debug({ err, conversationId: conversation.id }, 'typing indicator failed'));
    try {
      const replies = await withTimeout(deps.engine.handleTurn({ conversation, message }), turnTimeoutMs);
      const disclosure = replies.length > 0 ? await deps.handoff?.disclosure(conversation) : undefined;
      return { tag: 'r', replies: disclosure ? [disclosure, ...replies] : replies, status: 'done' };
    } catch (err) {
      if (isStoreUnavailable(err)) throw err;
      const code = (err as { code?: string }).code ?? 'TURN.FAILED';
      deps.logger.error({ err, conversationId: conversation.id, messageId: message.id, code }, 'turn failed; apologizing');
      return { tag: 'e', replies: [{ ...deps.apology, meta: deps.apology.meta ?? { tag: 'error' } }], status: 'failed', error: code };
    }
  }

  const storeRetry = createStoreOutageRetry(deps.storeRetry);

  /**
   * A store outage anywhere in the turn (STORE.UNAVAILABLE) runs the job again later with a growing
   * delay and without spending an attempt (store-outage.ts): the message stays pending in the store,
   * and what the turn wrote before the outage is completed by the next run (TurnDecision).
   */
  return async function handle(job: Job<TurnJob>): Promise<void> {
    const { conversationId } = job.data;
    try {
      await withLease(deps.backend, `turn:${conversationId}`, async () => {
        for (;;) {
          const message = await deps.store.inbound.nextPending(conversationId);
          if (!message) break;
          const conversation = await deps.store.conversations.get(conversationId);
          if (!conversation) break;
          await runOne(conversation, message);
        }
      });
    } catch (err) {
      storeRetry.rethrow(conversationId, err);
    }
    storeRetry.succeeded(conversationId);
  };
}
