import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { InboundMessage, OutboundRecord } from '../domain/conversation.js';
import type { Copy } from '../domain/copy/types.js';
import { AppError } from '../domain/errors.js';
import { conversationKey, type InboundEvent, type ReplyButton } from '../domain/message.js';
import type { RateLimiter } from '../ports/limiter.js';
import type { Logger } from '../ports/logger.js';
import type { InboundRepo, OutboundRepo } from '../ports/store.js';
import { clientAddress } from './client-address.js';
import { compressAsset, sendAsset } from './compressed-asset.js';
import { openEventStream, sseMessage } from './event-stream.js';

/**
 * The web widget's HTTP API under /widget (the browser side is adapters/webchat/client/widget.js):
 *
 *   GET  /widget/widget.js                       the embeddable widget (one <script> tag on any portal), with its
 *                                                config and styles written in (widgetScript); precompressed
 *   GET  /widget/widget.css, /widget/config      the same styles and config on their own (fallbacks)
 *   POST /widget/session                         a new visitor session, or a renewed one for a valid Bearer token
 *   POST /widget/messages                        Bearer: a citizen message or a tapped button → core (202)
 *   GET  /widget/events?token=…                  Server-Sent Events: the assistant's replies, live
 *   GET  /widget/history                         Bearer: the conversation's last 50 messages
 *
 * The widget's ticket lookup panel calls POST /api/v1/tickets/lookup (ticket-lookup.router.ts), which
 * takes the same Bearer token as proof of the visitor's conversation (bearerToken below).
 *
 * Identity: the server creates the visitor id and signs it into the session token; the browser never
 * chooses an id (the defect of botbuilder-adapter-web, botkit.md §4). Everything a visitor reads or
 * sends is keyed on the id the token proves. EventSource cannot send headers, so the stream takes the
 * token in the query string; request logs drop query strings (request-log.ts pathOf). The browser's
 * `clientMessageId` dedupes its own retries only: the stored message id is scoped to the visitor
 * (widgetExternalId), so another visitor sending the same id is a different message.
 *
 * Abuse limits: messages are counted per session and per client address (`limits`; defaults 20 and
 * 120 a minute, WIDGET_RATE_PER_SESSION / WIDGET_RATE_PER_ADDRESS). Past either, the message is refused
 * with 429 WIDGET.RATE_LIMITED and Retry-After before anything is stored or queued, so it never becomes
 * a question and never counts in the statistics; the widget keeps the citizen's text to send again.
 *
 * The session signer, the hub and the widget files are implementations from adapters/webchat,
 * injected by the composition root (src/http never imports adapters); they are typed here by the few
 * members this router uses (grammY's structural style).
 */

/** One message as the widget shows it. */
export interface WidgetMessage {
  id: string;
  from: 'citizen' | 'assistant';
  text: string;
  buttons?: ReplyButton[];
  link?: { title: string; url: string };
  /** ISO 8601. */
  at: string;
}

export interface WidgetHub {
  publish(visitorId: string, event: WidgetMessage): Promise<void>;
  subscribe(visitorId: string, listener: (event: WidgetMessage) => void): () => void;
}

