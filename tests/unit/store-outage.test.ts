import express from 'express';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createStoreOutageRetry } from '../../src/core/store-outage.js';
import { createTurnRunner } from '../../src/core/run-turns.js';
import { AppError, isStoreUnavailable } from '../../src/domain/errors.js';
import type { ChannelKind, InboundEvent } from '../../src/domain/message.js';
import { createErrorMiddleware } from '../../src/http/error-middleware.js';
import { createWebhooksRouter } from '../../src/http/webhooks.router.js';
import { systemClock } from '../../src/ports/clock.js';
import type { ConversationEngine } from '../../src/ports/conversation-engine.js';
import type { Logger } from '../../src/ports/logger.js';
import { RetryLaterError, type JobQueue } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import type { Collection, Database } from '../../src/store/collection.js';
import { createMemoryDatabase } from '../../src/store/memory/index.js';
import { createStore } from '../../src/store/repos/index.js';
import { diskError, guardDatabase, mongoUnavailable, sqliteUnavailable, withinMs } from '../../src/store/unavailable.js';

/**
 * The store unavailable (issue 14, item 3), without a server: the classification of each driver's
 * errors into STORE.UNAVAILABLE, the outage said once in the log, the 503 of the webhooks, and a turn cut
 * by an outage at every one of its writes completed by the next run with one coherent answer.
 */

interface Record_ {
  level: 'error' | 'warn' | 'info' | 'debug';
  obj: unknown;
  msg: string | undefined;
}

function recordingLogger(records: Record_[]): Logger {
  const at =
    (level: Record_['level']) =>
    (obj: object | string, msg?: string): void =>
      void records.push(typeof obj === 'string' ? { level, obj: {}, msg: obj } : { level, obj, msg });
  const logger: Logger = { fatal: at('error'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('debug'), child: () => logger };
  return logger;
}

const sqliteFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

/**
 * A memory database whose calls fail like SQLite on a full disk (writes) or like a stopped server
 * (every call) while `fault` says so; `calls` counts them, so a test can cut a turn at any write.
 */
function faultyDatabase() {
  const inner = createMemoryDatabase();
  const state = {
    fault: 'none' as 'none' | 'writes' | 'all',
    writes: 0,
    failAtWrite: Infinity,
    mode: 'writes' as 'writes' | 'all',
    /** The write the outage starts at lands, but its caller hears of a failure (the answer was lost). */
    landed: false,
  };
  async function call<T>(write: boolean, op: () => Promise<T>): Promise<T> {
    if (write) {
      state.writes += 1;
      if (state.writes >= state.failAtWrite && state.fault === 'none') {
        state.fault = state.mode;
        if (state.landed) {
          await op();
          throw sqliteFull();
        }
      }
    }
    if (state.fault === 'all' || (state.fault === 'writes' && write)) throw sqliteFull();
    return op();
  }
  const db: Database = {
    collection<D extends { _id: string }>(name: string): Collection<D> {
      const c = inner.collection<D>(name);
      return {
        findOne: (...a) => call(false, () => c.findOne(...a)),
        find: (...a) => call(false, () => c.find(...a)),
        distinct: (...a) => call(false, () => c.distinct(...a)),
        insertOne: (...a) => call(true, () => c.insertOne(...a)),
        updateOne: (...a) => call(true, () => c.updateOne(...a)),
        replaceOne: (...a) => call(true, () => c.replaceOne(...a)),
        deleteMany: (...a) => call(true, () => c.deleteMany(...a)),
      };
    },
    init: () => inner.init(),
    ping: () => call(false, () => inner.ping()),
    info: () => inner.info(),
    close: () => inner.close(),
  };
  return { db, state };
}

describe('store errors classified', () => {
  it('recognizes SQLite, filesystem and MongoDB driver errors of an unreachable store, and nothing else', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_BUSY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_CANTOPEN', 'ENOSPC', 'EIO']) {
      expect(sqliteUnavailable(Object.assign(new Error('x'), { code })), code).toBeDefined();
    }
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_MISMATCH']) expect(sqliteUnavailable(Object.assign(new Error('x'), { code })), code).toBeUndefined();
    expect(diskError(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe('ENOSPC');
    expect(diskError(Object.assign(new Error('missing'), { code: 'ENOENT' }))).toBeUndefined();
    const named = (name: string, extra: object = {}) => Object.assign(Object.defineProperty(new Error('x'), 'name', { value: name }), extra);
    for (const name of ['MongoNetworkError', 'MongoServerSelectionError', 'MongoNetworkTimeoutError', 'MongoPoolClearedError']) expect(mongoUnavailable(named(name)), name).toBeDefined();
    expect(mongoUnavailable(named('MongoServerError', { code: 91 }))).toBeDefined(); // ShutdownInProgress
    expect(mongoUnavailable(Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }))).toBe('EPIPE');
    expect(mongoUnavailable(named('MongoServerError', { code: 11000 }))).toBeUndefined(); // duplicate key: an answer
    expect(mongoUnavailable(named('MongoServerError', { code: 2 }))).toBeUndefined();
  });

  it('turns them into STORE.UNAVAILABLE (503) at the store layer, other errors unchanged', async () => {
    const { db, state } = faultyDatabase();
    const store = createStore(guardDatabase(db, { store: 'sqlite', classify: sqliteUnavailable }));
    await store.init();
    state.fault = 'writes';
    const err = await store.secrets.compareAndSet('k', 0, { a: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'STORE.UNAVAILABLE', httpStatus: 503, details: { store: 'sqlite', reason: 'SQLITE_FULL' } });
    expect(isStoreUnavailable(new Error('wrapped', { cause: err }))).toBe(true);
    expect(await store.secrets.get('k')).toBeUndefined(); // reads still work on a full disk
    state.fault = 'none';
    await expect(store.accounts.insert({ id: 'a', username: 'x', displayName: 'X', role: 'admin', passwordHash: 'h', createdAt: new Date(), disabled: false } as never)).resolves.toBeUndefined();
    await expect(store.accounts.insert({ id: 'b', username: 'x', displayName: 'X', role: 'admin', passwordHash: 'h', createdAt: new Date(), disabled: false } as never)).rejects.not.toMatchObject({ code: 'STORE.UNAVAILABLE' });
  });

  it('fails a ping that does not answer in time (readiness), as an outage', async () => {
    const { db } = faultyDatabase();
    const hanging: Database = { ...db, ping: () => withinMs(new Promise<void>(() => undefined), 30, 'ping') };
    const guarded = guardDatabase(hanging, { store: 'mongodb', classify: mongoUnavailable });
    await expect(guarded.ping()).rejects.toMatchObject({ code: 'STORE.UNAVAILABLE', details: { reason: 'timeout' } });
  });
});

