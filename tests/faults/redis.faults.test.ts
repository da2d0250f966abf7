import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver, type ZaloDelivery } from '../fakes/zalo/webhook-driver.js';
import { answersAt, childEnvironment, procedureOf, questionsFor, startChildSystem, waitFor, type ChildSystem } from '../integration/system-harness.js';
import { recordFault } from './report.js';
import { privateFerretDb, privateRedis, type PrivateFerretDb, type PrivateRedis } from './services.js';
import { answeredCount, tallyAnswers, zaloAnswers } from './tally.js';

/**
 * Issue 14 items 1 and 2: Redis loses the queues while citizens write, and the system heals by itself.
 * The system runs in ONE child process (scripts/run-system.ts, role all) on the embedded SQLite store in a
 * temporary DATA_DIR with its queues on BullMQ in a private redis-server (no persistence, as in
 * production without AOF); replies go to the fake Zalo API; citizens are signed webhooks.
 *
 * - `redis-flush-mid-burst`: 20 citizens × 3 questions; once some answers are out, the fake holds every
 *   send (delivery runs stop mid-way, holding their conversations' leases); when the burst is stored, Redis
 *   is FLUSHed (every waiting, delayed and active job, lease and schedule slot gone) and the held sends are
 *   let go. No later message comes to rescue the lost jobs: the reconciler (RECONCILE_SECONDS=1 here) must
 *   find the work in the store.
 * - `redis-restart`: the first round is answered, then Redis is stopped (SIGKILL) for OUTAGE_MS while the
 *   other two rounds arrive: each webhook must answer 200 (the message is stored) — or 503, then it is
 *   redelivered as Zalo would —, /readyz must say not ready during the outage and ready after; Redis is
 *   started again EMPTY.
 * - `redis-flush-mid-burst-production`: the same flush in production mode (MONGODB_URL = a FerretDB of
 *   this test's own, SESSION_SECRET set) with one web and TWO worker processes: the flush takes the
 *   conversations' leases while one worker's sends are out, so the other worker's reconciler finds those
 *   conversations free; only the store's claim on each send (`sending`) keeps it from sending them again.
 *
 * All: every accepted question answered exactly once and in order at the fake (none lost, none twice),
 * the process never restarted, the outage logged a handful of times (not once per message), and a row in
 * the fault report.
 */

const CITIZENS = 20;
const PER_CITIZEN = 3;
/** How long Redis stays down in `redis-restart` (the issue: up to a minute). */
const OUTAGE_MS = 20_000;
/** After the last expected answer, how long to keep watching for a late duplicate (several reconcile passes). */
const SETTLE_MS = 3_000;
const RECOVERY_DEADLINE_MS = 120_000;
/** How long the held sends stay out after the FLUSHALL (RECONCILE_SECONDS is 1 here). */
const HELD_AFTER_FLUSH_MS = 3_000;

interface Citizen {
  userId: string;
  questions: { question: string; procedure: string }[];
  deliveries: ZaloDelivery[];
}

/** One system under test: its private Redis, the fake Zalo, the child processes and their log. */
interface Setup {
  redis: PrivateRedis;
  fake: FakeZalo;
  /** The process serving webhooks and /readyz (role all, or web). */
  child: ChildSystem;
  /** Every process of the system, with the pid it started with. */
  processes: { child: ChildSystem; pid: number | undefined }[];
  driver: ZaloWebhookDriver;
  /** The processes' log so far (LOG_LEVEL=warn, JSON lines on stdout). */
  log(): string;
  close(): Promise<void>;
}

/**
 * Starts the system in child processes against `redis`, with RECONCILE_SECONDS=1: one process in role
 * all, or a web process and `workers` worker processes; the embedded SQLite store in a temporary DATA_DIR
 * unless `env` says otherwise (MONGODB_URL: production mode).
 */
