import { AppError } from './errors.js';

/**
 * Working-day arithmetic for ticket deadlines, on the Vietnamese civil-service calendar and in
 * Asia/Ho_Chi_Minh time (UTC+7 all year, no daylight saving, so a fixed offset is exact).
 *
 * A working day is Monday to Friday (the public sector's 40-hour week) unless the holiday calendar
 * lists it as a day off, plus any Saturday or Sunday the calendar lists as a makeup working day
 * (làm bù, when the Government swaps a bridge day to lengthen a holiday).
 *
 * Counting rule, as the Civil Code counts periods in days (Bộ luật Dân sự 2015, Điều 147–148): the
 * day of receipt never counts, whatever the hour; counting starts the next day, skips days off, and
 * the deadline is the end (23:59:59.999 local) of the n-th working day. So a question received at
 * 08:00 or at 23:00 on the same local day has the same deadline, and one received on a Saturday or
 * during Tết starts counting on the first working day after. Only the local date matters: 00:30 on
 * Tuesday in Hà Nội is still Monday in UTC, and belongs to Tuesday here.
 *
 * The calendar covers a set of years; reaching a date outside them throws `CALENDAR.OUT_OF_RANGE`
 * instead of guessing, so a deployment with an outdated holiday file fails loudly in tests and logs.
 */

/** Asia/Ho_Chi_Minh is UTC+7 and has had no daylight saving since 1975. */
export const VIETNAM_UTC_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Local calendar date `YYYY-MM-DD`. */
export type LocalDate = string;

/** Which days are off and which weekend days are worked, for the years it covers. */
export interface WorkingCalendar {
  readonly years: ReadonlySet<number>;
  /** Holidays and the days of each official break (may include weekend days). */
  readonly daysOff: ReadonlySet<LocalDate>;
  /** Saturdays or Sundays worked in exchange for a bridge day off. */
  readonly makeupWorkingDays: ReadonlySet<LocalDate>;
}

/** One year of calendar data, as the knowledge loader passes it in. */
export interface CalendarYear {
  daysOff: readonly LocalDate[];
  makeupWorkingDays: readonly LocalDate[];
}

/** Builds a calendar from per-year lists (validated by the caller: knowledge/calendar). */
export function createWorkingCalendar(years: Readonly<Record<number, CalendarYear>>): WorkingCalendar {
  const entries = Object.entries(years);
  return {
    years: new Set(entries.map(([year]) => Number(year))),
    daysOff: new Set(entries.flatMap(([, y]) => y.daysOff)),
    makeupWorkingDays: new Set(entries.flatMap(([, y]) => y.makeupWorkingDays)),
  };
}

/** The local (UTC+7) date of an instant. */
export function localDateOf(instant: Date): LocalDate {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  return new Date(time + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight UTC of a local date: only for weekday and day arithmetic, never an instant of the day. */
function dateValue(date: LocalDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(dateValue(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a local date, as an instant: the moment a deadline on that date ends. */
export function endOfLocalDay(date: LocalDate): Date {
  return new Date(dateValue(date) + DAY_MS - VIETNAM_UTC_OFFSET_MS - 1);
}

/** Day of the week of a local date: 0 Sunday … 6 Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(dateValue(date)).getUTCDay();
}

/** Whether public offices work on this local date. Throws `CALENDAR.OUT_OF_RANGE` outside the calendar. */
export function isWorkingDay(date: LocalDate, calendar: WorkingCalendar): boolean {
  const year = Number(date.slice(0, 4));
  if (!calendar.years.has(year)) {
    const covered = [...calendar.years].sort((a, b) => a - b);
    throw new AppError('CALENDAR.OUT_OF_RANGE', `The holiday calendar does not cover ${year} (it covers ${covered.join(', ') || 'no year'}).`, {
      details: { year, covered },
    });
  }
  if (calendar.makeupWorkingDays.has(date)) return true;
  if (calendar.daysOff.has(date)) return false;
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6;
}

/**
 * The deadline `n` working days after receipt: the end of the n-th working day, counting from the
 * day after the local date of `received` (see the rule above). `n` is a positive integer.
 */
export function addWorkingDays(received: Date, n: number, calendar: WorkingCalendar): Date {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a positive integer, got ${n}`);
  let date = localDateOf(received);
  for (let counted = 0; counted < n; ) {
    date = addDays(date, 1);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return endOfLocalDay(date);
}

/**
 * Working days after the local date of `from` up to and including the local date of `to` (negative
 * when `to` is earlier), so `workingDaysBetween(r, addWorkingDays(r, n)) === n`. For reports of how
 * long an agency took; whether an answer was late is decided by comparing with the due instant.
 */
export function workingDaysBetween(from: Date, to: Date, calendar: WorkingCalendar): number {
  const start = localDateOf(from);
  const end = localDateOf(to);
  if (end < start) return -workingDaysBetween(to, from, calendar);
  let count = 0;
  for (let date = addDays(start, 1); date <= end; date = addDays(date, 1)) {
    if (isWorkingDay(date, calendar)) count += 1;
  }
  return count;
}
