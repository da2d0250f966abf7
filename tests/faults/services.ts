/**
 * Private services for fault injection: each fault test stops, flushes and restarts servers, so it never
 * touches the Redis and FerretDB the other suites share. `privateRedis()` runs its own redis-server on a
 * free port (no persistence, as the shared one); `privateFerretDb()` runs its own FerretDB process on the
 * local PostgreSQL (scripts/ensure-ferretdb.sh with FERRETDB_PORT and FERRETDB_DB of its own), which can
 * be stopped and started again on the same port and data.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A TCP port nobody listens on now (the OS picks it; closed again before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** FLUSHALL: every key gone, the server keeps running (what a restart without persistence leaves). */
  flushAll(): void;
  /** Stops the server (SIGKILL: no goodbye to clients). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function redisCli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

function pings(port: number): boolean {
  try {
    return redisCli(port, 'ping') === 'PONG';
  } catch {
    return false;
  }
}

/** A redis-server of the test's own (scripts/ensure-redis.sh has installed Debian's package). */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    await until(`redis-server did not answer on ${port}`, () => pings(port));
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    flushAll: () => void redisCli(port, 'flushall'),
    stop,
    start,
    close: stop,
  };
}

export interface PrivateFerretDb {
  /** MONGODB_URL of this instance. */
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A FerretDB process of the test's own, on a database of its own (`name`: letters, digits, _). */
export async function privateFerretDb(name: string): Promise<PrivateFerretDb> {
  const port = await freePort();
  const env = { ...process.env, FERRETDB_PORT: String(port), FERRETDB_DB: `troly1022_faults_${name}`, FERRETDB_LOG_LEVEL: 'error' };
  const pidFile = `${REPO_ROOT}scripts/ferretdb/out/ferretdb-${port}.pid`;
  const start = async () => {
    const out = execFileSync('bash', ['scripts/ensure-ferretdb.sh'], { cwd: REPO_ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (!out.includes(`:${port}/`)) throw new Error(`ensure-ferretdb.sh did not start on ${port}: ${out}`);
  };
  const stop = async () => {
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch {
      return;
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    await until(`FerretDB ${pid} did not exit`, () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
  };
  await start();
  return { url: `mongodb://127.0.0.1:${port}/?directConnection=true`, stop, start, close: stop };
}
