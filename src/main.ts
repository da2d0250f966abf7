/**
 * Composition root: the only place that knows every concrete implementation. It reads the
 * configuration, builds the logger, loads the catalog, creates the knowledge brain, and serves HTTP.
 * Nothing imports this module.
 */
import type { Server } from 'node:http';
import { createBrain } from '../knowledge/brain/index.js';
import { CatalogInvalidError, loadCatalog } from '../knowledge/catalog/load.js';
import { buildApp } from './app.js';
import { loadConfig, redactedSummary, type Config } from './config.js';
import { AppError } from './domain/errors.js';
import { createLogger, type AppLogger } from './logging/logger.js';
import type { KnowledgeSearch } from './ports/knowledge.js';

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

/** Stops accepting connections, lets in-flight requests finish, and exits even if some hang. */
function installShutdown(server: Server, logger: AppLogger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'forcing exit: connections still open');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    server.close((err) => {
      if (err) logger.error({ err }, 'error while closing the server');
      logger.info('stopped');
      process.exit(err ? 1 : 0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Loads and validates the catalog, then builds the brain over it; any failure stops start-up. */
function startKnowledge(config: Config, logger: AppLogger): KnowledgeSearch {
  try {
    const catalog = loadCatalog(config.catalogDir);
    logger.info(
      { procedures: catalog.procedures.length, agencies: catalog.directory.agencies.length, province: catalog.directory.province },
      'catalog loaded',
    );
    return createBrain(catalog, { dataDir: config.catalogDir });
  } catch (err) {
    const appError =
      err instanceof CatalogInvalidError
        ? new AppError('KNOWLEDGE.CATALOG_INVALID', err.message, { details: { issues: err.issues.length } })
        : err;
    logger.fatal({ err: appError, catalogDir: config.catalogDir }, 'cannot load the catalog or build the knowledge brain');
    process.exit(1);
  }
}

function main(): void {
  const config = configOrExit();
  const logger = createLogger(config);
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });

  logger.info({ config: redactedSummary(config) }, 'starting Trợ lý 1022');
  for (const warning of config.warnings) logger.warn(warning);

  const knowledge = startKnowledge(config, logger);
  const app = buildApp({ config, logger, knowledge });
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ host: config.host, port, mode: config.mode }, `listening on http://${config.host}:${port}`);
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'HTTP server error');
    process.exit(1);
  });
  installShutdown(server, logger);
}

main();
