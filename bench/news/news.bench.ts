/**
 * `npm run bench:news`: one portal news item to a province's subscribers (issue 12, item 9), the real
 * system in the production mode, nothing of ours mocked:
 *
 *   - MongoDB wire (FerretDB 1.24 on PostgreSQL: scripts/ensure-ferretdb.sh, or MONGODB_URL) in a database
 *     of this run, BullMQ on Redis (scripts/ensure-redis.sh, or REDIS_URL) under a QUEUE_PREFIX of this run;
 *   - one web process and one worker process (`scripts/run-system.ts --role=web|worker`, as `npm run
 *     start:web` / `start:worker`);
 *   - the fake Zalo OA API and the fake Graph API (tests/fakes) enforcing the platforms' documented
 *     limits: Zalo 4,000 API calls a minute per app (-32 past it), Messenger 300 calls a second per Page
 *     (613 past it); the system's own send rates set to those limits: ZALO_SEND_RATE=66 (the largest
 *     whole number of sends a second under 4,000 a minute: 3,960/min), FB_SEND_RATE=300;
 *   - the web widget's "platform" is the Redis pub/sub channel of each visitor (adapters/webchat/redis-hub.ts):
 *     the bench listens on `<QUEUE_PREFIX>:webchat:*` as a web process holding every visitor's stream would.
 *
 * Steps:
 *   1. The subscribers are seeded through the store's repositories (src/store/mongo, the same code the
 *      system runs), not through chat turns: per subscriber a contact, a conversation whose last inbound
 *      message is recent enough for its channel's news window (Zalo < 48 h, Messenger < 24 h, the widget
 *      any time) and a news subscription with consent to the item's topic (plus random others). The
 *      Messenger PSIDs are also told to the fake Graph (its 24 h window per PSID). Mix (default 20,000):
 *      60 % Zalo, 30 % Messenger, 10 % widget.
 *   2. A coordinator account is created (as `npm run accounts -- create` does: buildConsoleAuth over the
 *      store), signs in on the web process (POST /api/v1/auth/login) and publishes the item the way an
 *      editor does: POST /api/v1/news/items (CSRF header), which records it and publishes `news.published`,
 *      whose listener queues the fan-out job that the worker runs.
 *   3. When half the subscribers have their delivery decided (news_deliveries claims; `--kill-at`), the
 *      worker is killed with SIGKILL and started again at once.
 *   4. The bench waits until every subscriber's delivery is settled: a claim per subscriber, an outbound
 *      record for each `sent` claim, none of them still pending. Then a short quiet period catches late
 *      duplicates.
 *
 * Checked (exit 1 when not): duplicates = 0 (one recipient received the item twice on a fake platform),
 * lost = 0 (a subscriber, all with open windows, never received it and no record says why). A push the
 * killed worker had in its platform call is recorded DELIVERY.INTERRUPTED and never sent again (news goes
 * at most once: src/core/deliver-outbound.ts); those are counted apart, with how many reached the platform. Printed: subscribers, time to the last
 * delivery, sends per second per platform beside the configured and documented limits, the platforms'
 * rate-limit refusals, peak RSS of the web and worker processes, messages received per platform, the
 * store's records by status, and what the processes logged at warn or above.
 *
 * Options (flags or environment):
 *   --subscribers N   (NEWS_BENCH_SUBSCRIBERS)  default 20000
 *   --kill-at F       (NEWS_BENCH_KILL_AT)      fraction of subscribers decided when the worker is killed; default 0.5
 *   --no-kill                                   no worker kill
 *   --keep                                      keep the data dir (process logs) and the database
 *   --timeout S       (NEWS_BENCH_TIMEOUT)      give up waiting for settlement after S seconds (default: from the platform limits)
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { conversationKey, type ChannelKind } from '../../src/domain/message.js';
import { createLogger } from '../../src/logging/logger.js';
import { systemClock } from '../../src/ports/clock.js';
import type { Store } from '../../src/ports/store.js';
import { createMongoStore } from '../../src/store/mongo/index.js';
import { newsOutboundId } from '../../src/core/news-delivery.js';
import { newsDeliveryId } from '../../src/domain/news.js';
import { toBullJobId } from '../../src/queue/bullmq/job-id.js';
import { buildConsoleAuth } from '../../src/system/index.js';
import { FakeGraph, newPsid, type FakeSentMessage } from '../../tests/fakes/messenger/index.js';
import { bigId, FakeZalo, type RecordedRequest, type SentMessage } from '../../tests/fakes/zalo/index.js';
import type { RecordedGraphRequest } from '../../tests/fakes/messenger/index.js';
import { rssBytes } from '../pipeline/proc.js';
import { mb, table } from '../pipeline/stats.js';
import { ROOT, startRole, stopRole, type SystemProcess } from './processes.js';

/* ------------------------------------------------------------------------------------------------ */
/* Settings                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

const { values: flags } = parseArgs({
  options: {
    subscribers: { type: 'string' },
    'kill-at': { type: 'string' },
    'no-kill': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    timeout: { type: 'string' },
  },
  strict: true,
});

function numberOption(name: string, value: string | undefined, fallback: number, min: number, max: number, integer = true): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    console.error(`bench:news: ${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${value}`);
    process.exit(2);
  }
  return n;
}

const SUBSCRIBERS = numberOption('--subscribers / NEWS_BENCH_SUBSCRIBERS', flags.subscribers ?? process.env.NEWS_BENCH_SUBSCRIBERS, 20_000, 10, 200_000);
const KILL_AT = numberOption('--kill-at / NEWS_BENCH_KILL_AT', flags['kill-at'] ?? process.env.NEWS_BENCH_KILL_AT, 0.5, 0.01, 0.99, false);
const KILL = !flags['no-kill'];
/** Channel mix of a province: Zalo first, then Messenger, then the portal's widget. */
const MIX = { zalo: 0.6, messenger: 0.3 } as const;
const COUNTS = {
  zalo: Math.round(SUBSCRIBERS * MIX.zalo),
  messenger: Math.round(SUBSCRIBERS * MIX.messenger),
  webchat: SUBSCRIBERS - Math.round(SUBSCRIBERS * MIX.zalo) - Math.round(SUBSCRIBERS * MIX.messenger),
};
/** Documented platform limits (reference/platforms.md) and the send rates configured to match them. */
const ZALO_LIMIT_PER_MIN = 4000;
const GRAPH_LIMIT_PER_S = 300;
const ZALO_SEND_RATE = Math.floor(ZALO_LIMIT_PER_MIN / 60); // 66/s: ZALO_SEND_RATE is whole sends a second
const FB_SEND_RATE = GRAPH_LIMIT_PER_S;
/** The fastest the platforms allow: the item cannot reach everyone sooner (seconds). */
const BOUND_S = Math.max(COUNTS.zalo / (ZALO_LIMIT_PER_MIN / 60), COUNTS.messenger / GRAPH_LIMIT_PER_S);
const TIMEOUT_S = numberOption('--timeout / NEWS_BENCH_TIMEOUT', flags.timeout ?? process.env.NEWS_BENCH_TIMEOUT, Math.ceil(1200 + 8 * BOUND_S), 30, 86_400);
const TOPIC = 'thu-tuc-moi';
const OTHER_TOPICS = ['tuyen-dung', 'thien-tai-thoi-tiet', 'y-te', 'giao-duc'];
const PASSWORD = 'mat-khau-bien-tap-1022';
const SEED_CONCURRENCY = 32;
const HOUR = 3_600_000;
/** After settlement, how long to keep listening for late (duplicate) sends. */
const QUIET_MS = 5_000;

