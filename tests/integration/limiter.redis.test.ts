import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisLimiters } from '../../src/limits/redis.js';
import { limiterContract } from '../contract/limiter.contract.js';
import { deleteRedisKeys, redisBaseUrl } from './system-harness.js';

/**
 * The limiters of production mode on a real Redis (REDIS_URL, else 127.0.0.1:6379): the contract, with
 * `peer` on a second connection (another process), then what only Redis has: key names and TTLs. Each
 * test uses its own random prefix and deletes its keys afterwards.
 */
const url = redisBaseUrl();

limiterContract('redis', async (clock) => {
  const prefix = `test-${randomUUID()}`;
  const connections = [new Redis(url, { maxRetriesPerRequest: 1 })];
  const connect = () => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return createRedisLimiters({ redis, prefix, clock });
  };
  return {
    limiters: createRedisLimiters({ redis: connections[0]!, prefix, clock }),
    peer: connect,
    async cleanup() {
      await Promise.all(connections.map((c) => c.quit()));
      await deleteRedisKeys(url, `${prefix}:*`);
    },
  };
});

describe('redis limiters: keys and expiry', () => {
  const prefix = `test-${randomUUID()}`;
  let redis: Redis | undefined;

  afterEach(async () => {
    await redis?.quit();
    await deleteRedisKeys(url, `${prefix}:*`);
  });

  it('When failures and hits are counted, then each key is <prefix>:limit:<name>:<key> with a TTL of at most the window', async () => {
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
    const clock = { now: () => new Date() };
    const limiters = createRedisLimiters({ redis, prefix, clock });
    await limiters.failures('proof', { max: 10, windowMs: 15 * 60_000 }).fail('K7QX-3M2PC');
    await limiters.rate('widget-session', { max: 20, windowMs: 60_000 }).hit('visitor-1');

    const keys = (await redis.keys(`${prefix}:*`)).sort();
    expect(keys).toEqual([`${prefix}:limit:proof:K7QX-3M2PC`, `${prefix}:limit:widget-session:visitor-1`]);
    const proofTtl = await redis.pttl(`${prefix}:limit:proof:K7QX-3M2PC`);
    const sessionTtl = await redis.pttl(`${prefix}:limit:widget-session:visitor-1`);
    expect(proofTtl).toBeGreaterThan(0);
    expect(proofTtl).toBeLessThanOrEqual(15 * 60_000);
    expect(sessionTtl).toBeGreaterThan(0);
    expect(sessionTtl).toBeLessThanOrEqual(60_000);
  });

  it('When a key fails far more often than its maximum, then Redis keeps only the last `max` failures', async () => {
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
    let now = Date.parse('2026-03-09T03:00:00Z');
    const limiters = createRedisLimiters({ redis, prefix, clock: { now: () => new Date(now++) } });
    const failures = limiters.failures('login', { max: 5, windowMs: 60_000 });
    for (let i = 0; i < 40; i++) await failures.fail('hoa\n203.0.113.7');
    expect(await redis.zcard(`${prefix}:limit:login:hoa\n203.0.113.7`)).toBe(5);
    await failures.reset('hoa\n203.0.113.7');
    expect(await redis.exists(`${prefix}:limit:login:hoa\n203.0.113.7`)).toBe(0);
  });
});