export interface WidgetSession {
  visitorId: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface WidgetSessions {
  issue(): { token: string; session: WidgetSession };
  verify(token: string | undefined): WidgetSession | undefined;
  renew(token: string | undefined): { token: string; session: WidgetSession } | undefined;
}

export interface WidgetRouterDeps {
  /** createInboundReceiver(...): stores the message, then queues the conversation's turn. */
  receive: (event: InboundEvent) => Promise<{ created: boolean; conversationId: string }>;
  store: { inbound: Pick<InboundRepo, 'listByConversation'>; outbound: Pick<OutboundRepo, 'listByConversation'> };
  hub: WidgetHub;
  sessions: WidgetSessions;
  /** The widget install id: InboundEvent.accountId and part of the conversation id. */
  accountId: string;
  copy: Copy;
  logger: Logger;
  /** The browser files (adapters/webchat loadWidgetAssets()). */
  assets: { js: Buffer | string; css: Buffer | string };
  /** Interval of the SSE keep-alive comment (default 25 s: under common 30–60 s proxy idle timeouts). */
  heartbeatMs?: number;
  /** Messages allowed per visitor session and per client address (src/system/coordination.ts); unlimited when absent. */
  limits?: { bySession: RateLimiter; byAddress: RateLimiter };
}

export interface WidgetRouter extends Router {
  /** Ends every open event stream (graceful shutdown: server.close() waits for open connections). */
  closeStreams(): void;
}

export const WIDGET_BODY_LIMIT = '16kb';
export const WIDGET_MAX_TEXT = 2000;
export const WIDGET_MAX_PAYLOAD = 200;
export const WIDGET_HISTORY_LIMIT = 50;
const DEFAULT_HEARTBEAT_MS = 25_000;
/** A stream whose client stopped reading is dropped once this much is buffered for it. */
const MAX_STREAM_BUFFER = 256 * 1024;
/** Browsers re-fetch the widget files after 5 minutes (revalidated by ETag), so fixes reach portals quickly. */
const ASSET_CACHE = 'public, max-age=300, stale-while-revalidate=86400';

const messageSchema = z.object({
  clientMessageId: z.uuid(),
  text: z.string().optional(),
  payload: z.string().min(1).max(WIDGET_MAX_PAYLOAD).optional(),
});

type ParsedMessage = { clientMessageId: string } & ({ kind: 'message'; text: string } | { kind: 'postback'; payload: string });

/** Where widget.js takes its boot data: the server writes `{config, css}` there (widgetScript). */
export const WIDGET_BOOT_MARKER = '/*@troly1022-boot*/null';

/**
 * widget.js as served: the script with its config (the copy and limits /widget/config gives) and its
 * styles written in at the marker, so the launcher needs one request instead of three in a row
 * (script, then config, then styles). JSON is a JavaScript expression; `<`, U+2028 and U+2029 are escaped
 * so the text also survives being inlined in HTML. A script without the marker is served as it is.
 */
export function widgetScript(js: Buffer | string, config: unknown, css: Buffer | string): string {
  const source = String(js);
  if (!source.includes(WIDGET_BOOT_MARKER)) return source;
  const boot = JSON.stringify({ config, css: String(css) })
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return source.replace(WIDGET_BOOT_MARKER, () => boot);
}

/** Validates a widget message at the edge: a uuid, and exactly one of text (1–2,000 characters) or payload. */
export function parseWidgetMessage(body: unknown): ParsedMessage {
  const parsed = messageSchema.safeParse(body);
  const shape = 'Body must be {clientMessageId: uuid, text: 1–2,000 characters} or {clientMessageId: uuid, payload: 1–200 characters}';
  if (!parsed.success) throw new AppError('HTTP.BAD_REQUEST', shape, { details: { fields: parsed.error.issues.map((i) => i.path.join('.')) } });
  const { clientMessageId, text, payload } = parsed.data;
  if ((text === undefined) === (payload === undefined)) throw new AppError('HTTP.BAD_REQUEST', shape);
  if (payload !== undefined) return { clientMessageId, kind: 'postback', payload };
  const clean = text!.normalize('NFC').trim();
  if (clean.length === 0) throw new AppError('KNOWLEDGE.QUESTION_EMPTY', 'Message text is empty');
  const length = [...clean].length;
  if (length > WIDGET_MAX_TEXT) {
    throw new AppError('KNOWLEDGE.QUESTION_TOO_LONG', `Message text is longer than ${WIDGET_MAX_TEXT} characters`, { details: { length, max: WIDGET_MAX_TEXT } });
  }
  return { clientMessageId, kind: 'message', text: clean };
}

/**
 * The stored message id of a widget message: the visitor's id and the browser's clientMessageId, so
 * retries of one visitor dedupe and two visitors never collide (visitor ids contain no ':').
 */
export function widgetExternalId(visitorId: string, clientMessageId: string): string {
  return `${visitorId}:${clientMessageId}`;
}

/** The browser's clientMessageId of a stored widget message (messages stored before the scoping have it bare). */
function clientMessageIdOf(externalId: string, visitorId: string): string {
  const prefix = `${visitorId}:`;
  return externalId.startsWith(prefix) ? externalId.slice(prefix.length) : externalId;
}

const invalidSession = (): AppError => new AppError('WIDGET.SESSION_INVALID', 'A valid widget session token is required');

/** The token of an `Authorization: Bearer …` header (the widget's session), if any. */
export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/**
 * CORS for the widget endpoints (and the widget's ticket lookup): ANY origin may call them, because the widget runs on the province's
 * portals (other origins than this server). That is safe here because the credential is the session
 * token the widget sends explicitly in Authorization (or ?token= for the stream): no cookies are used,
 * so Allow-Credentials is never set and a foreign page cannot ride on a visitor's session.
 * CORP cross-origin lets portals load widget.js/widget.css despite the app-wide same-origin default.
 */
export function widgetCors(methods: string): RequestHandler {
  return (req, res, next) => {
    res.set({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': methods,
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Max-Age': '600',
      // The widget reads how long to wait after a 429 (not a CORS-safelisted header).
      'Access-Control-Expose-Headers': 'Retry-After',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

/** The title of the button whose payload the citizen sent: the latest such button offered before it. */
function titleForPayload(payload: string, before: number, outbound: OutboundRecord[]): string | undefined {
  let found: string | undefined;
  let foundAny: string | undefined;
  for (const record of outbound) {
    const button = record.reply.buttons?.find((b) => b.payload === payload);
    if (!button) continue;
    foundAny = button.title;
    if (record.createdAt.getTime() <= before) found = button.title;
  }
  return found ?? foundAny;
}

function citizenMessage(message: InboundMessage, outbound: OutboundRecord[], fallback: string, visitorId: string): WidgetMessage | undefined {
  if (message.kind !== 'message' && message.kind !== 'postback') return undefined;
  const text =
    message.kind === 'postback' && message.payload !== undefined
      ? (titleForPayload(message.payload, message.receivedAt.getTime(), outbound) ?? fallback)
      : message.text;
  if (!text) return undefined;
  return { id: clientMessageIdOf(message.externalId, visitorId), from: 'citizen', text, at: message.receivedAt.toISOString() };
}

function assistantMessage(record: OutboundRecord): WidgetMessage {
  const { reply } = record;
  return {
    id: record.id,
    from: 'assistant',
    text: reply.text,
    ...(reply.buttons?.length ? { buttons: reply.buttons.map((b) => ({ title: b.title, payload: b.payload })) } : {}),
    ...(reply.link ? { link: { title: reply.link.title, url: reply.link.url } } : {}),
    at: (record.sentAt ?? record.createdAt).toISOString(),
  };
}

export function createWidgetRouter(deps: WidgetRouterDeps): WidgetRouter {
  const router = Router() as WidgetRouter;
  const json = express.json({ limit: WIDGET_BODY_LIMIT });
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const streams = new Set<Response>();
  const conversationOf = (visitorId: string) => conversationKey('webchat', deps.accountId, visitorId);

  /** The visitor a Bearer token proves; throws WIDGET.SESSION_INVALID otherwise. */
  function visitorOf(req: Request): string {
    const session = deps.sessions.verify(bearerToken(req));
    if (!session) throw invalidSession();
    return session.visitorId;
  }

  router.use('/widget', widgetCors('GET, POST, OPTIONS'));

  const config = { locale: deps.copy.locale, copy: deps.copy.widget, limits: { text: WIDGET_MAX_TEXT, payload: WIDGET_MAX_PAYLOAD } };
  const script = compressAsset(widgetScript(deps.assets.js, config, deps.assets.css), 'text/javascript; charset=utf-8');
  const styles = compressAsset(deps.assets.css, 'text/css; charset=utf-8');
  router.get('/widget/widget.js', (req, res) => sendAsset(req, res, script, ASSET_CACHE));
  // The script carries its styles and config; these two stay for browsers without constructable
  // stylesheets (widget.css) and for scripts cached before they did (both).
  router.get('/widget/widget.css', (req, res) => sendAsset(req, res, styles, ASSET_CACHE));
  router.get('/widget/config', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(config);
  });

  router.post('/widget/session', json, (req, res) => {
    const presented = bearerToken(req);
    const renewed = presented ? deps.sessions.renew(presented) : undefined;
    const { token, session } = renewed ?? deps.sessions.issue();
    if (!renewed) deps.logger.debug({ renewedInvalid: Boolean(presented) }, 'widget session issued');
    res
      .set('Cache-Control', 'no-store')
      .json({ token, expiresAt: new Date(session.expiresAt).toISOString(), renewed: Boolean(renewed) });
  });

  /** Counts the message against both limits; throws WIDGET.RATE_LIMITED (with Retry-After) past either. */
  async function withinLimits(visitorId: string, req: Request, res: Response): Promise<void> {
    if (!deps.limits) return;
    // Per session first: a session over its own limit does not use up its address's count.
    let decision = await deps.limits.bySession.hit(visitorId);
    if (decision.allowed) decision = await deps.limits.byAddress.hit(clientAddress(req));
    if (decision.allowed) return;
    res.set('Retry-After', String(decision.retryAfterSec));
    throw new AppError('WIDGET.RATE_LIMITED', 'Too many messages; send again after Retry-After seconds', { details: { retryAfterSeconds: decision.retryAfterSec } });
  }

  router.post('/widget/messages', json, async (req, res) => {
    const visitorId = visitorOf(req);
    const message = parseWidgetMessage(req.body);
    await withinLimits(visitorId, req, res);
    const at = new Date();
    const { created, conversationId } = await deps.receive({
      channel: 'webchat',
      accountId: deps.accountId,
      userId: visitorId,
      externalId: widgetExternalId(visitorId, message.clientMessageId),
      kind: message.kind,
      ...(message.kind === 'message' ? { text: message.text } : { payload: message.payload }),
      timestamp: at.getTime(),
    });
    if (created) {
      // The visitor's other open tabs show the message too (the sending tab already does; ids dedupe).
      const text =
        message.kind === 'message'
          ? message.text
          : (titleForPayload(message.payload, at.getTime(), await deps.store.outbound.listByConversation(conversationId, 10)) ??
            deps.copy.widget.choiceFallback);
      await deps.hub
        .publish(visitorId, { id: message.clientMessageId, from: 'citizen', text, at: at.toISOString() })
        .catch((err: unknown) => deps.logger.warn({ err }, 'widget echo to other tabs failed'));
    }
    res.status(202).set('Cache-Control', 'no-store').json({ accepted: true, duplicate: !created });
  });

  router.get('/widget/history', async (req, res) => {
    const visitorId = visitorOf(req);
    const conversationId = conversationOf(visitorId);
    const [inbound, outbound] = await Promise.all([
      deps.store.inbound.listByConversation(conversationId, WIDGET_HISTORY_LIMIT),
      deps.store.outbound.listByConversation(conversationId, WIDGET_HISTORY_LIMIT),
    ]);
    const fallback = deps.copy.widget.choiceFallback;
    const items = [
      ...inbound.flatMap((m) => {
        const item = citizenMessage(m, outbound, fallback, visitorId);
        return item ? [{ item, when: m.receivedAt.getTime(), rank: 0 }] : [];
      }),
      ...outbound.map((r) => ({ item: assistantMessage(r), when: r.createdAt.getTime(), rank: 1 })),
    ];
    // In the order things were said: a reply where it was written (not when it was delivered, which on a
    // busy system may come after the citizen's next message); at the same instant the citizen's first.
    items.sort((a, b) => a.when - b.when || a.rank - b.rank);
    res.set('Cache-Control', 'no-store').json({ messages: items.slice(-WIDGET_HISTORY_LIMIT).map((x) => x.item) });
  });

  router.get('/widget/events', (req, res) => {
    const token = typeof req.query['token'] === 'string' ? req.query['token'] : undefined;
    const session = deps.sessions.verify(token);
    if (!session) throw invalidSession();

    let unsubscribe = (): void => {};
    const write = openEventStream(req, res, {
      heartbeatMs,
      maxBuffer: MAX_STREAM_BUFFER,
      onOverflow: (buffered) => deps.logger.warn({ buffered }, 'widget stream not read by its client; closing it'),
      onClose: () => {
        unsubscribe();
        streams.delete(res);
      },
    });
    unsubscribe = deps.hub.subscribe(session.visitorId, (event) => write(sseMessage(event, event.id)));
    streams.add(res);
  });

  router.closeStreams = () => {
    for (const res of [...streams]) res.end();
  };
  return router;
}
