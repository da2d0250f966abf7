/**
 * `node --expose-gc --import tsx bench/store/store.bench.ts`: the embedded stores alone (nedb files vs
 * the SQLite file), in this process, no HTTP, no queue, no brain:
 *
 * 1. messages: the store calls the pipeline makes for one Zalo message, in its order (receive: contact
 *    upsert and conversation getOrOpen the first time a conversation is seen, inbound insert; turn:
 *    nextPending, conversation get, held replies, dialog state read/write, reply insert, status done,
 *    nextPending; delivery: pending replies, conversation get, reply marked sent), for `--messages`
 *    messages of `--citizens` citizens with `--concurrency` in flight. Reports the store's CPU time per
 *    message (process.cpuUsage, less sensitive to other work on the machine than wall time) and the
 *    messages per second of store work one core could carry.
 *    `--stores nedb,sqlite,mongo` adds MONGODB_URL's server (e.g. FerretDB, scripts/ensure-ferretdb.sh) in a
 *    database of its own, dropped after; a table gives each collection operation's mean wall time.
 * 2. start-up (`--year`, embedded stores only): a year of data (`--tickets`, `--inbound` messages with as many replies,
 *    conversations and contacts) written into each store, then the time to open it and answer a first
 *    query, the heap it takes and its size on disk.
 *
 * Prints figures; asserts nothing; deletes its temporary directories.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nedbModule from '@seald-io/nedb';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { Store } from '../../src/ports/store.js';
import { identityKey, toDoc } from '../../src/store/documents.js';
import type { Collection, Database } from '../../src/store/collection.js';
import { createMongoDatabase } from '../../src/store/mongo/index.js';
import { createNedbDatabase, createNedbStore } from '../../src/store/nedb/index.js';
import { createStore } from '../../src/store/repos/index.js';
import { createSqliteDatabase, createSqliteStore } from '../../src/store/sqlite/index.js';
import { mb, ms, table } from '../pipeline/stats.js';
import { seededRandom } from '../pipeline/questions.js';
import { seedTickets, type RoutedSample } from '../tickets/seed.js';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    citizens: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    year: { type: 'boolean', default: false },
    tickets: { type: 'string', default: '20000' },
    inbound: { type: 'string', default: '200000' },
    stores: { type: 'string', default: 'nedb,sqlite' },
  },
  strict: true,
});
const MESSAGES = Number(flags.messages);
const CITIZENS = Number(flags.citizens);
const CONCURRENCY = Number(flags.concurrency);
const TICKETS = Number(flags.tickets);
const INBOUND = Number(flags.inbound);
type Engine = 'nedb' | 'sqlite' | 'mongo';
const ENGINES = flags.stores!.split(',') as Engine[];
/** `mongo`: MONGODB_URL (e.g. FerretDB from scripts/ensure-ferretdb.sh), a database of its own, dropped after. */
const MONGODB_URL = process.env.MONGODB_URL;

const dirs: string[] = [];
const tempDir = (label: string) => {
  const d = mkdtempSync(join(tmpdir(), `bench-store-${label}-`));
  dirs.push(d);
  return d;
};
const open = (engine: 'nedb' | 'sqlite', dataDir: string): Store => (engine === 'nedb' ? createNedbStore({ dataDir, compactEveryMs: 0 }) : createSqliteStore({ dataDir }));

