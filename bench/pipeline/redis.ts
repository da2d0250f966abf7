import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Redis for the bench: every system under test gets a QUEUE_PREFIX of its own (all its BullMQ queues
 * and locks live under `<prefix>:`), deleted after it stops, so runs neither see each other's jobs nor
 * leave keys behind, and other users of the same Redis are never touched.
 */
export interface BenchRedis {
  url: string;
  /** A fresh prefix for the next system (QUEUE_PREFIX: letters, digits, - and _). */
  newPrefix(): string;
  /** Deletes every key under the prefix; returns how many. */
  clear(prefix: string): Promise<number>;
  /** Redis server CPU seconds so far (INFO cpu: used_cpu_user + used_cpu_sys), for the whole server. */
  cpuSeconds(): Promise<number>;
  /** Deletes the keys of every prefix handed out, then disconnects. */
  close(): Promise<void>;
}

export async function connectBenchRedis(url: string): Promise<BenchRedis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  const run = randomBytes(4).toString('hex');
  const prefixes: string[] = [];
  const clear = async (prefix: string): Promise<number> => {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  };
  return {
    url,
    newPrefix() {
      const prefix = `bench-pipeline-${run}-${prefixes.length + 1}`;
      prefixes.push(prefix);
      return prefix;
    },
    clear,
    async cpuSeconds() {
      const info = await redis.info('cpu');
      const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
      return get('used_cpu_user') + get('used_cpu_sys');
    },
    async close() {
      try {
        for (const prefix of prefixes) await clear(prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}
