import type { Config } from '../config.js';
import { createCannedReplies } from '../core/canned-replies.js';
import { createHandoffCitizen } from '../core/handoff-citizen.js';
import { createHandoffMoves } from '../core/handoff-moves.js';
import { createHandoffRouting, type HandoffPolicy } from '../core/handoff-routing.js';
import { createOperatorDesk } from '../core/operator-desk.js';
import { createPhoneIntake } from '../core/phone-intake.js';
import type { DeliveryJob } from '../core/queues.js';
import type { TicketService } from '../core/tickets.js';
import { vi } from '../domain/copy/vi.js';
import type { Conversation } from '../domain/conversation.js';
import type { ChannelKind } from '../domain/message.js';
import { operatorHours } from '../domain/operator-hours.js';
import { localDateOf, type WorkingCalendar } from '../domain/working-days.js';
import type { AuditLog } from '../ports/audit.js';
import type { ChannelAdapter } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { KnowledgeSearch } from '../ports/knowledge.js';
import type { Logger } from '../ports/logger.js';
import type { JobQueue, QueueBackend } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { agencyNames } from '../core/agency-names.js';
import { answerRenderer } from './flow-services.js';
import type { Schedule } from './schedules.js';

/** How often the handoff sweep runs (unclaimed, re-offers, external pauses, snoozes, routing). */
export const HANDOFF_SWEEP_MS = 15_000;
/** Suggestions beside the composer. */
const SUGGESTIONS = 3;

export function handoffPolicy(config: Config): HandoffPolicy {
  const o = config.operators;
  return { claimMs: o.claimTimeoutMs, firstReplyMs: o.firstReplyTimeoutMs, capacity: o.capacity, externalPauseMs: o.externalPauseMs };
}

/**
 * The live handoff's parts over one store, queue backend and event bus: the moves, the queue and its
 * routing, the citizen's side (for the turn worker), the operators' desk, phone intake and canned
 * replies (for the web role), and the sweep schedule (for the worker role).
 */
export function buildHandoff(deps: {
  config: Config;
  store: Store;
  backend: QueueBackend;
  clock: Clock;
  logger: Logger;
  events: EventBus;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  tickets: TicketService;
  knowledge: KnowledgeSearch;
  calendar: WorkingCalendar;
  adapters: Partial<Record<ChannelKind, ChannelAdapter>>;
  audit: AuditLog;
  policy?: Partial<HandoffPolicy>;
}) {
  const { config, store, clock, events } = deps;
  const policy = { ...handoffPolicy(config), ...deps.policy };
  const moves = createHandoffMoves({ store, events, clock, deliveries: deps.deliveries });
  const routing = createHandoffRouting({ store, moves, backend: deps.backend, hours: operatorHours(config.operators.hours, deps.calendar), policy, clock, logger: deps.logger.child({ component: 'handoff' }) });
  const citizen = createHandoffCitizen({ store, moves, routing, events, clock, policy, ...(config.channels.messenger.appId ? { ownAppIds: [config.channels.messenger.appId] } : {}) });
  const agencyName = agencyNames(deps.knowledge);
  const render = answerRenderer(vi, deps.knowledge, clock);
  const desk = createOperatorDesk({
    store,
    moves,
    routing,
    tickets: deps.tickets,
    deliveries: deps.deliveries,
    events,
    audit: deps.audit,
    clock,
    humanAgentTag: config.channels.messenger.humanAgentTag,
    agencyName,
    procedureName: (id) => deps.knowledge.getProcedure(id)?.name,
    suggest: (text) => {
      const result = deps.knowledge.ask(text);
      const candidates = [...(result.best ? [result.best] : []), ...result.alternatives].filter((c, i, all) => all.findIndex((o) => o.procedure.id === c.procedure.id) === i);
      return candidates.slice(0, SUGGESTIONS).map((c) => ({ procedureId: c.procedure.id, name: c.procedure.name, text: render.procedure(c.procedure) }));
    },
    typing: async (c: Conversation) => deps.adapters[c.channel]?.typing?.(c.userId),
  });
  const calls = createPhoneIntake({ store, tickets: deps.tickets, audit: deps.audit, clock, agencyName, formatDate: (at) => vi.bot.tickets.formatDate(localDateOf(at)) });
  const canned = createCannedReplies({ store, audit: deps.audit, clock });
  const schedule: Schedule = { name: 'handoff', everyMs: HANDOFF_SWEEP_MS, run: (now) => routing.sweep(now) };
  return { moves, routing, citizen, desk, calls, canned, schedule, policy };
}

export type Handoff = ReturnType<typeof buildHandoff>;
