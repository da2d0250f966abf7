import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/ports/store.js';
import { createMongoStore } from '../../src/store/mongo/index.js';
import { selectStore } from '../../src/system/store.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver, type ZaloDelivery } from '../fakes/zalo/webhook-driver.js';
import { answersAt, childEnvironment, procedureOf, questionsFor, startChildSystem, waitFor, type ChildSystem } from '../integration/system-harness.js';
import { recordFault } from './report.js';
import { privateFerretDb, privateRedis } from './services.js';
import { answeredCount, tallyAnswers, zaloAnswers } from './tally.js';

/**
 * The store unavailable (issue 14, item 3), injected for real against a system child process
 * (scripts/run-system.ts) and citizens writing on Zalo (signed webhooks, the fake Zalo API):
 *
 * - `ferretdb-restart`: production mode (MongoDB wire = a FerretDB of this test's own, BullMQ on a Redis
 *   of its own). FerretDB is killed in the middle of a burst, while turns and deliveries are in flight,
 *   and started again ~12 s later. Webhooks during the outage must answer 503 (nothing acknowledged that
 *   was not stored); the test redelivers them afterwards with the same signed bytes, as Zalo does.
 * - `disk-full`: embedded mode (SQLite) with DATA_DIR on a small tmpfs of its own, filled up mid-burst
 *   and freed again.
 *
 * Both assert: every message accepted (200) is answered exactly once, in the order the store took it
 * (the order asked, a refused one redelivered later coming after those accepted meanwhile); every refused
 * one was refused with 503 and is answered once redelivered; the store agrees (every message done, one
 * reply each, sent); the outage is said in the log once at its start and once at its end, not per call.
 */

const CITIZENS = 8;
const PER_CITIZEN = 4;
/** Rounds (one message per citizen) sent before the fault; the rest are sent while it is on. */
const ROUNDS_BEFORE = 2;
const FERRETDB_OUTAGE_MS = 12_000;
/** Deadlines of whole phases: generous, the suite runs beside other work. */
const PHASE_MS = 120_000;

interface Citizen {
  userId: string;
  questions: { question: string; procedure: string }[];
  deliveries: ZaloDelivery[];
  /** Messages (by index) the system acknowledged with 200. */
  accepted: Set<number>;
}

/** The JSON log lines a child writes on stdout after READY. */
function captureLogs(child: ChildSystem): { lines: () => Record<string, unknown>[] } {
  let buffer = '';
  const lines: Record<string, unknown>[] = [];
  child.process.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // READY and anything else that is not a log record
      }
    }
  });
  return { lines: () => lines };
}

/** The store's own outage lines (store/unavailable.ts), and every other warn/error line that mentions the outage. */
function outageLog(lines: Record<string, unknown>[]) {
  const said = lines.filter((l) => typeof l['msg'] === 'string' && /^store (unavailable|still unavailable|available again)/.test(l['msg']));
  const others = lines.filter((l) => !said.includes(l) && (l['level'] === 'warn' || l['level'] === 'error') && /STORE\.UNAVAILABLE|store is unavailable/.test(JSON.stringify(l)));
  return { said, others };
}

function makeCitizens(driver: ZaloWebhookDriver): Citizen[] {
  return Array.from({ length: CITIZENS }, (_, i) => {
    const userId = bigId();
    const questions = questionsFor(i, PER_CITIZEN);
    return { userId, questions, deliveries: questions.map((q) => driver.text(userId, q.question)), accepted: new Set<number>() };
  });
}

/** Sends round `k` (each citizen's k-th message, all citizens at once); returns the statuses seen. */
async function sendRound(driver: ZaloWebhookDriver, citizens: Citizen[], k: number): Promise<number[]> {
  return Promise.all(
    citizens.map(async (c) => {
      const status = await driver.deliver(c.deliveries[k]!).then(
        (res) => res.status,
        () => 0,
      );
      if (status === 200) c.accepted.add(k);
      return status;
    }),
  );
}

