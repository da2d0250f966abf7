import { type LocalDate, type WorkingCalendar, endOfLocalDay, localDateOf, weekdayOf } from './working-days.js';

/**
 * The hotline operators' opening hours (OPERATOR_HOURS), so the handoff knows whether a person can
 * take a conversation now, when one next can, and what to tell a citizen who asks out of hours.
 *
 * Format, case-insensitive:
 * - `24/7`: always open, public holidays included;
 * - otherwise one or more `;`-separated groups `<days> <ranges>`:
 *   - days: `mon` … `sun`, a forward range `mon-fri`, or a comma list of either (`mon,wed`, `mon-wed,fri`);
 *   - ranges: comma-separated `HH:MM-HH:MM` in 24 h time, the end after the start; `24:00` may end a
 *     range (midnight); a range includes its start minute and excludes its end (`07:30-11:30` is open
 *     at 07:30, closed at 11:30).
 *   Example and default: `mon-fri 07:30-11:30,13:30-17:00` (Vietnamese office hours).
 *   A day named in several groups is open during any of their ranges.
 *
 * Times are Asia/Ho_Chi_Minh wall-clock times (UTC+7 all year, no daylight saving, so a fixed offset
 * is exact; instants come from the helpers of working-days.ts). Days off of the holiday calendar
 * (holidays and official breaks) are closed whatever the groups say, unless the spec is `24/7`. A makeup working day (a Saturday worked
 * in exchange for a bridge day) does NOT open the hotline: only the days the spec lists open, so an
 * operator team working such a Saturday lists it in its own group or stays closed that day.
 *
 * Unlike ticket deadlines, a date outside the calendar's years is not an error here: it counts as an
 * ordinary day (open per the weekly hours), so an outdated holiday file never stops a live handoff;
 * the deadline code fails loudly on the same gap (`CALENDAR.OUT_OF_RANGE`).
 */

/** The spec that applies when OPERATOR_HOURS is unset. */
export const DEFAULT_OPERATOR_HOURS = 'mon-fri 07:30-11:30,13:30-17:00';

/** How far ahead `nextOpening` looks, in local days (Tết breaks last about 9). */
export const NEXT_OPENING_SEARCH_DAYS = 60;

/**
 * Every citizen-facing word this module uses (Vietnamese), in one place. Weekday names are indexed
 * like `Date.getUTCDay()`: 0 is Sunday.
 */
export const OPERATOR_HOURS_WORDS_VI = {
  weekdays: ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'],
  /** Between the first and the last day of a run: "thứ Hai đến thứ Sáu". */
  through: 'đến',
  /** Before the last item of a list: "7:30–11:30 và 13:30–17:00". */
  and: 'và',
  exceptHolidays: '(trừ ngày lễ)',
  alwaysOpen: '24/7',
} as const;

/** Day of the week as `Date.getUTCDay()` and `weekdayOf` number it: 0 Sunday … 6 Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Minutes after local midnight: `from` open, `to` already closed (1440 = midnight at the end of the day). */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

export interface OperatorHoursGroup {
  /** The days this group opens, in week order Monday … Sunday. */
  readonly days: readonly Weekday[];
  /** Its ranges, as written. */
  readonly ranges: readonly TimeRange[];
}

/** A parsed OPERATOR_HOURS value (deep-frozen). */
export interface OperatorHoursSpec {
  /** `24/7`: open every minute, holidays included; `groups` is then empty. */
  readonly alwaysOpen: boolean;
  readonly groups: readonly OperatorHoursGroup[];
  /** The spec normalised (lower case, single spaces), for logs and the start-up summary. */
  readonly text: string;
}

