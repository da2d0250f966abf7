import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Lease } from '../../ports/queue.js';

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

/** Compare-and-renew: extend only the lease we still hold. */
const EXTEND_SCRIPT = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
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
): Promise<Lease | undefined> {
  const token = randomUUID();
  const ttl = Math.max(1, Math.ceil(ttlMs));
  const ok = await redis.set(key, token, 'PX', ttl, 'NX');
  if (ok !== 'OK') return undefined;
  let released = false;
  return {
    async extend(ms: number) {
      if (released) return false;
      return (await redis.eval(EXTEND_SCRIPT, 1, key, token, String(Math.max(1, Math.ceil(ms))))) === 1;
    },
    async release() {
      if (released) return;
      released = true;
      await redis.eval(RELEASE_SCRIPT, 1, key, token);
    },
  };
}
