import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { createDeadlineSweep, type DeadlineSweep } from '../../src/core/ticket-deadlines.js';
import { toInboxTicket } from '../../src/core/ticket-inbox.js';
import { createTicket, transition, type Ticket } from '../../src/domain/ticket.js';
import { generate as generateTrackingCode } from '../../src/domain/tracking-code.js';
import { addWorkingDays, type WorkingCalendar } from '../../src/domain/working-days.js';
import { createLogger } from '../../src/logging/logger.js';
import type { Clock } from '../../src/ports/clock.js';
import type { JobOptions, JobQueue, QueueBackend, QueueWorker } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createLocalBackend } from '../../src/queue/local/index.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { deadlineSchedule, enqueueNextSlot, startSchedules, type ScheduleJob } from '../../src/system/schedules.js';
import { eventually } from './helpers.js';

/**
 * Deadline reminders and escalation over the real embedded store, the shipped holiday calendar and
 * a clock the test sets; the scheduler over the real in-process queue, including a restart.
 */
const logger = createLogger({ logLevel: 'silent' });
const calendar: WorkingCalendar = loadHolidayCalendar().calendar;
let store: Store;
let dataDir: string;
let current: Date;
const clock: Clock = { now: () => new Date(current) };
let seq = 0;

const at = (iso: string) => new Date(iso);

/** An assigned question received at `received`, due 5 working days later over the real calendar. */
async function assignedTicket(received: Date): Promise<Ticket> {
  seq += 1;
  const ticket = createTicket({
    id: `t-${seq}`,
    code: generateTrackingCode(),
    kind: 'question',
    agencyId: 'so-tu-phap',
    conversationId: `webchat:portal:u-${seq}`,
    question: 'Câu hỏi thử',
    consent: { forward: true, publish: false },
    dueAt: addWorkingDays(received, 5, calendar),
    at: received,
  });
  const assigned = transition(ticket, 'assign', { kind: 'system' }, new Date(received.getTime() + 1));
  await store.tickets.insert(assigned);
  return assigned;
}

async function reload(id: string): Promise<Ticket> {
  const t = await store.tickets.get(id);
  if (!t) throw new Error(`no ticket ${id}`);
  return t;
}

function sweeper(): DeadlineSweep {
  return createDeadlineSweep({ tickets: store.tickets, calendar, clock, logger });
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'deadlines-'));
  store = createNedbStore({ dataDir });
  await store.init();
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sweepDeadlines', () => {
  it('reminds the agency once, the working day before the due date', async () => {
    const ticket = await assignedTicket(at('2026-03-09T10:00:00+07:00'));
    expect(ticket.dueAt.toISOString()).toBe(at('2026-03-16T23:59:59.999+07:00').toISOString());
    const sweep = sweeper();

    current = at('2026-03-12T17:00:00+07:00'); // Thursday: two working days left
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 0, overdue: 0 });

    current = at('2026-03-13T08:00:00+07:00'); // Friday, the working day before Monday's deadline
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 1, overdue: 0 });
    const reminded = await reload(ticket.id);
    current = at('2026-03-13T08:05:00+07:00');
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 0, overdue: 0 });

    const after = await reload(ticket.id);
    expect(after).toEqual(reminded);
    expect(after.status).toBe('assigned');
    expect(after.remindedAt?.toISOString()).toBe(at('2026-03-13T08:00:00+07:00').toISOString());
    expect(after.timeline.filter((e) => e.action === 'remind')).toHaveLength(1);
    expect(after.timeline.at(-1)).toMatchObject({ action: 'remind', actor: { kind: 'system' } });
    expect(toInboxTicket(after, { role: 'staff', agencyId: 'so-tu-phap', disabled: false }).remindedAt).toBe(after.remindedAt?.toISOString());
  });

  it('marks a ticket past due overdue once, for the coordinator, and a second sweep changes nothing', async () => {
    const ticket = await assignedTicket(at('2026-03-09T10:00:00+07:00'));
    const sweep = sweeper();
    current = at('2026-03-17T08:00:00+07:00');
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 0, overdue: 1 });
    const overdue = await reload(ticket.id);
    expect(overdue.status).toBe('overdue');
    expect(overdue.overdueAt?.toISOString()).toBe(current.toISOString());
    expect(overdue.timeline.filter((e) => e.action === 'markOverdue')).toEqual([
      expect.objectContaining({ actor: { kind: 'system' }, from: 'assigned', to: 'overdue' }),
    ]);
    // Never reminded after the deadline passed.
    expect(overdue.timeline.some((e) => e.action === 'remind')).toBe(false);

    current = at('2026-03-17T08:05:00+07:00');
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 0, overdue: 0 });
    expect(await reload(ticket.id)).toEqual(overdue);
    // The coordinator's inbox query for overdue tickets lists it.
    expect((await store.tickets.find({ status: ['overdue'], limit: 10 })).map((t) => t.id)).toEqual([ticket.id]);
  });

  it('counts working days over the real calendar across Tết 2026', async () => {
    // Received Monday 9 Feb: 10, 11, 12, 13 Feb, then Tết (14–22 Feb), then Monday 23 Feb.
    const ticket = await assignedTicket(at('2026-02-09T10:00:00+07:00'));
    expect(ticket.dueAt.toISOString()).toBe(at('2026-02-23T23:59:59.999+07:00').toISOString());
    const sweep = sweeper();

    current = at('2026-02-12T16:00:00+07:00');
    expect((await sweep.sweepDeadlines(clock.now())).reminded).toBe(0);
    current = at('2026-02-13T09:00:00+07:00'); // the last working day before Tết is the day before the due date
    expect((await sweep.sweepDeadlines(clock.now())).reminded).toBe(1);
    current = at('2026-02-22T09:00:00+07:00');
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 0, overdue: 0 });
    current = at('2026-02-23T23:00:00+07:00');
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 0, overdue: 0 });
    current = at('2026-02-24T00:00:01+07:00');
    expect(await sweep.sweepDeadlines(clock.now())).toEqual({ reminded: 0, overdue: 1 });
    const t = await reload(ticket.id);
    expect(t.timeline.map((e) => e.action)).toEqual(['create', 'assign', 'remind', 'markOverdue']);
  });

  it('reminds again for a new deadline after a reopen', async () => {
    const ticket = await assignedTicket(at('2026-03-09T10:00:00+07:00'));
    current = at('2026-03-13T08:00:00+07:00');
    await sweeper().sweepDeadlines(clock.now());
    const answered = transition(await reload(ticket.id), 'answer', { kind: 'staff', id: 's' }, at('2026-03-13T09:00:00+07:00'), { text: 'Trả lời' });
    const delivered = transition(answered, 'deliver', { kind: 'system' }, at('2026-03-13T09:01:00+07:00'));
    const reopened = transition(delivered, 'reopen', { kind: 'citizen' }, at('2026-03-16T09:00:00+07:00'), { dueAt: addWorkingDays(at('2026-03-16T09:00:00+07:00'), 5, calendar) });
    expect(await store.tickets.replace(reopened, (await reload(ticket.id)).updatedAt)).toBe(true);
    current = at('2026-03-20T08:00:00+07:00'); // Friday before the new Monday 23 March deadline
    expect((await sweeper().sweepDeadlines(clock.now())).reminded).toBe(1);
    expect((await reload(ticket.id)).timeline.filter((e) => e.action === 'remind')).toHaveLength(2);
  });
});