/**
 * Zalo's redelivery: every message not acknowledged yet, the same signed bytes, each citizen's in order,
 * again after a pause while the system answers 503. Returns how many 503s it met.
 */
async function redeliverRefused(driver: ZaloWebhookDriver, citizens: Citizen[]): Promise<number> {
  let refused = 0;
  await Promise.all(
    citizens.map(async (c) => {
      for (let k = 0; k < PER_CITIZEN; k++) {
        if (c.accepted.has(k)) continue;
        await waitFor(`message ${k} of ${c.userId} accepted on redelivery`, async () => {
          const status = await driver.redeliver(c.deliveries[k]!).then(
            (res) => res.status,
            () => 0,
          );
          if (status === 200) return true;
          expect([503, 0]).toContain(status);
          refused += 1;
          await new Promise((r) => setTimeout(r, 500));
          return false;
        }, PHASE_MS, 0);
        c.accepted.add(k);
      }
    }),
  );
  return refused;
}

const saysBack = (lines: Record<string, unknown>[]) => outageLog(lines).said.some((l) => String(l['msg']).startsWith('store available again'));

/**
 * Each citizen got one answer per question, none twice, in the order the store took the messages: the
 * order asked, except that a message refused (503) and redelivered later comes after the ones accepted
 * meanwhile, as with the platform's own redelivery. The store agrees: each message stored once, done,
 * with one reply, sent.
 */
async function expectAnsweredOnce(fake: FakeZalo, store: Store, citizens: Citizen[]): Promise<void> {
  for (const c of citizens) {
    const conversationId = `zalo:${fake.oaId}:${c.userId}`;
    const inbound = await store.inbound.listByConversation(conversationId, 100);
    expect(inbound.map((m) => m.seq)).toEqual(inbound.map((_, i) => i + 1));
    expect(inbound.map((m) => m.text).sort()).toEqual(c.questions.map((q) => q.question).sort());
    expect(inbound.map((m) => m.status)).toEqual(inbound.map(() => 'done'));
    const procedureAsked = new Map(c.questions.map((q) => [q.question, q.procedure]));
    const records = (await store.outbound.listByConversation(conversationId, 100)).map((r) => ({ id: r.id, status: r.status, externalId: r.externalId, attempts: r.attempts, error: r.error?.code }));
    const sends = fake.sent.filter((m) => m.userId === c.userId).map((m) => m.messageId);
    expect(answersAt(fake, c.userId).map(procedureOf), `answers to citizen ${c.userId}; sends ${JSON.stringify(sends)}; records ${JSON.stringify(records)}`).toEqual(inbound.map((m) => procedureAsked.get(m.text ?? "")));
    const outbound = await store.outbound.listByConversation(conversationId, 100);
    expect(inbound.map((m) => outbound.filter((r) => r.inReplyTo === m.id).map((r) => r.status))).toEqual(inbound.map(() => ['sent']));
  }
}

/** Answers at the fake so far, at most one per question. */
const answeredNow = (fake: FakeZalo, citizens: Citizen[]) => answeredCount(zaloAnswers(fake, citizens));

