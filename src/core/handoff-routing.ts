import { randomUUID } from 'node:crypto';
import { copyFor } from '../domain/copy/index.js';
import type { Conversation } from '../domain/conversation.js';
import { formatVietnamDateTime } from '../domain/dates.js';
import {
  EXTERNAL_ASSIGNEE,
  HOTLINE_TEAM,
  handoffOf,
  isOnline,
  isPresent,
  type HandoffReason,
  type HandoffState,
  type OperatorRequestOutcome,
  type OperatorPresence,
  type PresenceStatus,
} from '../domain/handoff.js';
import { REQUEST_AGENCY, REQUEST_CALLBACK, handoffLeavePayload } from '../domain/payloads.js';
import type { Reply } from '../domain/message.js';
import type { OperatorHours } from '../domain/operator-hours.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { QueueBackend } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import type { HandoffMoves } from './handoff-moves.js';

/**
 * The hotline's queue: a citizen's request for a person (explicit, two fallbacks, a sensitive matter)
 * joins it only when the hotline is open and someone is online; otherwise the citizen is told at once
 * and offered to leave the question for an agency or to be called back. Routing gives the
 * longest-waiting conversation to the online operator with the fewest conversations under the capacity
 * limit, the one longest without a new one first (round robin). The sweep (a schedule, every
 * HANDOFF_SWEEP_MS) re-offers a conversation whose operator did not reply in time or went offline,
 * returns one nobody claimed in time to the bot with the same offer, ends an external takeover's pause
 * and wakes snoozed conversations.
 */

/** What the queue needs of the hotline's hours (domain/operator-hours.ts). */
export type OperatorHoursView = Pick<OperatorHours, 'isOpen' | 'nextOpening' | 'describe'>;

export interface HandoffPolicy {
  /** A queued conversation nobody claims in this time goes back to the bot with the offer (OPERATOR_CLAIM_MINUTES). */
  claimMs: number;
  /** An assigned conversation without the operator's first reply in this time is re-offered (OPERATOR_FIRST_REPLY_MINUTES). */
  firstReplyMs: number;
  /** Conversations one operator holds at most when routing assigns (OPERATOR_CAPACITY). */
  capacity: number;
  /** The bot's silence after staff answered from the platform's inbox (OPERATOR_EXTERNAL_PAUSE_MINUTES). */
  externalPauseMs: number;
}

export interface HandoffRoutingDeps {
  store: Pick<Store, 'conversations' | 'handoffs' | 'presence'>;
  moves: HandoffMoves;
  backend: Pick<QueueBackend, 'lock'>;
  hours: OperatorHoursView;
  policy: HandoffPolicy;
  clock: Clock;
  logger: Logger;
}

export interface OperatorRequest {
  conversationId: string;
  reason: HandoffReason;
  question?: string;
  procedureId?: string;
  /** Said first when the request reaches the operators (an emergency's numbers); when nobody can be reached the flows say it. */
  preface?: string;
}

/** From this estimated wait the queue notice also offers to leave the question for an agency or be called back. */
export const LONG_WAIT_MINUTES = 15;
/** Handle time assumed before the hotline has resolved enough conversations to measure its own. */
const DEFAULT_HANDLE_MS = 6 * 60_000;
/** Resolved stretches the handle-time estimate averages. */
const HANDLE_SAMPLE = 50;
const QUEUE_SCAN = 1000;
const ROUTE_LOCK_MS = 10_000;
/** How long a request waits for the team's lock (a routing pass takes milliseconds) before going on without it. */
const ROUTE_LOCK_WAIT_MS = 5_000;
const ROUTE_LOCK_POLL_MS = 20;

/** The offer when no person can be reached: leave the question for an agency, or be called back. */
export function offerButtons(locale: Conversation['locale']): Reply['buttons'] {
  const b = copyFor(locale).bot.handoff.offerButtons;
  return [
    { title: b.agency, payload: REQUEST_AGENCY },
    { title: b.callback, payload: REQUEST_CALLBACK },
  ];
}

