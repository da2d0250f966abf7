import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../ports/clock.js';
import type { FailureLimiter, LimiterFactory, LimitPolicy, RateLimiter } from '../ports/limiter.js';
import { decision, samePolicy, validPolicy } from './policy.js';

/**
 * The limiters of production mode: one sorted set per key in Redis, shared by every process. Members
 * are the counted events, scored by the instant the app's clock gave them; each small Lua script
 * (atomic on the server) first drops what left the window, keeps at most `max` members, and refreshes
 * the key's TTL to the window, so an idle key disappears by itself and nothing accumulates.
 *
 * Keys: `<prefix>:limit:<name>:<key>`, e.g. `troly1022:limit:proof:K7QX-3M2PC` (prefix = QUEUE_PREFIX,
 * so deployments and test runs sharing one server stay apart). The window is measured with the injected
 * clock (scores), so tests move time instead of waiting; the TTL only reclaims memory.
 */

export interface RedisLimiterOptions {
  /** A command connection (not in subscriber mode); the caller owns and closes it. */
  redis: Redis;
  /** QUEUE_PREFIX; must not contain ':'. */
  prefix: string;
  clock: Clock;
}

/** Shared by the scripts: the milliseconds until the key is below `max` again, after dropping expired members. */
const PRELUDE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local function wait()
  local n = redis.call('ZCARD', key)
  if n < max then return 0 end
  local oldest = redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
local function record()
  redis.call('ZADD', key, now, ARGV[4])
  local n = redis.call('ZCARD', key)
  if n > max then redis.call('ZREMRANGEBYRANK', key, 0, n - max - 1) end
  redis.call('PEXPIRE', key, window)
end
`;

/** ARGV: now, windowMs, max. Returns the wait in ms (0 = allowed). */
const CHECK_SCRIPT = `${PRELUDE}
return wait()`;

/** ARGV: now, windowMs, max, member. Records a failure; returns the wait after it. */
const FAIL_SCRIPT = `${PRELUDE}
record()
return wait()`;

/** ARGV: now, windowMs, max, member. Records the event only if allowed; returns the wait (0 = counted). */
const HIT_SCRIPT = `${PRELUDE}
local w = wait()
if w > 0 then return w end
record()
return 0`;

interface LimitCommands {
  limiterCheck(key: string, now: number, windowMs: number, max: number): Promise<number>;
  limiterFail(key: string, now: number, windowMs: number, max: number, member: string): Promise<number>;
  limiterHit(key: string, now: number, windowMs: number, max: number, member: string): Promise<number>;
}

export function createRedisLimiters(options: RedisLimiterOptions): LimiterFactory {
  if (options.prefix.includes(':')) throw new Error(`limiter prefix must not contain ':' (got "${options.prefix}")`);
  // defineCommand: EVALSHA, with the script sent again when the server does not know it (NOSCRIPT).
  options.redis.defineCommand('limiterCheck', { numberOfKeys: 1, lua: CHECK_SCRIPT });
  options.redis.defineCommand('limiterFail', { numberOfKeys: 1, lua: FAIL_SCRIPT });
  options.redis.defineCommand('limiterHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  const redis = options.redis as unknown as LimitCommands & Redis;
  const policies = new Map<string, LimitPolicy>();
  const now = () => options.clock.now().getTime();

  function keyFor(name: string, policy: LimitPolicy): (key: string) => string {
    validPolicy(name, policy);
    const existing = policies.get(name);
    if (existing) samePolicy(name, existing, policy);
    else policies.set(name, { ...policy });
    return (key) => `${options.prefix}:limit:${name}:${key}`;
  }

  return {
    failures(name, policy): FailureLimiter {
      const redisKey = keyFor(name, policy);
      const { max, windowMs } = policy;
      return {
        async check(key) {
          return decision(Number(await redis.limiterCheck(redisKey(key), now(), windowMs, max)));
        },
        async fail(key) {
          return decision(Number(await redis.limiterFail(redisKey(key), now(), windowMs, max, randomUUID())));
        },
        async reset(key) {
          await redis.del(redisKey(key));
        },
      };
    },

    rate(name, policy): RateLimiter {
      const redisKey = keyFor(name, policy);
      const { max, windowMs } = policy;
      return {
        async hit(key) {
          return decision(Number(await redis.limiterHit(redisKey(key), now(), windowMs, max, randomUUID())));
        },
      };
    },
  };
}