describe('the sweep schedule', () => {
  it('enqueues the next slot with a deterministic id and the delay until it starts', async () => {
    const added: Array<{ name: string; data: ScheduleJob; options?: JobOptions }> = [];
    const queue: JobQueue<ScheduleJob> = { name: 'schedules', add: async (name, data, options) => void added.push({ name, data, ...(options ? { options } : {}) }) };
    const slot = await enqueueNextSlot(queue, { name: 'sweep', everyMs: 5 * 60_000 }, at('2026-03-09T10:02:30+07:00'));
    expect(slot.toISOString()).toBe('2026-03-09T03:05:00.000Z');
    expect(added).toEqual([
      { name: 'sweep', data: { schedule: 'sweep', slot: '2026-03-09T03:05:00.000Z' }, options: { jobId: 'sweep:2026-03-09T03:05:00.000Z', delay: 150_000 } },
    ]);
    // Exactly on a slot boundary, the next slot is the following one.
    expect((await enqueueNextSlot(queue, { name: 'sweep', everyMs: 5 * 60_000 }, at('2026-03-09T10:05:00+07:00'))).toISOString()).toBe('2026-03-09T03:10:00.000Z');
  });

  it('keeps sweeping by rescheduling itself, and resumes after a restart over the same store', async () => {
    // Real time moves on, shifted into the test's scenario.
    const offset = at('2026-03-17T08:00:00+07:00').getTime() - Date.now();
    const moving: Clock = { now: () => new Date(Date.now() + offset) };
    let runs = 0;
    const start = async (backend: QueueBackend): Promise<QueueWorker[]> => {
      const sweep = deadlineSchedule({ catalogDir: dataDir, tickets: store.tickets, clock: moving, logger, options: { everyMs: 100 } });
      return startSchedules({
        backend,
        clock: moving,
        logger,
        schedules: [{ ...sweep, run: async (now) => ((runs += 1), sweep.run(now)) }],
      });
    };

    const first = await assignedTicket(at('2026-03-09T10:00:00+07:00'));
    const backendA = createLocalBackend({ logger });
    const workersA = await start(backendA);
    await eventually(async () => expect((await reload(first.id)).status).toBe('overdue'), 30_000);
    await eventually(() => expect(runs).toBeGreaterThanOrEqual(3), 30_000);
    await Promise.all(workersA.map((w) => w.close()));
    await backendA.close();

    // While nothing runs: one ticket falls due, another needs its reminder.
    const second = await assignedTicket(at('2026-03-09T11:00:00+07:00'));
    const third = await assignedTicket(at('2026-03-13T10:00:00+07:00')); // due Friday 20 March
    const backendB = createLocalBackend({ logger });
    const workersB = await start(backendB);
    try {
      await eventually(async () => expect((await reload(second.id)).status).toBe('overdue'), 30_000);
      // The third is not yet in its reminder window on 17 March.
      expect((await reload(third.id)).remindedAt).toBeUndefined();
      const t1 = await reload(first.id);
      expect(t1.timeline.filter((e) => e.action === 'markOverdue')).toHaveLength(1);
    } finally {
      await Promise.all(workersB.map((w) => w.close()));
      await backendB.close();
    }
  });
});
