/**
 * buildApp: the HTTP application without listen() (Fastify's app/server split), so tests run it
 * in-process on an ephemeral port and main.ts decides where it listens.
 */
import express, { type Express, type RequestHandler } from 'express';
import type { Config } from './config.js';
import type { AccountAdmin } from './core/account-admin.js';
import type { ConsoleAuth } from './core/console-auth.js';
import type { Statistics } from './core/statistics.js';
import type { Publishing } from './core/publishing.js';
import type { TicketInbox } from './core/ticket-inbox.js';
import type { StatsCopy } from './domain/copy/types.js';
import { createAccountsRouter } from './http/accounts.router.js';
import { createAskRouter } from './http/ask.router.js';
import { createAuthRouter } from './http/auth.router.js';
import { compressResponses } from './http/compression.js';
import { createConsolePagesRouter } from './http/console-pages.router.js';
import { createDemoPageRouter } from './http/demo-page.router.js';
import { createErrorMiddleware, notFoundHandler } from './http/error-middleware.js';
import { createHealthRouter, type HealthRouterDeps } from './http/health.router.js';
import { createInboxRouter } from './http/inbox.router.js';
import { createQaRouter } from './http/qa.router.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { createStatsRouter } from './http/stats.router.js';
import { createWebhooksRouter, type WebhooksRouterDeps } from './http/webhooks.router.js';
import type { NewsBroadcasts } from './core/news-broadcast.js';
import type { NewsEditor } from './core/news-editor.js';
import type { NewsTopic } from './domain/news.js';
import { createNewsRouter } from './http/news.router.js';
import { createNewsFeedRouter, type NewsFeedRouterDeps } from './http/news-feed.router.js';
import type { KnowledgeSearch } from './ports/knowledge.js';
import type { Logger } from './ports/logger.js';

/** Largest JSON body the API accepts; larger bodies get 413 HTTP.PAYLOAD_TOO_LARGE. */
export const JSON_BODY_LIMIT = '64kb';

export interface AppDeps {
  config: Config;
  logger: Logger;
  knowledge: KnowledgeSearch;
  /** Platform webhooks: the enabled channel adapters and the core's inbound receiver. */
  channels?: Omit<WebhooksRouterDeps, 'logger'>;
  /** The 1022 web widget's routes (`/widget/*`), built by the composition root. */
  widget?: RequestHandler;
  /**
   * The console API: sign-in (`/api/v1/auth/*`), the agency inbox (`/api/v1/inbox/*`), with
   * `accounts` account administration for admins (`/api/v1/admin/accounts`), and with `operators` the
   * hotline operators' API (`/api/v1/operator/*`, src/http/operator.router.ts).
   */
  console?: { auth: ConsoleAuth; inbox: TicketInbox; accounts?: AccountAdmin; operators?: RequestHandler };
  /** Public Q&A (`/api/v1/qa`, `/hoi-dap`) and, with `console`, the inbox's publish routes (issue 4). */
  publishing?: { publishing: Publishing; agencyName: (agencyId: string) => string };
  /** Report statistics (`/api/v1/stats`, `/api/v1/stats.csv`), behind the console session; needs `console`. */
  stats?: { statistics: Statistics; labels: StatsCopy; agencyName?: (agencyId: string) => string };
  /** Portal news: the public Atom feeds (`/tin-tuc/<topic>.xml`) and, with `console`, `/api/v1/news/*` (issue 12). */
  news?: { editor: NewsEditor; broadcasts: NewsBroadcasts; topics: readonly NewsTopic[]; feed: NewsFeedRouterDeps };
  /** Readiness checks of `GET /readyz` (store, queues …); without them /readyz answers ready. `/healthz` is always served. */
  health?: HealthRouterDeps;
}

/** Wires routers and middleware from injected dependencies; performs no I/O of its own. */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY: which proxies' X-Forwarded-For sets req.ip, the address every throttle keys on (off: the TCP peer).
  const { trustProxy } = deps.config;
  app.set('trust proxy', Array.isArray(trustProxy) ? [...trustProxy] : trustProxy);
  app.use(securityHeaders({ hsts: deps.config.nodeEnv === 'production' }));
  app.use(requestLog(deps.logger));
  app.use(compressResponses()); // gzip/brotli for pages, scripts, styles, public JSON (http/compression.ts)
  app.use(createHealthRouter({ logger: deps.logger, ...deps.health }));
  app.use(createDemoPageRouter());
  if (deps.publishing) app.use(createQaRouter(deps.publishing));
  if (deps.news) app.use(createNewsFeedRouter(deps.news.feed));
  if (deps.channels) app.use(createWebhooksRouter({ ...deps.channels, logger: deps.logger }));
  if (deps.widget) app.use(deps.widget);
  // Secure, __Host- prefixed session cookies in production (HTTPS); plain `tl_sess` in development.
  const secureCookies = deps.config.nodeEnv === 'production';
  // Sign-in parses its own small body (4 kB), so it comes before the API's shared 64 kB parser.
  if (deps.console) app.use('/api/v1', createAuthRouter({ auth: deps.console.auth, secureCookies }));
  app.use('/api/v1', express.json({ limit: JSON_BODY_LIMIT }), createAskRouter({ knowledge: deps.knowledge }));
  if (deps.console) {
    app.use('/console', createConsolePagesRouter());
    if (deps.console.accounts) app.use('/api/v1/admin/accounts', createAccountsRouter({ auth: deps.console.auth, accounts: deps.console.accounts, secureCookies }));
    if (deps.console.operators) app.use('/api/v1/operator', deps.console.operators);
    app.use('/api/v1/inbox', createInboxRouter({ auth: deps.console.auth, inbox: deps.console.inbox, secureCookies, ...(deps.publishing && { publishing: deps.publishing.publishing }) }));
    if (deps.stats) app.use('/api/v1', createStatsRouter({ auth: deps.console.auth, ...deps.stats, secureCookies }));
    if (deps.news) app.use('/api/v1/news', createNewsRouter({ auth: deps.console.auth, editor: deps.news.editor, broadcasts: deps.news.broadcasts, topics: deps.news.topics, secureCookies }));
  }
  app.use(notFoundHandler);
  app.use(createErrorMiddleware({ logger: deps.logger }));
  return app;
}

/**
 * The probes alone (`/healthz`, `/readyz`), for a process that serves no other HTTP (the worker role),
 * so a process manager or orchestrator can check it like the web role.
 */
export function buildProbeApp(deps: { config: Config; logger: Logger; health?: HealthRouterDeps }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders({ hsts: deps.config.nodeEnv === 'production' }));
  app.use(createHealthRouter({ logger: deps.logger, ...deps.health }));
  app.use(notFoundHandler);
  app.use(createErrorMiddleware({ logger: deps.logger }));
  return app;
}