export interface OperatorHours {
  readonly alwaysOpen: boolean;
  /** Whether operators are on duty at this instant. */
  isOpen(at: Date): boolean;
  /**
   * The first instant ≥ `at` when operators are on duty: `at` itself when open now, else the start of
   * the next opening within NEXT_OPENING_SEARCH_DAYS local days; undefined when there is none.
   */
  nextOpening(at: Date): Date | undefined;
  /** The hours for citizens, in Vietnamese: "7:30–11:30 và 13:30–17:00, thứ Hai đến thứ Sáu (trừ ngày lễ)". */
  describe(): string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** Week order for ranges and descriptions: Monday first, as Vietnamese calendars print it. */
const WEEK_ORDER: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];
const DAY_HELP = 'use mon, tue, wed, thu, fri, sat or sun';
const FORMAT_HELP = 'write 24/7 or groups like "mon-fri 07:30-11:30,13:30-17:00" separated by ;';

/** A piece of the spec inside an error message, cut short so a pasted novel stays out of the logs. */
function quote(piece: string): string {
  return `"${piece.length > 40 ? `${piece.slice(0, 40)}…` : piece}"`;
}

function parseDay(name: string, group: string): Weekday {
  const index = DAY_NAMES.indexOf(name as (typeof DAY_NAMES)[number]);
  if (index < 0) throw new Error(`${quote(name)} in ${quote(group)} is not a day: ${DAY_HELP}`);
  return index as Weekday;
}

/** `mon`, `mon-fri` or `mon,wed-fri` → the days, in week order. */
function parseDays(text: string, group: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const item of text.split(',')) {
    const [first = '', last, ...rest] = item.split('-');
    if (rest.length > 0 || first === '') throw new Error(`${quote(item)} in ${quote(group)} is not a day or a day range: ${DAY_HELP}, or a range like mon-fri`);
    const from = WEEK_ORDER.indexOf(parseDay(first, group));
    const to = last === undefined ? from : WEEK_ORDER.indexOf(parseDay(last, group));
    if (to < from) throw new Error(`${quote(item)} in ${quote(group)} runs backwards: a day range goes from mon towards sun`);
    for (let i = from; i <= to; i += 1) {
      const day = WEEK_ORDER[i]!;
      if (days.has(day)) throw new Error(`${quote(group)} names ${DAY_NAMES[day]} twice`);
      days.add(day);
    }
  }
  return WEEK_ORDER.filter((day) => days.has(day));
}

/** `HH:MM` → minutes after midnight; `24:00` only as an end. */
function parseTime(text: string, isEnd: boolean): number | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours === 24 && minutes === 0 && isEnd) return 24 * 60;
  if (hours > 23 || minutes > 59) return undefined;
  return hours * 60 + minutes;
}

function parseRange(text: string, group: string): TimeRange {
  const [start = '', end, ...rest] = text.split('-');
  const from = parseTime(start, false);
  const to = end === undefined ? undefined : parseTime(end, true);
  if (rest.length > 0 || from === undefined || to === undefined) {
    throw new Error(`${quote(text)} in ${quote(group)} is not a time range HH:MM-HH:MM (24 h, 00:00 to 24:00)`);
  }
  if (to <= from) throw new Error(`${quote(text)} in ${quote(group)} ends before it starts: the end must be after the start`);
  return { from, to };
}

/**
 * Parses an OPERATOR_HOURS value (format in the header). Throws an Error saying what is wrong and
 * where, quoting only pieces of the spec.
 */
export function parseOperatorHours(spec: string): OperatorHoursSpec {
  const text = spec.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === '') throw new Error(`is empty: ${FORMAT_HELP}`);
  if (text === '24/7') return deepFreeze({ alwaysOpen: true, groups: [], text });
  const groups = text.split(';').map((raw, i): OperatorHoursGroup => {
    const group = raw.trim();
    if (group === '') throw new Error(`group ${i + 1} is empty: ${FORMAT_HELP}`);
    const match = /^(\S+) (.+)$/.exec(group);
    if (!match) throw new Error(`${quote(group)} needs days and time ranges, like "mon-fri 07:30-11:30"`);
    const days = parseDays(match[1]!, group);
    const ranges = match[2]!.split(',').map((range) => parseRange(range.trim(), group));
    const sorted = [...ranges].sort((a, b) => a.from - b.from);
    sorted.forEach((range, j) => {
      const previous = sorted[j - 1];
      if (previous && range.from < previous.to) throw new Error(`${quote(group)} has overlapping time ranges`);
    });
    return { days, ranges };
  });
  return deepFreeze({ alwaysOpen: false, groups, text: text.split(';').map((g) => g.trim()).join('; ') });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** `H:MM` as Vietnamese readers write the time of day (no leading zero on the hour). */
