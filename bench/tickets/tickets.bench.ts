/**
 * `npm run bench:tickets`: the ticket side of the system at a province's volume, on the embedded store
 * (nedb files in a temporary DATA_DIR), through the real use cases:
 *
 *   seed a year of tickets (domain-valid: createTicket/transition, mapped with the store's toDoc and
 *   bulk-inserted into its nedb files) and the citizens' messages → open the store on them (start-up
 *   load, heap) → open tickets
 *   with the real ticket service (routing by the brain + deadline + tracking code + insert) → answer
 *   and record deliveries → tracking lookups (code + proof) → agency and coordinator inbox lists →
 *   12 months of statistics as JSON → the deadline sweep with many tickets due, then a quiet sweep.
 *
 * The bench's clock is fixed in the past (default 2026-10-15 10:00 in Hà Nội, inside the shipped holiday
 * calendar) and moves with real time while measuring, so runs are comparable. Prints figures; asserts
 * nothing; deletes its data directory (unless --keep).
 *
 * Options:
 *   --tickets N      tickets in the store before measuring (default 20000)
 *   --months N       months they were received over (default 12)
 *   --messages N     citizens' messages seeded for the statistics' "questions" (default 2 per ticket)
 *   --backlog N      unanswered tickets past due and not yet marked overdue, as if the sweep had been
 *                    stopped (the busy sweep's work; default 2000; 0 = steady state)
 *   --opens N        tickets opened through the service, one at a time and then 16 at once (default 1000 each)
 *   --lookups N      tracking lookups (default 2000)
 *   --now ISO        the bench's "now" (default 2026-10-15T03:00:00Z)
 *   --seed N         random seed (default 1022)
 *   --keep           keep the temporary DATA_DIR and print its path
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBrain } from '../../knowledge/brain/index.js';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { DEFAULT_DATA_DIR, loadCatalog } from '../../knowledge/catalog/load.js';
import { createRouter, loadRoutingData } from '../../knowledge/routing/index.js';
import type { DeliveryJob } from '../../src/core/queues.js';
import { createStatistics, monthOf } from '../../src/core/statistics.js';
import { createDeadlineSweep } from '../../src/core/ticket-deadlines.js';
import { createTicketInbox } from '../../src/core/ticket-inbox.js';
import type { Account } from '../../src/domain/account.js';
import type { InboundMessage } from '../../src/domain/conversation.js';
import { vi } from '../../src/domain/copy/vi.js';
import { AppError } from '../../src/domain/errors.js';
import type { Ticket, TicketStatus } from '../../src/domain/ticket.js';
import type { Clock } from '../../src/ports/clock.js';
import type { Logger } from '../../src/ports/logger.js';
import type { JobQueue } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { toDoc } from '../../src/store/documents.js';
import { COLLECTIONS } from '../../src/store/schema.js';
import nedbModule from '@seald-io/nedb';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { buildTicketService } from '../../src/system/tickets.js';
import { procedureQuestions, seededRandom } from '../pipeline/questions.js';
import { mb, ms, percentile, sortedOf, table } from '../pipeline/stats.js';
import { countBy, newCitizen, pick, type RoutedSample, seedTickets } from './seed.js';

/* ------------------------------------------------------------------------------------------------ */
/* Settings                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

const { values: flags } = parseArgs({
  options: {
    tickets: { type: 'string', default: '20000' },
    months: { type: 'string', default: '12' },
    messages: { type: 'string' },
    backlog: { type: 'string', default: '2000' },
    opens: { type: 'string', default: '1000' },
    lookups: { type: 'string', default: '2000' },
    now: { type: 'string', default: '2026-10-15T03:00:00Z' },
    seed: { type: 'string', default: '1022' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

function count(name: string, value: string | undefined, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`bench: --${name} must be a whole number ≥ ${min}, got ${value}`);
    process.exit(2);
  }
  return n;
}

const TICKETS = count('tickets', flags.tickets, 1);
const MONTHS = count('months', flags.months, 1);
const MESSAGES = count('messages', flags.messages ?? String(TICKETS * 2));
const BACKLOG = count('backlog', flags.backlog);
const OPENS = count('opens', flags.opens, 1);
const LOOKUPS = count('lookups', flags.lookups, 1);
const SEED = count('seed', flags.seed);
const NOW = new Date(flags.now!);
if (Number.isNaN(NOW.getTime())) {
  console.error(`bench: --now must be an ISO instant, got ${flags.now}`);
  process.exit(2);
}
const CONCURRENCY = 16;
const WARMUP_OPENS = 100;
const ANSWERS = Math.min(300, OPENS);
/** Each list / statistics / quiet sweep measurement repeats until it has this many samples or this much time. */
const LIST_SAMPLES = 200;
const LIST_BUDGET_MS = 2000;
const STATS_RUNS = 3;
const QUIET_SWEEPS = 5;

