/**
 * `npm run bench:handoff`: the live handoff to hotline operators under a queue (issue 11, item 12),
 * the whole system embedded (temporary DATA_DIR, in-process queues) with the fake Zalo, nothing of ours
 * mocked:
 *
 *   M operators sign in and go online (OPERATOR_HOURS=24/7, OPERATOR_CAPACITY=K, 1 by default) and
 *   send the console's heartbeat (POST /presence every 30 s), operator 1 opens the console's event
 *   stream (GET /api/v1/operator/events, SSE) → N citizens write "gặp tổng đài viên" to the Zalo
 *   webhook at once → M × K are routed to an operator at once, the rest wait and are told their place
 *   → each citizen writes 2 more messages while waiting → the operators work the queue through the
 *   operator API: reply once, resolve, take the next one routing gave them (resolving runs a routing
 *   pass), until nobody waits. No extra heartbeat is sent to make routing happen.
 *
 * The server's behaviour being checked: routing.request() runs under the team's queue lock (waited
 * for): move to "queued", one routing pass; routed at once → the citizen is told only "operator X took
 * over" (no queue notice); still queued after the pass → the queue notice, with the place computed after
 * routing. Resolving (and converting to a ticket) runs a routing pass, so the freed operator gets the
 * next waiting conversation at once; claims from the queue take the same lock.
 *
 * What is checked (any failure exits 1; timings are printed, never asserted):
 *   - exactly min(N, M × K) citizens are routed at once and told only "took over", no queue notice;
 *   - the other Q = N − M × K each got exactly one queue notice, and, in the order of the queue
 *     (queuedAt, as the console lists it right after the burst), were told places exactly 1, 2, …, Q
 *     (each once, none out of order), with estimated waits that never decrease with the place;
 *   - at the end every citizen received, at the fake Zalo, exactly: [the queue notice, if queued], the
 *     "took over" notice, the operator's reply, "back to the assistant", the rating prompt, in that
 *     order, none twice, none missing, nothing else (no bot answer while queued or assigned);
 *   - the freed operator always had the next waiting conversation at once after resolving (never an
 *     operator with nothing assigned while conversations wait); each conversation handled once, every
 *     stretch resolved;
 *   - every citizen message is in the store (inbound count = messages sent).
 *
 * Console update latency: for each citizen's request, from the webhook POST being answered (200) to
 * the first `handoff.moved` event of that conversation (status queued or assigned) on operator 1's
 * stream. Events that arrive before the POST's answer count as 0 ms. The server's warnings (e.g. "queue
 * lock not obtained in time") are counted and printed.
 *
 * Options:
 *   --citizens N     citizens asking for a person at once (default 50)
 *   --operators M    operators online (default 2)
 *   --capacity K     OPERATOR_CAPACITY (default 1)
 *   --extra N        messages each citizen writes while waiting (default 2)
 *   --paced          each citizen asks only once the one before has its queue or "took over" notice
 *                    (no overlapping requests), instead of all at once
 *   --keep           keep the temporary DATA_DIR and print its path
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { handoffOf } from '../../src/domain/handoff.js';
import { conversationKey } from '../../src/domain/message.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSystem, type RunningSystem } from '../../src/system/index.js';
import { bigId, FakeZalo, ZaloWebhookDriver } from '../../tests/fakes/zalo/index.js';
import { CHEAP_SCRYPT, testConfig } from '../../tests/integration/test-system.js';
import { ms, percentile, sortedOf, table } from '../pipeline/stats.js';

/* ------------------------------------------------------------------------------------------------ */
/* Settings                                                                                          */
/* ------------------------------------------------------------------------------------------------ */