async function setUp(redis: PrivateRedis, env: Record<string, string> = {}, workers = 0): Promise<Setup> {
  const fake = await new FakeZalo().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'redis-faults-'));
  const children: ChildSystem[] = [];
  const close = async () => {
    await Promise.allSettled(children.map((c) => c.kill('SIGKILL')));
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const vars = childEnvironment(fake, fake.issueTokens(), { DATA_DIR: dataDir, EMBEDDED_STORE: 'sqlite', REDIS_URL: redis.url, QUEUE_PREFIX: 'faults', RECONCILE_SECONDS: '1', LOG_LEVEL: 'warn', ...env });
  const roles: ('all' | 'web' | 'worker')[] = workers === 0 ? ['all'] : ['web', ...Array.from({ length: workers }, () => 'worker' as const)];
  const started = await Promise.allSettled(roles.map((role) => startChildSystem(vars, undefined, role)));
  for (const s of started) if (s.status === 'fulfilled') children.push(s.value);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  let log = '';
  for (const c of children) c.process.stdout!.on('data', (chunk: string) => (log += chunk));
  const child = children[0]!;
  fake.webhookUrl = `${child.url}/webhooks/zalo`;
  const driver = new ZaloWebhookDriver({ appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey, url: fake.webhookUrl });
  return { redis, fake, child, processes: children.map((c) => ({ child: c, pid: c.process.pid })), driver, log: () => log, close };
}

function citizens(s: Setup, offset: number): Citizen[] {
  return Array.from({ length: CITIZENS }, (_, i) => {
    const userId = bigId();
    const questions = questionsFor(offset + i, PER_CITIZEN);
    return { userId, questions, deliveries: questions.map((q) => s.driver.text(userId, q.question)) };
  });
}

/** Answers at the fake for `group` so far, at most one per question. */
const answeredNow = (s: Setup, group: Citizen[]) => answeredCount(zaloAnswers(s.fake, group));

/** Lines of the child's log carrying the queue-outage code. */
const outageLogLines = (s: Setup) =>
  s
    .log()
    .split('\n')
    .filter((l) => l.includes('"code":"QUEUE.UNAVAILABLE"')).length;

async function post(s: Setup, delivery: ZaloDelivery, again = false): Promise<number> {
  return (again ? s.driver.redeliver(delivery) : s.driver.deliver(delivery)).then(
    (res) => res.status,
    () => 0,
  );
}

async function readiness(s: Setup): Promise<number> {
  return fetch(`${s.child.url}/readyz`).then(
    (res) => res.status,
    () => 0,
  );
}

function expectAnsweredInOrder(s: Setup, group: Citizen[]): void {
  for (const c of group) {
    expect(answersAt(s.fake, c.userId).map(procedureOf), `answers to citizen ${c.userId}`).toEqual(c.questions.map((q) => q.procedure));
  }
}

function expectSameProcesses(s: Setup): void {
  for (const { child, pid } of s.processes) {
    expect(child.process.exitCode).toBeNull();
    expect(child.process.signalCode).toBeNull();
    expect(child.process.pid).toBe(pid);
  }
}

/**
 * The burst, all three rounds; once a few answers are out the fake holds every send (delivery runs stop
 * mid-way, holding their conversations' leases) and the other runs and turns wait in Redis; when the burst
 * is stored, FLUSHALL, then the held sends are let go. No later message comes to rescue the lost jobs:
 * only the store knows what is left.
 */
