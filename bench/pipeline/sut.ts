import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { hrMs, sleep } from './clock.js';
import type { FakeReady, ProbeReport } from './ipc.js';
import { forkTs, freePort, terminate } from './proc.js';

/**
 * The system under test, always in child processes of its own (never on the load generator's event
 * loop). Three shapes:
 * - `one-process`: `src/main.ts` exactly as `npm start` runs it (startSystem, web + workers);
 * - `two-instances`: two-workers.child.ts (startSystem + a second worker set in the same process);
 * - `processes`: `src/main.ts --role=web` and two `src/main.ts --role=worker` (needs MONGODB_URL).
 * Each process gets probe.preload.ts (event-loop delay, store queues; over IPC) and, if asked, --cpu-prof.
 * The one-process shapes run on the embedded store the bench chooses (`--store nedb|sqlite`).
 */

/** Send rate the bench configures (the platform's own quota is out of scope here). */
export const BENCH_ZALO_SEND_RATE = 2000;

export type SutShape = 'one-process' | 'two-instances' | 'processes';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TWO_WORKERS = fileURLToPath(new URL('./two-workers.child.ts', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./probe.preload.ts', import.meta.url));

export interface SutProcess {
  role: string;
  /** Where it answers /healthz. */
  url: string;
  child: ChildProcess;
}

export interface Sut {
  shape: SutShape;
  url: string;
  dataDir: string;
  /** Its BullMQ key prefix, cleared by the bench afterwards. */
  queuePrefix: string;
  /** The MongoDB database of this run (shape `processes`), dropped by the bench afterwards. */
  mongodbUrl?: string;
  processes: SutProcess[];
  pids(): number[];
  /** Event-loop delay and store queues of each process since the previous call (probe.preload.ts). */
  probe(): Promise<{ role: string; report: ProbeReport | undefined }[]>;
  stop(): Promise<{ role: string; how: 'clean' | 'killed' }[]>;
}

export interface SutOptions {
  shape: SutShape;
  dataDir: string;
  redisUrl: string;
  /** QUEUE_PREFIX: this system's own BullMQ key prefix. */
  queuePrefix: string;
  mongodbUrl?: string;
  zalo: FakeReady;
  cpuProfDir?: string;
  /** LOG_LEVEL for the system (default silent). */
  logLevel?: string;
  /** The embedded store of the one-process shapes (EMBEDDED_STORE; default sqlite, as `npm start`). */
  embeddedStore?: EmbeddedStore;
  /** Without REDIS_URL: the in-process queue runner, as `npm start` with no configuration (one-process shape only). */
  localQueues?: boolean;
}

export type EmbeddedStore = 'nedb' | 'sqlite';

export async function startSut(options: SutOptions): Promise<Sut> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'silent',
    DATA_DIR: options.dataDir,
    REDIS_URL: options.localQueues ? '' : options.redisUrl,
    QUEUE_PREFIX: options.queuePrefix,
    MONGODB_URL: options.shape === 'processes' ? options.mongodbUrl : '',
    ZALO_APP_ID: options.zalo.appId,
    ZALO_APP_SECRET: options.zalo.appSecret,
    ZALO_OA_SECRET_KEY: options.zalo.oaSecretKey,
    ZALO_ACCESS_TOKEN: options.zalo.accessToken,
    ZALO_REFRESH_TOKEN: options.zalo.refreshToken,
    ZALO_API_BASE: options.zalo.apiBase,
    ZALO_OAUTH_BASE: options.zalo.oauthBase,
    // Zalo allows one app 4,000 calls a minute (≈ 66/s); this bench measures our pipeline, not that quota,
    // so the fake has no limit and our limiter is lifted (the report says so).
    ZALO_SEND_RATE: String(BENCH_ZALO_SEND_RATE),
    FB_APP_SECRET: '',
    FB_PAGE_ACCESS_TOKEN: '',
    FB_VERIFY_TOKEN: '',
    DOTENV_CONFIG_QUIET: 'true',
    EMBEDDED_STORE: options.shape === 'processes' ? '' : (options.embeddedStore ?? 'sqlite'),
  };
  const execArgv = ['--import', PRELOAD, ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [])];
  const stdout = options.logLevel && options.logLevel !== 'silent' ? 'inherit' : 'ignore';
  // Every process listens (a worker serves /healthz and /readyz only), so each gets a port of its own.
  const spawn = (role: string, entry: string, args: string[], ownPort = port): SutProcess => ({
    role,
    url: `http://127.0.0.1:${ownPort}`,
    child: forkTs(entry, args, { env: { ...env, PORT: String(ownPort) }, execArgv, cwd: ROOT, stdout }),
  });

  const processes: SutProcess[] =
    options.shape === 'one-process'
      ? [spawn('system', MAIN, [])]
      : options.shape === 'two-instances'
        ? [spawn('system (2 worker sets)', TWO_WORKERS, [])]
        : [spawn('web', MAIN, ['--role=web'])];

  const url = `http://127.0.0.1:${port}`;
  const sut: Sut = {
    shape: options.shape,
    url,
    dataDir: options.dataDir,
    queuePrefix: options.queuePrefix,
    ...(options.shape === 'processes' && options.mongodbUrl ? { mongodbUrl: options.mongodbUrl } : {}),
    processes,
    pids: () => processes.map((p) => p.child.pid ?? -1),
    async probe() {
      return Promise.all(processes.map(async (p) => ({ role: p.role, report: await askProbe(p.child) })));
    },
    async stop() {
      return Promise.all(processes.map(async (p) => ({ role: p.role, how: await terminate(p.child, 12_000) })));
    },
  };
  try {
    await waitHealthy(processes, 60_000);
    if (options.shape === 'processes') {
      // The workers start once the web process is up: on a fresh database, processes starting at the
      // same moment each create the declared indexes, and FerretDB 1.24 drops connections when several
      // do that at once (the web process then exits: MongoNetworkError at start-up).
      const workers = [spawn('worker 1', MAIN, ['--role=worker'], await freePort()), spawn('worker 2', MAIN, ['--role=worker'], await freePort())];
      processes.push(...workers);
      await waitHealthy(workers, 60_000);
    }
  } catch (err) {
    await sut.stop();
    throw err;
  }
  return sut;
}

/** Resolves once every process answers /healthz (a worker role too: it has started its queues by then). */
async function waitHealthy(processes: SutProcess[], timeoutMs: number): Promise<void> {
  const deadline = hrMs() + timeoutMs;
  const waiting = new Set(processes);
  for (;;) {
    const dead = processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) {
      throw new Error(`system under test (${dead.role}) exited during start-up (code ${dead.child.exitCode}); rerun with --sut-logs to see why`);
    }
    for (const p of [...waiting]) {
      try {
        const res = await fetch(`${p.url}/healthz`);
        await res.arrayBuffer();
        if (res.ok) waiting.delete(p);
      } catch {
        // not listening yet
      }
    }
    if (waiting.size === 0) return;
    if (hrMs() > deadline) throw new Error(`system under test not healthy after ${timeoutMs} ms (${[...waiting].map((p) => p.role).join(', ')})`);
    await sleep(100);
  }
}

function askProbe(child: ChildProcess): Promise<ProbeReport | undefined> {
  if (!child.connected) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      resolve(undefined);
    }, 2000);
    const onMessage = (raw: unknown): void => {
      if ((raw as { type?: unknown }).type !== 'bench:probe') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(raw as ProbeReport);
    };
    child.on('message', onMessage);
    child.send({ type: 'bench:probe' });
  });
}
