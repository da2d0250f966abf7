import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { CannedReplies } from '../core/canned-replies.js';
import type { ConsoleAuth } from '../core/console-auth.js';
import type { HandoffRouting } from '../core/handoff-routing.js';
import type { OperatorDesk } from '../core/operator-desk.js';
import type { PhoneIntake } from '../core/phone-intake.js';
import { HANDOFF_STATUSES } from '../domain/handoff.js';
import type { OperatorFeed } from '../ports/operator-feed.js';
import { createConsoleSession, requireRole } from './console-session.js';
import { openEventStream, sseMessage } from './event-stream.js';
import { parseInput, pathId } from './parse-input.js';
import { commaSeparated } from './query-params.js';

/**
 * The hotline operators' API (issue 11), mounted under /api/v1/operator, behind the console session
 * (cookie) and, for every other method than GET, the X-CSRF-Token check; roles operator, coordinator
 * and admin (agency staff: 403 AUTH.FORBIDDEN). Documented in docs/openapi.yaml.
 *
 *   POST /presence                          {status: online|away|offline}  heartbeat every 30 s
 *   GET  /conversations?status=queued,assigned&mine=true
 *   GET  /conversations/:id                 with the citizen's tickets and earlier stretches
 *   GET  /conversations/:id/messages        the whole transcript (bot turns, notices, notes, moves)
 *   POST /conversations/:id/assign          claim, or take over
 *   POST /conversations/:id/messages        {text, private?}  a reply on the citizen's channel, or a private note
 *   POST /conversations/:id/resolve         {summary?}  hand back to the bot
 *   POST /conversations/:id/transfer        back to the queue
 *   POST /conversations/:id/snooze          {minutes}  aside until then or the citizen's next message
 *   POST /conversations/:id/ticket          {question?, kind?}  send to an agency (a ticket with the transcript)
 *   POST /conversations/:id/typing          204
 *   GET  /conversations/:id/suggestions     the brain's best procedures for the last message
 *   GET  /canned · PUT /canned/:code {text} · DELETE /canned/:code
 *   POST /calls {question, callbackPhone?, answer?, procedureId?, toAgency?, durationSeconds?} · GET /calls?limit=
 *   GET  /events                            text/event-stream of the operator feed
 */

export interface OperatorRouterDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  desk: OperatorDesk;
  routing: Pick<HandoffRouting, 'setPresence'>;
  canned: CannedReplies;
  calls: PhoneIntake;
  feed: Pick<OperatorFeed, 'subscribe'>;
  secureCookies: boolean;
  /** SSE comment every so often, so proxies keep the stream open (tests shorten it). */
  heartbeatMs?: number;
}

export const OPERATOR_TEXT_MAX = 2000;
const STREAM_HEARTBEAT_MS = 25_000;
/** A console that does not read its stream is disconnected past this many buffered bytes. */
const MAX_STREAM_BUFFER = 256 * 1024;

const idSchema = z.string().min(1).max(300).regex(/^[A-Za-z0-9_:.@-]+$/);
const presenceSchema = z.object({ status: z.enum(['online', 'away', 'offline']) }).strict();
const listSchema = z.object({ status: commaSeparated(HANDOFF_STATUSES, 100).optional(), mine: z.enum(['true', 'false']).optional() });
const postSchema = z.object({ text: z.string().trim().min(1).max(OPERATOR_TEXT_MAX), private: z.boolean().optional() }).strict();
const resolveSchema = z.object({ summary: z.string().trim().min(1).max(1000).optional() }).strict();
const snoozeSchema = z.object({ minutes: z.number().int().min(1).max(1440) }).strict();
const ticketSchema = z.object({ question: z.string().trim().min(1).max(2000).optional(), kind: z.enum(['question', 'feedback']).optional() }).strict();
const cannedSchema = z.object({ text: z.string().trim().min(1).max(OPERATOR_TEXT_MAX) }).strict();
const callSchema = z
  .object({
    question: z.string().trim().min(1).max(2000),
    callbackPhone: z.string().trim().regex(/^\+?[0-9 .-]{8,20}$/).optional(),
    answer: z.string().trim().min(1).max(OPERATOR_TEXT_MAX).optional(),
    procedureId: z.string().trim().min(1).max(100).regex(/^[a-z0-9-]+$/).optional(),
    toAgency: z.boolean().optional(),
    durationSeconds: z.number().int().min(0).max(24 * 3600).optional(),
  })
  .strict();
const callsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

function conversationId(req: Request): string {
  return pathId(req, idSchema, { code: 'HANDOFF.NOT_FOUND', message: 'No such conversation' });
}

/** The router, and a way to end its open event streams when the server stops. */
export type OperatorRouter = Router & { closeStreams(): void };

