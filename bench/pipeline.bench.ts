/**
 * `npm run bench:pipeline`: latency and throughput of the whole Zalo pipeline on this machine.
 *
 *   signed webhook ─► system under test (child process: express → store → BullMQ on Redis → Botkit turn
 *   → brain → outbound queue → Zalo SDK) ─► fake Zalo API (its own child process) ─► reply recorded
 *
 * The bench process only generates load (open loop, keep-alive) and measures; the system and the fake
 * each run on their own event loop. Prints figures; asserts nothing; stops by itself (~3 minutes).
 *
 * Options: --quick (short phases, for trying the bench), --cpu-prof (V8 profile of the system during the
 * 200 msg/s phase of the first scenario, summarised by stage), --sut-logs (LOG_LEVEL=warn for the system),
 * --first-only (only the one-process scenario), --second-only (only the second: web + 2 worker processes on
 * MONGODB_URL, else 2 worker instances in one process), --store nedb|sqlite (the embedded store of the one-process
 * scenarios; default sqlite, what `npm start` opens).
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { bigId, ZaloWebhookDriver } from '../tests/fakes/zalo/index.js';
import { epochOffsetMs, hrMs, sleep } from './pipeline/clock.js';
import type { FakeReady, FakeSent, StoreLane, ToFake } from './pipeline/ipc.js';
import { buildShots, LoadGenerator, ReplyMatcher, type Shot } from './pipeline/load.js';
import { CpuMeter, forkTs, pidsNamed, rssBytes, terminate } from './pipeline/proc.js';
import { mainThreadProfile, summariseProfile, type ProfileSummary } from './pipeline/profile.js';
import { procedureQuestions, seededRandom } from './pipeline/questions.js';
import { connectBenchRedis, type BenchRedis } from './pipeline/redis.js';
import { readStageStamps } from './pipeline/stages.js';
import { ms, mb, pct, percentile, sortedOf, table } from './pipeline/stats.js';
import { BENCH_ZALO_SEND_RATE, ROOT, startSut, type EmbeddedStore, type Sut, type SutShape } from './pipeline/sut.js';

/* ------------------------------------------------------------------------------------------------ */
/* Settings                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

const argv = new Set(process.argv.slice(2));
const QUICK = argv.has('--quick');
const CPU_PROF = argv.has('--cpu-prof');
const SUT_LOGS = argv.has('--sut-logs');
const FIRST_ONLY = argv.has('--first-only');
const SECOND_ONLY = argv.has('--second-only');
/** `--name value` or `--name=value`, one of `allowed` (the first is the default); anything else stops the bench. */
function choice<T extends string>(name: string, allowed: readonly T[]): T {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const value = i < 0 ? allowed[0]! : args[i]!.includes('=') ? args[i]!.slice(`--${name}=`.length) : (args[i + 1] ?? '');
  if (!(allowed as readonly string[]).includes(value)) {
    console.error(`bench: --${name} must be ${allowed.join(' or ')} (got ${JSON.stringify(value)})`);
    process.exit(2);
  }
  return value as T;
}
const EMBEDDED: EmbeddedStore = choice('store', ['sqlite', 'nedb'] as const);
/**
 * `--queues redis` runs the one-process scenario with REDIS_URL (BullMQ), as earlier benches did; the
 * default is what `npm start` runs with no configuration: the in-process queue runner.
 */
const LOCAL_QUEUES = choice('queues', ['local', 'redis'] as const) === 'local';

const CITIZENS = 1000;
const FIXED_RATES = [200, 1000];
const PHASE_MS = QUICK ? 4000 : 10_000;
/** After the last send: how long replies are still awaited (unanswered after that = "> DRAIN" latency). */
const DRAIN_MS = 3000;
/** A webhook not answered within this counts as a timeout error. */
const ACK_TIMEOUT_MS = 3000;
/** Per fresh system: ~800 turns at half the target rate, so JIT, caches and connections are warm (steady state). */
const WARMUP = { rate: 100, ms: QUICK ? 1500 : 8000 };
/** Warm-up of the `processes` shape: gentler (see warmUp). */
const PROCESSES_WARMUP = { rate: 10, ms: QUICK ? 1500 : 8000 };
/** Sustained-rate search: step length, drain allowed, criteria. */
const STEP_MS = QUICK ? 3000 : 5000;
const STEP_DRAIN_MS = 2000;
const MAX_STEPS = QUICK ? 4 : 6;
/** After a step that was not sustained: how long its backlog may take to drain before the system is restarted. */
const BACKLOG_DRAIN_MS = 4000;
const SUSTAINED = { e2eP99Ms: 1000, throughputShare: 0.93 };
/** Hard bound: no phase starts after this (the run then reports what it has). */
const BUDGET_MS = QUICK ? 90_000 : 185_000;
/** The product owner's targets, shown beside the results (not asserted). */
const TARGET = { rate: 200, ackP99Ms: 20, e2eP99Ms: 150 };

