/**
 * Shared helpers of the system-level tests (crash-safety.test.ts, ordering.test.ts): a system in a child
 * process (scripts/run-system.ts) that a test can SIGKILL, Redis isolation, the worker half of the system
 * composed from the very building blocks startSystem uses (so two "workers" can share one embedded store
 * in one process), and a pool of citizen questions whose answers are easy to recognise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createBrain } from '../../knowledge/brain/index.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { TURN_QUEUE, type TurnJob } from '../../src/core/queues.js';
import { createInboundReceiver, type InboundReceiver } from '../../src/core/receive-inbound.js';
import { createLogger } from '../../src/logging/logger.js';
import { systemClock } from '../../src/ports/clock.js';
import type { ConversationEngine } from '../../src/ports/conversation-engine.js';
import type { KnowledgeSearch } from '../../src/ports/knowledge.js';
import type { QueueBackend } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createBullmqBackend } from '../../src/queue/bullmq/index.js';
import { buildChannelAdapters } from '../../src/system/index.js';
import { startWorkers } from '../../src/system/workers.js';
import type { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { testConfig } from './test-system.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/* ------------------------------------------------------------------------------------------------ */
/* Questions                                                                                         */
/* ------------------------------------------------------------------------------------------------ */

/**
 * Plain procedure questions the brain answers outright (checked with `npm run ask`), also in the middle
 * of another procedure's dialog (the flow switches procedure and says the new one's answer). Each gets
 * exactly one reply, whose text names the procedure and fits in one Zalo message (< 2,000 characters
 * with the numbered follow-up options), so one question = one message at the platform. No name is part
 * of another, and no answer text names another procedure of the pool.
 */
export const QUESTIONS: readonly { question: string; procedure: string }[] = [
  { question: 'thủ tục cấp thẻ căn cước', procedure: 'Cấp thẻ căn cước' },
  { question: 'thủ tục đăng ký kết hôn', procedure: 'Đăng ký kết hôn' },
  { question: 'đăng ký tạm trú ở đâu', procedure: 'Đăng ký tạm trú' },
  { question: 'đăng ký thuế lần đầu cá nhân', procedure: 'Đăng ký thuế lần đầu đối với cá nhân' },
  { question: 'chế độ thai sản', procedure: 'Giải quyết hưởng chế độ thai sản' },
  { question: 'làm hộ chiếu phổ thông', procedure: 'Cấp hộ chiếu phổ thông trong nước' },
  { question: 'thủ tục đổi giấy phép lái xe', procedure: 'Đổi giấy phép lái xe' },
  { question: 'xin giấy phép xây dựng nhà ở riêng lẻ', procedure: 'Cấp giấy phép xây dựng nhà ở riêng lẻ' },
  { question: 'thủ tục hưởng trợ cấp thất nghiệp', procedure: 'Giải quyết hưởng trợ cấp thất nghiệp' },
  { question: 'chứng thực chữ ký', procedure: 'Chứng thực chữ ký' },
];

/** `count` distinct questions for citizen number `index`, in an order that differs between citizens. */
export function questionsFor(index: number, count: number): { question: string; procedure: string }[] {
  if (count > QUESTIONS.length) throw new RangeError(`at most ${QUESTIONS.length} distinct questions`);
  const step = [1, 3, 7, 9][index % 4]!; // coprime with 10: a permutation of the pool
  return Array.from({ length: count }, (_, k) => QUESTIONS[(index + k * step) % QUESTIONS.length]!);
}

/** Texts of the successful sends the fake recorded for one citizen, in the order it answered them. */
export function answersAt(fake: FakeZalo, userId: string): string[] {
  return fake.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: unknown }).text ?? ''));
}

/** The pool procedure an answer text names (the one whose name it contains), or '?' when none or several. */
export function procedureOf(text: string): string {
  const named = QUESTIONS.filter((q) => text.includes(q.procedure));
  return named.length === 1 ? named[0]!.procedure : '?';
}

/* ------------------------------------------------------------------------------------------------ */
/* Waiting                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

/**
 * Polls `check` until it returns a truthy value (returned) or the deadline passes (throws, naming `what`).
 * The default deadline is generous: the suite must hold on a busy machine, and a passing wait returns early.
 */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000, intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The visitor id a widget session token carries (its payload is base64url JSON `{v: visitorId, …}`). */
export function visitorOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { v: string }).v;
}

/* ------------------------------------------------------------------------------------------------ */
/* Redis                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

/** REDIS_URL (through loadConfig, the only reader of the environment), else the local server. */
export function redisBaseUrl(): string {
  return loadConfig().redisUrl ?? 'redis://127.0.0.1:6379';
}

/** Unlinks every key matching `pattern` (SCAN, never FLUSH). */
export async function deleteRedisKeys(url: string, pattern: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}


/* ------------------------------------------------------------------------------------------------ */
/* The system in a child process                                                                     */
/* ------------------------------------------------------------------------------------------------ */

