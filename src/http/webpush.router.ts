import express, { Router } from 'express';
import { z } from 'zod';
import type { NewsWebPush } from '../core/news-webpush.js';
import { AppError } from '../domain/errors.js';
import { LOCALES, type Locale } from '../domain/locale.js';
import { MAX_ENDPOINT_LENGTH } from '../domain/web-push.js';
import type { RateLimiter } from '../ports/limiter.js';
import { clientAddress } from './client-address.js';
import { parseInput } from './parse-input.js';

/**
 * Web Push for portal news, public, for citizens' browsers on the portal page (src/http/demo-page):
 *
 *   GET  /tin-tuc/web-push/key                  → 200 {publicKey, topics: [{id, name}]}
 *   POST /tin-tuc/web-push/subscriptions        {subscription: {endpoint, expirationTime?, keys: {p256dh, auth}}, topics, locale?}
 *                                               → 201 {topics, locale}
 *   POST /tin-tuc/web-push/subscriptions/delete {endpoint} → 204 (also when nothing was subscribed)
 *
 *   400 HTTP.BAD_REQUEST (shape), WEBPUSH.INPUT_INVALID (unknown topic, keys that are not a browser's),
 *       WEBPUSH.ENDPOINT_NOT_ALLOWED (not an allowed push service: SSRF guard, WEB_PUSH_ALLOWED_HOSTS);
 *   413 HTTP.PAYLOAD_TOO_LARGE (over 4 kB); 429 WEBPUSH.RATE_LIMITED + Retry-After.
 *
 * Same-origin only (no CORS headers): the page that subscribes is served by this app. Both POSTs count
 * against the widget's per-address limit (WIDGET_RATE_PER_ADDRESS): one throttle for what the portal's
 * visitors send. Nothing here logs the endpoint or the keys.
 */

export const WEBPUSH_BODY_LIMIT = '4kb';
const BASE = '/tin-tuc/web-push';

export interface WebPushRouterDeps {
  webPush: Pick<NewsWebPush, 'publicKey' | 'topics' | 'subscribe' | 'unsubscribe'>;
  /** Requests per client address (the system's widget-address limiter). */
  byAddress: RateLimiter;
}

const base64url = (bytes: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}={0,2}$`));
const endpoint = z.string().min(1).max(MAX_ENDPOINT_LENGTH);

const subscribeSchema = z.strictObject({
  subscription: z.strictObject({
    endpoint,
    expirationTime: z.number().nullable().optional(),
    keys: z.strictObject({ p256dh: z.string().max(200), auth: z.string().max(100) }),
  }),
  topics: z.array(z.string().max(64)).max(20),
  locale: z.string().max(8).optional(),
});

const deleteSchema = z.strictObject({ endpoint });

/** The browser's keys: an uncompressed P-256 point (65 bytes) and a 16-byte auth secret, URL-safe base64. */
const p256dhKey = base64url(65);
const authKey = base64url(16);

export function createWebPushRouter(deps: WebPushRouterDeps): Router {
  const router = Router();

  async function throttle(req: express.Request, res: express.Response): Promise<void> {
    const decision = await deps.byAddress.hit(clientAddress(req));
    if (!decision.allowed) {
      res.set('Retry-After', String(decision.retryAfterSec));
      throw new AppError('WEBPUSH.RATE_LIMITED', 'Too many requests; try again later', { details: { retryAfterSeconds: decision.retryAfterSec } });
    }
  }

  router.get(`${BASE}/key`, (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.json({ publicKey: deps.webPush.publicKey, topics: deps.webPush.topics().map((t) => ({ id: t.id, name: t.name })) });
  });

  router.post(`${BASE}/subscriptions`, express.json({ limit: WEBPUSH_BODY_LIMIT }), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    await throttle(req, res);
    const body = parseInput(subscribeSchema, req.body, 'Web Push subscription');
    const { keys } = body.subscription;
    if (!p256dhKey.safeParse(keys.p256dh).success || !authKey.safeParse(keys.auth).success) {
      throw new AppError('WEBPUSH.INPUT_INVALID', 'The subscription keys are not a browser push subscription', { details: { field: 'subscription.keys' } });
    }
    if (body.locale !== undefined && !(LOCALES as readonly string[]).includes(body.locale)) {
      throw new AppError('WEBPUSH.INPUT_INVALID', 'Unknown locale', { details: { field: 'locale' } });
    }
    const stored = await deps.webPush.subscribe({
      endpoint: body.subscription.endpoint,
      keys: { p256dh: keys.p256dh, auth: keys.auth },
      topics: body.topics,
      ...(body.locale !== undefined && { locale: body.locale as Locale }),
    });
    res.status(201).json({ topics: stored.topics, locale: stored.locale });
  });

  router.post(`${BASE}/subscriptions/delete`, express.json({ limit: WEBPUSH_BODY_LIMIT }), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    await throttle(req, res);
    const body = parseInput(deleteSchema, req.body, 'Web Push unsubscription');
    await deps.webPush.unsubscribe(body.endpoint);
    res.status(204).end();
  });

  return router;
}
