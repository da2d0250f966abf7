import type { Server } from 'node:http';
import type { Express } from 'express';
import { createMessengerAdapter } from '../../adapters/messenger/index.js';
import { createWebchat } from '../../adapters/webchat/index.js';
import { createZaloAdapter } from '../../adapters/zalo/index.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { createBrain } from '../../knowledge/brain/index.js';
import { buildApp, buildProbeApp } from '../app.js';
import { createWidgetRouter, type WidgetRouter } from '../http/widget.router.js';
import { createTicketLookupRouter } from '../http/ticket-lookup.router.js';
import { createOperatorRouter, type OperatorRouter } from '../http/operator.router.js';
import type { HandoffPolicy } from '../core/handoff-routing.js';
import { buildHandoff, type Handoff } from './handoff.js';
import { buildNews, type News } from './news.js';
import { buildWebPush, type WebPush } from './webpush.js';
import { createWebPushRouter } from '../http/webpush.router.js';
import { loadNewsTopics } from '../../knowledge/news/topics.js';
import type { Config } from '../config.js';
import { createQueueGuard, TURN_QUEUE, type TurnJob } from '../core/queues.js';
import { createInboundReceiver, type InboundReceiver } from '../core/receive-inbound.js';
import { vi } from '../domain/copy/vi.js';
import type { ChannelKind } from '../domain/message.js';
import type { ChannelAdapter } from '../ports/channel.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { FailureLimiter } from '../ports/limiter.js';
import type { Logger } from '../ports/logger.js';
import type { QueueBackend, QueueWorker } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { createBullmqBackend } from '../queue/bullmq/index.js';
import { createLocalBackend } from '../queue/local/index.js';
import { createAccountAdmin } from '../core/account-admin.js';
import { createAuditTrail } from '../core/audit-trail.js';
import { createConsoleAuth, type ConsoleAuth } from '../core/console-auth.js';
import type { ScryptParams } from '../core/password.js';
import { createStatistics } from '../core/statistics.js';
import { createTicketInbox } from '../core/ticket-inbox.js';
import { agencyNames } from '../core/agency-names.js';
import { createEventBus } from '../core/event-bus.js';
import { createPublishing } from '../core/publishing.js';
import type { TicketService } from '../core/tickets.js';
import { createCoordination, memoryLimiters } from './coordination.js';
import { buildTicketService, dataCalendar } from './tickets.js';
import { subscribeHandoffListeners, subscribePublicationListeners } from './listeners.js';
import { createPublishedAnswers } from './published-answers.js';
import { deadlineSchedule, scheduleReconciler, startSchedules, type DeadlineScheduleOptions } from './schedules.js';
import { resolveSessionSecret } from './session-secret.js';
import { embeddedEngine, selectStore } from './store.js';
import { createReconciler, type Reconciler } from '../core/reconcile-pending.js';
import { deliveryQueues, startWorkers, ticketPolicy } from './workers.js';

/**
 * The composition root shared by `npm start` (src/main.ts), the worker role and the tests: one code
 * path for both modes (DESIGN.md). Embedded: nedb files + the in-process queue runner, one process.
 * Production: MongoDB + BullMQ on Redis, with `web` and `worker` roles that scale separately. With only
 * REDIS_URL set, queues run on BullMQ while the store stays embedded (still one process).
 */

export interface SystemOptions {
  config: Config;
  logger: Logger;
  /** Which halves to run; both by default (embedded mode always runs both). */
  roles?: { web: boolean; worker: boolean };
  clock?: Clock;
  /** Per-channel adapters to use instead of building them from the configuration (tests). */
  adapters?: Partial<Record<ChannelKind, ChannelAdapter>>;
  /** Listen on config.host:config.port (default true). */
  listen?: boolean;
  /** Console password hash cost (tests pass cheaper parameters; production keeps the default). */
  passwordParams?: ScryptParams;
  /** Handoff timings that override the configuration (tests: a claim limit of seconds). */
  handoff?: Partial<HandoffPolicy>;
  /** Deadline sweep period and reminder lead; each one given overrides the configuration (TICKET_SWEEP_MINUTES, TICKET_REMINDER_LEAD_DAYS). */
  deadlines?: DeadlineScheduleOptions;
}

