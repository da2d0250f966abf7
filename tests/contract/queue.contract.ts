import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PermanentJobError,
  RetryLaterError,
  type Job,
  type QueueBackend,
} from '../../src/ports/queue.js';

/**
 * The conformance suite every QueueBackend passes (BullMQ's adapter-conformance idea): the BullMQ
 * backend on a real Redis and the in-process runner of embedded mode. Each test uses its own random
 * queue names (and the factory a random prefix), and the factory's cleanup removes what it left.
 *
 * Timing asserts are lower bounds or orderings only, with slack: never "finished within N ms".
 */
export function queueContract(
  name: string,
  make: () => Promise<{ backend: QueueBackend; cleanup(): Promise<void> }>,
): void {
  describe(`QueueBackend contract: ${name}`, () => {
    let backend: QueueBackend;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ backend, cleanup } = await make());
    });

    afterEach(async () => {
      await cleanup();
    });

    const queueName = () => `test-${randomUUID()}`;
    /** Timer slack for lower bounds: clocks and timers may fire a little early or be read late. */
    const SLACK_MS = 50;

    async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(10);
      }
    }

    it('When a job is added, then a worker runs it once with its name, data, id and attempt 1', async () => {
      // Arrange
      const seen: Job<{ text: string; n: number }>[] = [];
      const q = backend.queue<{ text: string; n: number }>(queueName());
      backend.worker<{ text: string; n: number }>(q.name, async (job) => {
        seen.push(job);
      });
      // Act
      await q.add('turn', { text: 'Xin chào, tôi cần làm căn cước', n: 7 }, { jobId: 'msg-1' });
      await waitFor(() => seen.length === 1, 'the job to run');
      await sleep(100);
      // Assert
      expect(seen).toEqual([{ id: 'msg-1', name: 'turn', data: { text: 'Xin chào, tôi cần làm căn cước', n: 7 }, attempt: 1 }]);
    });

    it('When a job carries a Date, then the handler receives it as JSON (an ISO string), as Redis stores it', async () => {
      const seen: unknown[] = [];
      const q = backend.queue<{ at: unknown }>(queueName());
      backend.worker<{ at: unknown }>(q.name, async (job) => {
        seen.push(job.data.at);
      });
      await q.add('dated', { at: new Date('2026-01-02T03:04:05.000Z') });
      await waitFor(() => seen.length === 1, 'the job to run');
      expect(seen).toEqual(['2026-01-02T03:04:05.000Z']);
    });

    it('When the same jobId is added again while pending and after completion, then the handler runs once', async () => {
      // Arrange: jobs are added before any worker, so both adds meet a pending job.
      const ran: string[] = [];
      const q = backend.queue<{ copy: number }>(queueName());
      await q.add('turn', { copy: 1 }, { jobId: 'zalo-msg-42' });
      await q.add('turn', { copy: 2 }, { jobId: 'zalo-msg-42' });
      backend.worker<{ copy: number }>(q.name, async (job) => {
        ran.push(`${job.id}#${job.data.copy}`);
      });
      await waitFor(() => ran.length >= 1, 'the first copy to run');
      // Act: a platform redelivers after completion, then an unrelated marker job follows it (FIFO).
      await q.add('turn', { copy: 3 }, { jobId: 'zalo-msg-42' });
      await q.add('turn', { copy: 0 }, { jobId: 'marker' });
      await waitFor(() => ran.includes('marker#0'), 'the marker job');
      await sleep(50);
      // Assert
      expect(ran).toEqual(['zalo-msg-42#1', 'marker#0']);
    });

    it('When job ids look like integers, contain ":" or name backend internals, then they are kept apart and handed back unchanged', async () => {
      // BullMQ stores jobs next to its own keys (meta, wait, marker, id…) and rejects integer ids or ':'.
      const distinct = ['42', 'zalo:42', 'zalo:42:1', '%J42', '%3A', ':', '', 'meta', 'wait', 'marker', 'id', 'lock'];
      const ids: string[] = [];
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, async (job) => {
        ids.push(job.id);
      });
      for (const id of [...distinct, '42', 'meta']) await q.add('x', null, { jobId: id });
      await waitFor(() => ids.length === distinct.length, `${distinct.length} distinct jobs`);
      await sleep(100);
      expect(ids.sort()).toEqual([...distinct].sort());
    });

    it('When background jobs wait beside others, then every other ready job runs first, each group in order', async () => {
      // Arrange: everything queued before a worker exists, so the order is the backend's choice alone.
      const ran: string[] = [];
      const q = backend.queue<null>(queueName());
      await q.add('news-1', null, { background: true });
      await q.add('reply-1', null);
      await q.add('news-2', null, { background: true });
      await q.add('reply-2', null);
      // Act
      backend.worker<null>(q.name, async (job) => {
        ran.push(job.name);
      }, { concurrency: 1 });
      await waitFor(() => ran.length === 4, 'all four jobs');
      // Assert
      expect(ran).toEqual(['reply-1', 'reply-2', 'news-1', 'news-2']);
    });

    it('When a job is delayed, then it does not run before its delay and a later undelayed job overtakes it', async () => {
      // Arrange
      const ran: { name: string; at: number }[] = [];
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, async (job) => {
        ran.push({ name: job.name, at: Date.now() });
      });
      // Act
      const addedAt = Date.now();
      await q.add('late', null, { delay: 400 });
      await q.add('now', null);
      await waitFor(() => ran.length === 2, 'both jobs');
      // Assert
      expect(ran.map((r) => r.name)).toEqual(['now', 'late']);
      expect(ran[1]!.at - addedAt).toBeGreaterThanOrEqual(400 - SLACK_MS);
    });

    it('When a handler fails twice, then the job is retried with backoff and succeeds on attempt 3', async () => {
      const attempts: { attempt: number; at: number }[] = [];
      let done = false;
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, async (job) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error('platform timeout');
        done = true;
      });
      await q.add('send', null, { attempts: 3, backoffMs: 50 });
      await waitFor(() => done, 'the third attempt');
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      // Exponential: ≥ 50 ms before attempt 2, ≥ 100 ms before attempt 3.
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(50 - SLACK_MS / 2);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(100 - SLACK_MS / 2);
    });

    it('When a handler always fails, then it runs exactly `attempts` times and stops', async () => {
      let calls = 0;
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, async () => {
        calls += 1;
        throw new Error('always down');
      });
      await q.add('send', null, { attempts: 2, backoffMs: 20 });
      await waitFor(() => calls === 2, 'two attempts');
      await sleep(300); // a third attempt would come 40 ms later
      expect(calls).toBe(2);
    });

    it('When a handler throws synchronously, then it is treated as a failed attempt, not a crash', async () => {
      const attempts: number[] = [];
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, ((job: Job<null>) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) throw new Error('sync throw');
        return Promise.resolve();
      }) as (job: Job<null>) => Promise<void>);
      await q.add('x', null, { attempts: 2, backoffMs: 10 });
      await waitFor(() => attempts.length === 2, 'the retry');
      expect(attempts).toEqual([1, 2]);
    });

    it('When a handler throws PermanentJobError, then the job is not retried', async () => {
      let calls = 0;
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, async () => {
        calls += 1;
        throw new PermanentJobError('Zalo -230: no interaction in 7 days', 'CHANNEL.SEND_REJECTED');
      });
      await q.add('send', null, { attempts: 5, backoffMs: 10 });
      await waitFor(() => calls === 1, 'the first attempt');
      await sleep(300); // retries would have come after 10, 20, 40, 80 ms
      expect(calls).toBe(1);
    });

    it('When a handler throws RetryLaterError, then the job reruns after the delay without spending an attempt', async () => {
      // attempts: 1, so any spent attempt would end the job: it must still run three times.
      const runs: { attempt: number; at: number }[] = [];
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, async (job) => {
        runs.push({ attempt: job.attempt, at: Date.now() });
        if (runs.length < 3) throw new RetryLaterError(100);
      });
      await q.add('turn', null, { attempts: 1 });
      await waitFor(() => runs.length === 3, 'three runs');
      await sleep(150);
      expect(runs.map((r) => r.attempt)).toEqual([1, 1, 1]);
      expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(100 - SLACK_MS);
    });

    it('When RetryLaterError follows a real failure, then the attempt count is kept, not reset or spent', async () => {
      const attempts: number[] = [];
      const q = backend.queue<null>(queueName());
      backend.worker<null>(q.name, async (job) => {
        attempts.push(job.attempt);
        if (attempts.length === 1) throw new Error('transient');
        if (attempts.length === 2) throw new RetryLaterError(20);
      });
      await q.add('turn', null, { attempts: 2, backoffMs: 20 });
      await waitFor(() => attempts.length === 3, 'three runs');
      expect(attempts).toEqual([1, 2, 2]);
    });

    it('When concurrency is 1, then jobs run one at a time; with concurrency 3, several overlap', async () => {
      async function maxOverlap(concurrency: number): Promise<number> {
        let active = 0;
        let max = 0;
        let done = 0;
        const q = backend.queue<null>(queueName());
        for (let i = 0; i < 6; i++) await q.add('x', null);
        backend.worker<null>(
          q.name,
          async () => {
            active += 1;
            max = Math.max(max, active);
            await sleep(60);
            active -= 1;
            done += 1;
          },
          { concurrency },
        );
        await waitFor(() => done === 6, 'six jobs');
        return max;
      }
      expect(await maxOverlap(1)).toBe(1);
      const overlap = await maxOverlap(3);
      expect(overlap).toBeGreaterThan(1);
      expect(overlap).toBeLessThanOrEqual(3);
    });

    it('When a limiter allows 5 per 500 ms, then 15 jobs on two workers take at least two windows', async () => {
      // Arrange: two workers on one queue share the limit (BullMQ's limiter is per queue).
      const max = 5;
      const durationMs = 500;
      const starts: number[] = [];
      const q = backend.queue<null>(queueName());
      for (let i = 0; i < 15; i++) await q.add('send', null);
      const handler = async () => {
        starts.push(Date.now());
      };
      backend.worker<null>(q.name, handler, { concurrency: 10, limiter: { max, durationMs } });
      backend.worker<null>(q.name, handler, { concurrency: 10, limiter: { max, durationMs } });
      // Act
      await waitFor(() => starts.length === 15, 'fifteen jobs');
      // Assert: counts per window (unlimited, all 15 would start within a few ms), with slack for
      // the window opening a little before the first handler starts.
      const slack = 2 * SLACK_MS;
      const first = Math.min(...starts);
      const inFirstWindow = starts.filter((t) => t < first + durationMs - slack).length;
      expect(inFirstWindow).toBeLessThanOrEqual(max);
      expect(Math.max(...starts) - first).toBeGreaterThanOrEqual(2 * durationMs - slack);
    });

    it('When a lock is held, then a second lock on the key is refused until it is released', async () => {
      const key = `conversation:${randomUUID()}`;
      const first = await backend.lock(key, 10_000);
      expect(first).toBeDefined();
      expect(await backend.lock(key, 10_000)).toBeUndefined();
      expect(await backend.lock(`${key}-other`, 10_000)).toBeDefined();
      await first!.release();
      const second = await backend.lock(key, 10_000);
      expect(second).toBeDefined();
      await second!.release();
    });

    it('When a lock outlives its TTL, then it can be taken again, and the stale holder cannot release the new one', async () => {
      const key = `conversation:${randomUUID()}`;
      const stale = await backend.lock(key, 150);
      expect(stale).toBeDefined();
      expect(await backend.lock(key, 150)).toBeUndefined();
      await sleep(250);
      const fresh = await backend.lock(key, 10_000);
      expect(fresh).toBeDefined();
      await stale!.release(); // compare-and-delete: must not free the fresh holder's lock
      expect(await backend.lock(key, 10_000)).toBeUndefined();
      await fresh!.release();
    });

    it('When a lease is extended, then it outlives its first TTL; a stale holder cannot extend a lease taken over', async () => {
      const key = `conversation:${randomUUID()}`;
      const lease = await backend.lock(key, 150);
      expect(await lease!.extend(2_000)).toBe(true);
      await sleep(250);
      expect(await backend.lock(key, 150)).toBeUndefined();
      await lease!.release();
      const stale = await backend.lock(key, 100);
      await sleep(200);
      const fresh = await backend.lock(key, 10_000);
      expect(fresh).toBeDefined();
      expect(await stale!.extend(10_000)).toBe(false);
      await fresh!.release();
    });

    it('When the backend closes mid-job, then close waits for the running handler and starts no other', async () => {
      // Arrange
      let started = 0;
      let finished = 0;
      const q = backend.queue<null>(queueName());
      for (let i = 0; i < 3; i++) await q.add('slow', null);
      backend.worker<null>(q.name, async () => {
        started += 1;
        await sleep(200);
        finished += 1;
      });
      await waitFor(() => started === 1, 'the first job to start');
      // Act
      await backend.close();
      // Assert
      expect(finished).toBe(started);
      const startedAtClose = started;
      await sleep(300);
      expect(started).toBe(startedAtClose);
      await expect(q.add('after', null)).rejects.toThrow();
    });

    it('When one worker is closed, then it takes no more jobs', async () => {
      let ran = 0;
      const q = backend.queue<null>(queueName());
      const worker = backend.worker<null>(q.name, async () => {
        ran += 1;
      });
      await q.add('x', null);
      await waitFor(() => ran === 1, 'the first job');
      await worker.close();
      await q.add('y', null);
      await sleep(300);
      expect(ran).toBe(1);
    });
  });
}