/** Wall time per collection operation (collection.method → calls, total ms), for the per-operation table. */
const opTimes = new Map<string, { calls: number; ms: number }>();
function timedDatabase(db: Database): Database {
  const methods = ['findOne', 'find', 'distinct', 'insertOne', 'updateOne', 'replaceOne', 'deleteMany'] as const;
  return {
    ...db,
    collection<D extends { _id: string }>(name: string): Collection<D> {
      const c = db.collection<D>(name);
      const wrapped = {} as Record<string, unknown>;
      for (const m of methods) {
        const fn = (c[m] as (...a: unknown[]) => Promise<unknown>).bind(c);
        wrapped[m] = async (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return await fn(...args);
          } finally {
            const key = `${name}.${m}`;
            const o = opTimes.get(key) ?? { calls: 0, ms: 0 };
            o.calls++;
            o.ms += performance.now() - t0;
            opTimes.set(key, o);
          }
        };
      }
      return wrapped as unknown as Collection<D>;
    },
  };
}
function openTimed(engine: Engine, dataDir: string): { store: Store; drop?: () => Promise<void> } {
  if (engine === 'mongo') {
    if (!MONGODB_URL) throw new Error('--stores mongo needs MONGODB_URL');
    const url = new URL(MONGODB_URL);
    url.pathname = `/bench_store_${Date.now().toString(36)}`;
    const db = createMongoDatabase({ url: url.toString() });
    const drop = async () => {
      const { MongoClient } = await import('mongodb');
      const client = new MongoClient(url.toString());
      try {
        await client.connect();
        await client.db().dropDatabase();
      } finally {
        await client.close();
      }
    };
    return { store: createStore(timedDatabase(db)), drop };
  }
  const db = engine === 'nedb' ? createNedbDatabase({ dataDir, compactEveryMs: 0 }) : createSqliteDatabase({ dataDir });
  return { store: createStore(timedDatabase(db)) };
}
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};
function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return total;
}

/* 1. The store calls of one message --------------------------------------------------------------- */

async function oneMessage(store: Store, known: Set<string>, citizen: number, n: number, at: Date): Promise<void> {
  const identity = { channel: 'zalo' as const, accountId: 'oa-bench', userId: `u${citizen}` };
  const conversationId = identityKey(identity);
  if (!known.has(conversationId)) {
    const contact = await store.contacts.upsertByIdentity(identity, at);
    await store.conversations.getOrOpen({ id: conversationId, contactId: contact.id, ...identity, at });
    known.add(conversationId);
  }
  const { message } = await store.inbound.insert({ id: `zalo:m${n}`, conversationId, externalId: `m${n}`, kind: 'message', text: 'Thủ tục đăng ký khai sinh cần những giấy tờ gì?', receivedAt: at });
  // turn
  const pending = await store.inbound.nextPending(conversationId);
  const conversation = await store.conversations.get(conversationId);
  if (!pending || !conversation) return; // another in-flight message of this citizen took it: its turn ran them
  await store.conversations.update(conversationId, { lastInboundAt: at });
  await store.outbound.listWithStatus(conversationId, 'held');
  const key = `zalo/conversations/${conversationId}`;
  await store.dialogState.read([key]);
  const replyId = `${message.id}#r0`;
  await store.outbound.insert({
    id: replyId,
    conversationId,
    inReplyTo: message.id,
    reply: { text: 'Hồ sơ gồm: tờ khai đăng ký khai sinh; giấy chứng sinh. Lệ phí: miễn.', buttons: [{ title: 'Nộp trực tuyến', payload: 'ONLINE' }] },
    purpose: 'response',
    status: 'pending',
    attempts: 0,
    createdAt: at,
  });
  await store.dialogState.write({ [key]: { dialogStack: [], lastProcedure: '1.001193', turn: n } });
  await store.inbound.setStatus(message.id, 'done', { processedAt: at });
  await store.inbound.nextPending(conversationId);
  // delivery
  for (const record of await store.outbound.listWithStatus(conversationId, 'pending')) {
    await store.conversations.get(record.conversationId);
    await store.outbound.update(record.id, { status: 'sent', externalId: `z${n}`, sentAt: at, attempts: 1 });
  }
}