export interface RunningSystem {
  /** The web role's app, or a worker's probe app (/healthz, /readyz). */
  app: Express;
  server?: Server;
  /** Base URL when listening. */
  url?: string;
  store: Store;
  backend: QueueBackend;
  receive: InboundReceiver;
  /** The ticket use cases (open, look up, answer), for the consoles and tests. */
  tickets: TicketService;
  /** Console sign-in over the store's accounts and sessions (accounts CLI, tests). */
  auth: ConsoleAuth;
  /** The live handoff's parts (queue, routing, operators' desk), for tests and the bench. */
  handoff: Handoff;
  /** Portal news: the feeds' poll, the fan-out, the subscriptions (tests, the bench). */
  news: News;
  /** Web Push of portal news to browsers (the portal page's subscriptions, the fan-out), for tests. */
  webPush: WebPush;
  stop(): Promise<void>;
}

/** The widget install's id on the webchat channel (InboundEvent.accountId). */
const WIDGET_ACCOUNT_ID = 'portal';
/** Absolute console session lifetime from login: one working day. */
export const CONSOLE_SESSION_TTL_MS = 10 * 60 * 60 * 1000;

/**
 * The platform adapters the configuration enables (the widget's is added by startSystem). `clock` is
 * the time Messenger's 24 h window is judged by (the system's clock, so tests can move it).
 */