/** MONGODB_URL with its own database (`/<name>` in the path), so runs never see each other's data. */
function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('the store unavailable', () => {
  it('ferretdb-restart: FerretDB killed mid-burst and started again ~12 s later: webhooks answer 503 meanwhile, every message answered exactly once', async () => {
    const ferret = await privateFerretDb('store');
    cleanups.push(() => ferret.close());
    const redis = await privateRedis();
    cleanups.push(() => redis.close());
    const fake = await new FakeZalo().start();
    cleanups.push(() => fake.stop());
    const dbName = `faults_store_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const url = withDatabase(ferret.url, dbName);
    cleanups.push(async () => {
      const admin = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
      try {
        await admin.db(dbName).dropDatabase();
      } finally {
        await admin.close();
      }
    });

    const env = childEnvironment(fake, fake.issueTokens(), { MONGODB_URL: url, REDIS_URL: redis.url, QUEUE_PREFIX: 'faults', SESSION_SECRET: randomUUID() + randomUUID(), LOG_LEVEL: 'info' });
    const child = await startChildSystem(env, PHASE_MS);
    cleanups.push(() => child.kill('SIGKILL'));
    const logs = captureLogs(child);
    fake.webhookUrl = `${child.url}/webhooks/zalo`;
    const driver = new ZaloWebhookDriver({ appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey, url: fake.webhookUrl });
    const citizens = makeCitizens(driver);

    // The burst's first rounds, all acknowledged; the fault comes once answers are flowing, with turns
    // and deliveries of the second round still in flight.
    for (let k = 0; k < ROUNDS_BEFORE; k++) expect(await sendRound(driver, citizens, k)).toEqual(citizens.map(() => 200));
    await waitFor('the first answers', () => answeredNow(fake, citizens) >= CITIZENS, PHASE_MS);
    const answeredAtFault = answeredNow(fake, citizens);
    const acceptedAtFault = citizens.reduce((n, c) => n + c.accepted.size, 0);
    await ferret.stop();
    const faultAt = Date.now();

    // The rest of the burst meets the outage: refused with 503 (and Retry-After), never acknowledged.
    const during: number[] = [];
    for (let k = ROUNDS_BEFORE; k < PER_CITIZEN; k++) during.push(...(await sendRound(driver, citizens, k)));
    expect(during.every((s) => s === 503), `statuses during the outage: ${during.join(',')}`).toBe(true);
    const ready = await fetch(`${child.url}/readyz`);
    expect(ready.status).toBe(503);

    await new Promise((r) => setTimeout(r, Math.max(0, FERRETDB_OUTAGE_MS - (Date.now() - faultAt))));
    await ferret.start();
    const backAt = Date.now();
    const outageMs = backAt - faultAt;

    const refusedAfter = await redeliverRefused(driver, citizens);
    await waitFor('an answer to every message', () => answeredNow(fake, citizens) >= CITIZENS * PER_CITIZEN, PHASE_MS, 50);
    const recoverMs = Date.now() - backAt;
    await waitFor('the system ready again', async () => (await fetch(`${child.url}/readyz`)).status === 200, PHASE_MS, 200);

    const store = createMongoStore({ url });
    cleanups.push(() => store.close());
    // The platform's answer comes before the worker records it: wait for the store to catch up.
    await waitFor('the store to record every reply as sent', async () => {
      for (const c of citizens) {
        const outbound = await store.outbound.listByConversation(`zalo:${fake.oaId}:${c.userId}`, 100);
        if (outbound.length < PER_CITIZEN || outbound.some((r) => r.status !== 'sent')) return false;
      }
      return true;
    }, PHASE_MS, 200);
    await waitFor('the log to say the store is back', () => saysBack(logs.lines()), PHASE_MS, 100);
    await child.kill('SIGTERM');
    const { duplicated, lost } = tallyAnswers(zaloAnswers(fake, citizens));
    const { said, others } = outageLog(logs.lines());
    recordFault({
      fault: 'ferretdb-restart',
      durationMs: outageMs,
      inFlight: acceptedAtFault - answeredAtFault,
      lost,
      duplicated,
      recoverMs,
      notes: `${during.length} webhooks during the outage answered 503 and were redelivered (${refusedAfter} more 503s while reconnecting); store outage log lines ${said.length}, other warn/error lines about it (queue retries, readiness) ${others.length}`,
    });
    await expectAnsweredOnce(fake, store, citizens);
    expect(said.map((l) => String(l['msg']).split(':')[0])[0]).toBe('store unavailable');
    expect(said.at(-1)?.['msg']).toMatch(/^store available again/);
    expect(said.length).toBeLessThanOrEqual(3);
  }, 4 * PHASE_MS);

  const root = process.getuid?.() === 0;
  it.skipIf(!root)('disk-full: the embedded store (SQLite) on a tmpfs filled mid-burst and freed: webhooks answer 503 while full, every message answered exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'faults-disk-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dataDir]);
    cleanups.push(async () => {
      execFileSync('umount', ['-l', dataDir]);
      rmSync(dataDir, { recursive: true, force: true });
    });
    const fake = await new FakeZalo().start();
    cleanups.push(() => fake.stop());
    const env = childEnvironment(fake, fake.issueTokens(), { DATA_DIR: dataDir, EMBEDDED_STORE: 'sqlite', LOG_LEVEL: 'info' });
    const child = await startChildSystem(env, PHASE_MS);
    cleanups.push(() => child.kill('SIGKILL'));
    const logs = captureLogs(child);
    fake.webhookUrl = `${child.url}/webhooks/zalo`;
    const driver = new ZaloWebhookDriver({ appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey, url: fake.webhookUrl });
    const citizens = makeCitizens(driver);

    for (let k = 0; k < ROUNDS_BEFORE; k++) expect(await sendRound(driver, citizens, k)).toEqual(citizens.map(() => 200));
    await waitFor('the first answers', () => answeredNow(fake, citizens) >= CITIZENS, PHASE_MS);
    const answeredAtFault = answeredNow(fake, citizens);
    const acceptedAtFault = citizens.reduce((n, c) => n + c.accepted.size, 0);

    // The disk fills up: a file takes every byte left.
    const filler = join(dataDir, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      expect((err as { code?: string }).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    const faultAt = Date.now();
    const during: number[] = [];
    for (let k = ROUNDS_BEFORE; k < PER_CITIZEN; k++) during.push(...(await sendRound(driver, citizens, k)));
    expect(during.every((s) => s === 200 || s === 503), `statuses while the disk is full: ${during.join(',')}`).toBe(true);
    expect(during.filter((s) => s === 503).length, 'webhooks refused while the disk is full').toBeGreaterThan(0);
    const acceptedWhileFull = during.filter((s) => s === 200).length;
    // Let the workers meet the full disk too before it is freed.
    await new Promise((r) => setTimeout(r, 5_000));

    unlinkSync(filler);
    const freedAt = Date.now();
    const refusedAfter = await redeliverRefused(driver, citizens);
    await waitFor('an answer to every message', () => answeredNow(fake, citizens) >= CITIZENS * PER_CITIZEN, PHASE_MS, 50);
    const recoverMs = Date.now() - freedAt;
    await new Promise((r) => setTimeout(r, 1_000)); // the last sends recorded
    await waitFor('the log to say the store is back', () => saysBack(logs.lines()), PHASE_MS, 100);
    await child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });

    const result = tallyAnswers(zaloAnswers(fake, citizens));
    const { said, others } = outageLog(logs.lines());
    recordFault({
      fault: 'disk-full',
      durationMs: freedAt - faultAt,
      inFlight: acceptedAtFault - answeredAtFault + acceptedWhileFull,
      lost: result.lost,
      duplicated: result.duplicated,
      recoverMs,
      notes: `tmpfs 8 MB filled: ${during.length - acceptedWhileFull} of ${during.length} webhooks answered 503 (${acceptedWhileFull} still stored), redelivered (${refusedAfter} more 503s); store outage log lines ${said.length}, other warn/error lines about it (queue retries, readiness) ${others.length}`,
    });
    const store = await selectStore(loadConfig({ DATA_DIR: dataDir, EMBEDDED_STORE: 'sqlite', LOG_LEVEL: 'silent' }));
    try {
      await expectAnsweredOnce(fake, store, citizens);
    } finally {
      await store.close();
    }
    expect(said[0]?.['msg']).toMatch(/^store unavailable: sqlite/);
    expect(said.at(-1)?.['msg']).toMatch(/^store available again/);
    expect(said.length).toBeLessThanOrEqual(3);
  }, 4 * PHASE_MS);
});
