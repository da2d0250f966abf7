/**
 * The system under test as real processes: `scripts/run-system.ts --role=web|worker` (what `npm run
 * start:web` / `start:worker` run: startSystem in that role), each ONE node process (node --import tsx,
 * no wrapper), so its pid is the program's own: the one the bench reads /proc of and signals.
 *
 * Each process prints `READY <url>` on stdout once it listens; everything else it prints (pino JSON at
 * LOG_LEVEL) goes to a log file of its own and is tallied by level and message for the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SystemProcess {
  role: string;
  child: ChildProcess;
  pid: number;
  url: string;
  /** performance.now() when READY was printed. */
  readyAt: number;
  /** Warnings and errors the process logged: "level msg" → count. */
  complaints: Map<string, number>;
  logFile: string;
  /** Peak resident memory seen so far (VmHWM), bytes; kept after the process is gone. */
  peakRss: number;
  exited: Promise<void>;
}

const LEVELS: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };

/** Starts one role and resolves once it printed READY (rejects if it exits first or after `timeoutMs`). */
export function startRole(role: 'web' | 'worker', label: string, env: NodeJS.ProcessEnv, logFile: string, timeoutMs = 120_000): Promise<SystemProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-system.ts', `--role=${role}`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const complaints = new Map<string, number>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => log.end(), () => log.end());
  const tally = (line: string): void => {
    log.write(`${line}\n`);
    if (!line.startsWith('{')) return;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: unknown };
      const level = LEVELS[entry.level ?? 0];
      if (!level) return;
      const key = `${level} ${entry.msg ?? ''}`;
      complaints.set(key, (complaints.get(key) ?? 0) + 1);
    } catch {
      // not a log record
    }
  };
  createInterface({ input: child.stderr! }).on('line', tally);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: no READY within ${timeoutMs / 1000} s (log: ${logFile})`));
    }, timeoutMs);
    const early = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(new Error(`${label} exited during start-up (code ${code}, signal ${signal}); log: ${logFile}`));
    };
    child.once('exit', early);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = /^READY (\S+)/.exec(line);
      if (ready) {
        clearTimeout(timer);
        child.off('exit', early);
        resolve({ role, child, pid: child.pid!, url: ready[1]!, readyAt: performance.now(), complaints, logFile, peakRss: 0, exited });
        return;
      }
      tally(line);
    });
  });
}

/** SIGTERM (the graceful stop), then SIGKILL after `graceMs`. Only ever our own child. */
export async function stopRole(p: SystemProcess, graceMs = 12_000): Promise<'clean' | 'killed' | 'gone'> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return 'gone';
  p.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = await Promise.race([p.exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
  clearTimeout(timer);
  if (!killed) return 'clean';
  p.child.kill('SIGKILL');
  await p.exited;
  return 'killed';
}
