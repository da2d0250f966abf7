import { randomUUID } from 'node:crypto';
import { copyFor } from '../domain/copy/index.js';
import type { HandoffCopy } from '../domain/copy/types.js';
import type { Conversation, InboundMessage } from '../domain/conversation.js';
import { EXTERNAL_ASSIGNEE, HOTLINE_TEAM, handoffOf } from '../domain/handoff.js';
import type { Reply, ReplyButton } from '../domain/message.js';
import { csatPayload, parsePayload } from '../domain/payloads.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import { RetryLaterError } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import type { HandoffMoves } from './handoff-moves.js';
import type { HandoffPolicy, HandoffRouting } from './handoff-routing.js';

/**
 * The citizen's side of a handoff, as the turn worker meets it (src/core/run-turns.ts): while a person
 * needs or holds the conversation the bot does not run; the message is kept for the operator (and the
 * console told), "never mind" leaves the queue, a message to a snoozed conversation wakes it. An echo
 * (a message the OA or Page sent to the citizen) that is not one of our own sends means staff answered
 * from the platform's own inbox: the conversation becomes theirs (assignee `external`) and the bot
 * pauses, renewed by each staff message. After such a pause ends, the bot's next message first says it
 * is the assistant again.
 */

export interface HandoffCitizenDeps {
  store: Pick<Store, 'outbound' | 'handoffs'>;
  moves: HandoffMoves;
  routing: Pick<HandoffRouting, 'leave' | 'wake' | 'placeInQueue'>;
  events: Pick<EventBus, 'publish'>;
  clock: Clock;
  policy: Pick<HandoffPolicy, 'externalPauseMs'>;
  /** Our Messenger app id (FB_APP_ID): its echoes are ours whatever their id. */
  ownAppIds?: readonly string[];
}

/** How long an echo may wait for the send it echoes to be recorded before it is judged staff's. */
const ECHO_SETTLE_MS = 30_000;
const ECHO_RETRY_MS = 500;

/** Five rating buttons under the satisfaction question. */
export function csatButtons(copy: HandoffCopy, handoffId: string): ReplyButton[] {
  return [1, 2, 3, 4, 5].map((rating) => ({ title: copy.csatButton(rating), payload: csatPayload(rating, handoffId) }));
}

export function createHandoffCitizen(deps: HandoffCitizenDeps) {
  const { moves } = deps;

  /** Whether an echo is one of our own sends; RetryLaterError while a send of ours may still be recording its id. */
  async function isOurs(conversation: Conversation, message: InboundMessage): Promise<boolean> {
    if (message.echoAppId !== undefined && deps.ownAppIds?.includes(message.echoAppId)) return true;
    if (await deps.store.outbound.findByExternalId(conversation.id, message.externalId)) return true;
    const now = deps.clock.now().getTime();
    const inFlight = (await deps.store.outbound.listWithStatus(conversation.id, 'pending')).some((r) => now - r.createdAt.getTime() < ECHO_SETTLE_MS);
    if (inFlight && now - message.receivedAt.getTime() < ECHO_SETTLE_MS) throw new RetryLaterError(ECHO_RETRY_MS);
    return false;
  }

  return {
    /** An echo: ours is ignored; staff's hands the conversation to them and (re)starts the bot's pause. */
    async echo(conversation: Conversation, message: InboundMessage): Promise<'ours' | 'staff'> {
      if (await isOurs(conversation, message)) return 'ours';
      const now = deps.clock.now();
      const pausedUntil = new Date(now.getTime() + deps.policy.externalPauseMs);
      const state = handoffOf(conversation);
      if (state.status === 'assigned' && state.assigneeId === EXTERNAL_ASSIGNEE) {
        await moves.patch(conversation.id, () => ({ pausedUntil }));
      } else if ((state.status === 'assigned' || state.status === 'snoozed') && state.assigneeId !== undefined) {
        // An operator holds it in the console: staff writing from the platform's inbox too changes nothing here.
      } else {
        const stretchId = randomUUID();
        if (state.status === 'bot') {
          await deps.store.handoffs.insert({ id: stretchId, conversationId: conversation.id, channel: conversation.channel, team: HOTLINE_TEAM, reason: 'external', requestedAt: now, reoffers: 0 });
        }
        await moves.move({
          conversationId: conversation.id,
          to: 'assigned',
          event: 'external',
          patch: (s) => ({
            assigneeId: EXTERNAL_ASSIGNEE,
            assigneeName: undefined,
            assignedAt: now,
            firstReplyAt: now,
            pausedUntil,
            ...(s.status === 'bot' && { handoffId: stretchId, team: HOTLINE_TEAM, reason: 'external' as const }),
          }),
        });
      }
      await deps.events.publish('handoff.activity', { conversationId: conversation.id, kind: 'staff', at: now });
      return 'staff';
    },

    /**
     * A citizen's message while the conversation is not the bot's: kept for the operator, never answered
     * by the bot (`kept`), except a choice that leaves the queue for the bot to take (`to-bot`: leaving the
     * question for an agency, or a call-back, offered under a long wait). `picked`: the option a typed
     * number chose on a channel that numbers them.
     */
    async held(conversation: Conversation, message: InboundMessage, picked?: string): Promise<'kept' | 'to-bot'> {
      const state = handoffOf(conversation);
      const payload = parsePayload(message.payload ?? picked ?? message.text);
      if (state.status === 'queued' && payload?.kind === 'handoff') {
        await deps.routing.leave(conversation.id);
        return 'kept';
      }
      // A long wait's alternatives under the queue notice: the citizen leaves the queue and the bot takes the choice.
      if (state.status === 'queued' && payload?.kind === 'request' && (payload.item === 'agency' || payload.item === 'callback')) {
        if (await deps.routing.leave(conversation.id, { quiet: true })) return 'to-bot';
      }
      if (state.status === 'snoozed') {
        await deps.routing.wake(conversation).catch((err: unknown) => {
          // Woken meanwhile by the sweep or an operator: nothing left to do.
          if ((err as { code?: string }).code !== 'HANDOFF.CONFLICT') throw err;
        });
      }
      await deps.events.publish('handoff.activity', { conversationId: conversation.id, kind: 'citizen', at: message.receivedAt });
      return 'kept';
    },

    /** The notice the bot says first after a pause of external staff ended (Meta's disclosure rule); clears the flag. */
    async disclosure(conversation: Conversation): Promise<Reply | undefined> {
      if (!handoffOf(conversation).handedBack) return undefined;
      await moves.patch(conversation.id, (s) => (s.handedBack ? { handedBack: undefined } : undefined));
      return { text: copyFor(conversation.locale).bot.handoff.backToAssistant, meta: { tag: 'handoff' } };
    },

    /** The citizen's rating of a human conversation (their own stretch only, once). */
    async rate(conversationId: string, handoffId: string, rating: number): Promise<boolean> {
      const stretch = await deps.store.handoffs.get(handoffId);
      if (!stretch || stretch.conversationId !== conversationId || stretch.csat !== undefined || !Number.isInteger(rating) || rating < 1 || rating > 5) return false;
      await deps.store.handoffs.update(handoffId, { csat: rating });
      return true;
    },
  };
}

export type HandoffCitizen = ReturnType<typeof createHandoffCitizen>;