const { values: flags } = parseArgs({
  options: {
    citizens: { type: 'string', default: '50' },
    operators: { type: 'string', default: '2' },
    capacity: { type: 'string', default: '1' },
    extra: { type: 'string', default: '2' },
    paced: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

function count(name: string, value: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`bench: --${name} must be a whole number from ${min} to ${max}, got ${value}`);
    process.exit(2);
  }
  return n;
}

const CITIZENS = count('citizens', flags.citizens, 1, 1000);
const OPERATORS = count('operators', flags.operators, 1, 50);
const CAPACITY = count('capacity', flags.capacity, 1, 50);
const EXTRA = count('extra', flags.extra, 0, 20);
const PASSWORD = 'mat-khau-tong-dai-1022';
const NAMES = ['Lan', 'Minh', 'Hà', 'Tuấn', 'Mai', 'Hùng', 'Thảo', 'Dũng'];
const REQUEST_TEXT = 'gặp tổng đài viên';
const REPLY_TEXT = 'Chào bạn, tổng đài viên 1022 đã đọc câu hỏi của bạn: bạn mang CCCD đến bộ phận một cửa UBND xã trong giờ hành chính nhé.';
/** Waits for the system to catch up (notices, assignments, deliveries). */
const SETTLE_TIMEOUT_MS = 30_000;
/** The whole drain gives up after this (the default run drains in a few seconds). */
const DRAIN_TIMEOUT_MS = Math.max(90_000, CITIZENS * 1_000);
/** The console's heartbeat (POST /presence): keeps the operators online (PRESENCE_TTL_MS is 90 s) in long runs. */
const HEARTBEAT_MS = 30_000;

const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);
const sleep = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));

/* ------------------------------------------------------------------------------------------------ */
/* The operator API (as tests/integration/console-client.ts, without vitest)                         */
/* ------------------------------------------------------------------------------------------------ */

interface Operator {
  username: string;
  name: string;
  cookie: string;
  csrfToken: string;
  handled: number;
}

let base = '';

async function login(username: string, name: string): Promise<Operator> {
  const response = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (response.status !== 200) throw new Error(`login ${username}: HTTP ${response.status} ${await response.text()}`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { username, name, cookie: response.headers.getSetCookie()[0]!.split(';')[0]!, csrfToken, handled: 0 };
}

async function api<T = Record<string, unknown>>(who: Operator, method: string, path: string, body?: unknown, expected = 200): Promise<T> {
  const response = await fetch(`${base}/api/v1/operator${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrfToken },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${who.username} ${method} ${path}: HTTP ${response.status} (expected ${expected}) ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

interface FeedEvent {
  type: string;
  conversationId: string;
  status?: string;
  at: string;
  /** performance.now() when it arrived. */
  t: number;
}

/** Operator's console stream: parses the SSE frames into `events` until aborted. */
async function openStream(who: Operator, events: FeedEvent[], abort: AbortSignal, onEvent: () => void): Promise<void> {
  const response = await fetch(`${base}/api/v1/operator/events`, { headers: { cookie: who.cookie, accept: 'text/event-stream' }, signal: abort });
  if (response.status !== 200 || !response.body) throw new Error(`event stream: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const t = performance.now();
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(': connected')) connected();
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (!data) continue;
          events.push({ ...(JSON.parse(data) as Omit<FeedEvent, 't'>), t });
          onEvent();
        }
      }
    } catch (err) {
      if (!abort.aborted) console.error(`event stream failed: ${String(err)}`);
    }
  })();
  await ready;
}

/* ------------------------------------------------------------------------------------------------ */
/* What the citizens received                                                                        */
/* ------------------------------------------------------------------------------------------------ */

type Kind = 'queue' | 'assigned' | 'reply' | 'back' | 'csat' | 'other';
/** What a citizen left waiting receives, in order; one routed at once gets the same without the queue notice. */
const EXPECTED_QUEUED: readonly Kind[] = ['queue', 'assigned', 'reply', 'back', 'csat'];
const EXPECTED_ROUTED: readonly Kind[] = ['assigned', 'reply', 'back', 'csat'];
const QUEUE_PREFIX = copy.bot.handoff.queued({ position: 999, waitMinutes: 999 }).split('999')[0]!;
const QUEUE_RE = /vị trí thứ (\d+) trong hàng chờ, thời gian chờ dự kiến khoảng (\d+) phút/;
const assignedNames = new Map<string, string>();

function kindOf(text: string): Kind {
  if (text.startsWith(QUEUE_PREFIX)) return 'queue';
  if (assignedNames.has(text)) return 'assigned';
  if (text === REPLY_TEXT) return 'reply';
  if (text === copy.bot.handoff.backToAssistant) return 'back';
  if (text.startsWith(copy.bot.handoff.csatPrompt)) return 'csat';
  return 'other';
}