const RUN = randomBytes(4).toString('hex');
const TITLE = `Thủ tục mới: cấp đổi giấy phép lái xe trực tuyến toàn trình (bench ${RUN})`;

const startedAt = performance.now();
const since = (t: number) => (t - startedAt) / 1000;
const log = (line: string) => console.log(`[${since(performance.now()).toFixed(1).padStart(6)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/* ------------------------------------------------------------------------------------------------ */
/* What the platforms received                                                                       */
/* ------------------------------------------------------------------------------------------------ */

interface Receipts {
  /** Recipient → how many times the item arrived. */
  perRecipient: Map<string, number>;
  /** Messages that were not the item (should be none). */
  other: number;
  total: number;
  first: number;
  last: number;
  /** Items received before the worker was killed (for the steady rate). */
  beforeKill: number;
  /** Refusals for the rate limit (Zalo -32, Graph 613) and other refusals, by code. */
  refusals: Map<string, number>;
  /** API calls answered. */
  calls: number;
  /** When each recipient first received it, and the repeats (duplicates) with both times. */
  firstAt: Map<string, number>;
  repeats?: { recipient: string; at: number; firstAt: number }[];
}

const newReceipts = (): Receipts => ({ perRecipient: new Map(), other: 0, total: 0, first: Number.NaN, last: Number.NaN, beforeKill: 0, refusals: new Map(), calls: 0, firstAt: new Map() });
const receipts: Record<ChannelKind, Receipts> = { zalo: newReceipts(), messenger: newReceipts(), webchat: newReceipts() };
let killedAt: number | undefined;
/** Date.now() at publishAt (to place the store's timestamps on the bench's clock). */
let publishWall = 0;

function received(channel: ChannelKind, recipient: string, isItem: boolean): void {
  const r = receipts[channel];
  if (!isItem) {
    r.other++;
    return;
  }
  const t = performance.now();
  r.total++;
  if (Number.isNaN(r.first)) r.first = t;
  r.last = t;
  if (killedAt === undefined) r.beforeKill++;
  r.perRecipient.set(recipient, (r.perRecipient.get(recipient) ?? 0) + 1);
  if (r.perRecipient.get(recipient)! > 1) (r.repeats ??= []).push({ recipient, at: t, firstAt: r.firstAt.get(recipient)! });
  else r.firstAt.set(recipient, t);
}

const textOf = (message: Record<string, unknown>): string => JSON.stringify(message);

/** Counts each accepted send as it is recorded, instead of keeping the message (the fakes' arrays stay empty). */
function watchZalo(fake: FakeZalo): void {
  Object.defineProperty(fake.sent, 'push', {
    value: (...items: SentMessage[]) => {
      for (const m of items) received('zalo', m.userId, textOf(m.message).includes(RUN));
      return 0;
    },
  });
  const open: RecordedRequest[] = [];
  Object.defineProperty(fake.requests, 'push', {
    value: (...items: RecordedRequest[]) => {
      open.push(...items);
      return 0;
    },
  });
  setInterval(() => tallyOpen(open, 'zalo', (r) => (Object.keys(r.response).length === 0 ? undefined : Number(r.response.error ?? 0))), 200).unref();
}

function watchGraph(fake: FakeGraph): void {
  Object.defineProperty(fake.sent, 'push', {
    value: (...items: FakeSentMessage[]) => {
      for (const m of items) received('messenger', m.psid, textOf(m.message).includes(RUN));
      return 0;
    },
  });
  const open: RecordedGraphRequest[] = [];
  Object.defineProperty(fake.requests, 'push', {
    value: (...items: RecordedGraphRequest[]) => {
      open.push(...items);
      return 0;
    },
  });
  setInterval(
    () =>
      tallyOpen(open, 'messenger', (r) => {
        if (r.status === 0) return undefined;
        if (r.status === 200) return 0;
        return (r.response as { error?: { code?: number } } | undefined)?.error?.code ?? r.status;
      }),
    200,
  ).unref();
}

/** Requests answered so far are tallied by outcome and dropped; those still in flight stay. */
function tallyOpen<R>(open: R[], channel: ChannelKind, outcome: (r: R) => number | undefined): void {
  const keep: R[] = [];
  for (const r of open) {
    const code = outcome(r);
    if (code === undefined) keep.push(r);
    else {
      receipts[channel].calls++;
      if (code !== 0) receipts[channel].refusals.set(String(code), (receipts[channel].refusals.get(String(code)) ?? 0) + 1);
    }
  }
  open.length = 0;
  open.push(...keep);
}

/**
 * A store query of the watch, retried while the store is briefly unreachable (FerretDB restarted under
 * us, as happened once on a shared machine); after `giveUpMs` the error propagates.
 */
async function patiently<T>(what: string, f: () => Promise<T>, giveUpMs = 120_000): Promise<T> {
  const until = performance.now() + giveUpMs;
  let warned = false;
  for (;;) {
    try {
      return await f();
    } catch (err) {
      if (performance.now() > until) throw err;
      if (!warned) log(`${what}: ${err instanceof Error ? err.message : String(err)}; retrying for up to ${giveUpMs / 1000} s`);
      warned = true;
      await sleep(2000);
    }
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Environment                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

/** The last `KEY=value` line a scripts/ensure-*.sh prints, or undefined. */
function ensure(script: string): string | undefined {
  const out = execFileSync('bash', [join(ROOT, 'scripts', script)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop();
}

function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

/* ------------------------------------------------------------------------------------------------ */
/* Main                                                                                              */
/* ------------------------------------------------------------------------------------------------ */

const processes: SystemProcess[] = [];
let dataDir: string | undefined;
let zalo: FakeZalo | undefined;
let graph: FakeGraph | undefined;
let store: Store | undefined;
let mongo: MongoClient | undefined;
let redis: Redis | undefined;
let subscriber: Redis | undefined;
let dbName: string | undefined;
let queuePrefix: string | undefined;
let mongodbBase: string | undefined;
let redisUrl: string | undefined;
const failures: string[] = [];

interface FanOutJob {
  /** Each time the job was taken by a worker (BullMQ processedOn), on the bench's clock. */
  starts: { wall: number; at: number; attempt: number; claimsThen: number | undefined }[];
  finishedOn: number | undefined;
}

interface Seeded {
  channel: ChannelKind;
  userId: string;
  conversationId: string;
}

async function main(): Promise<number> {
  console.log('Trợ lý 1022: news fan-out bench (production mode: web + worker processes, MongoDB wire, BullMQ on Redis, fake Zalo and Graph at their limits)');
  console.log(`  machine: ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`  subscribers: ${SUBSCRIBERS} (Zalo ${COUNTS.zalo}, Messenger ${COUNTS.messenger}, widget ${COUNTS.webchat}); worker ${KILL ? `SIGKILLed at ${Math.round(KILL_AT * 100)} % decided, then restarted` : 'not killed (--no-kill)'}`);
  console.log(`  limits: Zalo ${ZALO_LIMIT_PER_MIN}/min enforced by the fake (-32), ZALO_SEND_RATE=${ZALO_SEND_RATE}; Messenger ${GRAPH_LIMIT_PER_S}/s enforced by the fake (613), FB_SEND_RATE=${FB_SEND_RATE}`);

  // Services: Redis and a MongoDB-wire server (started when missing, as npm test does).
  redisUrl = process.env.REDIS_URL || (ensure('ensure-redis.sh'), 'redis://127.0.0.1:6379');
  mongodbBase = process.env.MONGODB_URL || ensure('ensure-ferretdb.sh')?.replace(/^MONGODB_URL=/, '');
  if (!mongodbBase) throw new Error('no MongoDB-wire server: set MONGODB_URL or let scripts/ensure-ferretdb.sh start FerretDB');
  dbName = `troly_bench_news_${RUN}`;
  queuePrefix = `bench-news-${RUN}`;
  const mongodbUrl = withDatabase(mongodbBase, dbName);
  dataDir = mkdtempSync(join(tmpdir(), 'bench-news-'));
  redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  log(`database ${dbName}, QUEUE_PREFIX ${queuePrefix}, data dir ${dataDir}`);

  // The fake platforms at their documented limits.
  zalo = await new FakeZalo({ rateLimit: { max: ZALO_LIMIT_PER_MIN, windowMs: 60_000 } }).start();
  graph = await new FakeGraph({ rateLimit: { max: GRAPH_LIMIT_PER_S, windowMs: 1000 } }).start();
  watchZalo(zalo);
  watchGraph(graph);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    MONGODB_URL: mongodbUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    ...zalo.env(),
    FB_APP_SECRET: graph.appSecret,
    FB_PAGE_ACCESS_TOKEN: graph.pageAccessToken,
    FB_VERIFY_TOKEN: 'xac-minh-bench',
    GRAPH_API_BASE: graph.base,
    GRAPH_API_VERSION: graph.version,
    FB_APP_ID: graph.appId,
    ZALO_SEND_RATE: String(ZALO_SEND_RATE),
    FB_SEND_RATE: String(FB_SEND_RATE),
    // The item is `normal`: quiet hours (21:30-07:00 Vietnam time by default) would hold it until morning.
    NEWS_QUIET_HOURS: 'off',
    NEWS_FEEDS: '',
    DOTENV_CONFIG_QUIET: 'true',
  };
  const port = () => String(10_000 + Math.floor(Math.random() * 50_000));

  // The web process first: on a fresh database it creates the indexes (FerretDB 1.24 drops connections
  // when several processes do that at once: bench/pipeline/sut.ts).
  const web = await startRole('web', 'web', { ...env, PORT: port() }, join(dataDir, 'web.log'));
  processes.push(web);
  log(`web process ready (pid ${web.pid}, ${web.url})`);

  // 1. Subscribers, through the store's repositories.
  store = createMongoStore({ url: mongodbUrl });
  await store.init();
  mongo = new MongoClient(mongodbUrl);
  const db = mongo.db(dbName);
  const seeded = await seed(store, zalo.oaId, graph);
  const coordinator = await buildConsoleAuth(store, systemClock, createLogger({ logLevel: 'silent' })).createAccount({
    username: 'bientap.bench',
    displayName: 'Biên tập (bench)',
    role: 'coordinator',
    password: PASSWORD,
  });

  // The widget's platform: every visitor channel of this deployment.
  subscriber = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const channelPrefix = `${queuePrefix}:webchat:`;
  await subscriber.psubscribe(`${channelPrefix}*`);
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => received('webchat', channel.slice(channelPrefix.length), message.includes(RUN)));

  let worker = await startRole('worker', 'worker', { ...env, PORT: port() }, join(dataDir, 'worker-1.log'));
  processes.push(worker);
  log(`worker process ready (pid ${worker.pid})`);

  // 2. The editor publishes.
  const session = await login(web.url, coordinator.username);
  const publishAt = performance.now();
  publishWall = Date.now();
  const response = await fetch(`${web.url}/api/v1/news/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({
      title: TITLE,
      summary: 'Từ ngày 15/12, người dân cấp đổi giấy phép lái xe hoàn toàn trực tuyến trên Cổng dịch vụ công, nhận kết quả qua bưu điện.',
      link: 'https://dichvucong.example.gov.vn/tin-tuc/cap-doi-gplx-truc-tuyen',
      topics: [TOPIC],
      urgency: 'normal',
    }),
  });
  if (response.status !== 201) throw new Error(`POST /api/v1/news/items: HTTP ${response.status} ${await response.text()}`);
  const { item } = (await response.json()) as { item: { id: string } };
  const acceptedAt = performance.now();
  log(`item ${item.id} published by the editor (POST /api/v1/news/items → 201 in ${(acceptedAt - publishAt).toFixed(0)} ms)`);

  // 3 + 4. Watch: kill the worker mid-fan-out, start it again, wait for every delivery to settle.
  const deliveries = db.collection('news_deliveries');
  const outbound = db.collection('outbound_messages');
  const counts = async () => {
    // In this order, one after the other: a record counted in `news` is counted in `pending` if still pending.
    const claims = await deliveries.countDocuments({ itemId: item.id });
    const claimsSent = await deliveries.countDocuments({ itemId: item.id, status: 'sent' });
    const news = await outbound.countDocuments({ purpose: 'news' });
    const [pending, sent, held, failed] = await Promise.all([
      // `sending` (a kill during the platform call) is not final yet: the next delivery run records it interrupted.
      outbound.countDocuments({ status: { $in: ['pending', 'sending'] }, purpose: 'news' }),
      outbound.countDocuments({ status: 'sent', purpose: 'news' }),
      outbound.countDocuments({ status: 'held', purpose: 'news' }),
      outbound.countDocuments({ status: 'failed', purpose: 'news' }),
    ]);
    return { claims, claimsSent, pending, sent, held, failed, news };
  };
  const totalReceived = () => receipts.zalo.total + receipts.messenger.total + receipts.webchat.total;
  const peak = (p: SystemProcess) => {
    const { peak: hwm } = rssBytes(p.pid);
    if (Number.isFinite(hwm)) p.peakRss = Math.max(p.peakRss, hwm);
  };
  const rssTimer = setInterval(() => processes.forEach(peak), 1000);

  let killInfo: { at: number; claims: number; received: number; readyAgainAt: number } | undefined;
  // The fan-out job in Redis (BullMQ's hash of job `news:<itemId>`): when each attempt started, when it finished.
  const jobKey = `${queuePrefix}:news:${toBullJobId(`news:${item.id}`)}`;
  const fanOut: FanOutJob = { starts: [], finishedOn: undefined };
  const readJob = async () => {
    const [processedOn, finishedOn, ats] = await redis!.hmget(jobKey, 'processedOn', 'finishedOn', 'ats');
    const started = Number(processedOn);
    if (Number.isFinite(started) && started > 0 && !fanOut.starts.some((x) => x.wall === started)) {
      const at = performance.now() - (Date.now() - started);
      fanOut.starts.push({ wall: started, at, attempt: Number(ats ?? 0), claimsThen: undefined });
      if (fanOut.starts.length > 1) log(`fan-out job taken up again (attempt ${ats})${killInfo ? ` ${secs(at - killInfo.at)} after the kill` : ''}`);
    }
    const finished = Number(finishedOn);
    if (fanOut.finishedOn === undefined && Number.isFinite(finished) && finished > 0) {
      fanOut.finishedOn = performance.now() - (Date.now() - finished);
      log(`fan-out job finished (${secs(fanOut.finishedOn - publishAt)} after POST)`);
    }
  };
  let claims = 0;
  let last: Awaited<ReturnType<typeof counts>> | undefined;
  let lastLog = 0;
  let settledAt: number | undefined;
  let settledOnce: number | undefined;
  let resumedAt: number | undefined;
  const deadline = acceptedAt + TIMEOUT_S * 1000;
  // The watch itself must stay cheap (FerretDB is the system's bottleneck): one count of the item's
  // delivery records per poll, the outbound counts only every 30 s or once every subscriber is decided.
  for (;;) {
    await sleep(killInfo || !KILL ? 2000 : 500);
    try {
      claims = await patiently('store', () => deliveries.countDocuments({ itemId: item.id }));
      await readJob();
    } catch (err) {
      failures.push(`the store stopped answering: ${err instanceof Error ? err.message : String(err)}`);
      break;
    }
    const now = performance.now();
    const full = claims >= SUBSCRIBERS || now - lastLog > 30_000;
    if (full) last = await patiently('store', counts).catch(() => last);
    if (now - lastLog > 30_000 && last) {
      lastLog = now;
      log(
        `decided ${last.claims}/${SUBSCRIBERS}, outbound pending ${last.pending} sent ${last.sent} held ${last.held} failed ${last.failed}; ` +
          `received Zalo ${receipts.zalo.total}, Messenger ${receipts.messenger.total}, widget ${receipts.webchat.total}`,
      );
    }
    if (KILL && !killInfo && claims >= KILL_AT * SUBSCRIBERS) {
      peak(worker);
      const receivedAtKill = totalReceived();
      worker.child.kill('SIGKILL');
      killedAt = performance.now();
      await worker.exited;
      const claimsAtKill = await deliveries.countDocuments({ itemId: item.id });
      log(`worker (pid ${worker.pid}) killed with SIGKILL: ${claimsAtKill} decided, ${receivedAtKill} received so far; starting it again`);
      worker = await startRole('worker', 'worker (restarted)', { ...env, PORT: port() }, join(dataDir, 'worker-2.log'));
      processes.push(worker);
      killInfo = { at: killedAt, claims: claimsAtKill, received: receivedAtKill, readyAgainAt: worker.readyAt };
      log(`worker restarted (pid ${worker.pid}) in ${secs(worker.readyAt - killedAt)}`);
      continue;
    }
    if (killInfo && resumedAt === undefined && claims > killInfo.claims) {
      resumedAt = now;
      log(`new decisions again: decided ${claims} (${secs(now - killInfo.at)} after the kill)`);
    }
    // Settled twice in a row (the counts are separate queries).
    const settled = last !== undefined && full && last.claims >= SUBSCRIBERS && last.news === last.claimsSent && last.pending === 0 && (!KILL || killInfo !== undefined);
    if (settled && settledOnce !== undefined) {
      settledAt = settledOnce;
      break;
    }
    settledOnce = settled ? now : undefined;
    if (now > deadline) {
      failures.push(`not settled after ${TIMEOUT_S} s: ${JSON.stringify(last)}`);
      break;
    }
  }
  // Late duplicates (a retried job, a stalled one) would show up now.
  await sleep(QUIET_MS);
  processes.forEach(peak);
  clearInterval(rssTimer);
  const final = (await patiently('store', counts, 30_000).catch(() => last)) ?? { claims: Number.NaN, claimsSent: Number.NaN, pending: Number.NaN, sent: Number.NaN, held: Number.NaN, failed: Number.NaN, news: Number.NaN };
  // (FerretDB 1.24 has no $concat in $group: one count per status and reason.)
  const kinds: [string, Record<string, unknown>][] = [
    ['sent', { status: 'sent' }],
    ['waiting (window)', { status: 'waiting', reason: 'window' }],
    ['waiting (cap)', { status: 'waiting', reason: 'cap' }],
    ['quiet', { status: 'quiet' }],
    ['failed', { status: 'failed' }],
    ['queued', { status: 'queued' }],
  ];
  const byStatus = (await patiently('store', () => Promise.all(kinds.map(async ([name, filter]) => ({ _id: name, n: await deliveries.countDocuments({ itemId: item.id, ...filter }) }))), 30_000).catch(() => [])).filter((k) => k.n > 0);
  // Pushes the killed worker had in its platform call: recorded failed (never sent again), the item in their "tin mới".
  const interrupted = new Set(
    (await patiently('store', () => outbound.find({ purpose: 'news', 'error.code': 'DELIVERY.INTERRUPTED' }, { projection: { conversationId: 1 } }).toArray(), 30_000).catch(() => [])).map((d) => String(d.conversationId)),
  );

  // Report.
  const report = {
    item: item.id,
    seeded,
    publishAt,
    acceptedAt,
    settledAt,
    killInfo,
    resumedAt,
    fanOut,
    final,
    byStatus,
    interrupted,
    web,
    workers: processes.filter((p) => p.role === 'worker'),
  };
  const code = printReport(report);
  await explainDuplicates(store, item.id, seeded, publishAt).catch((err: unknown) => console.log(`  (duplicates not explained: ${String(err)})`));
  return code;
}

/** For each duplicate: when the two copies arrived (relative to the kill) and what the store says of the message. */
async function explainDuplicates(store: Store, itemId: string, seeded: Seeded[], publishAt: number): Promise<void> {
  const byUser = new Map(seeded.map((s) => [`${s.channel}:${s.userId}`, s]));
  for (const channel of ['zalo', 'messenger', 'webchat'] as const) {
    for (const d of (receipts[channel].repeats ?? []).slice(0, 10)) {
      const s = byUser.get(`${channel}:${d.recipient}`);
      const record = s && (await store.outbound.get(newsOutboundId(newsDeliveryId(itemId, s.conversationId))));
      const rel = (t: number) => (killedAt === undefined ? `${secs(t - publishAt)} after POST` : `${((t - killedAt) / 1000).toFixed(2)} s ${t < killedAt ? 'before' : 'after'} the kill`);
      console.log(
        `  duplicate on ${channel}: ${s?.conversationId ?? d.recipient}: first copy ${rel(d.firstAt)}, second ${rel(d.at)}; ` +
          `its outbound record: ${record ? `${record.status}, attempts ${record.attempts}${record.sentAt ? `, sentAt recorded ${rel(publishAt + (record.sentAt.getTime() - publishWall))}` : ''}` : 'none'}`,
      );
    }
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Seeding                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

async function seed(store: Store, oaId: string, graph: FakeGraph): Promise<Seeded[]> {
  const t0 = performance.now();
  const now = Date.now();
  const plan: { channel: ChannelKind; accountId: string; userId: string; lastInboundAt: Date }[] = [];
  // Last message recent enough that the channel's news window is open for the whole run (a run is
  // far shorter than the margin): Zalo within 40 h (< 48 h), Messenger within 20 h (< 24 h), the widget
  // any time in the last 30 days (its window is always open).
  for (let i = 0; i < COUNTS.zalo; i++) plan.push({ channel: 'zalo', accountId: oaId, userId: bigId(), lastInboundAt: new Date(now - Math.random() * 40 * HOUR) });
  for (let i = 0; i < COUNTS.messenger; i++) plan.push({ channel: 'messenger', accountId: graph.pageId, userId: newPsid(), lastInboundAt: new Date(now - Math.random() * 20 * HOUR) });
  for (let i = 0; i < COUNTS.webchat; i++) plan.push({ channel: 'webchat', accountId: 'portal', userId: randomBytes(16).toString('base64url'), lastInboundAt: new Date(now - Math.random() * 30 * 24 * HOUR) });
  // Interleaved, as citizens subscribe over time.
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  const out: Seeded[] = [];
  let next = 0;
  let done = 0;
  let lastLog = performance.now();
  const one = async (p: (typeof plan)[number]) => {
    const contact = await store.contacts.upsertByIdentity({ channel: p.channel, accountId: p.accountId, userId: p.userId }, p.lastInboundAt);
    const id = conversationKey(p.channel, p.accountId, p.userId);
    await store.conversations.getOrOpen({ id, contactId: contact.id, channel: p.channel, accountId: p.accountId, userId: p.userId, at: p.lastInboundAt });
    const topics = [TOPIC, ...OTHER_TOPICS.filter(() => Math.random() < 0.3)];
    const consentAt = new Date(p.lastInboundAt.getTime() - Math.random() * 30 * 24 * HOUR);
    await store.newsSubscriptions.put({ id, channel: p.channel, topics, consentAt, updatedAt: consentAt });
    if (p.channel === 'messenger') graph.interact(p.userId, p.lastInboundAt.getTime());
    out.push({ channel: p.channel, userId: p.userId, conversationId: id });
  };
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < plan.length) {
        await one(plan[next++]!);
        done++;
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`seeding: ${done}/${plan.length}`);
        }
      }
    }),
  );
  // The conversation's lastInboundAt is what the news window reads: check one per channel.
  for (const channel of ['zalo', 'messenger', 'webchat'] as const) {
    const sample = out.find((s) => s.channel === channel);
    if (!sample) continue;
    const conversation = await store.conversations.get(sample.conversationId);
    if (!conversation) throw new Error(`seeded conversation ${sample.conversationId} not found`);
  }
  log(`seeded ${out.length} subscribers (contact + conversation + subscription each) through the store in ${secs(performance.now() - t0)}`);
  return out;
}

async function login(base: string, username: string): Promise<{ cookie: string; csrfToken: string }> {
  const response = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (response.status !== 200) throw new Error(`login: HTTP ${response.status} ${await response.text()}`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: response.headers.getSetCookie()[0]!.split(';')[0]!, csrfToken };
}

/* ------------------------------------------------------------------------------------------------ */
/* Report                                                                                            */
/* ------------------------------------------------------------------------------------------------ */

function printReport(r: {
  item: string;
  seeded: Seeded[];
  publishAt: number;
  acceptedAt: number;
  settledAt: number | undefined;
  killInfo: { at: number; claims: number; received: number; readyAgainAt: number } | undefined;
  resumedAt: number | undefined;
  fanOut: FanOutJob;
  final: Record<string, number>;
  byStatus: { _id: string; n: number }[];
  /** Conversations whose push was interrupted in the platform call by the kill (recorded, not resent). */
  interrupted: Set<string>;
  web: SystemProcess;
  workers: SystemProcess[];
}): number {
  const channels: ChannelKind[] = ['zalo', 'messenger', 'webchat'];
  const expected = new Map<ChannelKind, Set<string>>(channels.map((c) => [c, new Set()]));
  for (const s of r.seeded) expected.get(s.channel)!.add(s.userId);
  const conversationOf = new Map(r.seeded.map((s) => [`${s.channel}|${s.userId}`, s.conversationId]));
  let interruptedUnreceived = 0;
  let duplicates = 0;
  let duplicateRecipients = 0;
  let lost = 0;
  let strangers = 0;
  const perChannel = new Map<ChannelKind, { lost: number; duplicates: number }>();
  for (const c of channels) {
    const got = receipts[c].perRecipient;
    let cLost = 0;
    let cDup = 0;
    for (const userId of expected.get(c)!) {
      const n = got.get(userId) ?? 0;
      if (n === 0 && r.interrupted.has(conversationOf.get(`${c}|${userId}`) ?? '')) interruptedUnreceived++;
      else if (n === 0) cLost++;
      if (n > 1) {
        cDup += n - 1;
        duplicateRecipients++;
      }
    }
    for (const userId of got.keys()) if (!expected.get(c)!.has(userId)) strangers++;
    lost += cLost;
    duplicates += cDup;
    perChannel.set(c, { lost: cLost, duplicates: cDup });
  }
  const lastDelivery = Math.max(...channels.map((c) => receipts[c].last).filter((t) => Number.isFinite(t)));
  const toLast = lastDelivery - r.publishAt;
  const rateOf = (c: ChannelKind) => {
    const x = receipts[c];
    return x.total > 1 ? x.total / ((x.last - x.first) / 1000) : Number.NaN;
  };
  const steadyOf = (c: ChannelKind) => {
    const x = receipts[c];
    if (!r.killInfo || x.beforeKill < 2) return Number.NaN;
    return x.beforeKill / ((r.killInfo.at - x.first) / 1000);
  };
  const fmtRate = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  const refusals = (c: ChannelKind) => [...receipts[c].refusals].map(([code, n]) => `${code}×${n}`).join(', ') || '0';

  console.log('');
  console.log(`Result (item ${r.item}, ${SUBSCRIBERS} subscribers, all windows open)`);
  console.log('');
  const boundNote = `platform bound ${secs(BOUND_S * 1000)} (Zalo ${COUNTS.zalo} at ${ZALO_LIMIT_PER_MIN}/min)`;
  console.log(
    table([
      ['figure', 'measured', 'target'],
      ['subscribers', `${SUBSCRIBERS} (Zalo ${COUNTS.zalo}, Messenger ${COUNTS.messenger}, widget ${COUNTS.webchat})`, '20000 at full size'],
      ['time to last delivery (POST → last receipt)', Number.isFinite(toLast) ? secs(toLast) : '-', `${boundNote} + worker restart`],
      ['settled (every record final) after POST', r.settledAt ? secs(r.settledAt - r.publishAt) : 'NOT SETTLED', '-'],
      ['duplicates (item received twice by one recipient)', `${duplicates} (${duplicateRecipients} recipients)`, '0'],
      ['lost (open window, never received, no record saying why)', String(lost), '0'],
      ['interrupted by the kill (recorded DELIVERY.INTERRUPTED, not resent)', `${r.interrupted.size} (${r.interrupted.size - interruptedUnreceived} of them reached the platform)`, 'at most the sends in flight'],
      ['received by someone not subscribed', String(strangers), '0'],
    ]),
  );
  console.log('');
  console.log(
    table([
      ['platform', 'subscribers', 'received', 'recipients', 'lost', 'dup', 'first after POST', 'last after POST', 'sends/s overall', 'sends/s before kill', 'limit / configured', 'API calls', 'refusals (code×n)'],
      ...channels.map((c) => {
        const x = receipts[c];
        const pc = perChannel.get(c)!;
        const limit = c === 'zalo' ? `${(ZALO_LIMIT_PER_MIN / 60).toFixed(1)}/s / ${ZALO_SEND_RATE}/s` : c === 'messenger' ? `${GRAPH_LIMIT_PER_S}/s / ${FB_SEND_RATE}/s` : 'none / none';
        return [
          c === 'webchat' ? 'widget (Redis pub/sub)' : c === 'zalo' ? 'Zalo (fake OA API)' : 'Messenger (fake Graph)',
          String(expected.get(c)!.size),
          String(x.total),
          String(x.perRecipient.size),
          String(pc.lost),
          String(pc.duplicates),
          Number.isFinite(x.first) ? secs(x.first - r.publishAt) : '-',
          Number.isFinite(x.last) ? secs(x.last - r.publishAt) : '-',
          fmtRate(rateOf(c)),
          fmtRate(steadyOf(c)),
          limit,
          c === 'webchat' ? '-' : String(x.calls),
          c === 'webchat' ? '-' : refusals(c),
        ];
      }),
    ]),
  );
  const others = channels.reduce((n, c) => n + receipts[c].other, 0);
  if (others > 0) console.log(`  (also ${others} messages that were not the item)`);
  console.log('');
  const workerRows = r.workers.map((w, i) => [i === 0 && r.killInfo ? 'worker (killed)' : r.killInfo ? 'worker (restarted)' : 'worker', String(w.pid), mb(w.peakRss), 'no target set (reported)']);
  console.log(table([['process', 'pid', 'peak RSS (VmHWM)', 'target'], ['web', String(r.web.pid), mb(r.web.peakRss), 'no target set (reported)'], ...workerRows]));
  console.log('');
  if (r.killInfo) {
    console.log(
      `  worker kill: SIGKILL ${secs(r.killInfo.at - r.publishAt)} after POST with ${r.killInfo.claims}/${SUBSCRIBERS} decided and ${r.killInfo.received} received; ` +
        `restarted worker READY ${secs(r.killInfo.readyAgainAt - r.killInfo.at)} after the kill; ` +
        (r.fanOut.starts.length > 1 ? `fan-out job taken up again ${secs(r.fanOut.starts[1]!.at - r.killInfo.at)} after the kill` : 'fan-out job not seen taken up again') +
        (r.resumedAt ? `, new decisions again ${secs(r.resumedAt - r.killInfo.at)} after the kill (the replay of the ${r.killInfo.claims} already decided first)` : ''),
    );
  }
  if (r.fanOut.finishedOn !== undefined) console.log(`  fan-out job: ${r.fanOut.starts.length} attempt(s), finished ${secs(r.fanOut.finishedOn - r.publishAt)} after POST`);
  console.log(`  store: delivery records ${r.byStatus.map((s) => `${s._id.replace(/:$/, '')} ${s.n}`).join(', ')}; news outbound records ${r.final.news} (sent ${r.final.sent}, held ${r.final.held}, failed ${r.final.failed}, pending ${r.final.pending})`);
  for (const p of [r.web, ...r.workers]) {
    const top = [...p.complaints].sort((a, b) => b[1] - a[1]);
    if (top.length === 0) continue;
    console.log(`  ${p.role} pid ${p.pid} logged: ${top.slice(0, 6).map(([k, n]) => `${n}× "${k}"`).join('; ')}${top.length > 6 ? ` (+${top.length - 6} kinds)` : ''}`);
  }
  console.log(`  bench wall time ${secs(performance.now() - startedAt)}`);

  if (duplicates > 0) failures.push(`${duplicates} duplicate deliveries`);
  if (lost > 0) failures.push(`${lost} subscribers never received the item`);
  if (strangers > 0) failures.push(`${strangers} recipients that were not subscribers`);
  return failures.length === 0 ? 0 : 1;
}

/* ------------------------------------------------------------------------------------------------ */
/* Cleanup                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    const safe = async (what: string, f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (err) {
        console.error(`cleanup (${what}): ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    await Promise.all(processes.map((p) => safe(`stop ${p.role} ${p.pid}`, () => stopRole(p))));
    await safe('webchat subscriber', async () => subscriber?.disconnect());
    await safe('store', async () => store?.close());
    if (!flags.keep && mongodbBase && dbName) {
      await safe('drop database', async () => {
        const admin = mongo ?? new MongoClient(withDatabase(mongodbBase!, dbName!));
        await admin.db(dbName).dropDatabase();
      });
    }
    await safe('mongo client', async () => mongo?.close());
    if (redis && queuePrefix) {
      await safe('redis keys', async () => {
        let cursor = '0';
        let deleted = 0;
        do {
          const [next, keys] = await redis!.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) deleted += await redis!.unlink(...keys);
        } while (cursor !== '0');
        console.log(`  cleanup: ${deleted} Redis keys under ${queuePrefix}: deleted`);
      });
      redis.disconnect();
    }
    await safe('fakes', async () => Promise.all([zalo?.stop(), graph?.stop()]));
    if (dataDir) {
      if (flags.keep) console.log(`  kept: data dir and process logs in ${dataDir}, database ${dbName}`);
      else rmSync(dataDir, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\nbench:news: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  code = await main();
} catch (err) {
  failures.push('the bench stopped on an error');
  console.error(`bench:news failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  code = 1;
}
await cleanup();
if (failures.length > 0) console.log(`\nFAILED: ${failures.join('; ')}`);
else if (code === 0) console.log('\nOK: no duplicates, none lost');
process.exit(code);