async function flushMidBurst(s: Setup, fault: string, offset: number, mode: string): Promise<void> {
  const group = citizens(s, offset);
  const refused: ZaloDelivery[] = [];
  const burst = Promise.all(
    group.map(async (c) => {
      for (const delivery of c.deliveries) if ((await post(s, delivery)) !== 200) refused.push(delivery);
    }),
  );
  await waitFor('the first answers', () => answeredNow(s, group) >= 8, RECOVERY_DEADLINE_MS);
  const hold = s.fake.holdSends();
  await burst;
  await hold.whenHeld(1);
  const inFlight = CITIZENS * PER_CITIZEN - refused.length - answeredNow(s, group);
  const logBefore = outageLogLines(s);
  const flushedAt = Date.now();
  s.redis.flushAll();
  // The sends stay out for a few reconcile passes: every process's reconciler re-queues the conversations
  // whose leases the flush took, and their runs meet the held sends' claims.
  await new Promise((r) => setTimeout(r, HELD_AFTER_FLUSH_MS));
  hold.release();
  for (const delivery of refused) expect(await post(s, delivery, true)).toBe(200);

  await waitFor('an answer to every question', () => answeredNow(s, group) === CITIZENS * PER_CITIZEN, RECOVERY_DEADLINE_MS, 50);
  const recoverMs = Date.now() - flushedAt;
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const { lost, duplicated, answered } = tallyAnswers(zaloAnswers(s.fake, group));
  recordFault({
    fault,
    durationMs: 0,
    inFlight,
    lost,
    duplicated,
    recoverMs,
    notes: `${mode}; ${CITIZENS}×${PER_CITIZEN} questions, FLUSHALL after the burst with sends held in flight; ${refused.length} webhooks refused and redelivered; ${answered} answers; processes not restarted; ${outageLogLines(s) - logBefore} QUEUE.UNAVAILABLE log lines`,
  });
  expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  expectAnsweredInOrder(s, group);
  expectSameProcesses(s);
}

