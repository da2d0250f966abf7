import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteDatabase, createSqliteStore } from '../../src/store/sqlite/index.js';
import { dataDirHarness, storeContract, type StoreHarness } from '../contract/store.contract.js';

/** An SQLite store on a fresh temporary data directory, removed by cleanup. */
const sqliteHarness = () => dataDirHarness((dataDir) => createSqliteStore({ dataDir }), 'troly-sqlite-');

storeContract('embedded (sqlite file)', sqliteHarness);

describe('sqlite store file', () => {
  const harnesses: StoreHarness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.cleanup()));
  });

  it('When the store is used and closed, then it is one file <dataDir>/store/store.sqlite (write-ahead log folded in)', async () => {
    const h = await sqliteHarness();
    harnesses.push(h);
    await h.store.init();
    await h.store.dialogState.write({ k: 1 });
    await h.store.close();
    expect((await readdir(join(h.dataDir, 'store'))).sort()).toEqual(['store.sqlite']);
  });

  it('When a second store opens a data directory in use, then it is refused and the first keeps working', async () => {
    const h = await sqliteHarness();
    harnesses.push(h);
    await h.store.init();
    const second = createSqliteStore({ dataDir: h.dataDir });
    // The lock holder is this very process, as in the nedb adapter: the check is against other processes.
    // So the refusal is shown with a pid that runs and is not ours (our parent).
    const { writeFileSync } = await import('node:fs');
    await h.store.close();
    writeFileSync(join(h.dataDir, 'store', 'LOCK'), `${process.ppid}\n`);
    await expect(second.init()).rejects.toMatchObject({ code: 'STORE.DATA_DIR_LOCKED' });
    await rm(join(h.dataDir, 'store', 'LOCK'));
    await expect(second.init()).resolves.toBeUndefined();
    await second.close();
  });

  it('When init is never called, then the repos still open the file first', async () => {
    const h = await sqliteHarness();
    harnesses.push(h);
    await h.store.secrets.compareAndSet('s', 0, { a: 1 });
    const reopened = await h.reopen!();
    expect(await reopened.secrets.get('s')).toEqual({ value: { a: 1 }, version: 1 });
  });

  it('When the engine is asked, then it says sqlite with its version and atomic updates', async () => {
    const h = await sqliteHarness();
    harnesses.push(h);
    expect(await h.store.info()).toMatchObject({ engine: 'sqlite', version: expect.stringMatching(/^3\.\d+/), atomicUpdates: true });
  });
});

