import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, QueueBackend } from '../../src/ports/queue.js';
import { createBullmqBackend } from '../../src/queue/bullmq/index.js';
import { createLocalBackend } from '../../src/queue/local/index.js';
import { privateRedis, type PrivateRedis } from '../faults/services.js';
import { deleteRedisKeys, redisBaseUrl, waitFor } from './system-harness.js';

/**
 * What the reconciler (issue 14) needs from the queue backends: `removeWhenDone` ids that dedupe only
 * while queued, on both backends; and, on a private redis-server this test may flush and stop, leases
 * that a flushed Redis cannot hand to a second holder in the same process, a ping that fails while Redis
 * is down, and workers that take jobs again once it is back (empty).
 */

const silent = { warn() {}, error() {} };

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Adds `id` and waits for its run, then keeps adding it again (a job still active, between its handler's
 * end and BullMQ moving it to finished, still dedupes) until it ran `times` times or `tries` adds are
 * spent; returns the runs seen.
 */
async function addAgain(backend: QueueBackend, queue: string, id: string, removeWhenDone: boolean, times: number, tries: number): Promise<string[]> {
  const ran: string[] = [];
  const worker = backend.worker<{ n: number }>(queue, async (job: Job<{ n: number }>) => void ran.push(job.id));
  const q = backend.queue<{ n: number }>(queue);
  await q.add('job', { n: 1 }, { jobId: id, removeWhenDone });
  await waitFor(`job ${id} to run`, () => ran.length > 0, 10_000);
  for (let i = 0; i < tries && ran.length < times; i++) {
    await pause(100);
    const before = ran.length;
    await q.add('job', { n: 1 }, { jobId: id, removeWhenDone });
    // Give an accepted add the time to run before the next one (a slow run only costs a retry).
    await waitFor('a run', () => ran.length > before, 1_000).catch(() => undefined);
  }
  await pause(300);
  await worker.close();
  return ran;
}

describe.each([
  ['local', () => ({ backend: createLocalBackend(), cleanup: async () => undefined })],
  [
    'bullmq',
    () => {
      const prefix = `heal-${randomUUID().slice(0, 8)}`;
      const backend = createBullmqBackend({ url: redisBaseUrl(), prefix });
      return { backend, cleanup: () => deleteRedisKeys(redisBaseUrl(), `${prefix}:*`) };
    },
  ],
] as const)('removeWhenDone on the %s backend', (_name, make) => {
  it('an id dedupes while queued only: added again after it finished, the job runs again; a kept id does not', async () => {
    const { backend, cleanup } = make();
    try {
      const forgotten = await addAgain(backend, 'forget', 'reconcile:a', true, 2, 50);
      expect(forgotten.length).toBeGreaterThanOrEqual(2);
      expect(new Set(forgotten)).toEqual(new Set(['reconcile:a']));
      expect(await addAgain(backend, 'keep', 'turn:a', false, 2, 5)).toEqual(['turn:a']);
      // Two adds while the first still waits: one job.
      const q = backend.queue<{ n: number }>('twice');
      await q.add('job', { n: 1 }, { jobId: 'reconcile:b', removeWhenDone: true });
      await q.add('job', { n: 1 }, { jobId: 'reconcile:b', removeWhenDone: true });
      const ran: string[] = [];
      const worker = backend.worker<{ n: number }>('twice', async (job) => void ran.push(job.id));
      await waitFor('the job to run', () => ran.length > 0);
      await pause(300);
      await worker.close();
      expect(ran).toEqual(['reconcile:b']);
    } finally {
      await backend.close();
      await cleanup();
    }
  });
});

describe('the BullMQ backend when Redis is flushed or restarted', () => {
  let redis: PrivateRedis;
  let backend: QueueBackend;

  beforeAll(async () => {
    redis = await privateRedis();
    backend = createBullmqBackend({ url: redis.url, prefix: 'heal', logger: silent });
  });

  afterAll(async () => {
    await backend?.close();
    await redis?.close();
  });

  it('a lease held in this process is not handed out again after FLUSHALL', async () => {
    const lease = await backend.lock('turn:c1', 10_000);
    expect(lease).toBeDefined();
    redis.flushAll();
    expect(await backend.lock('turn:c1', 10_000)).toBeUndefined();
    await lease!.release();
    const again = await backend.lock('turn:c1', 10_000);
    expect(again).toBeDefined();
    await again!.release();
  });

  it('ping fails while Redis is down; workers take jobs again once it is back, empty', async () => {
    const ran: number[] = [];
    const worker = backend.worker<{ n: number }>('work', async (job) => void ran.push(job.data.n));
    const q = backend.queue<{ n: number }>('work');
    await q.add('job', { n: 1 });
    await waitFor('the first job', () => ran.includes(1));
    await backend.ping();

    await redis.stop();
    await waitFor('ping to fail', () => backend.ping().then(() => false, () => true));
    await redis.start();
    await waitFor('ping to succeed', () => backend.ping().then(() => true, () => false));
    await q.add('job', { n: 2 });
    await waitFor('a job after the restart', () => ran.includes(2));
    await worker.close();
  });
});
