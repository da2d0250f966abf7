import express, { Router } from 'express';
import { z } from 'zod';
import { createTicketTracking, type TicketTrackingDeps } from '../core/ticket-tracking.js';
import type { Copy } from '../domain/copy/types.js';
import { AppError } from '../domain/errors.js';
import { conversationKey } from '../domain/message.js';
import { clientAddress } from './client-address.js';
import { bearerToken, widgetCors, type WidgetSessions } from './widget.router.js';

/**
 * POST /api/v1/tickets/lookup {code, phoneLast4?}: a citizen tracks a ticket by its tracking code
 * (the widget's "Tra cứu" panel; any client may call it). Proof of being the asker is either the
 * widget session (`Authorization: Bearer <token>`, the signed token the widget already holds: its
 * visitor's webchat conversation) or `phoneLast4`, the last four digits of the phone number given with
 * the question. The rules, the throttle and the view are src/core/ticket-tracking.ts.
 *
 *   200 {code, kind, status, statusText, agencyName, receivedDate, dueDate, answer?, place?, history}
 *   400 TICKET.CODE_INVALID (a typo), TICKET.PROOF_REQUIRED, TICKET.INPUT_INVALID (phoneLast4 not 4
 *       digits), HTTP.BAD_REQUEST / HTTP.BAD_JSON (shape); 413 HTTP.PAYLOAD_TOO_LARGE (over 2 kB)
 *   404 TICKET.NOT_FOUND (unknown code or wrong proof: one answer); 429 TICKET.LOOKUP_RATE_LIMITED + Retry-After
 *
 * CORS: any origin, like the widget's own routes (the widget runs on the portals' origins). That is safe
 * because no cookie is involved: the credential is sent explicitly, so Allow-Credentials is never set.
 * Nothing here logs; the code and the phone digits never reach a log (request logs have no bodies).
 * The client address for the limiter is `req.ip` (client-address.ts): behind a reverse proxy, set
 * TRUST_PROXY so it is the citizen's address, not the proxy's (one client would lock out everyone).
 */

export const LOOKUP_BODY_LIMIT = '2kb';

export interface TicketLookupRouterDeps extends Omit<TicketTrackingDeps, 'copy'> {
  copy: Copy;
  /** The widget's session signer: a valid token proves its visitor's conversation. */
  sessions: Pick<WidgetSessions, 'verify'>;
  /** The widget install id (the webchat conversation key's account part). */
  accountId: string;
}

const bodySchema = z.strictObject({
  code: z.string().max(64),
  phoneLast4: z.string().max(32).optional(),
});

export function createTicketLookupRouter(deps: TicketLookupRouterDeps): Router {
  const router = Router();
  const lookupCopy = deps.copy.widget.lookup;
  const tracking = createTicketTracking({ ...deps, copy: { ...lookupCopy, statuses: deps.copy.bot.tickets.statuses } });
  const path = '/api/v1/tickets/lookup';

  router.use(path, widgetCors('POST, OPTIONS'));
  router.post(path, express.json({ limit: LOOKUP_BODY_LIMIT }), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const parsed = bodySchema.safeParse(req.body);
    if (!parsed.success) {
      throw new AppError('HTTP.BAD_REQUEST', 'Body must be a JSON object {code: string, phoneLast4?: string} and nothing else', {
        details: { fields: parsed.error.issues.map((i) => i.path.join('.')) },
      });
    }
    let phoneLast4: string | undefined;
    if (parsed.data.phoneLast4 !== undefined) {
      phoneLast4 = parsed.data.phoneLast4.replace(/\s+/g, '');
      if (!/^\d{4}$/.test(phoneLast4)) throw new AppError('TICKET.INPUT_INVALID', lookupCopy.phoneInvalid, { details: { field: 'phoneLast4' } });
    }
    const session = deps.sessions.verify(bearerToken(req));
    try {
      const view = await tracking.track({
        code: parsed.data.code,
        ...(phoneLast4 !== undefined ? { phoneLast4 } : {}),
        ...(session ? { conversationId: conversationKey('webchat', deps.accountId, session.visitorId) } : {}),
        ip: clientAddress(req),
      });
      res.json(view);
    } catch (err) {
      if (err instanceof AppError && err.code === 'TICKET.LOOKUP_RATE_LIMITED') {
        const seconds = err.details?.['retryAfterSeconds'];
        if (typeof seconds === 'number') res.set('Retry-After', String(seconds));
      }
      throw err;
    }
  });
  return router;
}