async function messages(engine: Engine): Promise<string[]> {
  const dataDir = tempDir(engine);
  opTimes.clear();
  const { store, drop } = openTimed(engine, dataDir);
  await store.init();
  const known = new Set<string>();
  const random = seededRandom(1022);
  const run = async (count: number, offset: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < count; i = next++) await oneMessage(store, known, Math.floor(random() * CITIZENS), offset + i, new Date());
      }),
    );
  };
  await run(Math.min(2000, MESSAGES), 0); // warm-up: JIT, first contacts
  opTimes.clear();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(MESSAGES, 1_000_000);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await store.close();
  await drop?.();
  const perMsg = cpuMs / MESSAGES;
  perOp.set(engine, new Map([...opTimes].map(([k, v]) => [k, { ...v }])));
  opTimes.clear();
  return [engine, String(MESSAGES), wall >= 10_000 ? ms(wall) : `${ms(wall)} ms`, `${ms(perMsg * 1000)} µs`, (1000 / perMsg).toFixed(0), (MESSAGES / (wall / 1000)).toFixed(0), mb(dirBytes(dataDir))];
}

const perOp = new Map<Engine, Map<string, { calls: number; ms: number }>>();

/* 2. A year of data: write, then open ------------------------------------------------------------ */

type Docs = Record<string, Record<string, unknown>[]>;

function yearOfDocs(): Docs {
  const random = seededRandom(7);
  const now = new Date('2026-10-15T03:00:00Z');
  const { calendar } = loadHolidayCalendar();
  const samples: RoutedSample[] = [{ kind: 'question', question: 'Xin hỏi thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ cần những gì?', agencyId: 'so-xay-dung', reason: 'bench' }];
  const { tickets } = seedTickets({ count: TICKETS, months: 12, now, calendar, random, samples, agencyIds: ['so-xay-dung', 'so-tu-phap', 'ubnd-huyen'], backlogDue: 0, codes: new Set() });
  const docs: Docs = { contacts: [], conversations: [], inbound_messages: [], outbound_messages: [], tickets: tickets.map((t: Ticket) => toDoc(t) as Record<string, unknown>) };
  const conversations = Math.max(1, Math.round(INBOUND / 10));
  const yearStart = now.getTime() - 365 * 86_400_000;
  const seqs = new Map<string, number>();
  for (let c = 0; c < conversations; c++) {
    const identity = { channel: 'zalo' as const, accountId: 'oa', userId: `u${c}` };
    const id = identityKey(identity);
    const at = new Date(yearStart + Math.floor(random() * 300 * 86_400_000));
    docs.contacts!.push({ _id: `c${c}`, identities: [identity], identityKeys: [id], createdAt: at });
    docs.conversations!.push({ _id: id, contactId: `c${c}`, ...identity, mode: 'bot', lastInboundAt: at, createdAt: at, updatedAt: at });
  }
  for (let i = 0; i < INBOUND; i++) {
    const conversationId = docs.conversations![Math.floor(random() * conversations)]!._id as string;
    const seq = (seqs.get(conversationId) ?? 0) + 1;
    seqs.set(conversationId, seq);
    const at = new Date(yearStart + Math.floor((i / INBOUND) * 365 * 86_400_000));
    docs.inbound_messages!.push({ _id: `zalo:y${i}`, conversationId, externalId: `y${i}`, seq, kind: 'message', text: 'Thủ tục đăng ký khai sinh cần những giấy tờ gì?', status: 'done', receivedAt: at, processedAt: at });
    docs.outbound_messages!.push({ _id: `zalo:y${i}#r0`, conversationId, inReplyTo: `zalo:y${i}`, reply: { text: 'Hồ sơ gồm: tờ khai; giấy chứng sinh. Lệ phí: miễn.' }, purpose: 'response', status: 'sent', externalId: `z${i}`, attempts: 1, createdAt: at, sentAt: at });
  }
  return docs;
}

async function writeNedb(dataDir: string, docs: Docs): Promise<void> {
  type NedbClass = typeof nedbModule.default;
  const Datastore = ((nedbModule as unknown as { default?: NedbClass }).default ?? nedbModule) as NedbClass;
  for (const [name, list] of Object.entries(docs)) {
    const ds = new Datastore<Record<string, unknown>>({ filename: join(dataDir, 'store', `${name}.db`) });
    await ds.loadDatabaseAsync();
    for (let i = 0; i < list.length; i += 10_000) await ds.insertAsync(list.slice(i, i + 10_000));
  }
}

