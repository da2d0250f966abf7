import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/domain/message.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { createLogger } from '../../src/logging/logger.js';
import type { Clock } from '../../src/ports/clock.js';
import { fromBullJobId } from '../../src/queue/bullmq/job-id.js';
import { startSystem, type RunningSystem } from '../../src/system/index.js';
import type { JobOptions, JobQueue, QueueBackend } from '../../src/ports/queue.js';
import { createLocalBackend } from '../../src/queue/local/index.js';
import { SCHEDULE_QUEUE, startSchedules, type ScheduleJob } from '../../src/system/schedules.js';
import { eventually } from './helpers.js';
import { deleteRedisKeys, redisBaseUrl } from './system-harness.js';
import { CHEAP_SCRYPT, testConfig } from './test-system.js';

/**
 * The deadline sweep as the running system schedules it (startSystem, a short sweep period, a clock the
 * test moves), on BullMQ with the real Redis and on the in-process queue: a ticket past its deadline is
 * marked overdue by the scheduled job, not by a direct call; then the system is stopped, time passes
 * (a slot is missed), and a new system over the same DATA_DIR (and the same Redis prefix) continues the
 * schedule: the next slots run, a ticket that fell due meanwhile is escalated, and Redis holds one
 * delayed job for the next slot at any time, never a second chain.
 */

/** Sweep period: short, so a few slots pass in a second. */
const EVERY_MS = 250;
const at = (iso: string) => new Date(iso).getTime();