function formatTime(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "a", "a và b", "a, b và c". */
function joinVi(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${OPERATOR_HOURS_WORDS_VI.and} ${items[items.length - 1]!}`;
}

/** Runs of three or more consecutive days read "thứ Hai đến thứ Sáu"; shorter runs are listed. */
function describeDays(days: readonly Weekday[]): string {
  const names = OPERATOR_HOURS_WORDS_VI.weekdays;
  const items: string[] = [];
  let run: Weekday[] = [];
  const flush = (): void => {
    if (run.length >= 3) items.push(`${names[run[0]!]} ${OPERATOR_HOURS_WORDS_VI.through} ${names[run[run.length - 1]!]}`);
    else items.push(...run.map((day) => names[day]));
    run = [];
  };
  for (const day of days) {
    const last = run[run.length - 1];
    if (last !== undefined && WEEK_ORDER.indexOf(day) !== WEEK_ORDER.indexOf(last) + 1) flush();
    run.push(day);
  }
  flush();
  return joinVi(items);
}

function describeSpec(spec: OperatorHoursSpec): string {
  if (spec.alwaysOpen) return OPERATOR_HOURS_WORDS_VI.alwaysOpen;
  const groups = spec.groups.map((group) => `${joinVi(group.ranges.map((r) => `${formatTime(r.from)}–${formatTime(r.to)}`))}, ${describeDays(group.days)}`);
  return `${groups.join('; ')} ${OPERATOR_HOURS_WORDS_VI.exceptHolidays}`;
}

/** The instant a local date starts (00:00 in Vietnam). */
function startOfLocalDay(date: LocalDate): number {
  return endOfLocalDay(date).getTime() + 1 - DAY_MS;
}

/** The hours of a spec on a holiday calendar (knowledge/calendar/holidays.ts loads the shipped one). */
export function operatorHours(spec: OperatorHoursSpec, calendar: WorkingCalendar): OperatorHours {
  /** Each weekday's ranges from every group naming it, by start. */
  const byWeekday: readonly TimeRange[][] = Array.from({ length: 7 }, (_, day) =>
    spec.groups.filter((g) => g.days.includes(day as Weekday)).flatMap((g) => g.ranges).sort((a, b) => a.from - b.from),
  );
  const rangesOn = (date: LocalDate): readonly TimeRange[] => (calendar.daysOff.has(date) ? [] : byWeekday[weekdayOf(date)]!);

  function isOpen(at: Date): boolean {
    const date = localDateOf(at); // throws RangeError on an invalid date
    if (spec.alwaysOpen) return true;
    const minute = Math.floor((at.getTime() - startOfLocalDay(date)) / MINUTE_MS);
    return rangesOn(date).some((r) => r.from <= minute && minute < r.to);
  }

  function nextOpening(at: Date): Date | undefined {
    if (isOpen(at)) return at;
    const time = at.getTime();
    let dayStart = startOfLocalDay(localDateOf(at));
    for (let d = 0; d <= NEXT_OPENING_SEARCH_DAYS; d += 1, dayStart += DAY_MS) {
      const date = localDateOf(new Date(dayStart));
      for (const range of rangesOn(date)) {
        const start = dayStart + range.from * MINUTE_MS;
        if (start > time) return new Date(start);
      }
    }
    return undefined;
  }

  return {
    alwaysOpen: spec.alwaysOpen,
    isOpen,
    nextOpening,
    describe: () => describeSpec(spec),
  };
}