export interface ChildSystem {
  readonly url: string;
  readonly process: ChildProcess;
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote on stderr (for failure messages). */
  stderr(): string;
  /** Sends `signal` and waits for the exit; a no-op when it has already exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The environment for a system child process: silent logs, ephemeral port, embedded store unless `extra` says otherwise. */
export function systemEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DOTENV_CONFIG_QUIET: 'true',
    // Empty counts as unset (loadConfig): no MongoDB, and Redis only when the test passes one.
    MONGODB_URL: '',
    REDIS_URL: '',
    ...extra,
  };
}

/** The environment for scripts/run-system.ts with the Zalo channel against the fake. */
export function childEnvironment(fake: FakeZalo, tokens: { accessToken: string; refreshToken: string }, extra: Record<string, string>): NodeJS.ProcessEnv {
  return systemEnvironment({ ...fake.env(tokens), ...extra });
}

/**
 * Starts scripts/run-system.ts as ONE node process (node --import tsx: `npx tsx` would put a wrapper
 * process in between, which SIGKILL would not reach past) in the given role and waits for its
 * `READY <url>` line (a worker's url serves its probes).
 */
export async function startChildSystem(env: NodeJS.ProcessEnv, timeoutMs = 60_000, role: 'all' | 'web' | 'worker' = 'all'): Promise<ChildSystem> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-system.ts', `--role=${role}`], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the system did not print READY within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\nstderr:\n${stderr.slice(-4000)}`));
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const ready = /^READY (\S+)$/m.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    void exited.then(({ code, signal }) => fail(new Error(`the system exited before READY (code ${code}, signal ${signal})`)));
  });
  return {
    url,
    process: child,
    exited,
    stderr: () => stderr,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * The local TCP ports of a process's open sockets (Linux /proc), so a fake server can tell that
 * process's requests apart from another's: read while the process is stopped (SIGSTOP), it is complete.
 */
export function tcpPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const socket = /^socket:\[(\d+)\]$/.exec(target);
      if (socket) inodes.add(socket[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9]!)) ports.add(Number.parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/* ------------------------------------------------------------------------------------------------ */
/* The worker half of a system, composed in this process                                            */
/* ------------------------------------------------------------------------------------------------ */


/** One turn as the engine saw it: which message, when it started and ended (performance.now()). */
export interface TurnTrace {
  worker: string;
  conversationId: string;
  seq: number;
  messageId: string;
  start: number;
  end: number;
}

/** Wraps an engine to record every turn it runs; the turn itself is the real engine's. */
export function tracingEngine(engine: ConversationEngine, worker: string, traces: TurnTrace[]): ConversationEngine {
  return {
    async handleTurn(input) {
      const start = performance.now();
      try {
        return await engine.handleTurn(input);
      } finally {
        traces.push({ worker, conversationId: input.conversation.id, seq: input.message.seq, messageId: input.message.id, start, end: performance.now() });
      }
    },
  };
}

export interface SharedParts {
  config: Config;
  store: Store;
  knowledge: KnowledgeSearch;
}

/** The catalog, the brain and a configuration pointing the Zalo channel at the fake (loaded once, shared). */
export function sharedParts(fake: FakeZalo, tokens: { accessToken: string; refreshToken: string }, store: Store, dataDir: string): SharedParts {
  const config = testConfig(dataDir, { NODE_ENV: 'test', ...fake.env(tokens) });
  const knowledge = createBrain(loadCatalog(config.catalogDir), { dataDir: config.catalogDir });
  return { config, store, knowledge };
}

export interface SystemHalf {
  name: string;
  /** Where its /webhooks/zalo listens. */
  url: string;
  backend: QueueBackend;
  receive: InboundReceiver;
  stop(): Promise<void>;
}

/**
 * One "process" of the production shape, web + worker, composed exactly as startSystem composes them
 * but on a store and a Redis prefix the caller shares between several halves: its own BullMQ backend
 * (own connections and workers), Zalo adapter (own token cache over the shared secrets), Botkit engine,
 * turn runner and delivery worker, and its own HTTP app for the webhooks.
 */
export async function startSystemHalf(
  parts: SharedParts,
  options: { name: string; redisUrl: string; prefix: string; turnConcurrency: number; traces?: TurnTrace[] },
): Promise<SystemHalf> {
  const { config, store, knowledge } = parts;
  const logger = createLogger(config);
  const clock = systemClock;
  const backend = createBullmqBackend({ url: options.redisUrl, prefix: options.prefix, logger });
  const adapters = buildChannelAdapters(config, store, logger);
  const turns = backend.queue<TurnJob>(TURN_QUEUE);
  const receive = createInboundReceiver({ store, turns, clock });
  const workers = await startWorkers({
    config,
    logger,
    store,
    backend,
    knowledge,
    adapters,
    clock,
    turnConcurrency: options.turnConcurrency,
    ...(options.traces ? { observeEngine: (engine: ConversationEngine) => tracingEngine(engine, options.name, options.traces!) } : {}),
  });

  const app = buildApp({ config, logger, knowledge, channels: { adapters, receive } });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    backend,
    receive,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all(workers.map((w) => w.close()));
      await backend.close();
    },
  };
}