/** The collection layer directly: the query language's corners the repositories do not all reach. */
describe('sqlite collection semantics', () => {
  const dirs: string[] = [];
  const dbs: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((d) => d.close()));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  async function open() {
    const dataDir = await mkdtemp(join(tmpdir(), 'troly-sqlite-'));
    dirs.push(dataDir);
    const db = createSqliteDatabase({ dataDir });
    dbs.push(db);
    await db.init();
    return { db, dataDir };
  }

  it('When strings begin with $ or look like encoded dates, then they come back as the same strings', async () => {
    const { db } = await open();
    const c = db.collection<{ _id: string; s: string[]; t: string; at: Date }>('secrets');
    const at = new Date('2026-03-09T03:00:00.123Z');
    const doc = { _id: 'x', s: ['$D2026-01-01T00:00:00.000Z', '$$', '$', 'plain'], t: '$D2026-01-01T00:00:00.000Z', at };
    await c.insertOne(doc);
    expect(await c.findOne({ _id: 'x' })).toEqual(doc);
    expect(await c.findOne({ t: '$D2026-01-01T00:00:00.000Z' })).toEqual(doc);
    expect(await c.findOne({ at })).toEqual(doc);
    expect(await c.findOne({ at: new Date('2026-01-01T00:00:00.000Z') })).toBeUndefined();
  });

  it('When ranges compare across types, then a Date bound matches Dates only and a number bound numbers only', async () => {
    const { db } = await open();
    const c = db.collection<{ _id: string; v: unknown }>('secrets');
    await c.insertOne({ _id: 'date', v: new Date('2026-01-01T00:00:00Z') });
    await c.insertOne({ _id: 'num', v: 5 });
    await c.insertOne({ _id: 'str', v: 'zzz' });
    await c.insertOne({ _id: 'none' } as { _id: string; v: unknown });
    const ids = async (f: Parameters<typeof c.find>[0]) => (await c.find(f, { sort: { _id: 1 } })).map((d) => d._id);
    expect(await ids({ v: { $gt: new Date('2000-01-01T00:00:00Z') } })).toEqual(['date']);
    expect(await ids({ v: { $lt: new Date('2100-01-01T00:00:00Z') } })).toEqual(['date']);
    expect(await ids({ v: { $gte: 1 } })).toEqual(['num']);
    expect(await ids({ v: { $lt: 'zzzz' } })).toEqual(['str']);
    expect(await ids({ v: { $exists: false } })).toEqual(['none']);
    expect(await ids({ v: { $ne: 5 } })).toEqual(['date', 'none', 'str']);
    expect(await ids({ v: { $in: [5, 'zzz'] } })).toEqual(['num', 'str']);
  });

  it('When a field holds arrays, then equality, $in and $ne look at the elements, and distinct flattens them', async () => {
    const { db } = await open();
    const c = db.collection<{ _id: string; tags: string[] | string }>('dialog_state');
    await c.insertOne({ _id: 'a', tags: ['x', 'y'] });
    await c.insertOne({ _id: 'b', tags: 'x' });
    await c.insertOne({ _id: 'c', tags: ['z'] });
    const ids = async (f: Parameters<typeof c.find>[0]) => (await c.find(f, { sort: { _id: 1 } })).map((d) => d._id);
    expect(await ids({ tags: 'x' })).toEqual(['a', 'b']);
    expect(await ids({ tags: { $in: ['y', 'z'] } })).toEqual(['a', 'c']);
    expect(await ids({ tags: { $ne: 'x' } })).toEqual(['c']);
    expect((await c.distinct('tags', {})).sort()).toEqual(['x', 'y', 'z']);
  });

  it('When a unique array field (contacts.identityKeys) changes, then old keys are freed and new ones refused to others', async () => {
    const { db, dataDir } = await open();
    const c = db.collection<{ _id: string; identityKeys: string[] }>('contacts');
    await c.insertOne({ _id: 'a', identityKeys: ['k1', 'k2'] });
    await expect(c.insertOne({ _id: 'b', identityKeys: ['k3', 'k2'] })).rejects.toMatchObject({ name: 'DuplicateKeyError' });
    expect(await c.findOne({ identityKeys: 'k3' })).toBeUndefined(); // the refused insert left no key behind
    await c.insertOne({ _id: 'b', identityKeys: ['k3', 'k3'] }); // one document may repeat its own key
    await expect(c.updateOne({ _id: 'b' }, { $set: { identityKeys: ['k1'] } })).rejects.toMatchObject({ name: 'DuplicateKeyError' });
    expect(await c.findOne({ _id: 'b' })).toEqual({ _id: 'b', identityKeys: ['k3', 'k3'] });
    await c.updateOne({ _id: 'a' }, { $set: { identityKeys: ['k4'] } });
    await c.replaceOne({ _id: 'b' }, { _id: 'b', identityKeys: ['k1', 'k3'] });
    expect((await c.findOne({ identityKeys: 'k1' }))?._id).toBe('b');
    expect((await c.find({ identityKeys: { $in: ['k4', 'k3'] } }, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(['a', 'b']);
    expect(await c.deleteMany({ identityKeys: 'k4' })).toBe(1);
    await c.insertOne({ _id: 'c', identityKeys: ['k4'] });
    await db.close();
    const again = createSqliteDatabase({ dataDir });
    dbs.push(again);
    await expect(again.collection<{ _id: string; identityKeys: string[] }>('contacts').insertOne({ _id: 'd', identityKeys: ['k3'] })).rejects.toMatchObject({ name: 'DuplicateKeyError' });
  });

  it('When $inc, $max and $unset update a document, then the result is as on MongoDB', async () => {
    const { db } = await open();
    const c = db.collection<{ _id: string; n?: number; at?: Date; gone?: string }>('secrets');
    await c.insertOne({ _id: 'u', at: new Date('2026-01-02T00:00:00Z'), gone: 'x' });
    await c.updateOne({ _id: 'u' }, { $inc: { n: 2 }, $max: { at: new Date('2026-01-01T00:00:00Z') }, $unset: { gone: true } });
    expect(await c.findOne({ _id: 'u' })).toEqual({ _id: 'u', n: 2, at: new Date('2026-01-02T00:00:00Z') });
    await c.updateOne({ _id: 'u' }, { $inc: { n: 3 }, $max: { at: new Date('2026-02-01T00:00:00Z') } });
    expect(await c.findOne({ _id: 'u' })).toEqual({ _id: 'u', n: 5, at: new Date('2026-02-01T00:00:00Z') });
  });

  it('When $set and $unset change plain fields in place, then values of every kind, arrays, misses and unique conflicts are as on MongoDB', async () => {
    const { db } = await open();
    type M = { _id: string; conversationId: string; seq: number; status?: string; at?: Date; meta?: unknown; flag?: boolean; tags?: string[]; text?: string };
    const c = db.collection<M>('inbound_messages');
    await c.insertOne({ _id: 'a', conversationId: 'c1', seq: 1, status: 'received', text: 'giữ nguyên' });
    await c.insertOne({ _id: 'b', conversationId: 'c1', seq: 2, status: 'received' });
    const at = new Date('2026-03-09T03:00:00.123Z');
    const meta = { nested: { at, s: '$5', list: [1, 'x', null] }, n: 1.5 };
    expect(await c.updateOne({ _id: 'a', status: 'received' }, { $set: { status: '$D-not-a-date', at, meta, flag: false, text: undefined } })).toEqual({ matched: 1 });
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', conversationId: 'c1', seq: 1, status: '$D-not-a-date', at, meta, flag: false });
    expect(await c.findOne({ at })).toMatchObject({ _id: 'a' });
    expect(await c.updateOne({ _id: 'a', status: 'received' }, { $set: { status: 'done' } })).toEqual({ matched: 0 });
    expect(await c.updateOne({ conversationId: 'c1', status: 'received' }, { $set: { status: 'done' }, $unset: { at: true } })).toEqual({ matched: 1 });
    expect(await c.find({ status: 'done' })).toEqual([{ _id: 'b', conversationId: 'c1', seq: 2, status: 'done' }]);
    // An array in a field that never held one goes through the whole-document write (recorded as an
    // array field), then in place; equality still looks at its elements.
    await c.updateOne({ _id: 'b' }, { $set: { tags: ['x'] } });
    await c.updateOne({ _id: 'b' }, { $set: { tags: ['y', 'z'] } });
    expect((await c.find({ tags: 'z' })).map((d) => d._id)).toEqual(['b']);
    // A compound unique index (conversationId, seq) refuses an update as it refuses an insert, and the document is unchanged.
    await expect(c.updateOne({ _id: 'b' }, { $set: { seq: 1 } })).rejects.toMatchObject({ name: 'DuplicateKeyError' });
    expect((await c.findOne({ _id: 'b' }))?.seq).toBe(2);
  });

  it('When writes run in one event-loop turn, then each is committed when it resolves and a refused one takes nothing else with it', async () => {
    const { db, dataDir } = await open();
    const c = db.collection<{ _id: string; code: string }>('tickets');
    await c.insertOne({ _id: 't0', code: 'C0' });
    const writes = [c.insertOne({ _id: 't1', code: 'C1' }), c.insertOne({ _id: 't2', code: 'C0' }), c.insertOne({ _id: 't3', code: 'C3' }), c.updateOne({ _id: 't0' }, { $set: { code: 'C9' } })];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    // Another connection (as after a crash of this process) sees exactly the resolved writes.
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const raw = new BetterSqlite3(join(dataDir, 'store', 'store.sqlite'), { readonly: true });
    try {
      const rows = raw.prepare(`SELECT _id, json_extract(doc, '$.code') AS code FROM tickets ORDER BY _id`).all();
      expect(rows).toEqual([
        { _id: 't0', code: 'C9' },
        { _id: 't1', code: 'C1' },
        { _id: 't3', code: 'C3' },
      ]);
      expect(raw.prepare(`SELECT key FROM "tickets$code_unique" ORDER BY key`).pluck().all()).toEqual(['C1', 'C3', 'C9']);
    } finally {
      raw.close();
    }
  });

  it('When writes keep coming, then the background checkpoints keep the write-ahead log from growing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'troly-sqlite-'));
    dirs.push(dataDir);
    const db = createSqliteDatabase({ dataDir, checkpointEveryMs: 20 });
    dbs.push(db);
    const c = db.collection<{ _id: string; text: string }>('dialog_state');
    const { statSync } = await import('node:fs');
    const walBytes = () => statSync(join(dataDir, 'store', 'store.sqlite-wal')).size;
    let largest = 0;
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => c.insertOne({ _id: `r${round}-${i}`, text: 'x'.repeat(2000) })));
      await new Promise((resolve) => setTimeout(resolve, 60));
      largest = Math.max(largest, walBytes());
    }
    // 4,000 documents of 2 kB each went through the log (> 8 MB); it started over rather than holding them all.
    expect(largest).toBeLessThan(4 * 1024 * 1024);
    expect((await c.find({}, { limit: 5000 })).length).toBe(4000);
  });

  it('When the declared indexes are queried, then SQLite uses them (no full scan on the hot paths)', async () => {
    const { dataDir } = await open();
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    // A read-only look beside the open store (WAL allows it).
    const raw = new BetterSqlite3(join(dataDir, 'store', 'store.sqlite'), { readonly: true });
    try {
      const plan = (sql: string) => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
      const f = (name: string) => `json_extract(doc, '$."${name}"')`;
      expect(plan(`SELECT _id, doc FROM inbound_messages WHERE ${f('conversationId')} = 'c' ORDER BY ${f('seq')} DESC LIMIT 1`)).toContain('inbound_messages$conversation_seq_unique');
      expect(plan(`SELECT _id, doc FROM inbound_messages WHERE ${f('conversationId')} = 'c' AND ${f('status')} = 'received' ORDER BY ${f('seq')} ASC LIMIT 1`)).toContain('inbound_messages$conversation_status_seq');
      expect(plan(`SELECT _id FROM contacts WHERE _id IN (SELECT _id FROM "contacts$identityKeys_unique" WHERE key = 'k')`)).not.toMatch(/SCAN contacts\b/);
      expect(plan(`SELECT _id, doc FROM tickets WHERE _id IN (SELECT _id FROM "tickets$code_unique" WHERE key = 'X')`)).not.toMatch(/SCAN tickets\b/);
      expect(plan(`SELECT _id, doc FROM tickets WHERE ${f('agencyId')} = 'a' AND ${f('status')} IN ('assigned') ORDER BY ${f('createdAt')} DESC, _id DESC LIMIT 10`)).toContain('tickets$agency_status_createdAt');
    } finally {
      raw.close();
    }
  });
});
