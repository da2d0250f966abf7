/**
 * A bare system process for tests that need a process of their own (crash-safety.test.ts kills it with
 * SIGKILL and starts it again; production-roles.test.ts runs a web and several worker processes):
 * configuration from the environment through loadConfig(), startSystem in the role given as `--role=`
 * (web, worker or all, as src/main.ts), then exactly one line `READY <url>` on stdout once it listens
 * (a worker serves its /healthz and /readyz). The logs go where LOG_LEVEL says (tests set `silent`).
 * SIGTERM/SIGINT stop it cleanly; SIGKILL is the point.
 *
 *   node --import tsx scripts/run-system.ts [--role=web|worker|all]   (one process: `npx tsx` would add a wrapper)
 */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging/logger.js';
import { startSystem } from '../src/system/index.js';

const config = loadConfig();
const logger = createLogger(config);
const role = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'all';
if (!['web', 'worker', 'all'].includes(role)) throw new Error(`run-system: unknown role ${role}`);
const system = await startSystem({ config, logger, roles: { web: role !== 'worker', worker: role !== 'web' } });
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
