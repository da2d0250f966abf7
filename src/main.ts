/**
 * Process entry point: reads the configuration, builds the logger, starts the system (src/system) in
 * the requested role and stops it cleanly on SIGTERM/SIGINT. Nothing imports this module.
 *
 *   npm start                                   embedded mode: one process, web + workers
 *   node --import tsx src/main.ts --role=web    production: HTTP only (webhooks, widget, APIs)
 *   node --import tsx src/main.ts --role=worker production: turn and delivery workers only
 *
 * Signals: the npm scripts `exec` node with tsx as a loader (`exec node --import tsx src/main.ts`), so
 * this process is npm's direct child and receives the SIGTERM npm forwards. Through `tsx src/main.ts`
 * (or a script without `exec`) npm signals only `sh`, which dies without passing it on: node kept
 * running as an orphan and nothing was stopped cleanly. On SIGTERM/SIGINT the system stops taking
 * requests, lets in-flight requests and turns finish, closes queues and store, and exits 0; whatever
 * is still queued stays in the store and resumes on the next start. After 10 s it exits 1 regardless.
 */
import { CatalogInvalidError } from '../knowledge/catalog/load.js';
import { loadConfig, redactedSummary, type Config } from './config.js';
import { createLogger } from './logging/logger.js';
import { startSystem, type RunningSystem } from './system/index.js';

const SHUTDOWN_GRACE_MS = 10_000;

/** Without a valid configuration there is no logger yet: print the (secret-free) list and stop. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

function rolesFromArgs(): { web: boolean; worker: boolean } {
  const role = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'all';
  return { web: role === 'all' || role === 'web', worker: role === 'all' || role === 'worker' };
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  logger.info({ config: redactedSummary(config) }, 'starting Trợ lý 1022');
  for (const warning of config.warnings) logger.warn(warning);

  // A signal during start-up (the catalog and store take seconds to load) stops the system once started.
  let requested: NodeJS.Signals | undefined;
  let onSignal = (signal: NodeJS.Signals): void => {
    requested ??= signal;
  };
  process.on('SIGTERM', (signal) => onSignal(signal));
  process.on('SIGINT', (signal) => onSignal(signal));

  let system: RunningSystem;
  try {
    system = await startSystem({ config, logger, roles: rolesFromArgs() });
  } catch (err) {
    const what = err instanceof CatalogInvalidError ? 'cannot load the catalog' : 'cannot start';
    logger.fatal({ err }, what);
    process.exit(1);
  }
  if (system.url) logger.info({ url: system.url, mode: config.mode }, 'listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'forcing exit');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    system.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  onSignal = stop;
  if (requested) stop(requested);
}

void main();
