import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { childEnvironment, questionsFor, startChildSystem, waitFor, type ChildSystem } from '../integration/system-harness.js';
import { recordFault } from './report.js';
import { privateFerretDb, privateRedis, type PrivateFerretDb, type PrivateRedis } from './services.js';
import { tallyAnswers, zaloAnswers } from './tally.js';

/**
 * Access-token expiry while several worker PROCESSES send (issue 14, item 4): the production shape (one
 * web and two worker processes, scripts/run-system.ts, on a FerretDB and a Redis of this test's own), a
 * burst of Zalo citizens, and the fake Zalo expires the OA access token just before it (every send then
 * answers -220 until the token is refreshed; the refresh answers slowly, so many sends of both workers
 * meet the expired token while it runs). Zalo's refresh token is single-use: two refreshes would lose the
 * OA. Asserted: exactly one refresh reaches the fake, every message is answered once, in order.
 */

const CITIZENS = 10;
const PER_CITIZEN = 3;
const PHASE_MS = 120_000;

let redis: PrivateRedis;
let ferret: PrivateFerretDb;
let fake: FakeZalo;
const processes: ChildSystem[] = [];

beforeAll(async () => {
  [redis, ferret] = await Promise.all([privateRedis(), privateFerretDb('platforms_token')]);
  fake = await new FakeZalo().start();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(processes.map((p) => p.kill('SIGTERM')));
  await fake?.stop();
  await redis?.close();
  await ferret?.close();
});

describe('Zalo token expiry with two worker processes', () => {
  it('zalo-token-expiry-2-workers: one refresh at the fake, every message answered once', async () => {
    const env = childEnvironment(fake, fake.issueTokens(), {
      MONGODB_URL: ferret.url.replace('/?', `/troly_token_${randomUUID().replaceAll('-', '').slice(0, 10)}?`),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `tok${randomUUID().slice(0, 8)}`,
      SESSION_SECRET: randomUUID() + randomUUID(),
    });
    const [web, ...workers] = await Promise.all([startChildSystem(env, PHASE_MS, 'web'), startChildSystem(env, PHASE_MS, 'worker'), startChildSystem(env, PHASE_MS, 'worker')]);
    processes.push(web!, ...workers);
    const driver = new ZaloWebhookDriver({ appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey, url: `${web!.url}/webhooks/zalo` });

    fake.oauthDelayMs = 500;
    fake.expireAccessToken();
    const citizens = Array.from({ length: CITIZENS }, (_, i) => ({ userId: bigId(), questions: questionsFor(i, PER_CITIZEN) }));
    const began = Date.now();
    let accepted = 0;
    await Promise.all(
      citizens.map(async (c) => {
        for (const q of c.questions) {
          expect((await driver.deliver(driver.text(c.userId, q.question))).status).toBe(200);
          accepted++;
        }
      }),
    );
    const ended = Date.now();
    await waitFor('every message answered', () => tallyAnswers(zaloAnswers(fake, citizens)).lost === 0, PHASE_MS, 100);
    await new Promise((r) => setTimeout(r, 1_500));
    const recoverMs = Date.now() - ended;

    const { lost, duplicated, outOfOrder } = tallyAnswers(zaloAnswers(fake, citizens));
    const refreshes = fake.requestsTo('/v4/oa/access_token').length;
    const rejected = fake.requests.filter((r) => (r.response as { error?: number }).error === -220).length;
    recordFault({
      fault: 'zalo-token-expiry-2-workers',
      durationMs: ended - began,
      inFlight: accepted,
      lost,
      duplicated,
      recoverMs,
      notes: `web + 2 worker processes (FerretDB, BullMQ); sends refused with -220: ${rejected}; token refreshes at the fake: ${refreshes} (refresh answered after 500 ms); out of order: ${outOfOrder}`,
    });
    expect({ lost, duplicated, outOfOrder }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
    expect(rejected).toBeGreaterThan(1);
    expect(refreshes).toBe(1);
  }, 240_000);
});
