import { createZaloAdapter } from '../../adapters/zalo/index.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { createBrain } from '../../knowledge/brain/index.js';
import { createBotEngine } from '../../src/bot/engine.js';
import type { Config } from '../../src/config.js';
import { createDeliveryWorker } from '../../src/core/deliver-outbound.js';
import { outboundQueueName, TURN_QUEUE, type DeliveryJob } from '../../src/core/receive-inbound.js';
import { createTurnRunner } from '../../src/core/run-turns.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { ChannelKind } from '../../src/domain/message.js';
import type { ChannelAdapter } from '../../src/ports/channel.js';
import { systemClock } from '../../src/ports/clock.js';
import type { Logger } from '../../src/ports/logger.js';
import type { JobQueue, QueueWorker } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createBullmqBackend } from '../../src/queue/bullmq/index.js';
import { createFlowServices } from '../../src/system/flow-services.js';

/**
 * A second, independent worker set, composed from the same building blocks as startSystem's worker
 * role (src/system/index.ts): its own BullMQ backend (own Redis connections, own lock connection), its
 * own brain, Botkit engine, turn runner, Zalo adapter (own token store over the shared secrets) and
 * Zalo delivery worker, against the one embedded store of the process. (Turns of other channels' 
 * conversations queue their deliveries for the first worker set, which has those adapters.)
 *
 * startSystem does not export its worker composition, so these values are copied from it and must be
 * kept in step: turn and delivery concurrency 16, 5 delivery attempts (the queue prefix and the Zalo send
 * rate come from the configuration).
 */
const TURN_CONCURRENCY = 16;
const DELIVERY_CONCURRENCY = 16;
const DELIVERY_ATTEMPTS = 5;

export async function startWorkerInstance(deps: { config: Config; store: Store; logger: Logger }): Promise<{ close(): Promise<void> }> {
  const { config, store, logger } = deps;
  if (!config.redisUrl) throw new Error('a second worker instance needs REDIS_URL (queues shared through Redis)');
  const zalo = config.channels.zalo;
  if (!zalo.enabled || !zalo.appId || !zalo.oaSecretKey) throw new Error('a second worker instance needs the Zalo channel configured');
  const clock = systemClock;
  const knowledge = createBrain(loadCatalog(config.catalogDir), { dataDir: config.catalogDir });
  const backend = createBullmqBackend({ url: config.redisUrl, prefix: config.queuePrefix, logger });
  const adapters: Partial<Record<ChannelKind, ChannelAdapter>> = {
    zalo: createZaloAdapter({
      appId: zalo.appId,
      appSecret: zalo.appSecret ?? '',
      oaSecretKey: zalo.oaSecretKey,
      apiBase: zalo.apiBase,
      oauthBase: zalo.oauthBase,
      logger: logger.child({ channel: 'zalo', instance: 2 }),
      tokens: {
        secrets: store.secrets,
        ...(zalo.accessToken || zalo.refreshToken ? { seed: { accessToken: zalo.accessToken ?? '', refreshToken: zalo.refreshToken ?? '' } } : {}),
      },
    }),
  };
  const deliveryQueues = new Map<ChannelKind, JobQueue<DeliveryJob>>();
  const deliveries = (channel: ChannelKind): JobQueue<DeliveryJob> => {
    let q = deliveryQueues.get(channel);
    if (!q) deliveryQueues.set(channel, (q = backend.queue<DeliveryJob>(outboundQueueName(channel))));
    return q;
  };
  const services = createFlowServices({ knowledge, store, copy: vi, clock });
  const engine = await createBotEngine({ dialogState: store.dialogState, services });
  const runTurns = createTurnRunner({
    store,
    backend,
    engine,
    deliveries,
    logger: logger.child({ worker: 'turns', instance: 2 }),
    clock,
    apology: { text: vi.bot.apology },
    typing: async (c) => adapters[c.channel]?.typing?.(c.userId),
  });
  const workers: QueueWorker[] = [backend.worker(TURN_QUEUE, runTurns, { concurrency: TURN_CONCURRENCY })];
  const deliver = createDeliveryWorker({ store, backend, adapters, logger: logger.child({ worker: 'outbound', instance: 2 }), clock, maxAttempts: DELIVERY_ATTEMPTS });
  workers.push(backend.worker(outboundQueueName('zalo'), deliver, { concurrency: DELIVERY_CONCURRENCY, limiter: { max: config.channels.zalo.sendRatePerSecond, durationMs: 1000 } }));
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await backend.close();
    },
  };
}