export function createHandoffRouting(deps: HandoffRoutingDeps) {
  const { store, moves, policy } = deps;
  const team = HOTLINE_TEAM;

  async function onlineOperators(now: Date): Promise<OperatorPresence[]> {
    return (await store.presence.listByTeam(team)).filter((p) => isOnline(p, now));
  }

  async function queued(): Promise<Conversation[]> {
    return (await store.conversations.listByHandoff(['queued'], QUEUE_SCAN)).filter((c) => handoffOf(c).team === team);
  }

  /** Average handle time (assignment to end) of the hotline's latest resolved stretches. */
  async function handleMs(now: Date): Promise<number> {
    const recent = await store.handoffs.listRequestedBetween(new Date(now.getTime() - 7 * 24 * 3600_000), now);
    const handled = recent.filter((h) => h.outcome === 'resolved' && h.assignedAt && h.endedAt).slice(-HANDLE_SAMPLE);
    if (handled.length < 5) return DEFAULT_HANDLE_MS;
    return handled.reduce((sum, h) => sum + (h.endedAt!.getTime() - h.assignedAt!.getTime()), 0) / handled.length;
  }

  /**
   * Position (1 = next) and estimated wait in minutes: the conversations ahead share the free places
   * first, then the operators' throughput (capacity per handle time).
   */
  async function placeInQueue(conversationId: string, now: Date): Promise<{ position: number; waitMinutes: number }> {
    const waiting = await queued();
    const index = waiting.findIndex((c) => c.id === conversationId);
    const position = index === -1 ? waiting.length + 1 : index + 1;
    const operators = await onlineOperators(now);
    const held = await store.conversations.listByHandoff(['assigned', 'snoozed'], QUEUE_SCAN);
    const load = held.filter((c) => operators.some((o) => o.id === handoffOf(c).assigneeId)).length;
    const free = Math.max(0, operators.length * policy.capacity - load);
    if (position <= free) return { position, waitMinutes: 1 };
    const perMinute = (Math.max(1, operators.length) * policy.capacity) / ((await handleMs(now)) / 60_000);
    return { position, waitMinutes: Math.max(1, Math.ceil((position - free) / perMinute)) };
  }

  async function assign(conversation: Conversation, operator: OperatorPresence, now: Date): Promise<boolean> {
    try {
      const moved = await moves.move({
        conversationId: conversation.id,
        to: 'assigned',
        event: 'route',
        expectedRev: handoffOf(conversation).rev,
        patch: () => ({ assigneeId: operator.id, assigneeName: operator.name, assignedAt: now }),
      });
      await store.presence.put({ ...operator, lastAssignedAt: now });
      const copy = copyFor(conversation.locale).bot.handoff;
      await moves.notify(moved.conversation, `h${moved.to.rev}`, { text: copy.assigned(operator.name), meta: { tag: 'handoff' } });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'HANDOFF.CONFLICT' || (err as { code?: string }).code === 'HANDOFF.ILLEGAL_TRANSITION') return false;
      throw err;
    }
  }

  /**
   * Runs `work` holding the team's queue lock, so the queue changes in one order across workers: every
   * routing pass, a request's "your place" notice and an operator's claim from the queue. Waits for the
   * lock (passes are short); after ROUTE_LOCK_WAIT_MS it goes on without it rather than fail a citizen's
   * turn (logged), since every move is still a compare-and-set.
   */
  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const key = `handoff:route:${team}`;
    let lease = await deps.backend.lock(key, ROUTE_LOCK_MS);
    for (const started = performance.now(); !lease && performance.now() - started < ROUTE_LOCK_WAIT_MS; ) {
      await new Promise((resolve) => setTimeout(resolve, ROUTE_LOCK_POLL_MS));
      lease = await deps.backend.lock(key, ROUTE_LOCK_MS);
    }
    if (!lease) deps.logger.warn({ team }, 'handoff: queue lock not obtained in time; going on without it');
    try {
      return await work();
    } finally {
      await lease?.release();
    }
  }

  /** One routing pass; the caller holds the team's lock. Returns how many conversations were assigned. */
  async function routePass(now: Date): Promise<number> {
    {
      const operators = await onlineOperators(now);
      if (operators.length === 0) return 0;
      const load = new Map<string, number>(operators.map((o) => [o.id, 0]));
      for (const c of await store.conversations.listByHandoff(['assigned', 'snoozed'], QUEUE_SCAN)) {
        const id = handoffOf(c).assigneeId;
        if (id !== undefined && load.has(id)) load.set(id, load.get(id)! + 1);
      }
      let assigned = 0;
      for (const conversation of await queued()) {
        const open = operators.filter((o) => load.get(o.id)! < policy.capacity);
        if (open.length === 0) break;
        const declined = new Set(handoffOf(conversation).offeredTo ?? []);
        const fresh = open.filter((o) => !declined.has(o.id));
        const pool = fresh.length > 0 ? fresh : open;
        const operator = pool.reduce((best, o) => {
          const byLoad = load.get(o.id)! - load.get(best.id)!;
          if (byLoad !== 0) return byLoad < 0 ? o : best;
          return (o.lastAssignedAt?.getTime() ?? 0) < (best.lastAssignedAt?.getTime() ?? 0) ? o : best;
        });
        if (await assign(conversation, operator, now)) {
          load.set(operator.id, load.get(operator.id)! + 1);
          operator.lastAssignedAt = now;
          assigned += 1;
        }
      }
      return assigned;
    }
  }

  /** A routing pass under the team's lock. */
  const route = (now: Date = deps.clock.now()): Promise<number> => exclusive(() => routePass(now));

  /** Returns a conversation to the queue (no reply in time, operator offline): the operator is skipped next time. False when someone moved it first. */
  async function reoffer(conversation: Conversation): Promise<boolean> {
    const state = handoffOf(conversation);
    return moves
      .move({
        conversationId: conversation.id,
        to: 'queued',
        event: 'reoffer',
        expectedRev: state.rev,
        patch: (s) => ({ offeredTo: [...new Set([...(s.offeredTo ?? []), s.assigneeId!])], assigneeId: undefined, assigneeName: undefined, assignedAt: undefined, firstReplyAt: undefined }),
      })
      .then(() => true, ignoreConflict);
  }

  const routing = {
    route,
    exclusive,
    placeInQueue,

    /**
     * A citizen asks for a person (or the bot decided they need one). Queued only in hours with an
     * operator online, then routed at once under the queue's lock: a free operator takes it ("operator X
     * took over", outcome `assigned`), else the citizen is told their place after routing and the wait
     * (outcome `queued`). The other outcomes are for the flows to word.
     */
    async request(input: OperatorRequest): Promise<OperatorRequestOutcome> {
      const now = deps.clock.now();
      const conversation = await moves.load(input.conversationId);
      const state = handoffOf(conversation);
      if (state.status !== 'bot') return { outcome: 'already' };
      const stretch = {
        id: randomUUID(),
        conversationId: conversation.id,
        channel: conversation.channel,
        team,
        reason: input.reason,
        ...(input.question ? { question: input.question } : {}),
        ...(input.procedureId ? { procedureId: input.procedureId } : {}),
        requestedAt: now,
        reoffers: 0,
      };
      const closed = !deps.hours.isOpen(now) ? 'out-of-hours' : (await onlineOperators(now)).length === 0 ? 'nobody-online' : undefined;
      if (closed) {
        // A citizen's own request that found nobody is a figure of its own; the bot's attempts (fallbacks, sensitive matters) are not.
        if (input.reason === 'requested') await store.handoffs.insert({ ...stretch, endedAt: now, outcome: 'closed' });
        if (closed === 'nobody-online') return { outcome: 'nobody-online' };
        const opens = deps.hours.nextOpening(now);
        return { outcome: 'out-of-hours', hours: deps.hours.describe(), ...(opens ? { opensAt: formatVietnamDateTime(opens) } : {}) };
      }
      await store.handoffs.insert(stretch);
      // Queued, routed and told, in one order with every other change of the queue.
      return exclusive(async () => {
        // The place in the queue is the order of entering it, under the lock (not of asking: a request may wait for the lock).
        const queuedAt = deps.clock.now();
        const moved = await moves.move({
          conversationId: conversation.id,
          to: 'queued',
          event: 'request',
          expectedRev: state.rev,
          patch: () => ({ handoffId: stretch.id, team, reason: input.reason, queuedAt }),
        });
        const copy = copyFor(conversation.locale).bot.handoff;
        if (input.preface) await moves.notify(moved.conversation, `h${moved.to.rev}-preface`, { text: input.preface, meta: { tag: 'handoff' } });
        await routePass(queuedAt);
        // Routed at once: "operator X took over" was said; otherwise the place and the wait.
        if (handoffOf(await moves.load(conversation.id)).status !== 'queued') return { outcome: 'assigned' } as const;
        const place = await placeInQueue(conversation.id, queuedAt);
        // A long wait (the 1022 lesson of overload): the alternatives are offered beside waiting.
        const long = place.waitMinutes >= LONG_WAIT_MINUTES;
        await moves.notify(moved.conversation, `h${moved.to.rev}`, {
          text: long ? `${copy.queued(place)}\n${copy.longWait}` : copy.queued(place),
          buttons: [{ title: copy.leaveButton, payload: handoffLeavePayload() }, ...(long ? offerButtons(conversation.locale)! : [])],
          meta: { tag: 'handoff' },
        });
        return { outcome: 'queued', ...place } as const;
      });
    },

    /**
     * The citizen leaves the queue: back to the bot, counted as abandoned, told so unless `quiet` (they
     * chose an alternative the bot now takes up).
     */
    async leave(conversationId: string, options: { quiet?: boolean } = {}): Promise<boolean> {
      const conversation = await moves.load(conversationId);
      if (handoffOf(conversation).status !== 'queued') return false;
      const moved = await moves.move({ conversationId, to: 'bot', event: 'leave' }).catch(ignoreConflict);
      if (!moved) return false;
      if (!options.quiet) await moves.notify(moved.conversation, `h${moved.to.rev}`, { text: copyFor(conversation.locale).bot.handoff.left, meta: { tag: 'handoff' } });
      return true;
    },

    /** An operator's presence (the console's heartbeat); going offline re-offers what they hold, coming online routes. */
    async setPresence(operator: { id: string; name: string }, status: PresenceStatus): Promise<OperatorPresence> {
      const now = deps.clock.now();
      const before = await store.presence.get(operator.id);
      const presence: OperatorPresence = { id: operator.id, name: operator.name, team, status, seenAt: now, ...(before?.lastAssignedAt ? { lastAssignedAt: before.lastAssignedAt } : {}) };
      await store.presence.put(presence);
      if (status === 'offline') {
        for (const c of await store.conversations.listByHandoff(['assigned'], QUEUE_SCAN)) if (handoffOf(c).assigneeId === operator.id) await reoffer(c);
      }
      await route(now);
      return presence;
    },

    /** The periodic sweep; returns what it did, for the schedule's log line. */
    async sweep(now: Date = deps.clock.now()): Promise<{ unclaimed: number; reoffered: number; resumed: number; woken: number; assigned: number }> {
      const done = { unclaimed: 0, reoffered: 0, resumed: 0, woken: 0, assigned: 0 };
      const t = now.getTime();
      for (const conversation of await queued()) {
        const state = handoffOf(conversation);
        // Claimed conversations (re-offered after a first assignment) never time out.
        if (state.offeredTo?.length || !state.queuedAt || t - state.queuedAt.getTime() < policy.claimMs) continue;
        try {
          const moved = await moves.move({ conversationId: conversation.id, to: 'bot', event: 'unclaimed', expectedRev: state.rev });
          const copy = copyFor(conversation.locale).bot.handoff;
          await moves.notify(moved.conversation, `h${moved.to.rev}`, {
            text: copy.unclaimed(Math.round(policy.claimMs / 60_000)),
            buttons: offerButtons(conversation.locale),
            meta: { tag: 'operator-requested' },
          });
          done.unclaimed += 1;
        } catch (err) {
          if ((err as { code?: string }).code !== 'HANDOFF.CONFLICT') throw err;
        }
      }
      // Away operators keep what they hold (they get nothing new); offline or silent ones lose it.
      const present = new Set((await store.presence.listByTeam(team)).filter((p) => isPresent(p, now)).map((p) => p.id));
      for (const conversation of await store.conversations.listByHandoff(['assigned', 'snoozed'], QUEUE_SCAN)) {
        const state = handoffOf(conversation);
        if (state.status === 'snoozed') {
          if (state.snoozedUntil && state.snoozedUntil.getTime() <= t && (await wake(conversation).then(() => true, ignoreConflict))) done.woken += 1;
          continue;
        }
        if (state.assigneeId === EXTERNAL_ASSIGNEE) {
          if (state.pausedUntil && state.pausedUntil.getTime() <= t) {
            const ended = await moves.move({ conversationId: conversation.id, to: 'bot', event: 'external-ended', expectedRev: state.rev, patch: () => ({ handedBack: true }) }).then(() => true, ignoreConflict);
            if (ended) done.resumed += 1;
          }
          continue;
        }
        const silent = !state.firstReplyAt && state.assignedAt !== undefined && t - state.assignedAt.getTime() >= policy.firstReplyMs;
        if ((silent || (state.assigneeId !== undefined && !present.has(state.assigneeId))) && (await reoffer(conversation))) done.reoffered += 1;
      }
      done.assigned = await route(now);
      return done;
    },
  };

  async function wake(conversation: Conversation): Promise<void> {
    await moves.move({ conversationId: conversation.id, to: 'assigned', event: 'wake', expectedRev: handoffOf(conversation).rev });
  }

  return { ...routing, wake };
}

/** A move someone else made first is no failure of the sweep: false; anything else is rethrown. */
function ignoreConflict(err: unknown): false {
  if ((err as { code?: string }).code !== 'HANDOFF.CONFLICT') throw err;
  return false;
}

export type HandoffRouting = ReturnType<typeof createHandoffRouting>;
export type { HandoffState };
