import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../domain/errors.js';

/**
 * One process at a time per embedded store: nedb keeps each collection in memory and appends to its
 * file, so a second process writing the same files (say `npm run accounts` beside a running server)
 * would silently lose or corrupt data. The holder's pid is kept in `<dir>/LOCK`; a lock left by a
 * process that no longer runs (killed, crashed) is taken over.
 */

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, 'LOCK');
  const holder = (() => {
    try {
      return Number.parseInt(readFileSync(file, 'utf8'), 10);
    } catch {
      return undefined;
    }
  })();
  if (holder !== undefined && Number.isInteger(holder) && holder !== process.pid && running(holder)) {
    throw new AppError('STORE.DATA_DIR_LOCKED', `the embedded store in ${dir} is in use by process ${holder}`, { details: { pid: holder } });
  }
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  return {
    release() {
      try {
        if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) rmSync(file, { force: true });
      } catch {
        // Already gone.
      }
    },
  };
}
