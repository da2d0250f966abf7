/**
 * A bare system process for tests that need a process of their own (tests/integration/crash-safety.test.ts
 * kills it with SIGKILL and starts it again): configuration from the environment through loadConfig(),
 * startSystem, then exactly one line `READY <url>` on stdout once it listens. The logs go where LOG_LEVEL
 * says (tests set `silent`). SIGTERM/SIGINT stop it cleanly; SIGKILL is the point.
 *
 *   node --import tsx scripts/run-system.ts      (a single process: `npx tsx` would add a wrapper one)
 */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging/logger.js';
import { startSystem } from '../src/system/index.js';

const config = loadConfig();
const logger = createLogger(config);
const system = await startSystem({ config, logger });
if (!system.url) throw new Error('run-system: the system is not listening');
process.stdout.write(`READY ${system.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  system.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