interface Citizen {
  userId: string;
  conversationId: string;
  /** performance.now() when the webhook answered the request. */
  answeredAt: number;
  sent: number;
}

/* ------------------------------------------------------------------------------------------------ */
/* Main                                                                                              */
/* ------------------------------------------------------------------------------------------------ */

let dataDir: string | undefined;
let zalo: FakeZalo | undefined;
let system: RunningSystem | undefined;
const streamAbort = new AbortController();
const heartbeatTimers: ReturnType<typeof setInterval>[] = [];
const failures: string[] = [];
const notes: string[] = [];
/** The server's warnings and errors (LOG_LEVEL=warn, kept in memory instead of stdout). */
const serverLog: { level: string; msg: string }[] = [];
const LOCK_WARNING = 'queue lock not obtained in time';
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  return ok;
};

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = SETTLE_TIMEOUT_MS, pollMs = 20): Promise<boolean> {
  const limit = performance.now() + timeoutMs;
  while (performance.now() < limit) {
    if (await done()) return true;
    await sleep(pollMs);
  }
  failures.push(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  return false;
}

async function main(): Promise<void> {
  console.log('Trợ lý 1022: handoff bench (embedded system, fake Zalo, operator API)');
  console.log(`  machine: ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`  parameters: ${CITIZENS} citizens ${flags.paced ? 'one after the other (--paced)' : 'at once'}, ${OPERATORS} operators, OPERATOR_CAPACITY=${CAPACITY}, ${EXTRA} extra messages per citizen while waiting`);
  if (loadavg()[0]! > 0.5 * cpus().length) console.log('  ← other work is running on this machine: figures will be pessimistic and noisy');

  dataDir = mkdtempSync(join(tmpdir(), 'bench-handoff-'));
  zalo = await new FakeZalo().start();
  const config = testConfig(dataDir, { ...zalo.env(), OPERATOR_HOURS: '24/7', OPERATOR_CAPACITY: String(CAPACITY), LOG_LEVEL: 'warn' });
  const logger = createLogger(config, {
    write(line: string) {
      try {
        const record = JSON.parse(line) as { level?: unknown; msg?: unknown };
        serverLog.push({ level: String(record.level), msg: String(record.msg ?? '') });
      } catch {
        serverLog.push({ level: '?', msg: line.trim() });
      }
    },
  });
  system = await startSystem({ config, logger, passwordParams: CHEAP_SCRYPT });
  base = system.url!;
  zalo.webhookUrl = `${base}/webhooks/zalo`;
  const driver = new ZaloWebhookDriver({ url: `${base}/webhooks/zalo`, appId: zalo.appId, oaId: zalo.oaId, oaSecretKey: zalo.oaSecretKey });
  const fake = zalo;
  const sys = system;

  /* Operators online (with the console's 30 s heartbeat), operator 1's console stream open ------- */
  const operators: Operator[] = [];
  for (let i = 1; i <= OPERATORS; i += 1) {
    const name = NAMES[i - 1] ?? `Số ${i}`;
    await sys.auth.createAccount({ username: `tdv${i}`, displayName: name, role: 'operator', password: PASSWORD });
    assignedNames.set(copy.bot.handoff.assigned(name), name);
    operators.push(await login(`tdv${i}`, name));
  }
  for (const o of operators) await api(o, 'POST', '/presence', { status: 'online' });
  let heartbeats = 0;
  let drainHeartbeats = 0;
  let draining = false;
  for (const o of operators) {
    heartbeatTimers.push(
      setInterval(() => {
        heartbeats += 1;
        if (draining) drainHeartbeats += 1;
        api(o, 'POST', '/presence', { status: 'online' }).catch((err: unknown) => failures.push(`heartbeat of ${o.username} failed: ${String(err)}`));
      }, HEARTBEAT_MS),
    );
  }
  const events: FeedEvent[] = [];
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const w of waiters) w();
    waiters.clear();
  };
  await openStream(operators[0]!, events, streamAbort.signal, wakeAll);
  log(`system up at ${base}; ${OPERATORS} operators online; operator 1's event stream open`);

  /* The burst: N citizens ask for a person at once ----------------------------------------------- */
  const citizens: Citizen[] = Array.from({ length: CITIZENS }, () => {
    const userId = bigId();
    return { userId, conversationId: conversationKey('zalo', fake.oaId, userId), answeredAt: Number.NaN, sent: 0 };
  });
  const texts = (userId: string) => fake.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: string }).text ?? ''));
  const kinds = (userId: string) => texts(userId).map(kindOf);
  /** Told where they stand: a place in the queue, or "operator X took over". */
  const told = (c: Citizen) => kinds(c.userId).some((k) => k === 'queue' || k === 'assigned');

  async function say(c: Citizen, text: string): Promise<void> {
    const { status, body } = await driver.deliver(driver.text(c.userId, text));
    if (status !== 200) throw new Error(`webhook answered ${status} to ${c.userId}: ${body.slice(0, 200)}`);
    c.sent += 1;
  }

  const burstStart = performance.now();
  if (flags.paced) {
    for (const c of citizens) {
      await say(c, REQUEST_TEXT);
      c.answeredAt = performance.now();
      await until(`the queue or "took over" notice of ${c.userId}`, () => told(c), 10_000, 2);
      await sleep(20);
    }
  } else {
    await Promise.all(
      citizens.map(async (c) => {
        await say(c, REQUEST_TEXT);
        c.answeredAt = performance.now();
      }),
    );
  }
  const burstMs = performance.now() - burstStart;
  log(`${CITIZENS} requests POSTed ${flags.paced ? 'one after the other (paced)' : 'at once'}, all answered in ${burstMs.toFixed(0)} ms`);

  const routedAtOnceExpected = Math.min(CITIZENS, OPERATORS * CAPACITY);
  const assignedCount = () => citizens.filter((c) => kinds(c.userId).includes('assigned')).length;
  await until('every citizen to be told a place in the queue or "took over"', () => citizens.every(told));
  await sleep(300); // let stray notices (there should be none) arrive
  const noticedAt = performance.now();
  const firstMoved = new Map<string, FeedEvent>();
  for (const e of events) if (e.type === 'handoff.moved' && (e.status === 'queued' || e.status === 'assigned') && !firstMoved.has(e.conversationId)) firstMoved.set(e.conversationId, e);
  log(`all ${CITIZENS} told where they stand in ${((noticedAt - 300 - burstStart) / 1000).toFixed(2)} s; ${assignedCount()} routed at once`);

  /* Console latency ------------------------------------------------------------------------------ */
  let early = 0;
  const latencies: number[] = [];
  let missingEvents = 0;
  for (const c of citizens) {
    const e = firstMoved.get(c.conversationId);
    if (!e) {
      missingEvents += 1;
      continue;
    }
    const d = e.t - c.answeredAt;
    if (d < 0) early += 1;
    latencies.push(Math.max(0, d));
  }
  const lat = sortedOf(latencies);
  check(missingEvents === 0, `${missingEvents} requests never showed on the console's stream (no handoff.moved queued/assigned)`);
  if (early) notes.push(`${early} handoff.moved events arrived before the webhook's answer (counted as 0 ms)`);

  /* Routed at once, queue notices and positions ---------------------------------------------------- */
  type Notice = { position: number; wait: number };
  const notice = new Map<string, Notice>();
  let noticedTwice = 0;
  for (const c of citizens) {
    const q = texts(c.userId).filter((t) => kindOf(t) === 'queue');
    if (q.length > 1) noticedTwice += 1;
    const m = q[0] ? QUEUE_RE.exec(q[0]) : null;
    if (m) notice.set(c.userId, { position: Number(m[1]), wait: Number(m[2]) });
  }
  const routedAtOnce = citizens.filter((c) => kinds(c.userId).includes('assigned'));
  const waiting = citizens.filter((c) => !kinds(c.userId).includes('assigned'));
  const routedTold = routedAtOnce.filter((c) => notice.has(c.userId));
  const waitingUntold = waiting.filter((c) => !notice.has(c.userId));
  check(routedAtOnce.length === routedAtOnceExpected, `${routedAtOnce.length} citizens were routed at once, expected ${routedAtOnceExpected} (operators × capacity)`);
  check(routedTold.length === 0, `${routedTold.length} citizens routed at once were also told a place in the queue (places ${routedTold.map((c) => notice.get(c.userId)!.position).join(', ')})`);
  check(waitingUntold.length === 0, `${waitingUntold.length} citizens left waiting got no queue notice`);
  check(noticedTwice === 0, `${noticedTwice} citizens got more than one queue notice`);
  // The order of the queue: the console's queue (GET /conversations?status=queued lists it by queuedAt,
  // with each one's position) right after the burst.
  const listed = await api<{ items: { id: string; position?: number }[] }>(operators[0]!, 'GET', '/conversations?status=queued');
  const byConversation = new Map(citizens.map((c) => [c.conversationId, c] as const));
  const waitingInOrder = listed.items.map((it) => byConversation.get(it.id)).filter((c): c is Citizen => c !== undefined);
  const waitingSet = new Set(waiting);
  const listedOk = listed.items.length === waiting.length && waitingInOrder.length === waiting.length && waitingInOrder.every((c) => waitingSet.has(c)) && listed.items.every((it, i) => it.position === i + 1);
  check(listedOk, `the console's queue (GET /conversations?status=queued) does not list exactly the ${waiting.length} waiting citizens at positions 1..${waiting.length}`);
  // Cross-check with queuedAt in the store (ties within a millisecond are possible: only a later one listed first counts).
  const queuedAt = new Map<string, number>();
  for (const c of waitingInOrder) {
    const conv = await sys.store.conversations.get(c.conversationId);
    queuedAt.set(c.conversationId, (conv ? handoffOf(conv).queuedAt?.getTime() : undefined) ?? Number.NaN);
  }
  let listedOutOfOrder = 0;
  for (let i = 1; i < waitingInOrder.length; i += 1) if (!(queuedAt.get(waitingInOrder[i - 1]!.conversationId)! <= queuedAt.get(waitingInOrder[i]!.conversationId)!)) listedOutOfOrder += 1;
  check(listedOutOfOrder === 0, `the console's queue lists ${listedOutOfOrder} conversations before one that was queued earlier`);
  const announced = waitingInOrder.map((c) => notice.get(c.userId)?.position ?? Number.NaN);
  const positionsOk = waiting.length === CITIZENS - routedAtOnceExpected && announced.length === waiting.length && announced.every((p, i) => p === i + 1);
  const stale = announced.filter((p, i) => p !== i + 1).length;
  const dupes = announced.length - new Set(announced).size;
  const inversions = announced.filter((p, i) => i > 0 && p <= announced[i - 1]!).length;
  const positionsAsSet = [...announced].sort((a, b) => a - b).every((p, i) => p === i + 1);
  check(positionsOk, 'queue positions announced were not exactly 1..Q in queue order (see the positions line)');
  const waitsInOrder = waitingInOrder.map((c) => notice.get(c.userId)).filter((n): n is Notice => n !== undefined);
  const waitsMonotone = waitsInOrder.length === waiting.length && waitsInOrder.every((n, i, all) => i === 0 || all[i - 1]!.wait <= n.wait);
  check(waitsMonotone, 'estimated waits decrease somewhere along the queue (or a waiting citizen was told none)');
  // Why places go wrong: the order in which the conversations were moved to "queued" (server times of
  // the handoff.moved events, under the lock) against the order of the queue (queuedAt).
  const movedQueuedAt = (c: Citizen) => {
    const e = events.find((x) => x.type === 'handoff.moved' && x.conversationId === c.conversationId && x.status === 'queued');
    return e ? Date.parse(e.at) : Number.NaN;
  };
  let enteredLate = 0;
  let latestMove = -Infinity;
  for (const c of waitingInOrder) {
    const t = movedQueuedAt(c);
    if (t < latestMove) enteredLate += 1;
    latestMove = Math.max(latestMove, t);
  }
  const locklessAfterBurst = serverLog.filter((r) => r.msg.includes(LOCK_WARNING)).length;
  const positionsLine = `${routedAtOnce.length} routed at once, ${routedTold.length ? `${routedTold.length} of them also told a place` : 'told only "took over"'}; waiting, in queue order, told: ${compact(announced)}${!positionsOk && positionsAsSet ? ' (right set, wrong order)' : ''}${
    positionsOk ? '' : ` — ${stale} of ${announced.length} told a place other than their place in the queue after the burst, ${dupes} places told twice, ${inversions} told a place ≤ that of someone ahead of them; ${enteredLate} entered the queue (moved to "queued") after someone queued later by queuedAt; ${locklessAfterBurst} requests went on without the queue lock`
  }`;
  const queuedToAssigned = routedAtOnce.map((c) => {
    const mine = events.filter((e) => e.type === 'handoff.moved' && e.conversationId === c.conversationId);
    const q = mine.find((e) => e.status === 'queued');
    const a = mine.find((e) => e.status === 'assigned');
    return q && a ? Date.parse(a.at) - Date.parse(q.at) : Number.NaN;
  });
  const waitsLine = compactWaits(waitsInOrder);

  /* Extra messages while waiting (queued or assigned) ------------------------------------------ */
  if (EXTRA > 0) {
    const t0 = performance.now();
    for (let k = 1; k <= EXTRA; k += 1) await Promise.all(citizens.map((c) => say(c, `tin nhắn thêm số ${k}: đăng ký kết hôn cần giấy tờ gì`)));
    log(`${CITIZENS * EXTRA} more messages while waiting, in ${(performance.now() - t0).toFixed(0)} ms`);
  }

  /* The operators work the queue ------------------------------------------------------------------ */
  // Each: its assigned conversations → reply → resolve (which runs a routing pass: the freed place goes
  // to the next one waiting) → the next ones routing gave it. No heartbeat is sent for routing's sake.
  const drainStart = performance.now();
  const drainLimit = drainStart + DRAIN_TIMEOUT_MS;
  draining = true;
  let idleEpisodes = 0;
  let idleMs = 0;
  const handledIds = new Set<string>();
  const handledTwice: string[] = [];
  async function work(o: Operator): Promise<void> {
    let idleSince: number | undefined;
    while (performance.now() < drainLimit) {
      const mine = await api<{ items: { id: string }[] }>(o, 'GET', '/conversations?status=assigned&mine=true');
      if (mine.items.length === 0) {
        const queued = await api<{ items: unknown[] }>(o, 'GET', '/conversations?status=queued');
        if (queued.items.length === 0) return;
        // Free, while conversations wait: a routing pass was missed (resolving should have given it the
        // next one). Wait for news on the stream: the sweep (every 15 s) or a heartbeat would route.
        if (idleSince === undefined) {
          idleSince = performance.now();
          idleEpisodes += 1;
        }
        await Promise.race([new Promise<void>((r) => waiters.add(r)), sleep(200)]);
        continue;
      }
      if (idleSince !== undefined) {
        idleMs += performance.now() - idleSince;
        idleSince = undefined;
      }
      for (const item of mine.items) {
        const id = encodeURIComponent(item.id);
        await api(o, 'POST', `/conversations/${id}/messages`, { text: REPLY_TEXT }, 201);
        await api(o, 'POST', `/conversations/${id}/resolve`, { summary: 'Đã hướng dẫn (bench)' });
        if (handledIds.has(item.id)) handledTwice.push(item.id);
        handledIds.add(item.id);
        o.handled += 1;
      }
    }
    failures.push(`operator ${o.username} still had work after ${DRAIN_TIMEOUT_MS / 1000} s`);
  }
  await Promise.all(operators.map(work));
  const workedMs = performance.now() - drainStart;
  await until('every citizen to get the rating prompt', () => citizens.every((c) => kinds(c.userId).includes('csat')));
  const drainMs = performance.now() - drainStart;
  draining = false;
  await sleep(500); // late or duplicate sends would show now
  log(`queue drained: ${handledIds.size} conversations handled in ${(workedMs / 1000).toFixed(1)} s (last rating prompt at ${(drainMs / 1000).toFixed(1)} s); ${drainHeartbeats} heartbeats during the drain`);
  check(idleEpisodes === 0, `${idleEpisodes} times an operator had nothing assigned while conversations waited (${(idleMs / 1000).toFixed(1)} s in all): resolving did not route the next one`);
  check(handledTwice.length === 0, `${handledTwice.length} conversations were handed to an operator twice`);
  check(handledIds.size === CITIZENS, `${handledIds.size} of ${CITIZENS} conversations were handled by an operator`);

  /* What each citizen received ---------------------------------------------------------------------- */
  let lost = 0;
  let duplicated = 0;
  let unexpected = 0;
  let other = 0;
  let outOfOrder = 0;
  let wrong = 0;
  const otherSamples: string[] = [];
  const wrongSamples: string[] = [];
  for (const c of citizens) {
    const got = texts(c.userId);
    const k = got.map(kindOf);
    const expected = waitingSet.has(c) ? EXPECTED_QUEUED : EXPECTED_ROUTED;
    for (const want of EXPECTED_QUEUED) {
      const n = k.filter((x) => x === want).length;
      if (!expected.includes(want)) unexpected += n;
      else if (n === 0) lost += 1;
      else if (n > 1) duplicated += n - 1;
    }
    const others = got.filter((_, i) => k[i] === 'other');
    other += others.length;
    if (others.length && otherSamples.length < 3) otherSamples.push(`${c.userId}: "${others[0]!.slice(0, 100)}"`);
    const firsts = expected.map((want) => k.indexOf(want)).filter((i) => i !== -1);
    if (firsts.some((i, j) => j > 0 && i < firsts[j - 1]!)) outOfOrder += 1;
    if (k.join(' → ') !== expected.join(' → ')) {
      wrong += 1;
      if (wrongSamples.length < 3) wrongSamples.push(`${k.join(' → ')} (expected ${expected.join(' → ')})`);
    }
  }
  check(lost === 0, `${lost} expected messages never reached the citizens`);
  check(duplicated === 0, `${duplicated} messages reached a citizen more than once`);
  check(unexpected === 0, `${unexpected} queue notices reached citizens routed at once`);
  check(other === 0, `${other} other messages were sent to citizens (a bot answer while queued/assigned?): ${otherSamples.join('; ')}`);
  check(outOfOrder === 0, `${outOfOrder} citizens got the notices out of order ([queue], took over, reply, back, rating)`);
  check(wrong === 0, `${wrong} citizens did not receive exactly the expected sequence, e.g. ${wrongSamples.join('; ')}`);

  /* Every citizen message is stored ------------------------------------------------------------ */
  let stored = 0;
  let sentTotal = 0;
  let short = 0;
  for (const c of citizens) {
    const inbound = await sys.store.inbound.listByConversation(c.conversationId, 1000);
    stored += inbound.length;
    sentTotal += c.sent;
    if (inbound.length !== c.sent) short += 1;
  }
  check(stored === sentTotal && short === 0, `${sentTotal} citizen messages sent, ${stored} stored (${short} conversations differ)`);
  const handoffs = await Promise.all(citizens.map((c) => sys.store.handoffs.listByConversation(c.conversationId, 5)));
  const resolved = handoffs.filter((h) => h.length === 1 && h[0]!.outcome === 'resolved').length;
  check(resolved === CITIZENS, `${resolved} of ${CITIZENS} citizens have exactly one stretch, resolved`);
  const moved = events.filter((e) => e.type === 'handoff.moved');
  const lockless = serverLog.filter((r) => r.msg.includes(LOCK_WARNING)).length;
  const serverErrors = serverLog.filter((r) => r.level === 'error' || r.level === 'fatal');
  if (lockless) notes.push(`${lockless} times the server went on without the queue lock (waited over 5 s): "${LOCK_WARNING}"`);
  if (serverErrors.length) notes.push(`the server logged ${serverErrors.length} errors, e.g. ${[...new Set(serverErrors.map((r) => r.msg))].slice(0, 3).join('; ')}`);

  /* Report ------------------------------------------------------------------------------------------ */
  const yes = (b: boolean) => (b ? 'yes' : 'NO');
  console.log('\n=== Results ===\n');
  const out = [
    ['citizens', 'operators', 'queued', 'positions OK', 'waits monotone', 'lost', 'duplicated', 'console p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'drain s', 'handled/min'],
    [
      String(CITIZENS),
      `${OPERATORS} × ${CAPACITY}`,
      String(waiting.length),
      yes(positionsOk && routedTold.length === 0 && routedAtOnce.length === routedAtOnceExpected),
      yes(waitsMonotone),
      String(lost),
      String(duplicated),
      ms(percentile(lat, 50)),
      ms(percentile(lat, 95)),
      ms(percentile(lat, 99)),
      ms(lat.at(-1) ?? Number.NaN),
      (drainMs / 1000).toFixed(1),
      (CITIZENS / (drainMs / 60_000)).toFixed(0),
    ],
  ];
  console.log(table(out, 0));
  console.log('');
  console.log(`  positions: ${positionsLine}`);
  console.log(`  estimated waits along the queue: ${waitsLine}`);
  console.log(`  routed at once: queued → assigned after ${queuedToAssigned.map((x) => `${x} ms`).join(', ') || '-'} (server times of the handoff.moved events)`);
  console.log(`  "correct": operators × capacity = ${routedAtOnceExpected} citizens are routed within their request and told only "took over" (no queue notice);`);
  console.log(`    the other ${CITIZENS - routedAtOnceExpected}, in the order of the queue (queuedAt; the console's queue right after the burst), are told places 1..${CITIZENS - routedAtOnceExpected} exactly, each once, with waits that never decrease;`);
  console.log(`    every citizen then receives [queue notice if queued], took over, the operator's reply, back to the assistant, the rating prompt — in that order,`);
  console.log(`    none twice, none missing, no bot answer while queued/assigned; a freed operator gets the next one on resolving; inbound stored = sent.`);
  console.log(`  console's queue after the burst: ${listed.items.length} listed, positions 1..${listed.items.length} in join order: ${yes(listedOk && listedOutOfOrder === 0)}`);
  console.log(`  console latency: webhook answered → first handoff.moved (queued/assigned) on operator 1's stream, ${lat.length} requests; burst POSTed and answered in ${burstMs.toFixed(0)} ms`);
  console.log(`  per citizen: [queue], assigned, reply, back, csat each once, in order: lost ${lost}, duplicated ${duplicated}, queue notices to those routed at once ${unexpected}, out of order ${outOfOrder}, other (bot) messages ${other}`);
  console.log(`  messages: ${sentTotal} sent by citizens (${CITIZENS} requests + ${CITIZENS * EXTRA} while waiting), ${stored} stored; stretches resolved ${resolved}/${CITIZENS}`);
  console.log(`  drain: from the operators starting to the last rating prompt at the fake Zalo; handled per operator ${operators.map((o) => o.handled).join(' / ')}; operator idle while others waited ${idleEpisodes} times; console heartbeats (every ${HEARTBEAT_MS / 1000} s) ${heartbeats} in all, ${drainHeartbeats} during the drain`);
  console.log(`  stream: ${moved.length} handoff.moved, ${events.length - moved.length} handoff.activity events seen by operator 1`);
  console.log(`  server log: ${serverLog.filter((r) => r.level === 'warn').length} warnings (queue lock not obtained in time: ${lockless}), ${serverErrors.length} errors`);
  if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
}