const catalogDir = DEFAULT_DATA_DIR;
const random = seededRandom(SEED);
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);

/** The bench's clock: NOW when measuring starts, then moving with real time (deadlines and codes stay realistic). */
let clockBase = NOW.getTime();
let clockStarted = performance.now();
const clock: Clock = { now: () => new Date(clockBase + Math.floor(performance.now() - clockStarted)) };
const setClock = (at: Date) => {
  clockBase = at.getTime();
  clockStarted = performance.now();
};

const silent: Logger = { fatal: () => {}, error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {}, child: () => silent };

const gc = (globalThis as { gc?: () => void }).gc;
function heapUsed(): number {
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

/* ------------------------------------------------------------------------------------------------ */
/* Results                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

interface Row {
  what: string;
  n: number;
  /** Sorted latencies (ms), or a single duration. */
  latencies: number[];
  note?: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const facts: Array<[string, string]> = [];

async function timeEach<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (const item of items) {
    const t0 = performance.now();
    await run(item);
    out.push(performance.now() - t0);
  }
  return sortedOf(out);
}

/** Repeats `run` until LIST_SAMPLES samples or LIST_BUDGET_MS, whichever first (at least 3). */
async function timeRepeated(run: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + LIST_BUDGET_MS;
  while (out.length < 3 || (out.length < LIST_SAMPLES && performance.now() < until)) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return sortedOf(out);
}

const fmtInt = (n: number) => n.toLocaleString('en-US');

/* ------------------------------------------------------------------------------------------------ */
/* Main                                                                                              */
/* ------------------------------------------------------------------------------------------------ */

let dataDir: string | undefined;
let store: Store | undefined;

/** One collection file of the embedded store opened with nedb itself, for bulk seeding. */
async function rawDatastore(dir: string, name: string): Promise<import('@seald-io/nedb').default<Record<string, unknown>>> {
  type NedbClass = typeof nedbModule.default;
  const Datastore = ((nedbModule as unknown as { default?: NedbClass }).default ?? nedbModule) as NedbClass;
  const ds = new Datastore<Record<string, unknown>>({ filename: join(dir, 'store', `${name}.db`) });
  await ds.loadDatabaseAsync();
  return ds;
}

