import type { Conversation } from '../domain/conversation.js';
import { AppError } from '../domain/errors.js';
import { handoffOf, moveHandoff, type HandoffEvent, type HandoffOutcome, type HandoffRecord, type HandoffState, type HandoffStatus } from '../domain/handoff.js';
import type { ChannelKind, Reply } from '../domain/message.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { queueDelivery, type DeliveryJob } from './queues.js';

/**
 * The one way a conversation's handoff changes: the move is computed from the stored state with the
 * transition table (domain/handoff.ts), written over the revision it was computed from, then recorded
 * (a transcript activity whose id is the conversation and the new revision, so a replay records it
 * once; the stretch's HandoffRecord) and published as `handoff.moved`. System moves retry on a
 * conflicting write; an operator's move computed from what they saw fails with HANDOFF.CONFLICT.
 * System notices to the citizen (queue position, operator joined, out of hours…) go out like replies.
 */

export interface HandoffMovesDeps {
  store: Pick<Store, 'conversations' | 'activities' | 'handoffs' | 'outbound'>;
  events: Pick<EventBus, 'publish'>;
  clock: Clock;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
}

export interface MoveInput {
  conversationId: string;
  to: HandoffStatus;
  event: HandoffEvent;
  /** Fields of the new state, computed from the current one. */
  patch?: (current: HandoffState, conversation: Conversation) => Partial<Omit<HandoffState, 'status' | 'rev'>>;
  /** The revision the operator saw: a different stored one is HANDOFF.CONFLICT instead of a retry. */
  expectedRev?: number;
  actor?: { id: string; name: string };
  /** The hand-back summary (recorded on the activity and the stretch). */
  text?: string;
}

export interface Moved {
  conversation: Conversation;
  from: HandoffState;
  to: HandoffState;
}

const MOVE_ATTEMPTS = 5;

/** How a stretch ends, by the event that returns the conversation to the bot. */
const OUTCOMES: Partial<Record<HandoffEvent, HandoffOutcome>> = {
  resolve: 'resolved',
  leave: 'abandoned',
  unclaimed: 'unclaimed',
  'external-ended': 'external-ended',
};

export function createHandoffMoves(deps: HandoffMovesDeps) {
  const { store } = deps;

  async function load(conversationId: string): Promise<Conversation> {
    const conversation = await store.conversations.get(conversationId);
    if (!conversation) throw new AppError('HANDOFF.NOT_FOUND', 'No such conversation');
    return conversation;
  }

  async function recordStretch(from: HandoffState, to: HandoffState, event: HandoffEvent, at: Date, text: string | undefined): Promise<void> {
    const handoffId = to.handoffId ?? from.handoffId;
    if (!handoffId) return;
    const record = await store.handoffs.get(handoffId);
    if (!record) return;
    const patch: Partial<HandoffRecord> = {};
    if (to.status === 'queued' && record.queuedAt === undefined) patch.queuedAt = at;
    if (to.status === 'assigned') {
      patch.assigneeId = to.assigneeId!;
      if (record.assignedAt === undefined) patch.assignedAt = at;
    }
    if (event === 'reoffer' || event === 'transfer') patch.reoffers = record.reoffers + 1;
    if (to.status === 'bot') {
      patch.endedAt = at;
      const outcome = OUTCOMES[event];
      if (outcome) patch.outcome = outcome;
      if (text) patch.summary = text;
    }
    await store.handoffs.update(handoffId, patch);
  }

  return {
    load,

    /** Moves the conversation (see the module comment); HANDOFF.ILLEGAL_TRANSITION for a move the table refuses. */
    async move(input: MoveInput): Promise<Moved> {
      for (let attempt = 1; ; attempt += 1) {
        const conversation = await load(input.conversationId);
        const from = handoffOf(conversation);
        if (input.expectedRev !== undefined && from.rev !== input.expectedRev) {
          throw new AppError('HANDOFF.CONFLICT', 'The conversation changed meanwhile', { details: { rev: from.rev } });
        }
        const to = moveHandoff(from, input.to, input.event, input.patch?.(from, conversation));
        if (!(await store.conversations.setHandoff(conversation.id, from.rev, to))) {
          if (input.expectedRev !== undefined || attempt >= MOVE_ATTEMPTS) throw new AppError('HANDOFF.CONFLICT', 'The conversation changed meanwhile');
          continue;
        }
        const at = deps.clock.now();
        await store.activities.insert({
          id: `${conversation.id}:h${to.rev}`,
          conversationId: conversation.id,
          at,
          kind: 'transition',
          from: from.status,
          to: to.status,
          event: input.event,
          ...(to.reason !== undefined && to.status !== 'bot' ? { reason: to.reason } : {}),
          ...(input.actor ? { actor: input.actor } : {}),
          ...(input.text ? { text: input.text } : {}),
        });
        await recordStretch(from, to, input.event, at, input.text);
        await deps.events.publish('handoff.moved', { conversationId: conversation.id, from, to, event: input.event, at });
        return { conversation: { ...conversation, handoff: to }, from, to };
      }
    },

    /** Changes fields of the state without a move (first reply, a renewed pause); retried on conflicts. */
    async patch(conversationId: string, patch: (current: HandoffState) => Partial<Omit<HandoffState, 'status' | 'rev'>> | undefined): Promise<HandoffState | undefined> {
      for (let attempt = 1; attempt <= MOVE_ATTEMPTS; attempt += 1) {
        const current = handoffOf(await load(conversationId));
        const fields = patch(current);
        if (!fields) return current;
        const next = { ...current, ...fields, rev: current.rev + 1 };
        if (await store.conversations.setHandoff(conversationId, current.rev, next)) return next;
      }
      throw new AppError('HANDOFF.CONFLICT', 'The conversation changed meanwhile');
    },

    /**
     * Sends a system notice to the citizen; `key` makes its id deterministic (a replayed move or turn
     * sends it once). Notices are the only thing said while a person needs or holds the conversation.
     */
    async notify(conversation: Pick<Conversation, 'id' | 'channel'>, key: string, reply: Reply): Promise<void> {
      const id = `${conversation.id}#${key}`;
      const { created } = await store.outbound.insert({ id, conversationId: conversation.id, reply, purpose: 'response', status: 'pending', attempts: 0, createdAt: deps.clock.now() });
      if (created) await queueDelivery(deps.deliveries(conversation.channel), conversation.id, id);
    },
  };
}

export type HandoffMoves = ReturnType<typeof createHandoffMoves>;
