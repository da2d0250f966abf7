import { loadCatalog } from '../../knowledge/catalog/load.js';
import { createBrain } from '../../knowledge/brain/index.js';
import type { Config } from '../../src/config.js';
import { systemClock } from '../../src/ports/clock.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Store } from '../../src/ports/store.js';
import { createBullmqBackend } from '../../src/queue/bullmq/index.js';
import { buildChannelAdapters } from '../../src/system/index.js';
import { startWorkers } from '../../src/system/workers.js';

/**
 * A second, independent worker set: its own BullMQ backend (own Redis connections), brain, Botkit
 * engine, turn and delivery workers (src/system/workers.ts, exactly what startSystem runs) and Zalo
 * adapter (own token cache over the shared secrets), against the one embedded store of the process.
 */
export async function startWorkerInstance(deps: { config: Config; store: Store; logger: Logger }): Promise<{ close(): Promise<void> }> {
  const { config, store } = deps;
  if (!config.redisUrl) throw new Error('a second worker instance needs REDIS_URL (queues shared through Redis)');
  if (!config.channels.zalo.enabled) throw new Error('a second worker instance needs the Zalo channel configured');
  const logger = deps.logger.child({ instance: 2 });
  const knowledge = createBrain(loadCatalog(config.catalogDir), { dataDir: config.catalogDir });
  const backend = createBullmqBackend({ url: config.redisUrl, prefix: config.queuePrefix, logger });
  const adapters = buildChannelAdapters(config, store, logger);
  const workers = await startWorkers({ config, logger, store, backend, knowledge, adapters, clock: systemClock });
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await backend.close();
    },
  };
}