async function main(): Promise<void> {
  console.log('Trợ lý 1022: ticket bench (embedded store, real ticket use cases)');
  console.log(`  machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${mb(totalmem())} RAM, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(
    `  parameters: ${fmtInt(TICKETS)} tickets over ${MONTHS} months, ${fmtInt(MESSAGES)} citizens' messages, backlog of ${fmtInt(BACKLOG)} past-due tickets not yet marked,`,
  );
  if (loadavg()[0]! > 0.5 * cpus().length) console.log('  ← other work is running on this machine: figures will be pessimistic and noisy');
  console.log(`    ${fmtInt(OPENS)} opens one at a time + ${fmtInt(OPENS)} with ${CONCURRENCY} at once, ${fmtInt(LOOKUPS)} lookups; now = ${NOW.toISOString()}; seed ${SEED}`);
  if (!gc) notes.push('run without --expose-gc (use npm run bench:tickets): heap figures include garbage not yet collected');

  /* Knowledge: catalog, brain, router, calendar ------------------------------------------------- */
  const catalog = loadCatalog(catalogDir);
  const knowledge = createBrain(catalog, { dataDir: catalogDir });
  const router = createRouter({ catalog, brain: knowledge, dataDir: catalogDir });
  const { calendar } = loadHolidayCalendar();
  const agencyIds = knowledge.listAgencies().map((a) => a.id);
  const agencyNames = new Map(knowledge.listAgencies().map((a) => [a.id, a.name] as const));

  // What citizens ask: the golden set's procedure questions, and the routing data's feedback examples
  // (with a place), each routed once by the real router to get its agency.
  const places = ['xã Minh Hòa', 'phường Trung Tâm', 'thôn 3, xã Tân Lập', 'ngõ 12 đường Lê Lợi', 'gần chợ xã Đông Sơn'];
  const samples: RoutedSample[] = [];
  for (const question of procedureQuestions()) {
    const d = router.route(question, { kind: 'question' });
    samples.push({ kind: 'question', question, agencyId: d.agencyId, reason: d.reason });
  }
  const feedback = loadRoutingData(catalogDir).topics.flatMap((t) => t.examples);
  for (const question of feedback) {
    const place = pick(random, places);
    const d = router.route(`${question}\n${place}`, { kind: 'feedback' });
    samples.push({ kind: 'feedback', question, place, agencyId: d.agencyId, reason: d.reason });
  }
  // A province's mix: about 70 % questions, 30 % feedback.
  const questionSamples = samples.filter((s) => s.kind === 'question');
  const feedbackSamples = samples.filter((s) => s.kind === 'feedback');
  const weighted = [...questionSamples, ...questionSamples, ...questionSamples.slice(0, Math.round(questionSamples.length / 3)), ...feedbackSamples];
  log(`routed ${samples.length} distinct questions and feedback (${questionSamples.length} + ${feedbackSamples.length}) to ${new Set(samples.map((s) => s.agencyId)).size} agencies`);

  /* Seed ----------------------------------------------------------------------------------------- */
  // In volume, straight into the store's nedb files (documents mapped by toDoc as the repos do, arrays
  // inserted in bulk); then the store is opened on them as at a restart.
  dataDir = mkdtempSync(join(tmpdir(), 'bench-tickets-'));
  const codes = new Set<string>();
  let t0 = performance.now();
  const seeded = seedTickets({ count: TICKETS, months: MONTHS, now: NOW, calendar, random, samples: weighted, agencyIds, backlogDue: BACKLOG, codes });
  const buildMs = performance.now() - t0;

  // The citizens' messages: for each ticket its question and the consent tap before it; the rest are
  // questions the assistant answered itself, spread over the same months. All processed (`done`).
  const windowStart = NOW.getTime() - Math.round(MONTHS * 30.44 * 86_400_000);
  const messages: Array<{ conversationId: string; text: string; kind: 'message' | 'postback'; receivedAt: Date }> = [];
  for (const t of seeded.tickets) {
    if (messages.length >= MESSAGES) break;
    messages.push({ conversationId: t.conversationId, text: t.question, kind: 'message', receivedAt: new Date(t.createdAt.getTime() - 90_000) });
    if (messages.length < MESSAGES) messages.push({ conversationId: t.conversationId, text: 'DONG_Y', kind: 'postback', receivedAt: new Date(t.createdAt.getTime() - 20_000) });
  }
  const extraCitizens = Array.from({ length: Math.max(1, Math.round((MESSAGES - messages.length) / 3)) }, (_, i) => newCitizen(random, 1_000_000 + i));
  while (messages.length < MESSAGES) {
    const q = pick(random, questionSamples);
    const who = random() < 0.3 ? pick(random, seeded.citizens) : pick(random, extraCitizens);
    messages.push({ conversationId: who.conversationId, text: q.question, kind: 'message', receivedAt: new Date(windowStart + Math.floor(random() * (NOW.getTime() - windowStart))) });
  }
  messages.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  const seqs = new Map<string, number>();
  const inboundDocs = messages.map((m, i) => {
    const seq = (seqs.get(m.conversationId) ?? 0) + 1;
    seqs.set(m.conversationId, seq);
    const externalId = `m${i.toString(36)}`;
    const message: InboundMessage = {
      id: `${m.conversationId.split(':')[0]}:${externalId}`,
      conversationId: m.conversationId,
      externalId,
      seq,
      kind: m.kind,
      ...(m.kind === 'message' ? { text: m.text } : { payload: m.text }),
      status: 'done',
      receivedAt: m.receivedAt,
      processedAt: new Date(m.receivedAt.getTime() + 800),
    };
    return toDoc(message);
  });
  t0 = performance.now();
  {
    // The seed's own datastores go out of scope (garbage) once written.
    const tickets = await rawDatastore(dataDir, COLLECTIONS.tickets);
    for (let i = 0; i < seeded.tickets.length; i += 1000) await tickets.insertAsync(seeded.tickets.slice(i, i + 1000).map((t) => toDoc(t)));
    const inbound = await rawDatastore(dataDir, COLLECTIONS.inbound);
    for (let i = 0; i < inboundDocs.length; i += 1000) await inbound.insertAsync(inboundDocs.slice(i, i + 1000));
  }
  const insertMs = performance.now() - t0;
  log(`seeded ${fmtInt(TICKETS)} tickets (built in ${(buildMs / 1000).toFixed(1)} s) and ${fmtInt(MESSAGES)} citizens' messages; bulk insert ${(insertMs / 1000).toFixed(1)} s`);

  const statusMix = countBy(seeded.tickets, (t) => t.status);
  const agencyMix = countBy(seeded.tickets, (t) => t.agencyId);
  const kindMix = countBy(seeded.tickets, (t) => t.kind);
  facts.push(['tickets by status', statusMix.map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ')]);
  facts.push(['tickets by kind', kindMix.map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ')]);
  facts.push([
    'tickets by agency',
    `${agencyMix.length} agencies; largest ${agencyMix[0]![0]} ${fmtInt(agencyMix[0]![1])}, median ${agencyMix[Math.floor(agencyMix.length / 2)]![0]} ${fmtInt(agencyMix[Math.floor(agencyMix.length / 2)]![1])}, smallest ${agencyMix.at(-1)![0]} ${fmtInt(agencyMix.at(-1)![1])}`,
  ]);
  facts.push(['timeline events per ticket', (seeded.tickets.reduce((a, t) => a + t.timeline.length, 0) / TICKETS).toFixed(1)]);

  /* Restart: open the store on the seeded files, load --------------------------------------------- */
  const onDisk = dirBytes(join(dataDir, 'store'));
  seeded.tickets.length = 0;
  messages.length = 0;
  inboundDocs.length = 0;
  const heapBefore = heapUsed();
  store = createNedbStore({ dataDir, compactEveryMs: 0 });
  t0 = performance.now();
  await store.init();
  const loadMs = performance.now() - t0;
  const heapLoaded = heapUsed();
  rows.push({ what: 'start-up: load the store files', n: 1, latencies: [loadMs], note: `${mb(onDisk)} on disk (nedb rewrites the files on load)` });
  facts.push(['heap used after loading', `${mb(heapLoaded)} (the store's share: ${mb(heapLoaded - heapBefore)}; before it: catalog, brain, router and the bench)`]);
  log(`opened the store on the seeded files: ${(loadMs / 1000).toFixed(2)} s to load ${mb(onDisk)}; heap used ${mb(heapLoaded)} (store ${mb(heapLoaded - heapBefore)})`);

  /* The real ticket service ----------------------------------------------------------------------- */
  let queued = 0;
  const deliveryQueue: JobQueue<DeliveryJob> = { name: 'deliveries', add: async () => void (queued += 1) };
  const service = buildTicketService({ catalogDir, catalog, knowledge, store, clock, copy: vi, deliveries: () => deliveryQueue });

  /* Opening tickets ------------------------------------------------------------------------------ */
  setClock(NOW);
  const openCitizens = Array.from({ length: WARMUP_OPENS + 2 * OPENS }, (_, i) => newCitizen(random, 2_000_000 + i));
  for (const c of openCitizens) {
    const [channel, accountId, userId] = c.conversationId.split(':') as [typeof c.channel, string, string];
    await store.conversations.getOrOpen({ id: c.conversationId, contactId: `c-${userId}`, channel, accountId, userId, at: clock.now() });
  }
  let openSeq = 0;
  const openInput = (i: number) => {
    const c = openCitizens[i]!;
    const s = pick(random, weighted);
    openSeq += 1;
    return {
      conversationId: c.conversationId,
      requestId: `${c.channel}:open-${openSeq}`,
      kind: s.kind,
      question: s.question,
      ...(s.place !== undefined ? { place: s.place } : {}),
      consent: { forward: true, publish: random() < 0.6 },
      ...(c.phone ? { contact: { name: 'Trần Thị B', phone: c.phone, callback: random() < 0.5 } } : {}),
    };
  };
  const opened: Ticket[] = [];
  for (let i = 0; i < WARMUP_OPENS; i += 1) opened.push(await service.openTicket(openInput(i)));
  const seqInputs = Array.from({ length: OPENS }, (_, i) => openInput(WARMUP_OPENS + i));
  t0 = performance.now();
  const openLat = await timeEach(seqInputs, async (input) => opened.push(await service.openTicket(input)));
  const seqMs = performance.now() - t0;
  rows.push({ what: 'open a ticket, one at a time', n: OPENS, latencies: openLat, note: `${fmtInt(Math.round(OPENS / (seqMs / 1000)))} tickets/s` });

  const parInputs = Array.from({ length: OPENS }, (_, i) => openInput(WARMUP_OPENS + OPENS + i));
  const parLat: number[] = [];
  let next = 0;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < parInputs.length) {
        const input = parInputs[next++]!;
        const s = performance.now();
        opened.push(await service.openTicket(input));
        parLat.push(performance.now() - s);
      }
    }),
  );
  const parMs = performance.now() - t0;
  rows.push({ what: `open a ticket, ${CONCURRENCY} at once`, n: OPENS, latencies: sortedOf(parLat), note: `${fmtInt(Math.round(OPENS / (parMs / 1000)))} tickets/s` });
  log(`opened ${fmtInt(opened.length)} tickets through the service (${WARMUP_OPENS} warm-up)`);

  // Routing alone (the brain and the classifier), to split the open latency.
  const routeLat = await timeEach(seqInputs.slice(0, 500), async (input) => {
    router.route(input.place !== undefined ? `${input.question}\n${input.place}` : input.question, { kind: input.kind });
  });
  rows.push({ what: '  of which: routing alone (brain + classifier)', n: routeLat.length, latencies: routeLat });

  /* Answer and delivery (the agency's side of the loop) ------------------------------------------ */
  const toAnswer = opened.slice(WARMUP_OPENS, WARMUP_OPENS + ANSWERS);
  const answerLat = await timeEach(toAnswer, (t) => service.answer(t.id, { kind: 'staff', id: `acc-staff-${t.agencyId}` }, 'Công dân mang CCCD đến bộ phận một cửa UBND xã trong giờ hành chính.'));
  rows.push({ what: 'answer (record + store and queue the reply)', n: answerLat.length, latencies: answerLat });
  const deliveryLat = await timeEach(toAnswer, (t) => service.recordDelivery(t.id, 'sent', clock.now(), { outboundId: `ticket:${t.id}:answer:1` }));
  rows.push({ what: 'record a delivery (sent)', n: deliveryLat.length, latencies: deliveryLat });
  if (queued !== ANSWERS) notes.push(`${queued} deliveries queued for ${ANSWERS} answers`);

  /* Tracking lookups -------------------------------------------------------------------------------- */
  // Codes as citizens type them (lower case, no dash now and then), with their proof; 10 % with a wrong proof.
  const all = await store.tickets.find({ limit: TICKETS + 3 * OPENS });
  const lookupCases = Array.from({ length: LOOKUPS }, () => {
    const t = pick(random, all);
    const typed = random() < 0.3 ? t.code.toLowerCase().replace('-', '') : t.code;
    const r = random();
    if (r < 0.1) return { code: typed, proof: { conversationId: 'zalo:oa-1022:someone-else' }, found: false };
    if (r < 0.3 && t.contact?.phoneLast4) return { code: typed, proof: { phoneLast4: t.contact.phoneLast4 }, found: true };
    return { code: typed, proof: { conversationId: t.conversationId }, found: true };
  });
  let wrong = 0;
  const foundLat: number[] = [];
  const notFoundLat: number[] = [];
  for (const c of lookupCases) {
    const s = performance.now();
    let found = true;
    try {
      await service.lookup(c.code, c.proof);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'TICKET.NOT_FOUND') throw err;
      found = false;
    }
    (found ? foundLat : notFoundLat).push(performance.now() - s);
    if (found !== c.found) wrong += 1;
  }
  rows.push({ what: 'tracking lookup (code + proof), found', n: foundLat.length, latencies: sortedOf(foundLat) });
  rows.push({ what: 'tracking lookup, wrong proof (NOT_FOUND)', n: notFoundLat.length, latencies: sortedOf(notFoundLat) });
  if (wrong) notes.push(`${wrong} lookups had an unexpected outcome`);
  log(`${fmtInt(LOOKUPS)} tracking lookups`);

  /* Inbox lists ------------------------------------------------------------------------------------ */
  const inbox = createTicketInbox({
    tickets: store.tickets,
    service,
    clock,
    agencyExists: (id) => agencyNames.has(id),
    agencyName: (id) => agencyNames.get(id) ?? id,
    listAgencies: () => knowledge.listAgencies(),
  });
  const byAgency = countBy(all, (t) => t.agencyId);
  const account = (role: Account['role'], agencyId?: string): Account => ({
    id: `acc-${role}-${agencyId ?? 'all'}`,
    username: `${role}.${agencyId ?? 'all'}`,
    displayName: role,
    role,
    ...(agencyId ? { agencyId } : {}),
    passwordHash: 'unused',
    disabled: false,
    createdAt: NOW,
  });
  const open: TicketStatus[] = ['assigned', 'overdue'];
  const largest = byAgency[0]!;
  const median = byAgency[Math.floor(byAgency.length / 2)]!;
  const openCount = (agencyId?: string) => all.filter((t) => open.includes(t.status) && (agencyId === undefined || t.agencyId === agencyId)).length;
  const listCases: Array<{ what: string; account: Account; status?: TicketStatus[]; note: string }> = [
    { what: `inbox: largest agency, 50 newest assigned/overdue`, account: account('staff', largest[0]), status: open, note: `${largest[0]}: ${fmtInt(largest[1])} tickets, ${fmtInt(openCount(largest[0]))} open` },
    { what: `inbox: largest agency, 50 newest, any status`, account: account('staff', largest[0]), note: `the console's default view ("all")` },
    { what: `inbox: median agency, 50 newest assigned/overdue`, account: account('staff', median[0]), status: open, note: `${median[0]}: ${fmtInt(median[1])} tickets, ${fmtInt(openCount(median[0]))} open` },
    { what: 'inbox: coordinator, all agencies, assigned/overdue', account: account('coordinator'), status: open, note: `${fmtInt(openCount())} open` },
    { what: 'inbox: coordinator, all agencies, overdue only', account: account('coordinator'), status: ['overdue'], note: `${fmtInt(all.filter((t) => t.status === 'overdue').length)} overdue` },
    { what: 'inbox: coordinator, all agencies, any status', account: account('coordinator'), note: `${fmtInt(all.length)} tickets; the console's default view` },
  ];
  for (const c of listCases) {
    const lat = await timeRepeated(() => inbox.list(c.account, { ...(c.status ? { status: c.status } : {}), limit: 50 }));
    rows.push({ what: c.what, n: lat.length, latencies: lat, note: c.note });
  }
  log('inbox lists');

  /* Statistics ------------------------------------------------------------------------------------- */
  const statistics = createStatistics({ inbound: store.inbound, tickets: store.tickets });
  const lastMonth = monthOf(NOW);
  const [y, m] = lastMonth.split('-').map(Number) as [number, number];
  const firstIndex = y * 12 + (m - 1) - (MONTHS - 1);
  const firstMonth = `${Math.floor(firstIndex / 12)}-${String((firstIndex % 12) + 1).padStart(2, '0')}`;
  let statsRows = 0;
  let statsBytes = 0;
  const statsLat: number[] = [];
  for (let i = 0; i < STATS_RUNS; i += 1) {
    const s = performance.now();
    const result = await statistics.computeStatistics({ from: firstMonth, to: lastMonth });
    const json = JSON.stringify({ from: firstMonth, to: lastMonth, rows: result });
    statsLat.push(performance.now() - s);
    statsRows = result.length;
    statsBytes = json.length;
  }
  rows.push({ what: `statistics ${firstMonth}..${lastMonth}, by month × agency × channel, JSON`, n: STATS_RUNS, latencies: sortedOf(statsLat), note: `${fmtInt(statsRows)} rows, ${(statsBytes / 1024).toFixed(0)} kB` });
  log('statistics');

  /* Deadline sweep --------------------------------------------------------------------------------- */
  const sweep = createDeadlineSweep({ tickets: store.tickets, calendar, clock, logger: silent });
  const sweepAt = clock.now();
  let s = performance.now();
  const busy = await sweep.sweepDeadlines(sweepAt);
  const busyMs = performance.now() - s;
  rows.push({ what: 'deadline sweep with work to do', n: 1, latencies: [busyMs], note: `${fmtInt(busy.overdue)} marked overdue, ${fmtInt(busy.reminded)} reminded` });
  const quietLat: number[] = [];
  let quietWork = 0;
  for (let i = 1; i <= QUIET_SWEEPS; i += 1) {
    s = performance.now();
    const r = await sweep.sweepDeadlines(new Date(sweepAt.getTime() + i * 1000));
    quietLat.push(performance.now() - s);
    quietWork += r.overdue + r.reminded;
  }
  const remindable = (await store.tickets.find({ status: ['assigned', 'reopened'], dueBefore: new Date(sweepAt.getTime() + 17 * 86_400_000), limit: 100_000 })).length;
  rows.push({ what: 'deadline sweep, quiet (nothing to do)', n: QUIET_SWEEPS, latencies: sortedOf(quietLat), note: `${quietWork} changes; reads ${fmtInt(remindable)} assigned/reopened due within the reminder horizon` });
  if (busy.overdue < BACKLOG) notes.push(`the busy sweep marked ${busy.overdue} of a backlog of ${BACKLOG} (it marks at most 10,000 per run)`);
  log('deadline sweeps');

  facts.push(['heap used at the end', `${mb(heapUsed())}, RSS ${mb(process.memoryUsage().rss)}`]);
  report();
}