/** 1, 2, 3, 4, 7 → "1–4, 7". */
function compact(values: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j += 1;
    parts.push(j > i ? `${values[i]}–${values[j]}` : String(values[i]));
    i = j + 1;
  }
  return parts.join(', ') || '-';
}

/** Runs of consecutive places whose wait grows by the same step: "2–5: 3…12 min (+3), 6: 18 min". */
function compactWaits(notices: { position: number; wait: number }[]): string {
  const sorted = [...notices].sort((a, b) => a.position - b.position || a.wait - b.wait);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    const step = sorted[i + 1] && sorted[i + 1]!.position === sorted[i]!.position + 1 ? sorted[i + 1]!.wait - sorted[i]!.wait : undefined;
    while (step !== undefined && j + 1 < sorted.length && sorted[j + 1]!.position === sorted[j]!.position + 1 && sorted[j + 1]!.wait - sorted[j]!.wait === step) j += 1;
    const a = sorted[i]!;
    const b = sorted[j]!;
    parts.push(j === i ? `${a.position}: ${a.wait} min` : `${a.position}–${b.position}: ${a.wait}…${b.wait} min (${step! >= 0 ? '+' : ''}${step} a place)`);
    i = j + 1;
  }
  return parts.join(', ') || '-';
}

try {
  await main();
} catch (err) {
  failures.push(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  streamAbort.abort();
  for (const timer of heartbeatTimers) clearInterval(timer);
  await system?.stop().catch(() => undefined);
  await zalo?.stop().catch(() => undefined);
  if (dataDir) {
    if (flags.keep) console.log(`\nData directory kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.log(`\nFAILED checks:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  } else console.log('\nAll correctness checks passed.');
  console.log(`\nDone in ${elapsed().trim()}.`);
}