export function createOperatorRouter(deps: OperatorRouterDeps): OperatorRouter {
  const router = Router() as OperatorRouter;
  const streams = new Set<Response>();
  router.closeStreams = () => {
    for (const res of streams) res.end();
    streams.clear();
  };
  router.use(createConsoleSession(deps), requireRole('operator', 'coordinator', 'admin'));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const account = (req: Request) => req.console!.account;

  router.post('/presence', async (req, res) => {
    const body = parseInput(presenceSchema, req.body, 'body: expected {"status": "online" | "away" | "offline"}');
    const presence = await deps.routing.setPresence({ id: account(req).id, name: account(req).displayName }, body.status);
    res.json({ presence: { status: presence.status, seenAt: presence.seenAt.toISOString() } });
  });

  router.get('/conversations', async (req, res) => {
    const query = parseInput(listSchema, req.query, 'query');
    const items = await deps.desk.list(account(req), { statuses: query.status ?? ['queued', 'assigned'], mine: query.mine === 'true' });
    res.json({ items });
  });

  router.get('/conversations/:id', async (req, res) => {
    res.json({ conversation: await deps.desk.get(account(req), conversationId(req)) });
  });

  router.get('/conversations/:id/messages', async (req, res) => {
    res.json({ items: await deps.desk.transcript(account(req), conversationId(req)) });
  });

  router.post('/conversations/:id/assign', async (req, res) => {
    res.json({ conversation: await deps.desk.assign(account(req), conversationId(req)) });
  });

  router.post('/conversations/:id/messages', async (req, res) => {
    const id = conversationId(req);
    const body = parseInput(postSchema, req.body, `body: expected {"text": string of 1 to ${OPERATOR_TEXT_MAX} characters, "private"?: boolean}`);
    res.status(201).json({ message: await deps.desk.post(account(req), id, { text: body.text, ...(body.private !== undefined && { private: body.private }) }) });
  });

  router.post('/conversations/:id/resolve', async (req, res) => {
    const id = conversationId(req);
    const body = parseInput(resolveSchema, req.body ?? {}, 'body: expected {"summary"?: string}');
    res.json({ conversation: await deps.desk.resolve(account(req), id, body.summary) });
  });

  router.post('/conversations/:id/snooze', async (req, res) => {
    const id = conversationId(req);
    const body = parseInput(snoozeSchema, req.body, 'body: expected {"minutes": integer from 1 to 1440}');
    res.json({ conversation: await deps.desk.snooze(account(req), id, body.minutes) });
  });

  router.post('/conversations/:id/transfer', async (req, res) => {
    res.json({ conversation: await deps.desk.transfer(account(req), conversationId(req)) });
  });

  router.post('/conversations/:id/ticket', async (req, res) => {
    const id = conversationId(req);
    const body = parseInput(ticketSchema, req.body ?? {}, 'body: expected {"question"?: string, "kind"?: "question" | "feedback"}');
    res.status(201).json({ ticket: await deps.desk.toTicket(account(req), id, { ...(body.question && { question: body.question }), ...(body.kind && { kind: body.kind }) }) });
  });

  router.post('/conversations/:id/typing', async (req, res) => {
    await deps.desk.typing(account(req), conversationId(req));
    res.status(204).end();
  });

  router.get('/conversations/:id/suggestions', async (req, res) => {
    res.json({ items: await deps.desk.suggestions(account(req), conversationId(req)) });
  });

  router.get('/canned', async (req, res) => {
    res.json({ items: await deps.canned.list(account(req)) });
  });

  router.put('/canned/:code', async (req, res) => {
    const body = parseInput(cannedSchema, req.body, `body: expected {"text": string of 1 to ${OPERATOR_TEXT_MAX} characters}`);
    res.json({ item: await deps.canned.put(account(req), String(req.params['code']), body.text) });
  });

  // Idempotent: removing a reply that is not (or no longer) there is not an error.
  router.delete('/canned/:code', async (req, res) => {
    await deps.canned.remove(account(req), String(req.params['code']));
    res.status(204).end();
  });

  router.post('/calls', async (req, res) => {
    const body = parseInput(callSchema, req.body, 'body: expected {"question": string, "callbackPhone"?: string, "answer"?: string, "procedureId"?: string, "toAgency"?: boolean, "durationSeconds"?: integer}');
    res.status(201).json({ call: await deps.calls.record(account(req), body) });
  });

  router.get('/calls', async (req, res) => {
    const query = parseInput(callsQuerySchema, req.query, 'query');
    res.json({ items: await deps.calls.recent(account(req), query.limit) });
  });

  router.get('/events', (req, res) => {
    let unsubscribe = (): void => {};
    const write = openEventStream(req, res, {
      heartbeatMs: deps.heartbeatMs ?? STREAM_HEARTBEAT_MS,
      maxBuffer: MAX_STREAM_BUFFER,
      onClose: () => {
        unsubscribe();
        streams.delete(res);
      },
    });
    unsubscribe = deps.feed.subscribe((event) => write(sseMessage(event)));
    streams.add(res);
  });

  return router;
}
