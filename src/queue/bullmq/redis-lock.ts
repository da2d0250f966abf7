import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Compare-and-delete: release only the lock we still hold. A holder whose TTL ran out and whose key
 * was taken by someone else must not delete the newcomer's lock.
 */
const RELEASE_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
`;

/**
 * A single-instance Redis lock (SET key token NX PX ttl). It is a lease: it expires after `ttlMs`
 * even if never released, so a crashed worker cannot block a conversation for ever.
 */
export async function acquireRedisLock(
  redis: Redis,
  key: string,
  ttlMs: number,
): Promise<{ release(): Promise<void> } | undefined> {
  const token = randomUUID();
  const ttl = Math.max(1, Math.ceil(ttlMs));
  const ok = await redis.set(key, token, 'PX', ttl, 'NX');
  if (ok !== 'OK') return undefined;
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await redis.eval(RELEASE_SCRIPT, 1, key, token);
    },
  };
}
