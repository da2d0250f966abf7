import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints of the write-ahead log, off the event loop. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses 1,000 WAL pages, on the writer's thread, copying pages into the database file and
 * syncing both files: measured here, that made one commit in a thousand take 10–20 ms, stalling every
 * request of the process. The main connection turns it off (`wal_autocheckpoint = 0`) and this worker
 * thread, with a connection of its own, runs a PASSIVE checkpoint every `everyMs` (PASSIVE never blocks
 * the writer; the next write after a complete checkpoint starts the log over, so it does not grow).
 * The worker is plain CommonJS (evaluated), so it needs no TypeScript loader.
 */

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
db.pragma('synchronous = NORMAL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the worker after its current checkpoint; resolves once its connection is closed. */
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, everyMs: number, onError: (message: string) => void = () => undefined): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs } });
  worker.unref(); // never keeps a finished process alive
  worker.on('message', (message: { type?: string; message?: string }) => {
    if (message?.type === 'error') onError(message.message ?? 'checkpoint failed');
  });
  worker.on('error', (error) => onError(error.message));
  const exited = once(worker, 'exit').then(() => undefined);
  return {
    async stop() {
      worker.ref(); // the process waits for this stop
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