const startedAt = hrMs();
const elapsed = () => `${((hrMs() - startedAt) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);
const overBudget = () => hrMs() - startedAt > BUDGET_MS;

/* ------------------------------------------------------------------------------------------------ */
/* Results                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

interface Resources {
  /** CPU use as a share of one core over the phase. */
  sutCpu: number;
  /** The system's CPU per process (several in the `processes` shape). */
  perProcess: { role: string; cpu: number; eldP99: number }[];
  /** FerretDB and PostgreSQL (the `processes` shape's store), summed; NaN when not running here. */
  dbCpu: number;
  redisCpu: number;
  fakeCpu: number;
  benchCpu: number;
  rss: number;
  peakRss: number;
  eldP99: number;
  eldMax: number;
  /** nedb datastore queues over the phase (embedded store only). */
  store: StoreLane[];
  windowMs: number;
}

interface PhaseResult {
  scenario: string;
  rate: number;
  durationMs: number;
  shots: Shot[];
  sent: number;
  acked: number;
  errors: Map<string, number>;
  errorCount: number;
  replied: number;
  ackP50: number;
  ackP99: number;
  e2eP50: number;
  e2eP99: number;
  /** Unanswered messages waited at least this long (ms). */
  censorMs: number;
  /** Replies per second during the send window, and during its second half. */
  throughput: number;
  throughput2nd: number;
  /** Generator lateness (sentAt − scheduled), p99 ms. */
  lagP99: number;
  unmatched: number;
  resources: Resources;
  sustained: boolean;
}

interface StageRow {
  scenario: string;
  rate: number;
  stages: { name: string; n: number; p50: number; p99: number }[];
  composedNotSent: number;
  receivedNotComposed: number;
  /** Messages stored, and replies composed by the turn workers, per second of the send window. */
  storedPerSec: number;
  turnsPerSec: number;
}

const phases: PhaseResult[] = [];
const stageRows: StageRow[] = [];
const searches: { scenario: string; best: number; steps: PhaseResult[]; note?: string }[] = [];
const profiles: { scenario: string; summary: ProfileSummary }[] = [];
const notes: string[] = [];

/* ------------------------------------------------------------------------------------------------ */
/* Environment: Redis database, MongoDB, fake Zalo child                                             */
/* ------------------------------------------------------------------------------------------------ */

let baseRedisUrl = 'redis://127.0.0.1:6379';
let mongodbUrl: string | undefined;
try {
  const config = loadConfig();
  baseRedisUrl = config.redisUrl ?? baseRedisUrl;
  mongodbUrl = config.mongodbUrl;
} catch (err) {
  console.warn(`bench: the environment's configuration is invalid, using defaults (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
}
// All traffic stays on this machine: a Redis or MongoDB elsewhere is not used.
const isLocal = (url: string) => {
  try {
    return ['127.0.0.1', 'localhost'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};
if (!isLocal(baseRedisUrl)) {
  console.warn('bench: REDIS_URL is not on 127.0.0.1; the bench uses redis://127.0.0.1:6379 instead');
  baseRedisUrl = 'redis://127.0.0.1:6379';
}
if (mongodbUrl && !isLocal(mongodbUrl)) {
  console.warn('bench: MONGODB_URL is not on 127.0.0.1; the bench does not use it (the multi-process scenario is skipped)');
  mongodbUrl = undefined;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let redis: BenchRedis | undefined;
let activeSut: Sut | undefined;
let fakeChild: ChildProcess | undefined;

async function startFake(matcher: ReplyMatcher): Promise<{ child: ChildProcess; ready: FakeReady }> {
  const child = forkTs(join(ROOT, 'bench/pipeline/fake-zalo.child.ts'), [], { env: { ...process.env }, cwd: ROOT });
  children.add(child);
  const ready = await new Promise<FakeReady>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake Zalo child exited (${code})`)));
    child.on('message', (raw: unknown) => {
      const message = raw as FakeReady | FakeSent;
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'sent') matcher.onSent(message.items);
    });
  });
  return { child, ready };
}

const tellFake = (message: ToFake) => {
  if (fakeChild?.connected) fakeChild.send(message);
};

async function cleanup(): Promise<void> {
  if (activeSut) await activeSut.stop().catch(() => undefined);
  activeSut = undefined;
  tellFake({ type: 'stop' });
  for (const child of children) await terminate(child, 4000).catch(() => undefined);
  if (redis) await redis.close().catch((err: unknown) => console.warn(`bench: Redis cleanup failed: ${String(err)}`));
  redis = undefined;
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.log(`\n${signal}: stopping the system under test and cleaning up…`);
    void cleanup().finally(() => process.exit(130));
  });
}

/* ------------------------------------------------------------------------------------------------ */
/* Phases                                                                                            */
/* ------------------------------------------------------------------------------------------------ */

interface Context {
  matcher: ReplyMatcher;
  driver: ZaloWebhookDriver;
  zalo: FakeReady;
  citizens: string[];
  warmCitizens: string[];
  userIdByApp: Map<string, string>;
  questions: string[];
  random: () => number;
  /** Where each citizen list's rotation continues (phases do not restart from the first citizen). */
  offsets: Map<readonly string[], number>;
  epochOffset: number;
}

interface Scenario {
  key: string;
  label: string;
  shape: SutShape;
}

async function freshSut(ctx: Context, scenario: Scenario, cpuProfDir?: string): Promise<Sut> {
  if (!redis) throw new Error('no Redis connection');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
  tempDirs.add(dataDir);
  let mongo: string | undefined;
  if (scenario.shape === 'processes' && mongodbUrl) {
    // A database of its own (dropped after), keeping the credentials' authentication database.
    const url = new URL(mongodbUrl);
    const original = url.pathname.replace(/^\//, '');
    if (url.username && !url.searchParams.has('authSource')) url.searchParams.set('authSource', original || 'admin');
    url.pathname = `/bench_pipeline_${Date.now().toString(36)}`;
    mongo = url.toString();
  }
  const sut = await startSut({
    shape: scenario.shape,
    dataDir,
    redisUrl: redis.url,
    queuePrefix: redis.newPrefix(),
    ...(mongo ? { mongodbUrl: mongo } : {}),
    zalo: ctx.zalo,
    embeddedStore: EMBEDDED,
    localQueues: LOCAL_QUEUES && scenario.shape === 'one-process',
    ...(cpuProfDir ? { cpuProfDir } : {}),
    ...(SUT_LOGS ? { logLevel: 'warn' } : {}),
  });
  activeSut = sut;
  tellFake({ type: 'webhook', url: `${sut.url}/webhooks/zalo` });
  return sut;
}

async function stopSut(sut: Sut): Promise<void> {
  tellFake({ type: 'webhook', url: undefined });
  const how = await sut.stop();
  activeSut = undefined;
  await redis?.clear(sut.queuePrefix).catch((err: unknown) => notes.push(`could not delete the Redis keys of ${sut.queuePrefix}: ${String(err)}`));
  const killed = how.filter((h) => h.how === 'killed').map((h) => h.role);
  if (killed.length) notes.push(`${killed.join(', ')} did not stop within 12 s of SIGTERM and was killed`);
  if (sut.shape === 'processes') await waitForIdleDatabase();
  const mongo = sut.mongodbUrl;
  if (mongo) {
    await dropMongoDatabase(mongo).catch((err: unknown) =>
      notes.push(`could not drop the bench's MongoDB database ${new URL(mongo).pathname.slice(1)}: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}

/**
 * After an overloaded phase FerretDB and PostgreSQL go on executing the queries of connections that are
 * gone: the next phase would share the machine with them. Waits (up to 90 s) until they use under 10 %
 * of a core over a second.
 */
async function waitForIdleDatabase(): Promise<void> {
  const pids = pidsNamed(['ferretdb', 'postgres', 'mongod']);
  if (pids.length === 0) return;
  const started = hrMs();
  for (;;) {
    const meter = new CpuMeter();
    meter.begin(pids);
    await sleep(1000);
    const busy = [...meter.end().values()].reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    if (busy < 0.1) break;
    if (hrMs() - started > 90_000) {
      notes.push(`FerretDB/PostgreSQL still busy (${pct(busy)} of a core) 90 s after a phase; the next phase shares the machine with that work`);
      break;
    }
  }
  const waited = hrMs() - started;
  if (waited > 3000) log(`waited ${(waited / 1000).toFixed(0)} s for FerretDB/PostgreSQL to finish the stopped system's queries`);
}

async function dropMongoDatabase(url: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** Sends `rate` msg/s for `durationMs` (open loop), then waits up to `drainMs` for acks and replies. */
async function runPhase(ctx: Context, sut: Sut, scenario: string, rate: number, durationMs: number, drainMs: number, citizens = ctx.citizens): Promise<PhaseResult> {
  const generator = new LoadGenerator(`${sut.url}/webhooks/zalo`, ctx.matcher, ACK_TIMEOUT_MS);
  const n = Math.round((rate * durationMs) / 1000);
  const startAt = hrMs() + 300 + n * 0.05;
  const citizenOffset = ctx.offsets.get(citizens) ?? 0;
  const shots = buildShots(ctx.driver, { rate, durationMs, startAt, citizens, citizenOffset, questions: ctx.questions, random: ctx.random, epochOffset: ctx.epochOffset }, ctx.userIdByApp);
  ctx.offsets.set(citizens, (citizenOffset + shots.length) % citizens.length);
  ctx.matcher.reset();

  const pids = sut.pids();
  const cpu = new CpuMeter();
  const fakePid = fakeChild?.pid ?? -1;
  // The MongoDB-wire store of the processes shape: FerretDB and its PostgreSQL, when they run on this machine.
  const dbPids = sut.shape === 'processes' ? pidsNamed(['ferretdb', 'postgres', 'mongod']) : [];
  cpu.begin([...pids, fakePid, ...dbPids]);
  const benchCpu0 = process.cpuUsage();
  const redisCpu0 = await redis!.cpuSeconds();
  await sut.probe(); // starts the probes' window
  const t0 = hrMs();

  await generator.run(shots);
  const last = shots[shots.length - 1]!.intended;
  const deadline = last + drainMs;
  while (hrMs() < deadline && !shots.every((s) => !Number.isNaN(s.ackAt) && !Number.isNaN(s.replyAt))) await sleep(20);
  await sleep(60); // replies recorded just before the deadline may still be on their way over IPC
  const frozen = hrMs();
  const unmatched = ctx.matcher.unmatched;
  ctx.matcher.reset();

  const wall = (frozen - t0) / 1000;
  const cpuShare = cpu.end();
  const benchUsage = process.cpuUsage(benchCpu0);
  const redisCpu = ((await redis!.cpuSeconds()) - redisCpu0) / wall;
  const probes = await sut.probe();
  const mem = pids.map((pid) => rssBytes(pid));
  generator.close();

  const errors = new Map<string, number>();
  for (const s of shots) {
    const error = s.error ?? (Number.isNaN(s.ackAt) ? 'timeout' : undefined);
    if (error) errors.set(error, (errors.get(error) ?? 0) + 1);
  }
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const acked = shots.filter((s) => s.status === 200).length;
  const replied = shots.filter((s) => s.replyAt <= frozen).length;
  const ack = sortedOf(shots.filter((s) => s.status === 200).map((s) => s.ackAt - s.intended));
  const e2e = sortedOf(shots.map((s) => (s.replyAt <= frozen ? s.replyAt - s.intended : Infinity)));
  const interval = 1000 / rate;
  const windowEnd = last + interval;
  const mid = (shots[0]!.intended + windowEnd) / 2;
  const repliesIn = (from: number, to: number) => shots.filter((s) => s.replyAt >= from && s.replyAt < to).length;
  const throughput = repliesIn(shots[0]!.intended, windowEnd) / ((windowEnd - shots[0]!.intended) / 1000);
  const throughput2nd = repliesIn(mid, windowEnd) / ((windowEnd - mid) / 1000);
  const result: PhaseResult = {
    scenario,
    rate,
    durationMs,
    shots,
    sent: shots.length,
    acked,
    errors,
    errorCount,
    replied,
    ackP50: percentile(ack, 50),
    ackP99: percentile(ack, 99),
    e2eP50: percentile(e2e, 50),
    e2eP99: percentile(e2e, 99),
    censorMs: frozen - last,
    throughput,
    throughput2nd,
    lagP99: percentile(sortedOf(shots.map((s) => s.sentAt - s.intended)), 99),
    unmatched,
    resources: {
      sutCpu: pids.reduce((a, pid) => a + (cpuShare.get(pid) ?? Number.NaN), 0),
      perProcess: sut.processes.map((p, i) => ({
        role: p.role,
        cpu: cpuShare.get(pids[i]!) ?? Number.NaN,
        eldP99: probes.find((e) => e.role === p.role)?.report?.eld.p99 ?? Number.NaN,
      })),
      dbCpu: dbPids.length ? dbPids.reduce((a, pid) => a + (Number.isFinite(cpuShare.get(pid)) ? cpuShare.get(pid)! : 0), 0) : Number.NaN,
      redisCpu,
      fakeCpu: cpuShare.get(fakePid) ?? Number.NaN,
      benchCpu: (benchUsage.user + benchUsage.system) / 1e6 / wall,
      rss: mem.reduce((a, m) => a + m.rss, 0),
      peakRss: mem.reduce((a, m) => a + m.peak, 0),
      eldP99: Math.max(...probes.map((e) => e.report?.eld.p99 ?? Number.NaN)),
      eldMax: Math.max(...probes.map((e) => e.report?.eld.max ?? Number.NaN)),
      store: probes.flatMap((p) => (p.report?.store ?? []).map((l) => (probes.length > 1 ? { ...l, lane: `${p.role}: ${l.lane}` } : l))),
      windowMs: Math.max(...probes.map((p) => p.report?.windowMs ?? Number.NaN)),
    },
    sustained: false,
  };
  result.sustained =
    result.errorCount === 0 && result.replied === result.sent && result.e2eP99 <= SUSTAINED.e2eP99Ms && result.throughput2nd >= SUSTAINED.throughputShare * rate;
  return result;
}

function describe(r: PhaseResult): string {
  const errors = r.errorCount ? ` errors ${[...r.errors].map(([k, v]) => `${k}×${v}`).join(', ')}` : '';
  return (
    `${r.rate} msg/s × ${r.durationMs / 1000} s: sent ${r.sent}, acked ${r.acked}, replied ${r.replied}; ` +
    `ack p50/p99 ${ms(r.ackP50)}/${ms(r.ackP99)} ms; e2e p50/p99 ${ms(r.e2eP50, r.censorMs)}/${ms(r.e2eP99, r.censorMs)} ms; ` +
    `replies ${r.throughput.toFixed(0)}/s; system CPU ${pct(r.resources.sutCpu)}${errors}`
  );
}

/** A few hundred messages from other citizens, then waits for their replies. */
async function warmUp(ctx: Context, sut: Sut, scenario: string): Promise<void> {
  // The processes shape's store (FerretDB on PostgreSQL here) answers far fewer messages a second: a
  // warm-up at the one-process rate would leave a backlog that the measured phase inherits.
  const warm = sut.shape === 'processes' ? PROCESSES_WARMUP : WARMUP;
  const r = await runPhase(ctx, sut, scenario, warm.rate, warm.ms, 6000, ctx.warmCitizens);
  if (sut.shape === 'processes') await waitForIdleDatabase();
  if (r.replied === 0) throw new Error(`warm-up: no reply at all (${describe(r)}); the system under test is not answering`);
  if (r.replied < r.sent) notes.push(`${scenario}: warm-up got ${r.replied}/${r.sent} replies within 6 s`);
}

async function stageBreakdown(ctx: Context, sut: Sut, r: PhaseResult): Promise<void> {
  if (sut.shape === 'processes') return;
  const stamps = await readStageStamps(sut.dataDir);
  const toHr = (epoch: number) => epoch - ctx.epochOffset;
  const ingest: number[] = [];
  const acknowledge: number[] = [];
  const turn: number[] = [];
  const delivery: number[] = [];
  let composedNotSent = 0;
  let receivedNotComposed = 0;
  const from = r.shots[0]!.intended;
  const to = r.shots[r.shots.length - 1]!.intended + 1000 / r.rate;
  let storedIn = 0;
  let composedIn = 0;
  for (const s of r.shots) {
    const st = stamps.get(s.msgId);
    if (!st) continue;
    ingest.push(toHr(st.receivedAt) - s.intended);
    if (s.status === 200) acknowledge.push(s.ackAt - toHr(st.receivedAt));
    if (toHr(st.receivedAt) < to) storedIn++;
    if (toHr(st.composedAt) < to) composedIn++;
    if (Number.isNaN(st.composedAt)) {
      receivedNotComposed++;
      continue;
    }
    turn.push(st.composedAt - st.receivedAt);
    if (Number.isNaN(st.sentAt)) composedNotSent++;
    else delivery.push(st.sentAt - st.composedAt);
  }
  const row = (name: string, values: number[]) => {
    const sorted = sortedOf(values);
    return { name, n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  stageRows.push({
    scenario: r.scenario,
    rate: r.rate,
    stages: [
      row('webhook sent → message stamped (HTTP, verify, contact upsert, conversation getOrOpen)', ingest),
      row('message stamped → 200 received (inbound insert, conversation update, turn enqueue, held check)', acknowledge),
      row('message stamped → reply stored (turn queue wait, lock, Botkit turn, brain)', turn),
      row('reply stored → sent to Zalo (outbound queue, send limiter, API call)', delivery),
    ],
    composedNotSent,
    receivedNotComposed,
    storedPerSec: storedIn / ((to - from) / 1000),
    turnsPerSec: composedIn / ((to - from) / 1000),
  });
}

/** Fixed-rate phases on a fresh system each (a backlog must not carry over). */
async function fixedRates(ctx: Context, scenario: Scenario, profile: boolean): Promise<void> {
  for (const rate of FIXED_RATES) {
    if (overBudget() || interrupted) {
      notes.push(`${scenario.label}: ${rate} msg/s skipped (time budget)`);
      continue;
    }
    // Kept after the run (the path is printed), for a closer look in Chrome DevTools or speedscope.
    const profDir = profile && rate === TARGET.rate ? mkdtempSync(join(tmpdir(), 'bench-pipeline-prof-')) : undefined;
    let sut: Sut | undefined;
    try {
      sut = await freshSut(ctx, scenario, profDir);
      await warmUp(ctx, sut, scenario.label);
      const r = await runPhase(ctx, sut, scenario.label, rate, PHASE_MS, DRAIN_MS);
      log(`${scenario.label}: ${describe(r)}`);
      phases.push(r);
      const stopped = sut;
      sut = undefined;
      await stopSut(stopped);
      await stageBreakdown(ctx, stopped, r).catch((err: unknown) => notes.push(`stage breakdown unavailable: ${String(err)}`));
      if (profDir) {
        const file = mainThreadProfile(profDir);
        if (file) {
          const t0 = r.shots[0]!.intended;
          profiles.push({ scenario: `${scenario.label}, ${rate} msg/s`, summary: summariseProfile(file, { fromMs: t0, toMs: t0 + r.durationMs + r.censorMs }) });
        } else notes.push('--cpu-prof: the system wrote no profile (it did not exit cleanly)');
      }
    } catch (err) {
      failed(`${scenario.label} @${rate} msg/s`, err);
      if (sut) await stopSut(sut).catch(() => undefined);
    }
  }
}

/** A phase that could not run (e.g. the system did not start): noted, and the bench goes on. */
function failed(what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log(`${what}: FAILED: ${message}`);
  notes.push(`${what}: not measured: ${message}`);
}

/**
 * The highest rate sustained: every message acknowledged and answered, e2e p99 ≤ 1 s, and replies
 * keeping pace with the offered rate (≥ 93 % of it over the second half of the step), so the backlog
 * does not grow. Starts near the capacity seen in the fixed-rate phases, then bisects.
 */
async function searchMax(ctx: Context, scenario: Scenario): Promise<void> {
  const seen = phases.filter((p) => p.scenario === scenario.label).sort((a, b) => a.rate - b.rate);
  let lo = 0;
  let hi = Infinity;
  for (const p of seen) {
    if (p.sustained) lo = Math.max(lo, p.rate);
    else hi = Math.min(hi, p.rate);
  }
  const firstFailed = seen.find((p) => !p.sustained);
  // A failed fixed-rate phase's reply rate is a capacity estimate: start a little below it and climb.
  let rate = hi === Infinity ? Math.max(lo, 100) * 1.4 : firstFailed ? Math.max(5, Math.min(0.85 * firstFailed.throughput, (lo + hi) / 2)) : (lo + hi) / 2;
  if (lo > 0 && rate <= lo) rate = (lo + hi) / 2;
  const steps: PhaseResult[] = [];
  let sut: Sut | undefined;
  let note: string | undefined;
  try {
    for (let step = 0; step < MAX_STEPS; step++) {
      if (overBudget() || interrupted) {
        note = 'stopped early (time budget)';
        break;
      }
      rate = Math.max(1, Math.round(rate));
      if (!sut) {
        sut = await freshSut(ctx, scenario);
        await warmUp(ctx, sut, scenario.label);
      }
      const r = await runPhase(ctx, sut, `${scenario.label} (search)`, rate, STEP_MS, STEP_DRAIN_MS);
      steps.push(r);
      log(`${scenario.label}: step ${step + 1}: ${r.sustained ? 'sustained  ' : 'NOT sustained'} ${describe(r)}`);
      if (r.sustained) lo = Math.max(lo, rate);
      else {
        hi = Math.min(hi, rate);
        // A backlog would distort the next step: let a small one drain (its replies now arrive
        // unmatched), else start again from a fresh system.
        const backlog = r.sent - r.replied;
        const until = hrMs() + BACKLOG_DRAIN_MS;
        while (ctx.matcher.unmatched < backlog && hrMs() < until) await sleep(50);
        if (ctx.matcher.unmatched < backlog) {
          const stopped = sut;
          sut = undefined;
          await stopSut(stopped);
        } else await sleep(1000);
      }
      if (lo > 0 && hi !== Infinity && hi / lo <= 1.1) break;
      if (r.sustained) rate = hi === Infinity ? rate * 1.4 : Math.min(rate * 1.15, (lo + hi) / 2);
      else rate = lo === 0 ? rate / 1.5 : (lo + hi) / 2;
    }
  } catch (err) {
    failed(`${scenario.label}: sustained-rate search`, err);
    note = 'interrupted by a failure, see the notes';
  }
  if (sut) await stopSut(sut).catch(() => undefined);
  searches.push({ scenario: scenario.label, best: lo, steps, ...(note ? { note } : {}) });
}

/* ------------------------------------------------------------------------------------------------ */
/* Report                                                                                            */
/* ------------------------------------------------------------------------------------------------ */

function report(): void {
  console.log('\n=== Results ===');
  console.log('Latencies in ms, from the scheduled send time. ack = webhook POST → 200. e2e = webhook sent → reply recorded');
  console.log(`at the fake Zalo API. ">N s": more than 1 % (p99) or 50 % (p50) of messages had no reply N s after the last send.\n`);
  const rows = [['scenario', 'rate/s', 'sent', 'acked', 'replied', 'ack p50', 'ack p99', 'e2e p50', 'e2e p99', 'errors', 'replies/s', 'RSS', 'peak RSS']];
  for (const r of phases) {
    rows.push([
      r.scenario,
      String(r.rate),
      String(r.sent),
      String(r.acked),
      String(r.replied),
      ms(r.ackP50),
      ms(r.ackP99),
      ms(r.e2eP50, r.censorMs),
      ms(r.e2eP99, r.censorMs),
      String(r.errorCount),
      r.throughput.toFixed(0),
      mb(r.resources.rss),
      mb(r.resources.peakRss),
    ]);
  }
  console.log(table(rows));
  const errorKinds = phases.filter((p) => p.errorCount > 0).map((p) => `${p.scenario} @${p.rate}/s: ${[...p.errors].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  if (errorKinds.length) console.log(`\n  errors: ${errorKinds.join('; ')}`);

  console.log(`\nTargets (product owner, at ${TARGET.rate} msg/s; not asserted): ack p99 ≤ ${TARGET.ackP99Ms} ms, e2e p99 ≤ ${TARGET.e2eP99Ms} ms`);
  console.log(`Our Zalo send limiter is set to ${BENCH_ZALO_SEND_RATE}/s for this bench; one real Zalo app may make 4,000 calls a minute (≈ 66/s).`);
  for (const r of phases.filter((p) => p.rate === TARGET.rate)) {
    const ackOk = r.ackP99 <= TARGET.ackP99Ms;
    const e2eOk = r.e2eP99 <= TARGET.e2eP99Ms;
    console.log(
      `  ${r.scenario}: ack p99 ${ms(r.ackP99)} ms → ${ackOk ? 'met' : 'MISSED'}; e2e p99 ${ms(r.e2eP99, r.censorMs)} ms → ${e2eOk ? 'met' : 'MISSED'}` +
        (r.replied < r.sent ? ` (${r.sent - r.replied} of ${r.sent} not answered ${(r.censorMs / 1000).toFixed(1)} s after the last send)` : ''),
    );
  }

  if (stageRows.length) {
    console.log('\nWhere the end-to-end time goes (from the system\'s own store stamps; ms):');
    const srows = [['scenario @ rate', 'stage', 'n', 'p50', 'p99']];
    for (const s of stageRows) {
      for (const [i, st] of s.stages.entries()) srows.push([i === 0 ? `${s.scenario} @${s.rate}/s` : '', st.name, String(st.n), ms(st.p50), ms(st.p99)]);
      srows.push(['', `  rates during the send window: ${s.storedPerSec.toFixed(0)} messages stored/s, ${s.turnsPerSec.toFixed(0)} replies composed/s (offered ${s.rate}/s)`, '', '', '']);
      if (s.receivedNotComposed || s.composedNotSent) {
        srows.push(['', `  still waiting when stopped: ${s.receivedNotComposed} for their turn, ${s.composedNotSent} replies for delivery`, '', '', '']);
      }
    }
    console.log(table(srows, 2));
  }

  const withStore = phases.filter((p) => p.resources.store.length > 0);
  if (withStore.length) {
    if (EMBEDDED === 'nedb') {
      console.log('\nEmbedded store: nedb datastore queues (nedb runs each datastore\'s operations one at a time; busy = share of the');
      console.log('phase the datastore was running an operation, wait = time an operation queued before it could run):');
    } else {
      console.log('\nEmbedded store: SQLite, per collection (calls are synchronous on the event loop, so there is no queue: busy = share');
      console.log('of the phase the event loop spent in that collection\'s calls, SQL and JSON included):');
    }
    const rows3 = [['scenario @ rate', 'datastore', 'ops/s', 'busy', 'mean wait ms', 'max wait ms']];
    for (const p of withStore) {
      const lanes = [...p.resources.store].filter((l) => l.ops > 0).sort((a, b) => b.runMs - a.runMs);
      for (const [i, l] of lanes.entries()) {
        rows3.push([
          i === 0 ? `${p.scenario} @${p.rate}/s` : '',
          l.lane,
          ((l.ops * 1000) / p.resources.windowMs).toFixed(0),
          pct(l.runMs / p.resources.windowMs),
          ms(l.waitMs / l.ops),
          ms(l.maxWaitMs),
        ]);
      }
    }
    console.log(table(rows3, 2));
  }

  for (const s of searches) {
    console.log(`\nSustained maximum, ${s.scenario}: ${s.best > 0 ? `${s.best} msg/s` : `below ${Math.min(...s.steps.map((x) => x.rate), ...FIXED_RATES)} msg/s`}${s.note ? ` (${s.note})` : ''}`);
    console.log(`  (sustained = no errors, all answered within ${STEP_DRAIN_MS / 1000} s of the step's end, e2e p99 ≤ ${SUSTAINED.e2eP99Ms} ms, replies ≥ ${SUSTAINED.throughputShare * 100} % of the rate)`);
    const rows2 = [['step rate/s', 'sent', 'replied', 'ack p99', 'e2e p50', 'e2e p99', 'replies/s (2nd half)', 'errors', 'sustained']];
    for (const r of s.steps) {
      rows2.push([String(r.rate), String(r.sent), String(r.replied), ms(r.ackP99), ms(r.e2eP50, r.censorMs), ms(r.e2eP99, r.censorMs), r.throughput2nd.toFixed(0), String(r.errorCount), r.sustained ? 'yes' : 'no']);
    }
    console.log(table(rows2, 0));
  }

  console.log('\nResources during each phase (CPU as a share of one core; the machine has ' + cpus().length + ' cores):');
  const rrows = [['scenario', 'rate/s', 'system CPU', 'Redis CPU', 'fake Zalo CPU', 'load gen CPU', 'gen lag p99', 'system loop delay p99/max', 'system RSS']];
  for (const r of [...phases, ...searches.flatMap((s) => s.steps)]) {
    rrows.push([
      r.scenario,
      String(r.rate),
      pct(r.resources.sutCpu),
      pct(r.resources.redisCpu),
      pct(r.resources.fakeCpu),
      pct(r.resources.benchCpu),
      `${ms(r.lagP99)} ms`,
      `${ms(r.resources.eldP99)}/${ms(r.resources.eldMax)} ms`,
      mb(r.resources.rss),
    ]);
  }
  console.log(table(rrows));
  const multi = [...phases, ...searches.flatMap((s) => s.steps)].filter((r) => r.resources.perProcess.length > 1);
  if (multi.length) {
    console.log('\nCPU per process of the system (share of one core; loop delay p99), and of the store server:');
    const prows = [['scenario', 'rate/s', ...multi[0]!.resources.perProcess.map((p) => p.role), 'FerretDB + PostgreSQL']];
    for (const r of multi) {
      prows.push([r.scenario, String(r.rate), ...r.resources.perProcess.map((p) => `${pct(p.cpu)} (${ms(p.eldP99)} ms)`), pct(r.resources.dbCpu)]);
    }
    console.log(table(prows));
  }

  for (const p of profiles) {
    const { summary } = p;
    console.log(`\nCPU profile of the system, ${p.scenario} (measured window; busy ${summary.busyMs.toFixed(0)} of ${summary.wallMs.toFixed(0)} ms = ${pct(summary.busyMs / summary.wallMs)} of one core):`);
    console.log(table([['stage', 'ms', 'share of busy'], ...summary.stages.map((s) => [s.stage, s.ms.toFixed(0), pct(s.ms / summary.busyMs)])]));
    console.log('  top functions by self time:');
    for (const f of summary.topSelf) console.log(`    ${f.ms.toFixed(0).padStart(6)} ms  ${f.fn}`);
    console.log(`  profile: ${summary.file}`);
  }

  notes.push(`load average at the end (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores`);
  const unmatched = phases.reduce((a, p) => a + p.unmatched, 0);
  if (unmatched) notes.push(`${unmatched} replies could not be matched to a waiting message (late replies of an earlier phase)`);
  if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
}

/* ------------------------------------------------------------------------------------------------ */
/* Main                                                                                              */
/* ------------------------------------------------------------------------------------------------ */

async function main(): Promise<void> {
  const matcher = new ReplyMatcher();
  redis = await connectBenchRedis(baseRedisUrl);
  const fake = await startFake(matcher);
  fakeChild = fake.child;
  const questions = procedureQuestions();
  const citizens = Array.from({ length: CITIZENS }, () => bigId());
  const warmCitizens = Array.from({ length: 100 }, () => bigId());
  const ctx: Context = {
    matcher,
    driver: new ZaloWebhookDriver({ appId: fake.ready.appId, oaId: fake.ready.oaId, oaSecretKey: fake.ready.oaSecretKey }),
    zalo: fake.ready,
    citizens,
    warmCitizens,
    userIdByApp: new Map([...citizens, ...warmCitizens].map((c) => [c, bigId()])),
    questions,
    random: seededRandom(1022),
    offsets: new Map(),
    epochOffset: epochOffsetMs(),
  };

  const loadBefore = loadavg();
  const storeTag = `, ${EMBEDDED}`;
  const scenarios: Scenario[] = [{ key: 'one', label: `1 process (npm start${storeTag}, ${LOCAL_QUEUES ? 'in-process queues' : 'BullMQ'})`, shape: 'one-process' }];
  console.log('Trợ lý 1022: pipeline bench (Zalo webhook → reply at the fake Zalo API)');
  console.log(`  machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; everything on 127.0.0.1`);
  console.log(`  load average before the run: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}${loadBefore[0]! > 0.5 * cpus().length ? '  ← other work is running on this machine: figures will be pessimistic and noisy' : ''}`);
  console.log(`  system under test: a child process running src/main.ts (as npm start does; for "2 worker instances": its start-up plus a`);
  console.log(`    second worker set, bench/pipeline/two-workers.child.ts), NODE_ENV=production, LOG_LEVEL=${SUT_LOGS ? 'warn' : 'silent'}, embedded store (${EMBEDDED}) in a temp DATA_DIR,`);
  console.log(`    queues ${LOCAL_QUEUES ? "in process for the one-process scenario (npm start's default; --queues redis for BullMQ), " : ""}on BullMQ at ${redis.url} otherwise, each system with a QUEUE_PREFIX of its own; fake Zalo API in its own child`);
  console.log(`  load: ${CITIZENS} citizens, ${questions.length} procedure questions of the golden set, open loop, keep-alive; each phase on a fresh system after`);
  console.log(`    a ${WARMUP.ms / 1000} s warm-up at ${WARMUP.rate} msg/s (web + 2 worker processes: ${PROCESSES_WARMUP.rate} msg/s); fixed rates ${FIXED_RATES.join(' and ')} msg/s × ${PHASE_MS / 1000} s, replies awaited ${DRAIN_MS / 1000} s after the last send`);
  console.log(`    the fake echoes every reply to the webhook as an oa_send_text event, as Zalo does; RSS = the system's process(es), summed`);
  if (mongodbUrl) {
    scenarios.push({ key: 'procs', label: 'web + 2 worker processes', shape: 'processes' });
  } else {
    console.log('\n  NOTE: "web + 2 worker processes" needs a store shared between processes (MONGODB_URL; the embedded store is');
    console.log('  single-process): SKIPPED. Measured instead: "2 worker instances in one process" (two independent BullMQ worker');
    console.log('  sets on separate Redis connections, one embedded store): it shows queue/lock behaviour, not extra CPU.');
    scenarios.push({ key: 'two', label: `2 worker instances in one process${storeTag}`, shape: 'two-instances' });
  }
  console.log('');

  for (const [i, scenario] of scenarios.entries()) {
    if (interrupted || (FIRST_ONLY && i > 0)) break;
    if (SECOND_ONLY && i === 0) continue;
    await fixedRates(ctx, scenario, CPU_PROF && (i === 0 || SECOND_ONLY));
    await searchMax(ctx, scenario);
  }
  report();
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (phases.length) report();
  process.exitCode = 1;
} finally {
  await cleanup();
  console.log(`\nDone in ${elapsed().trim()}.`);
}
process.exit();