/* ------------------------------------------------------------------------------------------------ */
/* Report                                                                                            */
/* ------------------------------------------------------------------------------------------------ */

function report(): void {
  console.log('\n=== Results (embedded store; latencies in ms) ===\n');
  const out = [['measurement', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', '']];
  for (const r of rows) {
    const single = r.n === 1 || r.latencies.length === 1;
    const l = r.latencies;
    out.push([
      r.what,
      fmtInt(r.n),
      ms(single ? l[0]! : percentile(l, 50)),
      single ? '' : ms(percentile(l, 95)),
      single ? '' : ms(percentile(l, 99)),
      single ? '' : ms(l.at(-1)!),
      r.note ?? '',
    ]);
  }
  console.log(table(out, 1).replace(/ +$/gm, ''));
  console.log('');
  for (const [k, v] of facts) console.log(`  ${k}: ${v}`);
  console.log(`\n  machine: ${cpus().length} CPUs, Node ${process.version}; one process, the sweep's logger silent, deliveries queued to a no-op queue.`);
  console.log('  "one at a time" rows: latency of each call in turn; "16 at once": latency including the wait for the store (nedb runs one operation at a time).');
  if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (rows.length) report();
  process.exitCode = 1;
} finally {
  await store?.close().catch(() => undefined);
  if (dataDir) {
    if (flags.keep) console.log(`\nData directory kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\nDone in ${elapsed().trim()}.`);
}