/** A store on the faulty database, guarded, its outage log recorded; `quietMs` as GuardOptions. */
async function loggedStore(quietMs: number) {
  const records: Record_[] = [];
  const { db, state } = faultyDatabase();
  const guarded = guardDatabase(db, { store: 'sqlite', classify: sqliteUnavailable, logger: recordingLogger(records), quietMs });
  const store = createStore(guarded);
  await store.init();
  return { records, state, guarded, store };
}

describe('an outage in the log', () => {
  it('is said once when it starts and once when it ends, not once per failed call', async () => {
    const { records, state, guarded, store } = await loggedStore(0);
    state.fault = 'writes';
    for (let i = 0; i < 50; i++) await store.dialogState.write({ [`k${i}`]: i }).catch(() => undefined);
    // Reads keep working on a full disk: they do not end the outage of the writes.
    for (let i = 0; i < 5; i++) await store.dialogState.read(['k1']);
    expect(guarded.outage.down).toBe(true);
    state.fault = 'none';
    await store.dialogState.write({ k: 1 });
    expect(guarded.outage.down).toBe(false);
    expect(records.map((r) => [r.level, r.msg?.split(':')[0]])).toEqual([
      ['error', 'store unavailable'],
      ['warn', 'store available again'],
    ]);
    expect(records[0]!.obj).toMatchObject({ code: 'STORE.UNAVAILABLE', store: 'sqlite', reason: 'SQLITE_FULL' });
    expect(records[1]!.obj).toMatchObject({ code: 'STORE.UNAVAILABLE', store: 'sqlite', failures: 50 });
  });

  it('stays one outage while the store flaps (a nearly full disk: some writes fit, some do not), ended by a success after a quiet spell', async () => {
    const { records, state, guarded, store } = await loggedStore(100);
    for (let i = 0; i < 40; i++) {
      state.fault = i % 2 === 0 ? 'writes' : 'none';
      await store.dialogState.write({ [`k${i}`]: i }).catch(() => undefined);
    }
    state.fault = 'none';
    expect(guarded.outage.down).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    await store.dialogState.write({ k: 1 });
    expect(guarded.outage.down).toBe(false);
    expect(records.map((r) => [r.level, r.msg?.split(':')[0]])).toEqual([
      ['error', 'store unavailable'],
      ['warn', 'store available again'],
    ]);
  });

  it('is said over once the quiet spell has passed after a success, also when the store is then left idle', async () => {
    const { records, state, guarded, store } = await loggedStore(100);
    state.fault = 'writes';
    await store.dialogState.write({ a: 1 }).catch(() => undefined);
    state.fault = 'none';
    await store.dialogState.write({ a: 2 }); // works, but right after a failure: not yet said
    expect(guarded.outage.down).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // no call at all meanwhile
    expect(guarded.outage.down).toBe(false);
    expect(records.map((r) => r.level)).toEqual(['error', 'warn']);
  });

  it('is said over after a quiet spell also when the store failed again while one was running, then was left idle', async () => {
    const { records, state, guarded, store } = await loggedStore(100);
    state.fault = 'writes';
    await store.dialogState.write({ a: 1 }).catch(() => undefined);
    state.fault = 'none';
    await store.dialogState.write({ a: 2 }); // a quiet spell starts
    await new Promise((r) => setTimeout(r, 50));
    state.fault = 'writes';
    await store.dialogState.write({ a: 3 }).catch(() => undefined); // fails within it
    state.fault = 'none';
    await store.dialogState.write({ a: 4 }); // works again; then no call at all
    await new Promise((r) => setTimeout(r, 400));
    expect(guarded.outage.down).toBe(false);
    expect(records.map((r) => r.level)).toEqual(['error', 'warn']);
  });
});

