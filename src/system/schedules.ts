import type { ReconcileSource } from '../core/reconcile-pending.js';
import { createDeadlineSweep, type DeadlineSweepDeps } from '../core/ticket-deadlines.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { RetryLaterError, type JobQueue, type QueueBackend, type QueueWorker } from '../ports/queue.js';
import { dataCalendar } from './tickets.js';

/**
 * Recurring jobs on a queue port that has no scheduler: each schedule is a self-rescheduling job, one
 * per time slot, with a deterministic id (`<name>:<slot ISO instant>`). Running a slot first enqueues
 * the next one (delayed until it starts), then does the work, so a failing run does not break the
 * chain. On start every process enqueues the next slot of each schedule (in the system, through the
 * reconciler's start-up pass, once the queues answer): with several processes the
 * duplicate ids make that harmless (one job per slot, run once). On BullMQ the delayed job is kept in
 * Redis across restarts; with the in-process queue the start-up enqueue resumes the chain, and when
 * Redis forgets it (FLUSHALL, a restart without persistence) the reconciler enqueues it again
 * (scheduleReconciler). A slot whose
 * next slot cannot be enqueued (Redis briefly unreachable) is retried shortly instead of failing: a failed
 * job would end the chain until the next process start.
 */

export const SCHEDULE_QUEUE = 'schedules';
/** Delay before a slot whose next slot could not be enqueued runs again. */
export const SCHEDULE_RETRY_MS = 1000;

export interface Schedule {
  /** Job name and id prefix, e.g. `sweep`. */
  name: string;
  /** Slot length; slots are aligned to the epoch (5 minutes: :00, :05, …). */
  everyMs: number;
  /** The work of one slot; `now` is the clock's time when the slot runs. */
  run(now: Date): Promise<unknown>;
}

export interface ScheduleJob {
  schedule: string;
  /** ISO instant the slot starts at. */
  slot: string;
}

/** The start of the first slot strictly after `now`. */
export function nextSlot(now: Date, everyMs: number): Date {
  return new Date((Math.floor(now.getTime() / everyMs) + 1) * everyMs);
}

export function slotJobId(name: string, slot: Date): string {
  return `${name}:${slot.toISOString()}`;
}

/** Enqueues the schedule's next slot after `now` (a no-op if that slot is already queued). */
export async function enqueueNextSlot(queue: JobQueue<ScheduleJob>, schedule: Pick<Schedule, 'name' | 'everyMs'>, now: Date): Promise<Date> {
  const slot = nextSlot(now, schedule.everyMs);
  await queue.add(schedule.name, { schedule: schedule.name, slot: slot.toISOString() }, { jobId: slotJobId(schedule.name, slot), delay: Math.max(0, slot.getTime() - now.getTime()) });
  return slot;
}

export interface ScheduleDeps {
  backend: QueueBackend;
  clock: Clock;
  logger: Logger;
  schedules: readonly Schedule[];
  /** Run the worker here (default true); a web-only process still enqueues the next slots. */
  worker?: boolean;
  /**
   * Enqueue the next slots here (default true). The system leaves it to the reconciler's start-up pass
   * (scheduleReconciler), which waits for the queues to answer: a process started while Redis is down
   * starts anyway and enqueues them once Redis is back.
   */
  enqueue?: boolean;
}

/** Starts the schedules' worker and enqueues the next slot of each; close the returned worker on stop. */
export async function startSchedules(deps: ScheduleDeps): Promise<QueueWorker[]> {
  const queue = deps.backend.queue<ScheduleJob>(SCHEDULE_QUEUE);
  const byName = new Map(deps.schedules.map((s) => [s.name, s]));
  for (const s of deps.schedules) {
    if (!Number.isInteger(s.everyMs) || s.everyMs < 1) throw new RangeError(`schedule ${s.name}: everyMs must be a positive integer`);
  }
  const workers: QueueWorker[] = [];
  if (deps.worker !== false) {
    workers.push(
      deps.backend.worker<ScheduleJob>(SCHEDULE_QUEUE, async (job) => {
        const schedule = byName.get(job.data.schedule);
        if (!schedule) {
          deps.logger.warn({ schedule: job.data.schedule, slot: job.data.slot }, 'job for an unknown schedule ignored');
          return;
        }
        const now = deps.clock.now();
        // The slot after both this one and now: a late run (a restart) does not replay missed slots.
        const after = new Date(Math.max(now.getTime(), Date.parse(job.data.slot)));
        try {
          await enqueueNextSlot(queue, schedule, after);
        } catch (err) {
          deps.logger.warn({ schedule: schedule.name, slot: job.data.slot, err: err instanceof Error ? err.message : String(err) }, 'could not enqueue the next slot; retrying');
          throw new RetryLaterError(SCHEDULE_RETRY_MS);
        }
        const startedAt = performance.now();
        const result = await schedule.run(now);
        deps.logger.debug({ schedule: schedule.name, slot: job.data.slot, ms: performance.now() - startedAt, result }, 'scheduled job ran');
      }),
    );
  }
  if (deps.enqueue !== false) await enqueueNextSlots(queue, deps.schedules, deps.clock.now());
  return workers;
}

/** Enqueues the next slot of every schedule (a no-op for each slot already queued). */
async function enqueueNextSlots(queue: JobQueue<ScheduleJob>, schedules: readonly Schedule[], now: Date): Promise<number> {
  for (const s of schedules) await enqueueNextSlot(queue, s, now);
  return schedules.length;
}

/**
 * The reconciler's source for the schedules (src/core/reconcile-pending.ts): Redis flushed or restarted
 * empty loses the delayed next slot of each chain, and nothing else would enqueue it before the next
 * process start; enqueueing the next slot again is harmless (its id is the slot's: a slot still queued,
 * or already run and kept, is not queued twice).
 */
export function scheduleReconciler(backend: QueueBackend, schedules: readonly Schedule[]): ReconcileSource {
  const queue = backend.queue<ScheduleJob>(SCHEDULE_QUEUE);
  return { name: 'schedules', run: (now) => enqueueNextSlots(queue, schedules, now) };
}

/** The deadline sweep runs every 5 minutes by default. */
export const DEFAULT_SWEEP_EVERY_MS = 5 * 60 * 1000;

export interface DeadlineScheduleOptions {
  /** Sweep period (default 5 minutes). */
  everyMs?: number;
  /** Working days before the due date from which agencies are reminded (default 1). */
  reminderLeadWorkingDays?: number;
}

/**
 * The `sweep` schedule: reminders and escalation over the data folder's holiday calendar (the shipped
 * one when the folder has none), as the ticket service computes due dates.
 */
export function deadlineSchedule(deps: {
  catalogDir: string;
  tickets: DeadlineSweepDeps['tickets'];
  clock: Clock;
  logger: Logger;
  options?: DeadlineScheduleOptions;
}): Schedule {
  const calendar = dataCalendar(deps.catalogDir);
  const lead = deps.options?.reminderLeadWorkingDays;
  const sweep = createDeadlineSweep({
    tickets: deps.tickets,
    calendar,
    clock: deps.clock,
    logger: deps.logger.child({ job: 'deadline-sweep' }),
    ...(lead !== undefined ? { policy: { reminderLeadWorkingDays: lead } } : {}),
  });
  return { name: 'sweep', everyMs: deps.options?.everyMs ?? DEFAULT_SWEEP_EVERY_MS, run: (now) => sweep.sweepDeadlines(now) };
}