export function buildChannelAdapters(config: Config, store: Store, logger: Logger, clock: Clock = systemClock): Partial<Record<ChannelKind, ChannelAdapter>> {
  const adapters: Partial<Record<ChannelKind, ChannelAdapter>> = {};
  const zalo = config.channels.zalo;
  if (zalo.enabled && zalo.appId && zalo.oaSecretKey) {
    adapters.zalo = createZaloAdapter({
      appId: zalo.appId,
      appSecret: zalo.appSecret ?? '',
      oaSecretKey: zalo.oaSecretKey,
      apiBase: zalo.apiBase,
      oauthBase: zalo.oauthBase,
      logger: logger.child({ channel: 'zalo' }),
      ...(zalo.answerTemplate ? { answerTemplate: { templateId: zalo.answerTemplate.templateId, params: zalo.answerTemplate.params } } : {}),
      tokens: {
        secrets: store.secrets,
        ...(zalo.accessToken || zalo.refreshToken ? { seed: { accessToken: zalo.accessToken ?? '', refreshToken: zalo.refreshToken ?? '' } } : {}),
      },
    });
  }
  const fb = config.channels.messenger;
  if (fb.enabled && fb.appSecret && fb.pageAccessToken && fb.verifyToken) {
    adapters.messenger = createMessengerAdapter({
      appSecret: fb.appSecret,
      pageAccessToken: fb.pageAccessToken,
      verifyToken: fb.verifyToken,
      graphBase: fb.graphApiBase,
      graphVersion: fb.graphApiVersion,
      accountUpdateTag: fb.accountUpdateTag,
      humanAgentTag: fb.humanAgentTag,
      now: () => clock.now().getTime(),
      logger: logger.child({ channel: 'messenger' }),
    });
  }
  return adapters;
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const roles = config.mode === 'embedded' ? { web: true, worker: true } : (options.roles ?? { web: true, worker: true });

  const catalog = loadCatalog(config.catalogDir);
  const knowledge = createBrain(catalog, { dataDir: config.catalogDir });
  const store = await selectStore(config, logger);
  await store.init();
  if (config.mode === 'embedded' && config.embeddedStore === 'auto' && embeddedEngine(config) === 'nedb') {
    logger.warn({ dataDir: config.dataDir }, 'DATA_DIR holds the nedb store of an earlier version: stop the server and run `npm run store:migrate` to move it to SQLite (faster, starts at once)');
  }
  // Queues go to Redis whenever REDIS_URL is set, also with the embedded store (one process then).
  const backend = config.redisUrl ? createBullmqBackend({ url: config.redisUrl, prefix: config.queuePrefix, logger }) : createLocalBackend({ logger });

  // The widget's live events and the throttles: in Redis when REDIS_URL is set, so every process shares them.
  const coordination = createCoordination({ config, logger, clock });
  const { limiters } = coordination;
  const webchat = createWebchat({ sessionSecret: await resolveSessionSecret(config), accountId: WIDGET_ACCOUNT_ID, hub: coordination.hub });
  const adapters = { webchat: webchat.adapter, ...buildChannelAdapters(config, store, logger, clock), ...options.adapters };
  // Turns and deliveries follow a store write: Redis down or hanging must not fail the webhook (or the turn)
  // that stored the work, so their adds are bounded and never throw; the reconciler queues what they missed.
  const producers = createQueueGuard({ timeoutMs: config.queues.addTimeoutMs, logger: logger.child({ component: 'queues' }) }).backend(backend);
  const turns = producers.queue<TurnJob>(TURN_QUEUE);
  const deliveries = deliveryQueues(producers);
  const receive = createInboundReceiver({ store, turns, clock });
  const tickets = buildTicketService({ catalogDir: config.catalogDir, catalog, knowledge, store, clock, copy: vi, deliveries, policy: ticketPolicy(config) });
  const auth = buildConsoleAuth(store, clock, logger, options.passwordParams, limiters.login);
  const audit = createAuditTrail({ audit: store.audit, logger: logger.child({ component: 'audit' }) });
  const accounts = createAccountAdmin({
    accounts: store.accounts,
    sessions: store.sessions,
    auth,
    agencies: () => knowledge.listAgencies(),
    audit,
    clock,
    ...(options.passwordParams ? { passwordParams: options.passwordParams } : {}),
  });
  // Liveness and readiness (/healthz, /readyz) of every role: the store and the queues answer.
  const health = { checks: { store: () => store.ping(), queues: () => backend.ping() } };
  // Agencies' published answers: a second knowledge source, loaded now and rebuilt on every change.
  const published = createPublishedAnswers({ brain: knowledge, publications: store.publications, clock, logger: logger.child({ component: 'published-answers' }) });
  await published.refresh();
  // Reactions across features go through named domain events (src/listeners); the worker role adds its own.
  const events = createEventBus(logger.child({ component: 'events' }));
  subscribePublicationListeners(events, { published });
  // Live handoff to hotline operators: its moves reach every console through the operator feed.
  const handoff = buildHandoff({ config, store, backend, clock, logger, events, deliveries, tickets, knowledge, calendar: dataCalendar(config.catalogDir), adapters, audit, ...(options.handoff && { policy: options.handoff }) });
  subscribeHandoffListeners(events, { feed: coordination.operatorFeed });
  await handoff.canned.seed();
  // Portal news: feeds polled, each new item pushed to its subscribers within each channel's rules.
  const newsTopics = loadNewsTopics(config.catalogDir);
  const news = buildNews({ config, store, backend, clock, logger, events, deliveries, topics: newsTopics, audit, ...(adapters.zalo?.followers && { followers: adapters.zalo.followers }) });
  // The same items pushed to browsers subscribed on the portal page (Web Push, src/system/webpush.ts).
  const webPush = await buildWebPush({ config, store, backend, clock, logger, events, topics: newsTopics });

  const workers: QueueWorker[] = [];
  let reconciler: Reconciler | undefined;
  if (roles.worker) {
    workers.push(...(await startWorkers({ config, logger, store, backend: producers, knowledge, adapters, clock, tickets, published, limiters, events, handoff, news: news.subscriptions })));
    workers.push(...news.workers());
    workers.push(webPush.worker());
    // Reminders and escalation: a self-rescheduling job; the start-up enqueue resumes it after a restart.
    const deadlines: DeadlineScheduleOptions = {
      everyMs: config.tickets.sweepEveryMs,
      reminderLeadWorkingDays: config.tickets.reminderLeadWorkingDays,
      ...options.deadlines,
    };
    const sweep = deadlineSchedule({ catalogDir: config.catalogDir, tickets: store.tickets, clock, logger, options: deadlines });
    const schedules = [sweep, handoff.schedule, ...news.schedules, ...webPush.schedules];
    // Their next slots are enqueued by the reconciler's passes (scheduleReconciler), from the start-up one on.
    workers.push(...(await startSchedules({ backend, clock, logger: logger.child({ worker: 'schedules' }), schedules, enqueue: false })));
    // The store is the source of truth: at start and every RECONCILE_SECONDS, whatever it says is pending and
    // the queues no longer hold (Redis flushed or restarted empty, adds that failed while it was down) is queued again.
    reconciler = createReconciler({
      store,
      turns: backend.queue<TurnJob>(TURN_QUEUE),
      deliveries: deliveryQueues(backend),
      ping: () => backend.ping(),
      claimStaleMs: config.sendClaimMs,
      sources: [
        // An answer a crash left between two writes (ticket answered, message never stored or never reported).
        { name: 'ticketAnswers', run: () => tickets.reconcileDeliveries() },
        news.reconcile,
        news.reconcileBroadcasts,
        webPush.reconcile,
        scheduleReconciler(backend, schedules),
      ],
      clock,
      logger: logger.child({ component: 'reconciler' }),
    });
    await reconciler.atStart();
    reconciler.start(config.queues.reconcileEveryMs);
  }

  let app: Express;
  let server: Server | undefined;
  let url: string | undefined;
  let widget: WidgetRouter | undefined;
  let operators: OperatorRouter | undefined;
  if (roles.web) {
    widget = createWidgetRouter({ receive, store, copy: vi, logger: logger.child({ route: 'widget' }), ...webchat, limits: { bySession: limiters.widgetBySession, byAddress: limiters.widgetByAddress } });
    const agencies = new Set(knowledge.listAgencies().map((a) => a.id));
    const agencyName = agencyNames(knowledge);
    const inbox = createTicketInbox({
      tickets: store.tickets,
      service: tickets,
      clock,
      agencyExists: (id) => agencies.has(id),
      agencyName,
      listAgencies: () => knowledge.listAgencies(),
    });
    // Citizens track a ticket by code + proof (widget session or last 4 phone digits): POST /api/v1/tickets/lookup, before the API's 64 kB parser.
    widget.use(createTicketLookupRouter({ lookup: tickets.lookup, agencyName, copy: vi, failures: { byAddress: limiters.lookupByAddress, proofByCode: limiters.proofByCode }, sessions: webchat.sessions, accountId: WIDGET_ACCOUNT_ID }));
    // Browsers subscribe to news on the portal page (Web Push): /tin-tuc/web-push/*, its own 4 kB parser.
    widget.use(createWebPushRouter({ webPush: webPush.service, byAddress: limiters.widgetByAddress }));
    const publishing = createPublishing({
      tickets: store.tickets,
      publications: store.publications,
      clock,
      fieldOf: (id) => knowledge.getProcedure(id)?.field,
      events,
      placeholders: vi.qa.redacted,
      audit,
    });
    // Entries published before names and addresses were removed get today's redaction before the
    // server listens, so /hoi-dap never serves them unredacted.
    try {
      const changed = await publishing.redactStored();
      if (changed > 0) logger.info({ entries: changed }, 'removed personal data from earlier published Q&A entries');
    } catch (err) {
      logger.warn({ err }, 'could not re-check published Q&A entries for personal data');
    }
    const statistics = createStatistics({ inbound: store.inbound, tickets: store.tickets, handoffs: store.handoffs, calls: store.calls });
    operators = createOperatorRouter({ auth, desk: handoff.desk, routing: handoff.routing, canned: handoff.canned, calls: handoff.calls, feed: coordination.operatorFeed, secureCookies: config.nodeEnv === 'production' });
    const newsFeed = { store, topics: newsTopics, ...(config.publicBaseUrl && { baseUrl: config.publicBaseUrl }) };
    app = buildApp({
      config,
      logger,
      knowledge,
      channels: { adapters, receive },
      widget,
      console: { auth, inbox, accounts, operators },
      health,
      publishing: { publishing, agencyName },
      stats: { statistics, labels: vi.stats, agencyName },
      news: { editor: news.editor, broadcasts: news.broadcasts, topics: newsTopics, feed: newsFeed },
    });
  } else {
    // A worker process serves only its probes (/healthz, /readyz) for the process manager.
    app = buildProbeApp({ config, logger, health });
  }
  if (options.listen !== false) {
    const listening = app.listen(config.port, config.host);
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', resolve);
      listening.once('error', reject);
    });
    const address = listening.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  }

  return {
    app,
    ...(server ? { server } : {}),
    ...(url ? { url } : {}),
    store,
    backend,
    receive,
    tickets,
    auth,
    handoff,
    news,
    webPush,
    async stop() {
      widget?.closeStreams();
      operators?.closeStreams();
      if (server) {
        const s = server;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeIdleConnections();
        await closed;
      }
      await reconciler?.stop();
      await Promise.all(workers.map((w) => w.close()));
      await backend.close();
      await coordination.close();
      await store.close();
    },
  };
}

/** Console sign-in over the store's accounts and sessions (also used by `npm run accounts`). */
export function buildConsoleAuth(
  store: Pick<Store, 'accounts' | 'sessions'>,
  clock: Clock,
  logger: Logger,
  passwordParams?: ScryptParams,
  /** Failed sign-ins per username + address: the system's (coordination.ts); in-memory ones when absent (the accounts CLI never signs in). */
  loginFailures: FailureLimiter = memoryLimiters(clock).login,
): ConsoleAuth {
  return createConsoleAuth({
    accounts: store.accounts,
    sessions: store.sessions,
    clock,
    sessionTtlMs: CONSOLE_SESSION_TTL_MS,
    loginFailures,
    logger: logger.child({ component: 'console-auth' }),
    ...(passwordParams ? { passwordParams } : {}),
  });
}
