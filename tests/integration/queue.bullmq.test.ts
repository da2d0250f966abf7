import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { createBullmqBackend } from '../../src/queue/bullmq/index.js';
import { queueContract } from '../contract/queue.contract.js';

/**
 * The BullMQ backend against a real Redis: REDIS_URL, else 127.0.0.1:6379 (scripts/ensure-redis.sh starts it).
 * Each test gets its own random prefix (BullMQ's `test-${randomUUID()}` habit); cleanup closes the
 * backend, then deletes every key under that prefix (what obliterate does, for all its queues and locks).
 */
const url = loadConfig().redisUrl ?? 'redis://127.0.0.1:6379';

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

queueContract('bullmq (Redis)', async () => {
  const prefix = `test-${randomUUID()}`;
  const backend = createBullmqBackend({ url, prefix });
  return {
    backend,
    async cleanup() {
      await backend.close();
      await deleteKeys(prefix);
    },
  };
});
