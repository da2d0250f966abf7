import { AppError } from '../domain/errors.js';
import { type Actor, recordReminder, REMINDABLE_STATUSES, type Ticket, type TicketStatus, transition, TRANSITIONS } from '../domain/ticket.js';
import { endOfLocalDay, isWorkingDay, localDateOf, type LocalDate, type WorkingCalendar } from '../domain/working-days.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { TicketRepo } from '../ports/store.js';
import { updateTicket } from './tickets.js';

/**
 * Deadlines as a use case: the sweep the scheduler runs (system/schedules.ts, every 5 minutes).
 *
 *  - Reminder: an assigned or reopened ticket whose deadline is near (from the start of the working
 *    day that lies `reminderLeadWorkingDays` working days before the due date, 1 by default) gets one
 *    `remind` event on its timeline and `remindedAt`, which the agency's inbox shows. One per
 *    deadline: a new deadline (reopen, reassignment) makes the ticket remindable again.
 *  - Escalation: a ticket past its due instant and not answered (received, assigned, reopened) is
 *    marked overdue (`markOverdue` by the system, `overdueAt` set): the coordinator's inbox lists
 *    overdue tickets, and only the coordinator can reroute them.
 *
 * Idempotent: a ticket already reminded or already overdue is left alone, and every write goes
 * through optimistic concurrency, so two sweeps at once (two processes) write each change once.
 */

export interface DeadlinePolicy {
  /** Working days before the due date from which the agency is reminded (default 1). */
  reminderLeadWorkingDays: number;
}

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = { reminderLeadWorkingDays: 1 };

export interface DeadlineSweepDeps {
  tickets: Pick<TicketRepo, 'find' | 'get' | 'replace'>;
  calendar: WorkingCalendar;
  clock: Clock;
  logger: Logger;
  policy?: Partial<DeadlinePolicy>;
  /** Tickets read per query (default 500). */
  batchSize?: number;
}

export interface SweepResult {
  reminded: number;
  overdue: number;
}

const SYSTEM: Actor = { kind: 'system' };
const DAY_MS = 24 * 60 * 60 * 1000;
/** Statuses markOverdue applies to: open and not answered. */
const ESCALATABLE = TRANSITIONS.markOverdue.from;
/** Batches of overdue tickets per sweep at most (the rest waits for the next slot). */
const MAX_BATCHES = 20;
/** Calendar days that always cover `lead` working days, Tết included. */
const lookaheadDays = (lead: number) => lead * 3 + 14;

function previousDate(date: LocalDate): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - DAY_MS).toISOString().slice(0, 10);
}

/** Start (local midnight) of a local date, as an instant. */
function startOfLocalDay(date: LocalDate): Date {
  return new Date(endOfLocalDay(date).getTime() + 1 - DAY_MS);
}

/**
 * When reminders for a deadline start: the start of the working day `lead` working days before the
 * local date of `dueAt`. Outside the calendar's years it falls back to `lead` calendar days.
 */
export function reminderStart(dueAt: Date, lead: number, calendar: WorkingCalendar): Date {
  let date = localDateOf(dueAt);
  try {
    for (let counted = 0; counted < lead; ) {
      date = previousDate(date);
      if (isWorkingDay(date, calendar)) counted += 1;
    }
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'CALENDAR.OUT_OF_RANGE') throw err;
    date = localDateOf(dueAt);
    for (let i = 0; i < lead; i += 1) date = previousDate(date);
  }
  return startOfLocalDay(date);
}

/** Whether the ticket should be reminded now: open for the agency, near its deadline, not yet reminded for it. */
export function needsReminder(ticket: Ticket, now: Date, lead: number, calendar: WorkingCalendar): boolean {
  if (!REMINDABLE_STATUSES.includes(ticket.status) || now.getTime() > ticket.dueAt.getTime()) return false;
  const from = reminderStart(ticket.dueAt, lead, calendar);
  if (now.getTime() < from.getTime()) return false;
  return ticket.remindedAt === undefined || ticket.remindedAt.getTime() < from.getTime();
}

export function createDeadlineSweep(deps: DeadlineSweepDeps) {
  const lead = deps.policy?.reminderLeadWorkingDays ?? DEFAULT_DEADLINE_POLICY.reminderLeadWorkingDays;
  if (!Number.isInteger(lead) || lead < 1) throw new RangeError(`reminder lead must be a positive whole number of working days, got ${lead}`);
  const batch = deps.batchSize ?? 500;

  async function find(status: readonly TicketStatus[], dueBefore: Date, limit: number): Promise<Ticket[]> {
    return deps.tickets.find({ status: [...status], dueBefore, limit });
  }

  /** Applies `change` if `applies` still holds on the fresh ticket; returns whether it wrote. */
  async function apply(ticket: Ticket, now: Date, applies: (t: Ticket, at: Date) => boolean, change: (t: Ticket, at: Date) => Ticket): Promise<boolean> {
    let wrote = false;
    try {
      await updateTicket(deps.tickets, ticket.id, (t, at) => {
        wrote = false;
        if (!applies(t, at)) return t;
        wrote = true;
        return change(t, at);
      }, now);
    } catch (err) {
      wrote = false;
      deps.logger.error({ ticketId: ticket.id, err: err instanceof Error ? err.message : String(err) }, 'deadline sweep could not update a ticket');
    }
    return wrote;
  }

  return {
    /** One pass at `now` (the clock's by default): reminders first, then escalation of overdue tickets. */
    async sweepDeadlines(now: Date = deps.clock.now()): Promise<SweepResult> {
      const result: SweepResult = { reminded: 0, overdue: 0 };

      // Reminders: tickets due within the lookahead, filtered by the working-day rule. Already reminded
      // ones stay in the result, so the limit is generous rather than paged.
      const horizon = new Date(now.getTime() + lookaheadDays(lead) * DAY_MS);
      const upcoming = await find(REMINDABLE_STATUSES, horizon, batch * 20);
      for (const ticket of upcoming) {
        if (!needsReminder(ticket, now, lead, deps.calendar)) continue;
        const ok = await apply(
          ticket,
          now,
          (t) => needsReminder(t, now, lead, deps.calendar),
          (t, at) => recordReminder(t, at),
        );
        if (ok) {
          result.reminded += 1;
          deps.logger.info({ ticketId: ticket.id, agencyId: ticket.agencyId, dueAt: ticket.dueAt.toISOString() }, 'agency reminded of a coming deadline');
        }
      }

      // Escalation: marked tickets leave these statuses, so batches shrink until none is left.
      for (let i = 0; i < MAX_BATCHES; i += 1) {
        const due = await find(ESCALATABLE, now, batch);
        let marked = 0;
        for (const ticket of due) {
          const ok = await apply(
            ticket,
            now,
            (t, at) => ESCALATABLE.includes(t.status) && at.getTime() > t.dueAt.getTime(),
            (t, at) => transition(t, 'markOverdue', SYSTEM, at),
          );
          if (ok) {
            marked += 1;
            deps.logger.warn({ ticketId: ticket.id, agencyId: ticket.agencyId, dueAt: ticket.dueAt.toISOString() }, 'ticket overdue: escalated to the coordinator');
          }
        }
        result.overdue += marked;
        if (due.length < batch || marked === 0) break;
      }
      return result;
    },
  };
}

export type DeadlineSweep = ReturnType<typeof createDeadlineSweep>;