describe('webhooks during a store outage', () => {
  it('answer 503 STORE.UNAVAILABLE with Retry-After, so the platform redelivers; 200 once the store is back', async () => {
    let down = true;
    const received: InboundEvent[] = [];
    const event: InboundEvent = { channel: 'zalo', accountId: 'oa', userId: 'u1', externalId: 'm1', kind: 'message', text: 'xin chào', timestamp: Date.now() };
    const records: Record_[] = [];
    const logger = recordingLogger(records);
    const app = express();
    app.use(
      createWebhooksRouter({
        adapters: { zalo: { verify: () => true, parse: () => [event] } as never },
        receive: async (e) => {
          if (down) throw new AppError('STORE.UNAVAILABLE', 'The mongodb store is unavailable (MongoServerSelectionError)', { details: { store: 'mongodb' } });
          received.push(e);
        },
        logger,
      }),
    );
    app.use(createErrorMiddleware({ logger }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/zalo`;
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url, { method: 'POST', body: '{}' });
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await res.json()).toMatchObject({ code: 'STORE.UNAVAILABLE' });
      }
      // The store's own log says the outage; the requests are not logged as errors one by one.
      expect(records.filter((r) => r.level === 'error')).toEqual([]);
      down = false;
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(200);
      expect(received).toHaveLength(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('outage retries', () => {
  it('grow from the base delay to the cap, with jitter, and start over after a success', () => {
    const retry = createStoreOutageRetry({ baseMs: 100, maxMs: 1000, random: () => 0.5 });
    expect([1, 2, 3, 4, 5, 6].map(() => retry.nextDelayMs('c'))).toEqual([100, 200, 400, 800, 1000, 1000]);
    retry.succeeded('c');
    expect(retry.nextDelayMs('c')).toBe(100);
    expect(() => retry.rethrow('d', new AppError('STORE.UNAVAILABLE', 'down'))).toThrow(RetryLaterError);
    expect(() => retry.rethrow('d', new Error('other'))).toThrow('other');
  });
});

/* ------------------------------------------------------------------------------------------------ */
/* A turn cut at each of its writes                                                                   */
/* ------------------------------------------------------------------------------------------------ */

/**
 * An engine that keeps a counter in the dialog state (as Botkit keeps its dialog) and answers in two
 * replies stamped with it: running it twice for one message would answer `…#1` after `…#0`.
 */
function countingEngine(store: Store): ConversationEngine & { runs: number } {
  const engine = {
    runs: 0,
    async handleTurn({ message }: Parameters<ConversationEngine['handleTurn']>[0]) {
      engine.runs += 1;
      const n = ((await store.dialogState.read(['state']))['state'] as number | undefined) ?? 0;
      await store.dialogState.write({ state: n + 1 });
      return [{ text: `${message.text} a#${n}` }, { text: `${message.text} b#${n}` }];
    },
  };
  return engine;
}

async function turnSetup() {
  const { db, state } = faultyDatabase();
  const store = createStore(guardDatabase(db, { store: 'sqlite', classify: sqliteUnavailable }));
  await store.init();
  const at = new Date();
  const conversationId = 'webchat:portal:v1';
  await store.conversations.getOrOpen({ id: conversationId, contactId: 'c1', channel: 'webchat', accountId: 'portal', userId: 'v1', at });
  await store.inbound.insert({ id: 'webchat:m1', conversationId, externalId: 'm1', kind: 'message', text: 'hỏi', receivedAt: at });
  const queued: string[] = [];
  const deliveries = (_channel: ChannelKind): JobQueue<{ conversationId: string }> => ({ name: 'outbound', add: async (_n, data) => void queued.push(data.conversationId) });
  const engine = countingEngine(store);
  const handle = createTurnRunner({
    store,
    backend: { lock: async () => ({ extend: async () => true, release: async () => undefined }) },
    engine,
    deliveries,
    logger: recordingLogger([]),
    clock: systemClock,
    apology: { text: 'xin lỗi' },
  });
  const job = { id: 'turn:webchat:m1', name: 'turn', data: { conversationId }, attempt: 1 };
  return { store, state, engine, handle: () => handle(job), queued, conversationId };
}

describe('a turn cut by a store outage', () => {
  it('writes this many times when nothing fails', async () => {
    const { store, state, handle, conversationId } = await turnSetup();
    state.writes = 0;
    await handle();
    expect(state.writes).toBeGreaterThanOrEqual(5);
    const out = await store.outbound.listByConversation(conversationId, 10);
    expect(out.map((r) => r.reply.text)).toEqual(['hỏi a#0', 'hỏi b#0']);
  });

  const variants = [
    { mode: 'writes', landed: false, what: 'disk full: writes fail' },
    { mode: 'all', landed: false, what: 'server down: every call fails' },
    { mode: 'all', landed: true, what: 'server down after taking the write: its answer lost' },
  ] as const;
  for (const { mode, landed, what } of variants) {
    it(`is completed by the next run whatever write the outage cuts it at (${what}): one answer, whole, not twice, no apology`, async () => {
      const probe = await turnSetup();
      probe.state.writes = 0;
      await probe.handle();
      const writesOfATurn = probe.state.writes;

      for (let k = 1; k <= writesOfATurn; k++) {
        const { store, state, engine, handle, queued, conversationId } = await turnSetup();
        state.writes = 0;
        state.mode = mode;
        state.landed = landed;
        state.failAtWrite = k;
        const first = await handle().then(
          () => 'completed',
          (err: unknown) => err,
        );
        // Every write of the turn counts: a cut one runs the job again.
        expect(first, `cut at write ${k}`).toBeInstanceOf(RetryLaterError);
        // The store is back: the job runs again.
        state.fault = 'none';
        state.failAtWrite = Infinity;
        await handle();
        const out = await store.outbound.listByConversation(conversationId, 10);
        const texts = out.map((r) => r.reply.text);
        expect(texts, `cut at write ${k}`).toHaveLength(2);
        const stamp = texts[0]!.split('#')[1];
        expect(texts, `cut at write ${k}: one decision's replies`).toEqual([`hỏi a#${stamp}`, `hỏi b#${stamp}`]);
        expect(out.every((r) => r.purpose === 'response' && r.status === 'pending')).toBe(true);
        const [message] = await store.inbound.listByConversation(conversationId, 10);
        expect(message!.status, `cut at write ${k}`).toBe('done');
        expect(queued.length, `cut at write ${k}: a delivery queued`).toBeGreaterThan(0);
        // Once the outcome was recorded, the engine did not run again.
        expect(engine.runs).toBeLessThanOrEqual(2);
        // The turn's decision went with the message's final status.
        expect(message!.decided, `cut at write ${k}`).toBeUndefined();
      }
    });
  }
});
