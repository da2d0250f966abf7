import express, { Router } from 'express';
import { AppError } from '../domain/errors.js';
import type { ChannelKind, InboundEvent } from '../domain/message.js';
import { WebhookEventError, type ChannelAdapter } from '../ports/channel.js';
import type { Logger } from '../ports/logger.js';

/** Largest webhook body accepted; platform events are a few kB. */
export const WEBHOOK_BODY_LIMIT = '256kb';

export interface WebhooksRouterDeps {
  adapters: Partial<Record<ChannelKind, ChannelAdapter>>;
  receive: (event: InboundEvent) => Promise<unknown>;
  logger: Logger;
}

/**
 * Platform webhooks (Chatwoot's 7-line controller): keep the exact raw body, verify the signature over
 * it, parse, hand each event to the core (which stores it and queues its turn), answer 200. Redelivered
 * events are recognized by their platform id downstream and answered 200 without a second turn. A body
 * whose Content-Encoding does not decode is 400 HTTP.BAD_ENCODING (error middleware), a signed body
 * with an id of the wrong type 400 HTTP.BAD_REQUEST; neither stores anything. An event the store cannot
 * take (STORE.UNAVAILABLE: the MongoDB server unreachable, the embedded store's disk full) makes the
 * answer 503 with Retry-After, never 200: the platform redelivers the same bytes, and the events of the
 * body that were stored before are recognized then by their ids.
 */
export function createWebhooksRouter(deps: WebhooksRouterDeps): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  for (const kind of ['zalo', 'messenger'] as const) {
    const adapter = () => {
      const a = deps.adapters[kind];
      if (!a) throw new AppError('HTTP.NOT_FOUND', `The ${kind} channel is not configured`);
      return a;
    };

    router.get(`/webhooks/${kind}`, (req, res) => {
      const a = adapter();
      const challenge = a.handshake?.(req.query as Record<string, unknown>);
      if (challenge === undefined) throw new AppError('CHANNEL.SIGNATURE_INVALID', 'Verification token mismatch', { httpStatus: 403 });
      res.type('text/plain').send(challenge);
    });

    router.post(`/webhooks/${kind}`, raw, async (req, res) => {
      const a = adapter();
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!a.verify(body, req.headers)) throw new AppError('CHANNEL.SIGNATURE_INVALID', 'Webhook signature is missing or invalid');
      let events: InboundEvent[];
      try {
        events = a.parse(body);
      } catch (err) {
        // Signed, but an id or timestamp of the wrong type: refused before anything is stored.
        if (err instanceof WebhookEventError) throw new AppError('HTTP.BAD_REQUEST', err.message, { cause: err, details: { field: err.field } });
        throw new AppError('HTTP.BAD_JSON', 'Webhook body is not a valid event payload', { cause: err });
      }
      for (const event of events) await deps.receive(event);
      deps.logger.debug({ channel: kind, events: events.length }, 'webhook accepted');
      res.status(200).json({ ok: true });
    });
  }
  return router;
}
