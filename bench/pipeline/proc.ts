import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hrMs } from './clock.js';

/** Process figures from /proc (Linux): resident memory and CPU time, for any pid we started. */

const CLOCK_TICKS = 100; // USER_HZ on Linux

export function rssBytes(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

/** CPU seconds (user + system) used so far by the process. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
  } catch {
    return Number.NaN;
  }
}

/** CPU use of a set of processes between two calls, as a fraction of one core. */
export class CpuMeter {
  private start = new Map<number, number>();
  private startAt = 0;
  begin(pids: number[]): void {
    this.startAt = hrMs();
    this.start = new Map(pids.map((p) => [p, cpuSeconds(p)]));
  }
  end(): Map<number, number> {
    const elapsed = (hrMs() - this.startAt) / 1000;
    return new Map([...this.start].map(([pid, before]) => [pid, (cpuSeconds(pid) - before) / elapsed]));
  }
}

/** Pids of the processes whose command name (/proc/<pid>/comm) is one of `names` (measured, never signalled). */
export function pidsNamed(names: readonly string[]): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

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

/** Forks a TypeScript entry with tsx (no tsx wrapper process: the pid is the program's own). */
export function forkTs(entry: string, args: string[], options: { env: NodeJS.ProcessEnv; execArgv?: string[]; cwd: string; stdout?: 'ignore' | 'inherit' }): ChildProcess {
  return fork(entry, args, {
    cwd: options.cwd,
    env: options.env,
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
  });
}

/** Resolves when the child exits (or at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. Only ever our own children. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<'clean' | 'killed'> {
  if (child.exitCode !== null || child.signalCode !== null) return 'clean';
  const gone = exited(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = await Promise.race([
    gone.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (killed) {
    child.kill('SIGKILL');
    await gone;
    return 'killed';
  }
  return 'clean';
}