/** Real time, shifted to the scenario's date; `jumpTo` moves the shift (time keeps running from there). */
function movingClock(start: string): Clock & { jumpTo(iso: string): void } {
  let offset = at(start) - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    jumpTo(iso) {
      offset = at(iso) - Date.now();
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Scenario {
  clock: ReturnType<typeof movingClock>;
  boot(): Promise<RunningSystem>;
  stop(): Promise<void>;
  live(): RunningSystem;
  ticket(id: string): Promise<Ticket>;
}

function scenario(redis?: { url: string; prefix: string }): Scenario {
  const dataDir = mkdtempSync(join(tmpdir(), 'ticket-sweep-'));
  const sessionSecret = randomUUID() + randomUUID();
  // Monday 16 March 2026, 09:00 in Hà Nội: no holiday in the following two weeks.
  const clock = movingClock('2026-03-16T09:00:00+07:00');
  let system: RunningSystem | undefined;
  const s: Scenario = {
    clock,
    async boot() {
      const config = testConfig(dataDir, { SESSION_SECRET: sessionSecret, ...(redis ? { REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix } : {}) });
      expect(config.redisUrl).toBe(redis?.url);
      system = await startSystem({ config, logger: createLogger(config), clock, listen: false, passwordParams: CHEAP_SCRYPT, deadlines: { everyMs: EVERY_MS } });
      return system;
    },
    async stop() {
      const running = system;
      system = undefined;
      await running?.stop();
    },
    live() {
      expect(system).toBeDefined();
      return system!;
    },
    async ticket(id) {
      const t = await s.live().store.tickets.get(id);
      expect(t).toBeDefined();
      return t!;
    },
  };
  cleanups.push(async () => {
    await s.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (redis) await deleteRedisKeys(redis.url, `${redis.prefix}:*`);
  });
  return s;
}

let visitor = 0;
function openQuestion(system: RunningSystem): Promise<Ticket> {
  visitor += 1;
  return system.tickets.openTicket({
    conversationId: conversationKey('webchat', 'portal', `sweep-${visitor}`),
    kind: 'question',
    question: 'Đăng ký khai sinh cho con cần giấy tờ gì?',
    consent: { forward: true, publish: false },
    procedureId: 'dang-ky-khai-sinh',
  });
}

const actions = (t: Ticket) => t.timeline.map((e) => e.action);

/**
 * The shared story. `observe` is called at quiet points with the clock's time; the BullMQ variant checks
 * Redis there. Returns when the restarted system has escalated the second ticket.
 */
async function sweepAcrossRestart(s: Scenario, observe: (phase: string) => Promise<void>): Promise<void> {
  await s.boot();
  // Two questions, opened on Monday 16 and Friday 20 March: due at the end of Monday 23 and Friday 27.
  const first = await openQuestion(s.live());
  expect(first.dueAt.toISOString()).toBe(new Date('2026-03-23T23:59:59.999+07:00').toISOString());
  s.clock.jumpTo('2026-03-20T09:00:00+07:00');
  const second = await openQuestion(s.live());
  expect(second.dueAt.toISOString()).toBe(new Date('2026-03-27T23:59:59.999+07:00').toISOString());

  // Friday 20 March is the working day before the first one's deadline: a scheduled sweep reminds.
  await eventually(async () => expect((await s.ticket(first.id)).remindedAt).toBeDefined(), 30_000);
  expect((await s.ticket(first.id)).status).toBe('assigned');

  // Tuesday 24 March: the first is past due and a scheduled sweep escalates it; the second is not.
  s.clock.jumpTo('2026-03-24T09:00:00+07:00');
  await eventually(async () => expect((await s.ticket(first.id)).status).toBe('overdue'), 30_000);
  const escalated = await s.ticket(first.id);
  expect(actions(escalated)).toEqual(['create', 'assign', 'remind', 'markOverdue']);
  expect(escalated.timeline.at(-1)).toMatchObject({ actor: { kind: 'system' }, from: 'assigned', to: 'overdue' });
  expect(escalated.overdueAt!.getTime()).toBeGreaterThanOrEqual(at('2026-03-24T09:00:00+07:00'));
  expect((await s.ticket(second.id)).status).toBe('assigned');
  await observe('before the stop');

  // Stopped long enough for a slot to pass unseen; meanwhile the calendar reaches Monday 30 March.
  await s.stop();
  s.clock.jumpTo('2026-03-30T09:00:00+07:00');
  await observe('while stopped');
  await new Promise((r) => setTimeout(r, 3 * EVERY_MS));

  await s.boot();
  await eventually(async () => expect((await s.ticket(second.id)).status).toBe('overdue'), 30_000);
  const late = await s.ticket(second.id);
  expect(late.timeline.filter((e) => e.action === 'markOverdue')).toHaveLength(1);
  expect(late.overdueAt!.getTime()).toBeGreaterThanOrEqual(at('2026-03-30T09:00:00+07:00'));
  // The first was escalated once, across both systems.
  expect(actions(await s.ticket(first.id))).toEqual(['create', 'assign', 'remind', 'markOverdue']);
  await observe('after the restart');
}

describe('the deadline sweep scheduled by the running system', () => {
  it('escalates by the scheduled job and continues after a restart with one delayed job per slot (BullMQ on Redis)', async () => {
    const url = redisBaseUrl();
    const prefix = `sweep${randomUUID().slice(0, 8)}`;
    const s = scenario({ url, prefix });
    const queue = new Queue<ScheduleJob>(SCHEDULE_QUEUE, { connection: { url, maxRetriesPerRequest: 1 }, prefix });
    cleanups.push(() => queue.close());

    const slotOf = (id: string | undefined) => {
      const port = fromBullJobId(id ?? '');
      expect(port).toMatch(/^sweep:/);
      return port.slice('sweep:'.length);
    };
    // The schedules queue also carries the handoff sweep's chain: only the deadline sweep's jobs are looked at.
    const sweepJobs = <J extends { name: string }>(jobs: J[]) => jobs.filter((j) => j.name === 'sweep');
    const counts = async () => {
      const [delayed, wait, active, failed, prioritized] = await Promise.all([queue.getDelayed(), queue.getWaiting(), queue.getActive(), queue.getFailed(), queue.getPrioritized()]);
      return { delayed: sweepJobs(delayed).length, wait: sweepJobs(wait).length, active: sweepJobs(active).length, failed: sweepJobs(failed).length, prioritized: sweepJobs(prioritized).length };
    };
    const completedSlots = async () => sweepJobs(await queue.getCompleted(0, -1)).map((j) => slotOf(j.id));
    /** Samples the queue a few times over two periods: one delayed job (the next slot) at most, no failures. */
    const oneChain = async (phase: string) => {
      let sawNext = 0;
      for (let i = 0; i < 8; i += 1) {
        const now = await counts();
        const n = (state: keyof typeof now) => now[state];
        expect(n('delayed'), `${phase}: delayed jobs`).toBeLessThanOrEqual(1);
        // At most the slot running now and the next one.
        expect(n('delayed') + n('wait') + n('active') + n('prioritized'), `${phase}: jobs not done`).toBeLessThanOrEqual(2);
        expect(n('failed'), `${phase}: failed jobs`).toBe(0);
        for (const job of sweepJobs(await queue.getDelayed())) {
          // The slot it waits for is on the period's grid, next after the clock's now (or just reached).
          const slot = Date.parse(job.data.slot);
          expect(slotOf(job.id)).toBe(job.data.slot);
          expect(slot % EVERY_MS).toBe(0);
          expect(slot - s.clock.now().getTime()).toBeLessThanOrEqual(EVERY_MS);
          sawNext += 1;
        }
        await new Promise((r) => setTimeout(r, EVERY_MS / 4));
      }
      expect(sawNext, `${phase}: the next slot was waiting`).toBeGreaterThan(0);
    };

    let stoppedWith: { delayed: string[]; completed: string[] } | undefined;
    await sweepAcrossRestart(s, async (phase) => {
      if (phase === 'before the stop') {
        await oneChain(phase);
        return;
      }
      if (phase === 'while stopped') {
        // Nothing runs, and the chain's next slot is kept in Redis: exactly one delayed job.
        expect(await counts()).toEqual({ delayed: 1, wait: 0, active: 0, failed: 0, prioritized: 0 });
        stoppedWith = { delayed: sweepJobs(await queue.getDelayed()).map((j) => slotOf(j.id)), completed: await completedSlots() };
        return;
      }
      // After the restart: new slots keep completing, each slot once, and still one chain.
      const before = stoppedWith!;
      await eventually(async () => expect((await completedSlots()).filter((x) => !before.completed.includes(x)).length).toBeGreaterThanOrEqual(4), 30_000);
      await oneChain(phase);
      const all = await completedSlots();
      expect(new Set(all).size).toBe(all.length);
      const after = all.filter((x) => !before.completed.includes(x)).sort();
      // The slot kept in Redis over the stop ran (late, once); every later one is on the new clock's days.
      expect(after[0]).toBe(before.delayed[0]);
      for (const slot of after.slice(1)) expect(Date.parse(slot)).toBeGreaterThan(at('2026-03-30T09:00:00+07:00'));
      // Since the restart, distinct slots of the period's grid, in order (a late run may skip one, never repeat one).
      const fresh = after.slice(1).map((x) => Date.parse(x));
      for (const [i, slot] of fresh.entries()) {
        expect(slot % EVERY_MS).toBe(0);
        if (i > 0) expect(slot - fresh[i - 1]!).toBeGreaterThanOrEqual(EVERY_MS);
      }
      for (const job of sweepJobs(await queue.getCompleted(0, -1))) expect(job.attemptsMade).toBeLessThanOrEqual(1);
    });
  }, 30_000);

  it('escalates by the scheduled job and continues after a restart (in-process queue)', async () => {
    const s = scenario();
    await sweepAcrossRestart(s, async () => undefined);
  }, 30_000);
});

describe('the schedule chain', () => {
  it('survives a failed enqueue of the next slot: the slot is retried instead of ending the chain', async () => {
    // The real in-process queue; its schedules queue refuses one add, as Redis would when briefly unreachable.
    const local = createLocalBackend({ logger: createLogger({ logLevel: 'silent' }) });
    let adds = 0;
    const flaky: QueueBackend = {
      ...local,
      queue<T>(name: string): JobQueue<T> {
        const queue = local.queue<T>(name);
        if (name !== SCHEDULE_QUEUE) return queue;
        return {
          name,
          async add(jobName: string, data: T, options?: JobOptions) {
            adds += 1;
            // The first add is the start-up one; the second is the first run's enqueue of its next slot.
            if (adds === 2) throw new Error('connection lost');
            return queue.add(jobName, data, options);
          },
        };
      },
    };
    const runs: string[] = [];
    const clock = movingClock('2026-03-16T09:00:00+07:00');
    const workers = await startSchedules({
      backend: flaky,
      clock,
      logger: createLogger({ logLevel: 'silent' }),
      schedules: [{ name: 'sweep', everyMs: 100, run: async (now) => void runs.push(now.toISOString()) }],
    });
    try {
      await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(3), 30_000);
      expect(adds).toBeGreaterThanOrEqual(4);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await local.close();
    }
  });
});
