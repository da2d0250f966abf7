import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyStatus, retryAfterMs } from '../../../adapters/webpush/classify.js';
import { createWebPushSender, generateVapidKeys } from '../../../adapters/webpush/index.js';
import { WebPushSendError } from '../../../src/ports/web-push.js';
import { FakePushService } from '../../fakes/push-service.js';

/**
 * The Web Push sender (adapters/webpush, over the npm web-push library) against a local fake push
 * service that verifies the VAPID token, requires TTL and decrypts the aes128gcm body as a browser does.
 */

let push: FakePushService;
const keys = generateVapidKeys();
const sender = () => createWebPushSender({ vapid: { ...keys, subject: 'mailto:hotro@example.gov.vn' } });

beforeAll(async () => {
  push = await new FakePushService().start();
});
afterAll(async () => {
  await push.stop();
});

async function refusal(promise: Promise<unknown>): Promise<WebPushSendError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebPushSendError);
  return err as WebPushSendError;
}

describe('Web Push sender', () => {
  it('When a message is sent, then the push service accepts a valid VAPID token for its origin and decrypts the payload', async () => {
    const sub = push.createSubscription();
    const result = await sender().send(sub, JSON.stringify({ title: 'Thông báo tuyển dụng', body: 'Nộp hồ sơ trước 31/12' }), { ttlSec: 3600, urgency: 'high', topic: 'abc_DEF-123' });
    expect(result.status).toBe(201);
    const [message] = push.messagesFor(sub.endpoint);
    expect(message).toMatchObject({ ttl: 3600, urgency: 'high', topic: 'abc_DEF-123', vapid: { aud: push.origin, sub: 'mailto:hotro@example.gov.vn', publicKey: keys.publicKey } });
    expect(JSON.parse(message!.text)).toEqual({ title: 'Thông báo tuyển dụng', body: 'Nộp hồ sơ trước 31/12' });
    expect(message!.vapid.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });

  it('When the subscription is gone (410, 404) or the key changed (403), then the error says gone', async () => {
    const expired = push.createSubscription();
    push.expire(expired.endpoint);
    expect(await refusal(sender().send(expired, 'x', { ttlSec: 60, urgency: 'normal' }))).toMatchObject({ kind: 'gone', status: 410 });
    const unknown = { ...push.createSubscription() };
    unknown.endpoint = `${push.origin}/push/00000000-0000-4000-8000-000000000000`;
    expect(await refusal(sender().send(unknown, 'x', { ttlSec: 60, urgency: 'normal' }))).toMatchObject({ kind: 'gone', status: 404 });
    const rotated = push.createSubscription();
    push.requireKey = generateVapidKeys().publicKey;
    try {
      expect(await refusal(sender().send(rotated, 'x', { ttlSec: 60, urgency: 'normal' }))).toMatchObject({ kind: 'gone', status: 403 });
    } finally {
      push.requireKey = undefined;
    }
  });

  it('When the push service answers 429 with Retry-After or 500, then the error is retryable; 413 is permanent', async () => {
    const sub = push.createSubscription();
    push.respond(sub.endpoint, 429, { retryAfter: '7', times: 1 });
    expect(await refusal(sender().send(sub, 'x', { ttlSec: 60, urgency: 'normal' }))).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 7000 });
    push.respond(sub.endpoint, 500, { times: 1 });
    expect(await refusal(sender().send(sub, 'x', { ttlSec: 60, urgency: 'normal' }))).toMatchObject({ kind: 'retryable', status: 500 });
    expect(await refusal(sender().send(sub, 'x'.repeat(5000), { ttlSec: 60, urgency: 'normal' }))).toMatchObject({ kind: 'permanent', status: 413 });
    push.clearResponses();
  });

  it('When the push service cannot be reached, then the error is retryable without a status', async () => {
    const sub = push.createSubscription();
    const err = await refusal(sender().send({ ...sub, endpoint: 'http://127.0.0.1:1/push/x' }, 'x', { ttlSec: 60, urgency: 'normal' }));
    expect(err).toMatchObject({ kind: 'retryable', status: undefined });
  });

  it('When statuses and Retry-After values are classified, then they follow the push services', () => {
    expect([404, 410, 403].map(classifyStatus)).toEqual(['gone', 'gone', 'gone']);
    expect([429, 500, 503].map(classifyStatus)).toEqual(['retryable', 'retryable', 'retryable']);
    expect([400, 413, 401].map(classifyStatus)).toEqual(['permanent', 'permanent', 'permanent']);
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(60_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