describe('Redis faults: the queues heal from the store without a restart (embedded SQLite store, BullMQ)', () => {
  let s: Setup;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await privateRedis();
    s = await setUp(redis);
  });

  afterAll(async () => {
    await s?.close();
    await redis?.close();
  });

  it('redis-flush-mid-burst: FLUSHALL while turns and deliveries are queued and sends are in flight', async () => {
    await flushMidBurst(s, 'redis-flush-mid-burst', 0, 'embedded SQLite store + BullMQ');
  });

  it('redis-restart: Redis down for 20 s during a burst, started again empty', async () => {
    const group = citizens(s, CITIZENS);
    // The first round, answered before the outage.
    await Promise.all(group.map(async (c) => expect(await post(s, c.deliveries[0]!)).toBe(200)));
    await waitFor('the first round answered', () => answeredNow(s, group) === CITIZENS, RECOVERY_DEADLINE_MS, 50);
    expect(await readiness(s)).toBe(200);

    const logBefore = outageLogLines(s);
    await redis.stop();
    const stoppedAt = Date.now();
    // The other rounds arrive while Redis is down: stored and acknowledged (200), or refused (503) and redelivered later.
    const statuses: number[] = [];
    const refused: ZaloDelivery[] = [];
    let slowestMs = 0;
    await Promise.all(
      group.map(async (c) => {
        for (const delivery of c.deliveries.slice(1)) {
          const started = Date.now();
          const status = await post(s, delivery);
          slowestMs = Math.max(slowestMs, Date.now() - started);
          statuses.push(status);
          if (status !== 200) refused.push(delivery);
        }
      }),
    );
    await waitFor('/readyz to report the outage', async () => ((await readiness(s)) === 503 ? true : undefined), RECOVERY_DEADLINE_MS, 200);
    const wait = OUTAGE_MS - (Date.now() - stoppedAt);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    expect(await readiness(s)).toBe(503);

    await redis.start();
    const startedAt = Date.now();
    const durationMs = startedAt - stoppedAt;
    await waitFor('/readyz ready again', async () => ((await readiness(s)) === 200 ? true : undefined), RECOVERY_DEADLINE_MS, 200);
    const readyMs = Date.now() - startedAt;
    for (const delivery of refused) expect(await post(s, delivery, true)).toBe(200);

    await waitFor('an answer to every question', () => answeredNow(s, group) === CITIZENS * PER_CITIZEN, RECOVERY_DEADLINE_MS, 50);
    const recoverMs = Date.now() - startedAt;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const { lost, duplicated, answered } = tallyAnswers(zaloAnswers(s.fake, group));
    const accepted = statuses.filter((x) => x === 200).length;
    const logLines = outageLogLines(s) - logBefore;
    recordFault({
      fault: 'redis-restart',
      durationMs,
      inFlight: statuses.length,
      lost,
      duplicated,
      recoverMs,
      notes: `embedded SQLite store + BullMQ; ${CITIZENS}×${PER_CITIZEN} questions, rounds 2–3 during the outage: ${accepted} webhooks 200, ${refused.length} refused and redelivered, slowest ${slowestMs} ms; /readyz 503 during, 200 ${readyMs} ms after the start; ${answered} answers; processes not restarted; ${logLines} QUEUE.UNAVAILABLE log lines`,
    });
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expectAnsweredInOrder(s, group);
    expectSameProcesses(s);
    // Said once when it began and once when it ended per component, not once per message.
    expect(logLines).toBeLessThan(statuses.length);
  });

  it('redis-down-at-start: a process started while Redis is down serves webhooks, and answers once Redis comes', async () => {
    const late = await privateRedis();
    await late.stop();
    const startedAt = Date.now();
    const d = await setUp(late);
    try {
      const startMs = Date.now() - startedAt;
      expect(await readiness(d)).toBe(503);
      const group = citizens(d, 3 * CITIZENS).slice(0, 5);
      const refused: ZaloDelivery[] = [];
      for (const c of group) for (const delivery of c.deliveries) if ((await post(d, delivery)) !== 200) refused.push(delivery);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(answeredNow(d, group)).toBe(0);
      const downMs = Date.now() - startedAt;
      await late.start();
      const upAt = Date.now();
      for (const delivery of refused) expect(await post(d, delivery, true)).toBe(200);
      await waitFor('an answer to every question', () => answeredNow(d, group) === group.length * PER_CITIZEN, RECOVERY_DEADLINE_MS, 50);
      const recoverMs = Date.now() - upAt;
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const { lost, duplicated, answered } = tallyAnswers(zaloAnswers(d.fake, group));
      recordFault({
        fault: 'redis-down-at-start',
        durationMs: downMs,
        inFlight: group.length * PER_CITIZEN,
        lost,
        duplicated,
        recoverMs,
        notes: `embedded SQLite store + BullMQ; the process started with Redis down (ready to serve in ${startMs} ms, /readyz 503), ${group.length}×${PER_CITIZEN} questions while down, ${refused.length} refused and redelivered; ${answered} answers; ${outageLogLines(d)} QUEUE.UNAVAILABLE log lines`,
      });
      expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
      expectAnsweredInOrder(d, group);
      expectSameProcesses(d);
      expect(outageLogLines(d)).toBeLessThan(10);
    } finally {
      await d.close();
      await late.close();
    }
  });
});

describe('Redis faults in production mode (MongoDB wire = a FerretDB of its own, BullMQ, two worker processes)', () => {
  let s: Setup;
  let redis: PrivateRedis;
  let ferret: PrivateFerretDb;
  /** A database of this run's own on the private FerretDB, dropped afterwards. */
  const dbName = `faults_redis_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let url: string;

  beforeAll(async () => {
    ferret = await privateFerretDb('redis');
    redis = await privateRedis();
    url = ferret.url.replace('/?', `/${dbName}?`);
    s = await setUp(redis, { MONGODB_URL: url, SESSION_SECRET: randomUUID() + randomUUID() }, 2);
  });

  afterAll(async () => {
    await s?.close();
    await redis?.close();
    if (url) {
      const admin = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
      await admin
        .db(dbName)
        .dropDatabase()
        .catch(() => undefined)
        .finally(() => admin.close());
    }
    await ferret?.close();
  });

  it('redis-flush-mid-burst-production: FLUSHALL while turns and deliveries are queued and sends are in flight', async () => {
    await flushMidBurst(s, 'redis-flush-mid-burst-production', 2 * CITIZENS, 'production mode: FerretDB + BullMQ, web + 2 worker processes');
  });
});
