import { createBotEngine } from '../bot/engine.js';
import type { Config } from '../config.js';
import { createDeliveryWorker } from '../core/deliver-outbound.js';
import { createStoreOutageRetry } from '../core/store-outage.js';
import { createBreakers } from '../core/platform-breaker.js';
import { createEventBus } from '../core/event-bus.js';
import { createWindowNotices } from '../core/ticket-notices.js';
import { outboundQueueName, TURN_QUEUE, type DeliveryJob, type TurnJob } from '../core/queues.js';
import { createTurnRunner } from '../core/run-turns.js';
import { vi } from '../domain/copy/vi.js';
import type { ChannelKind } from '../domain/message.js';
import type { ChannelAdapter } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { ConversationEngine } from '../ports/conversation-engine.js';
import type { KnowledgeSearch } from '../ports/knowledge.js';
import type { Logger } from '../ports/logger.js';
import type { JobQueue, QueueBackend, QueueWorker } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import type { TicketPolicy, TicketService } from '../core/tickets.js';
import { agencyNames } from '../core/agency-names.js';
import { buildFlowServices } from './flow-services.js';
import { buildTicketService } from './tickets.js';
import type { SystemLimiters } from './coordination.js';
import { subscribeDeliveryListeners } from './listeners.js';
import type { PublishedAnswers } from './published-answers.js';
import type { Handoff } from './handoff.js';
import type { NewsSubscriptions } from '../core/news-subscriptions.js';

/** Send attempts per reply before it is recorded as failed (spent only while the channel's breaker is closed). */
export const DELIVERY_ATTEMPTS = 5;
const TURN_CONCURRENCY = 16;
const DELIVERY_CONCURRENCY = 16;

/** The ticket policy the configuration sets (TICKET_DUE_DAYS_QUESTION/_FEEDBACK, TICKET_REOPEN_DAYS). */
export function ticketPolicy(config: Config): TicketPolicy {
  return { dueWorkingDays: { ...config.tickets.dueWorkingDays }, reopenWindowDays: config.tickets.reopenWindowDays };
}

/** One queue per channel for delivery runs, created on first use. */
export function deliveryQueues(backend: QueueBackend): (channel: ChannelKind) => JobQueue<DeliveryJob> {
  const queues = new Map<ChannelKind, JobQueue<DeliveryJob>>();
  return (channel) => {
    let q = queues.get(channel);
    if (!q) queues.set(channel, (q = backend.queue<DeliveryJob>(outboundQueueName(channel))));
    return q;
  };
}

export interface WorkerParts {
  config: Config;
  logger: Logger;
  store: Store;
  backend: QueueBackend;
  knowledge: KnowledgeSearch;
  adapters: Partial<Record<ChannelKind, ChannelAdapter>>;
  clock: Clock;
  /** Turn jobs run at once by this worker set (default 16). */
  turnConcurrency?: number;
  /** The ticket use cases; built from config.catalogDir when absent. */
  tickets?: TicketService;
  /** Agencies' published answers, reused when the brain abstains (issue 4). */
  published?: Pick<PublishedAnswers, 'find'>;
  /** The chat's phone-proof throttles (src/system/coordination.ts); in-memory ones of this worker set when absent. */
  limiters?: Pick<SystemLimiters, 'proofByConversation' | 'proofByCode'>;
  /**
   * Where this worker set's deliveries publish `reply.settled` (its delivery listeners subscribe to it);
   * a bus of its own when absent, so several worker sets in one process each react once.
   */
  events?: EventBus;
  /** The live handoff (src/system/handoff.ts): its citizen side runs in the turn worker, its queue in the flows. */
  handoff?: Pick<Handoff, 'citizen' | 'routing'>;
  /** Citizens' news subscriptions (src/system/news.ts), for the flows. */
  news?: NewsSubscriptions;
  /** Lets a test observe turns; the real engine is always what runs. */
  observeEngine?: (engine: ConversationEngine) => ConversationEngine;
}