async function writeSqlite(dataDir: string, docs: Docs): Promise<void> {
  const db = createSqliteDatabase({ dataDir });
  for (const [name, list] of Object.entries(docs)) {
    const c = db.collection<{ _id: string }>(name);
    // Many writes in flight, as under load: they share commits (the adapter's group commit).
    for (let i = 0; i < list.length; i += 500) await Promise.all(list.slice(i, i + 500).map((doc) => c.insertOne(doc as { _id: string })));
  }
  await db.close();
}

async function year(engine: Engine, docs: Docs): Promise<string[]> {
  const dataDir = tempDir(`${engine}-year`);
  const t0 = performance.now();
  await (engine === 'nedb' ? writeNedb(dataDir, docs) : writeSqlite(dataDir, docs));
  const writeMs = performance.now() - t0;
  const heap0 = heap();
  const t1 = performance.now();
  const store = open(engine as 'nedb' | 'sqlite', dataDir);
  await store.init();
  const openMs = performance.now() - t1;
  const t2 = performance.now();
  const pending = await store.inbound.conversationsWithPending();
  const sent = await store.outbound.listByStatus('pending', 10_000);
  const firstMs = performance.now() - t2;
  const heapMb = heap() - heap0;
  // A few reads that the consoles make, on the year of data.
  const t3 = performance.now();
  for (let i = 0; i < 2000; i++) await store.tickets.getByCode(docs.tickets![i % docs.tickets!.length]!.code as string);
  const lookupMs = (performance.now() - t3) / 2000;
  await store.close();
  void pending;
  void sent;
  const msOrS = (x: number) => (x >= 10_000 ? ms(x) : `${ms(x)} ms`);
  return [engine, `${(writeMs / 1000).toFixed(1)} s`, msOrS(openMs), msOrS(firstMs), mb(heapMb), `${ms(lookupMs * 1000)} µs`, mb(dirBytes(dataDir))];
}

/* Main ------------------------------------------------------------------------------------------ */

try {
  console.log('Trợ lý 1022: embedded store bench (nedb files vs SQLite file; store calls only, in this process)');
  console.log(`  machine: ${cpus().length} cores, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`  messages: ${MESSAGES} of ${CITIZENS} citizens, ${CONCURRENCY} in flight (after a warm-up of ${Math.min(2000, MESSAGES)})\n`);
  const rows = [['store', 'messages', 'wall', 'CPU / message', 'msg/s per core (CPU)', 'msg/s (wall)', 'on disk']];
  for (const engine of ENGINES) rows.push(await messages(engine));
  console.log(table(rows));
  console.log(`\nWall time per operation (mean µs; with ${CONCURRENCY} in flight it includes waiting for the engine):`);
  const keys = [...new Set([...perOp.values()].flatMap((m) => [...m.keys()]))].sort();
  const orows = [['operation', 'calls/message', ...ENGINES]];
  for (const key of keys) {
    const first = [...perOp.values()].find((m) => m.has(key))!.get(key)!;
    orows.push([key, (first.calls / MESSAGES).toFixed(2), ...ENGINES.map((e) => {
      const o = perOp.get(e)?.get(key);
      return o ? ms((o.ms / o.calls) * 1000) : '-';
    })]);
  }
  console.log(table(orows));
  if (flags.year && ENGINES.every((e) => e !== 'mongo')) {
    console.log(`\nA year of data: ${TICKETS} tickets, ${INBOUND} messages and as many replies, ${Math.round(INBOUND / 10)} conversations and contacts`);
    const docs = yearOfDocs();
    const yrows = [['store', 'write (seed)', 'open (init)', 'first queries', 'heap after open', 'ticket by code', 'on disk']];
    for (const engine of ENGINES) yrows.push(await year(engine, docs));
    console.log(table(yrows));
    if (!gc) console.log('  (run with node --expose-gc for heap figures without garbage)');
  }
  console.log(`\n  load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
