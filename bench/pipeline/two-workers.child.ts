/**
 * System under test for "2 worker instances in one process": src/main.ts's start-up (startSystem with
 * the configuration from the environment: web + worker set 1), plus a second worker set from
 * worker-instance.ts on its own Redis connections and the same embedded store. Stops on SIGTERM.
 */
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSystem } from '../../src/system/index.js';
import { startWorkerInstance } from './worker-instance.js';

const config = loadConfig();
const logger = createLogger(config);
const system = await startSystem({ config, logger });
const second = await startWorkerInstance({ config, store: system.store, logger });

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 10_000).unref();
  // Workers first (both sets), then the system (web, its workers, queues, store).
  second
    .close()
    .then(() => system.stop())
    .then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`two-workers.child: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
