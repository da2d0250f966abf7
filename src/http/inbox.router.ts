import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ConsoleAuth } from '../core/console-auth.js';
import type { Publishing } from '../core/publishing.js';
import type { TicketInbox } from '../core/ticket-inbox.js';
import { parseInput, pathId } from './parse-input.js';
import { TICKET_STATUSES } from '../domain/ticket.js';
import { createConsoleSession } from './console-session.js';
import { commaSeparated } from './query-params.js';

/**
 * The agency inbox API, mounted under /api/v1/inbox, every route behind the console session (cookie)
 * and, for POSTs, the X-CSRF-Token check (console-session.ts):
 *
 *   GET  /agencies                                  the agency directory {agencies: [{id, name}]}, by name (reroute targets)
 *   GET  /tickets?status=a,b&limit=50&agencyId=…   list, newest first (agencyId: coordinators/admins only)
 *   GET  /tickets/:id                               one ticket with its timeline and allowed actions
 *   POST /tickets/:id/answer   {text}               staff of the agency or coordinator → answered, queued to the citizen
 *   POST /tickets/:id/return   {reason}             staff → returned to the coordinator
 *   POST /tickets/:id/reroute  {agencyId, note?}    coordinator → assigned to another agency
 *   GET    /tickets/:id/publication                 coordinator → the redacted preview to edit, and the public entry if any
 *   POST   /tickets/:id/publish {question?, answer?, field?}  coordinator → public Q&A entry (consent + answer needed; redacted again)
 *   DELETE /tickets/:id/publish                     coordinator → unpublish (both audited by the use case)
 *
 * Another agency's ticket is 404 TICKET.NOT_FOUND like an unknown id, never 403. Responses are JSON
 * (`Cache-Control: no-store`); citizen text travels as JSON strings, never as HTML.
 */

export interface InboxRouterDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  inbox: TicketInbox;
  /** Publishing answered tickets as public Q&A (issue 4); the publish routes exist only with it. */
  publishing?: Publishing;
  secureCookies: boolean;
}

export const ANSWER_MAX = 4000;
const LIST_LIMIT_MAX = 200;
const LIST_LIMIT_DEFAULT = 50;

const idSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_:.-]+$/);
const agencyIdSchema = z.string().trim().min(1).max(100).regex(/^[a-z0-9-]+$/);

const listQuerySchema = z.object({
  status: commaSeparated(TICKET_STATUSES, 200).optional(),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  agencyId: agencyIdSchema.optional(),
});

const answerSchema = z.object({ text: z.string().trim().min(1).max(ANSWER_MAX) }).strict();
const returnSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();
const publishSchema = z
  .object({
    question: z.string().trim().min(1).max(2000).optional(),
    answer: z.string().trim().min(1).max(ANSWER_MAX).optional(),
    field: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
const rerouteSchema = z.object({ agencyId: agencyIdSchema, note: z.string().trim().min(1).max(1000).optional() }).strict();

/** A malformed id cannot name a ticket: the same 404 as an unknown one. */
function ticketId(req: Request): string {
  return pathId(req, idSchema, { code: 'TICKET.NOT_FOUND', message: 'No ticket with this id.' });
}

export function createInboxRouter(deps: InboxRouterDeps): Router {
  const router = Router();
  router.use(createConsoleSession(deps));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/agencies', (_req, res) => {
    res.json({ agencies: deps.inbox.listAgencies() });
  });

  router.get('/tickets', async (req, res) => {
    const query = parseInput(listQuerySchema, req.query, 'query');
    const tickets = await deps.inbox.list(req.console!.account, {
      limit: query.limit,
      ...(query.status !== undefined && { status: query.status }),
      ...(query.agencyId !== undefined && { agencyId: query.agencyId }),
    });
    res.json({ tickets });
  });

  router.get('/tickets/:id', async (req, res) => {
    res.json({ ticket: await deps.inbox.get(req.console!.account, ticketId(req)) });
  });

  router.post('/tickets/:id/answer', async (req, res) => {
    const id = ticketId(req);
    const body = parseInput(answerSchema, req.body, 'body: expected {"text": string of 1 to 4000 characters}');
    res.json({ ticket: await deps.inbox.answer(req.console!.account, id, body.text) });
  });

  router.post('/tickets/:id/return', async (req, res) => {
    const id = ticketId(req);
    const body = parseInput(returnSchema, req.body, 'body: expected {"reason": string}');
    res.json({ ticket: await deps.inbox.returnToCoordinator(req.console!.account, id, body.reason) });
  });

  router.post('/tickets/:id/reroute', async (req, res) => {
    const id = ticketId(req);
    const body = parseInput(rerouteSchema, req.body, 'body: expected {"agencyId": string, "note"?: string}');
    res.json({ ticket: await deps.inbox.reroute(req.console!.account, id, body.agencyId, body.note) });
  });

  const publishing = deps.publishing;
  if (publishing) {
    router.get('/tickets/:id/publication', async (req, res) => {
      const preview = await publishing.preview(req.console!.account, ticketId(req));
      res.json({
        publication: {
          ...preview,
          ...(preview.published && { published: { ...preview.published, publishedAt: preview.published.publishedAt.toISOString() } }),
        },
      });
    });

    router.post('/tickets/:id/publish', async (req, res) => {
      const id = ticketId(req);
      const body = parseInput(publishSchema, req.body ?? {}, 'body: expected {"question"?: string, "answer"?: string, "field"?: string}');
      const entry = await publishing.publish(req.console!.account, id, {
        ...(body.question !== undefined && { question: body.question }),
        ...(body.answer !== undefined && { answer: body.answer }),
        ...(body.field !== undefined && { field: body.field }),
      });
      res.json({ publication: { ...entry, publishedAt: entry.publishedAt.toISOString() } });
    });

    router.delete('/tickets/:id/publish', async (req, res) => {
      await publishing.unpublish(req.console!.account, ticketId(req));
      res.status(204).end();
    });
  }

  return router;
}