/**
 * The worker role: the Botkit engine over the flows, the turn worker and one rate-limited delivery
 * worker per channel. startSystem runs one set; tests and the bench start more against the same store
 * and Redis to play several workers.
 */
export async function startWorkers(parts: WorkerParts): Promise<QueueWorker[]> {
  const { config, logger, store, backend, knowledge, adapters, clock } = parts;
  const events = parts.events ?? createEventBus(logger.child({ component: 'events' }));
  const deliveries = deliveryQueues(backend);
  const tickets =
    parts.tickets ??
    buildTicketService({
      catalogDir: config.catalogDir,
      knowledge,
      store,
      clock,
      copy: vi,
      deliveries,
      policy: ticketPolicy(config),
    });
  const handoff = parts.handoff;
  const services = buildFlowServices({
    knowledge,
    store,
    copy: vi,
    clock,
    tickets,
    ...(parts.published ? { published: parts.published } : {}),
    ...(parts.limiters ? { limiters: parts.limiters } : {}),
    ...(parts.news ? { news: parts.news } : {}),
    ...(handoff ? { handoff: { request: (input) => handoff.routing.request(input), rate: (...args) => handoff.citizen.rate(...args) } } : {}),
  });
  const engine = await createBotEngine({ dialogState: store.dialogState, services });
  const runTurns = createTurnRunner({
    store,
    backend,
    engine: parts.observeEngine ? parts.observeEngine(engine) : engine,
    deliveries,
    logger: logger.child({ worker: 'turns' }),
    clock,
    apology: { text: vi.bot.apology },
    typing: async (c) => adapters[c.channel]?.typing?.(c.userId),
    ...(handoff ? { handoff: handoff.citizen } : {}),
  });
  const workers = [backend.worker<TurnJob>(TURN_QUEUE, runTurns, { concurrency: parts.turnConcurrency ?? TURN_CONCURRENCY })];
  const noticeHeldAnswer = createWindowNotices({
    tickets,
    conversations: store.conversations,
    adapters,
    agencyName: agencyNames(knowledge),
    clock,
    logger: logger.child({ worker: 'window-notices' }),
  });
  subscribeDeliveryListeners(events, { engine, tickets, noticeHeldAnswer });
  const outboundLogger = logger.child({ worker: 'outbound' });
  // One circuit breaker per channel in this worker set (per process: see src/core/platform-breaker.ts).
  const breakers = createBreakers({ threshold: config.platformBreaker.failures, openMs: config.platformBreaker.openMs }, (t) => {
    const fields = { channel: t.channel, from: t.from, to: t.to, failures: t.failures, ...(t.openMs !== undefined ? { openMs: t.openMs } : {}) };
    if (t.to === 'open') outboundLogger.warn(fields, 'platform breaker opened: sends paused, replies wait in order');
    else if (t.to === 'closed') outboundLogger.warn(fields, 'platform breaker closed: sends resumed');
    else outboundLogger.info(fields, 'platform breaker half-open: one probe');
  });
  // A store outage makes a delivery run wait and come back (not spend its attempts, not log per job).
  const storeOutage = createStoreOutageRetry();
  const deliver = createDeliveryWorker({
    store,
    backend,
    adapters,
    logger: outboundLogger,
    clock,
    maxAttempts: DELIVERY_ATTEMPTS,
    events,
    breakers,
    // Redis holds the conversation's lease and can lose it (a FLUSHALL) while a call is out in another process.
    claimStaleMs: config.redisUrl ? config.sendClaimMs : 0,
  });
  const rates: Partial<Record<ChannelKind, number>> = { zalo: config.channels.zalo.sendRatePerSecond, messenger: config.channels.messenger.sendRatePerSecond };
  for (const channel of Object.keys(adapters) as ChannelKind[]) {
    const rate = rates[channel];
    workers.push(backend.worker<DeliveryJob>(outboundQueueName(channel), storeOutage.wrap(deliver, (job) => job.data.conversationId), { concurrency: DELIVERY_CONCURRENCY, ...(rate ? { limiter: { max: rate, durationMs: 1000 } } : {}) }));
  }
  return workers;
}
