import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HOLIDAYS_FILE, loadHolidayCalendar, parseHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { CatalogInvalidError } from '../../knowledge/catalog/load.js';
import { AppError } from '../../src/domain/errors.js';
import {
  addWorkingDays,
  createWorkingCalendar,
  endOfLocalDay,
  isWorkingDay,
  localDateOf,
  workingDaysBetween,
} from '../../src/domain/working-days.js';

/** The real data file: deadlines are tested on the calendar that ships. */
const { calendar, years } = loadHolidayCalendar();

/** An instant given as Hà Nội wall-clock time. */
const vn = (local: string): Date => new Date(`${local}+07:00`);
/** The local date a deadline falls on (deadlines are the last millisecond of that day). */
const dueDate = (due: Date): string => localDateOf(due);

describe('local dates in Asia/Ho_Chi_Minh', () => {
  it('When an instant is after 17:00 UTC, then its local date is the next day', () => {
    expect(localDateOf(new Date('2026-03-09T16:59:59Z'))).toBe('2026-03-09');
    expect(localDateOf(new Date('2026-03-09T17:00:00Z'))).toBe('2026-03-10');
  });

  it('When a deadline day ends, then the instant is 23:59:59.999 local time', () => {
    expect(endOfLocalDay('2026-02-27').toISOString()).toBe('2026-02-27T16:59:59.999Z');
  });
});

describe('addWorkingDays', () => {
  it('When a question arrives on a Monday of an ordinary week, then 5 working days end on the next Monday', () => {
    // Mon 9/3/2026: Tue 1, Wed 2, Thu 3, Fri 4, (weekend), Mon 16/3 5
    const due = addWorkingDays(vn('2026-03-09T10:00:00'), 5, calendar);
    expect(due.toISOString()).toBe('2026-03-16T16:59:59.999Z');
  });

  it('When a question arrives on a Saturday or a Sunday, then counting starts on Monday', () => {
    expect(dueDate(addWorkingDays(vn('2026-03-07T09:00:00'), 1, calendar))).toBe('2026-03-09');
    expect(dueDate(addWorkingDays(vn('2026-03-08T21:00:00'), 1, calendar))).toBe('2026-03-09');
  });

  it('When a question arrives on Friday 13/2/2026 before Tết, then 5 working days skip the 9-day break and end on 27/2', () => {
    // Break Sat 14/2 – Sun 22/2; Mon 23 1, Tue 24 2, Wed 25 3, Thu 26 4, Fri 27 5
    expect(dueDate(addWorkingDays(vn('2026-02-13T09:30:00'), 5, calendar))).toBe('2026-02-27');
  });

  it('When a question arrives during Tết, then counting starts on the first working day after the break', () => {
    expect(dueDate(addWorkingDays(vn('2026-02-17T08:00:00'), 1, calendar))).toBe('2026-02-23');
  });

  it('When a question arrives before Giỗ Tổ, 30/4 and 1/5 of 2026, then the Sunday holiday\'s compensatory Monday and both holidays are skipped', () => {
    // Fri 24/4: (25–26 weekend; 26/4 Giỗ Tổ on Sunday), Mon 27 compensatory off, Tue 28 1, Wed 29 2,
    // Thu 30/4 and Fri 1/5 off, (weekend), Mon 4/5 3, Tue 5/5 4, Wed 6/5 5
    expect(dueDate(addWorkingDays(vn('2026-04-24T14:00:00'), 5, calendar))).toBe('2026-05-06');
  });

  it('When a question arrives before the 2025 break with a makeup Saturday, then Saturday 26/4/2025 counts and Friday 2/5 does not', () => {
    // Thu 24/4: Fri 25 1, Sat 26 (makeup) 2, Mon 28 3, Tue 29 4, (30/4–4/5 off), Mon 5/5 5
    expect(dueDate(addWorkingDays(vn('2025-04-24T10:00:00'), 5, calendar))).toBe('2025-05-05');
    expect(isWorkingDay('2025-04-26', calendar)).toBe(true);
    expect(isWorkingDay('2025-05-02', calendar)).toBe(false);
  });

  it('When a question arrives before the swapped New Year 2026, then Saturday 10/1 is a working day', () => {
    // Thu 8/1: Fri 9 1, Sat 10 (makeup) 2, (Sun 11 off), Mon 12 3
    expect(dueDate(addWorkingDays(vn('2026-01-08T10:00:00'), 2, calendar))).toBe('2026-01-10');
    expect(dueDate(addWorkingDays(vn('2026-01-08T10:00:00'), 3, calendar))).toBe('2026-01-12');
    expect(isWorkingDay('2026-01-11', calendar)).toBe(false);
  });

  it('When a question arrives at 08:00 or at 23:00 local on the same day, then the deadline is the same', () => {
    const morning = addWorkingDays(vn('2026-03-10T08:00:00'), 3, calendar);
    const night = addWorkingDays(vn('2026-03-10T23:00:00'), 3, calendar);
    expect(night).toEqual(morning);
    expect(dueDate(morning)).toBe('2026-03-13');
  });

  it('When a question arrives at 00:30 local (still the previous day in UTC), then it belongs to the local day', () => {
    // 00:30 Wednesday 11/3 in Hà Nội is 17:30 UTC on Tuesday 10/3: counting starts Thursday.
    const received = vn('2026-03-11T00:30:00');
    expect(received.getUTCDate()).toBe(10);
    expect(dueDate(addWorkingDays(received, 3, calendar))).toBe('2026-03-16');
  });

  it('When counting crosses a year boundary, then New Year days off and the next year\'s data are used', () => {
    // Wed 31/12/2025: 1/1–4/1/2026 off, Mon 5/1 1, Tue 6/1 2, Wed 7/1 3
    expect(dueDate(addWorkingDays(vn('2025-12-31T15:00:00'), 3, calendar))).toBe('2026-01-07');
    // Thu 31/12/2026: Fri 1/1/2027 off, (weekend), Mon 4/1/2027 1
    expect(dueDate(addWorkingDays(vn('2026-12-31T15:00:00'), 1, calendar))).toBe('2027-01-04');
  });

  it('When counting reaches a year outside 2025–2027, then CALENDAR.OUT_OF_RANGE is thrown', () => {
    const outOfRange = expect.objectContaining({ code: 'CALENDAR.OUT_OF_RANGE', details: { year: 2028, covered: [2025, 2026, 2027] } });
    expect(() => addWorkingDays(vn('2027-12-29T10:00:00'), 5, calendar)).toThrow(outOfRange);
    expect(() => addWorkingDays(vn('2024-12-20T10:00:00'), 1, calendar)).toThrow(AppError);
    expect(() => isWorkingDay('2028-01-03', calendar)).toThrow(outOfRange);
  });

  it('When the number of days is not a positive integer, then it is refused as a programming error', () => {
    expect(() => addWorkingDays(vn('2026-03-09T10:00:00'), 0, calendar)).toThrow(RangeError);
    expect(() => addWorkingDays(vn('2026-03-09T10:00:00'), 1.5, calendar)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(Number.NaN), 1, calendar)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('When measured from receipt to the deadline, then it gives back the number of working days', () => {
    for (const local of ['2025-01-20T09:00:00', '2026-02-13T09:30:00', '2026-04-24T14:00:00', '2026-08-20T16:00:00', '2027-02-03T10:00:00']) {
      for (const n of [1, 3, 5, 10]) {
        const received = vn(local);
        expect(workingDaysBetween(received, addWorkingDays(received, n, calendar), calendar)).toBe(n);
      }
    }
  });

  it('When both instants fall on the same day or across a break, then only working days after the first day count', () => {
    expect(workingDaysBetween(vn('2026-03-10T08:00:00'), vn('2026-03-10T17:00:00'), calendar)).toBe(0);
    // Fri 13/2 → Mon 23/2/2026: only the Monday
    expect(workingDaysBetween(vn('2026-02-13T08:00:00'), vn('2026-02-23T08:00:00'), calendar)).toBe(1);
  });

  it('When the end is before the start, then the count is negative', () => {
    expect(workingDaysBetween(vn('2026-03-16T08:00:00'), vn('2026-03-09T08:00:00'), calendar)).toBe(-5);
  });
});

describe('a synthetic calendar', () => {
  it('When a weekday is listed as a day off and a Sunday as a makeup day, then both are honoured', () => {
    const cal = createWorkingCalendar({ 2030: { daysOff: ['2030-01-02'], makeupWorkingDays: ['2030-01-06'] } });
    expect(isWorkingDay('2030-01-01', cal)).toBe(true); // Tuesday, not listed
    expect(isWorkingDay('2030-01-02', cal)).toBe(false);
    expect(isWorkingDay('2030-01-05', cal)).toBe(false); // Saturday
    expect(isWorkingDay('2030-01-06', cal)).toBe(true); // Sunday worked
  });
});

describe('holiday calendar data (knowledge/data/holidays.vi.json)', () => {
  it('When the shipped file is loaded, then it covers 2025–2027 with 2025 and 2026 verified and 2027 projected', () => {
    expect(years.map((y) => [y.year, y.verified])).toEqual([
      [2025, true],
      [2026, true],
      [2027, false],
    ]);
    for (const y of years) expect(y.source.length).toBeGreaterThan(50);
  });

  it('When the official breaks are checked, then Tết, Giỗ Tổ and Quốc khánh days are off', () => {
    const off = (dates: string[]) => dates.filter((d) => isWorkingDay(d, calendar));
    // Tết 2025 25/1–2/2, Tết 2026 14/2–22/2 (mùng 1 = 29/1/2025, 17/2/2026), projected Tết 2027 around 6/2
    expect(off(['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'])).toEqual([]);
    expect(off(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'])).toEqual([]);
    expect(off(['2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'])).toEqual([]);
    // Giỗ Tổ Hùng Vương: Mon 7/4/2025; Sun 26/4/2026 → Mon 27/4; Fri 16/4/2027
    expect(off(['2025-04-07', '2026-04-27', '2027-04-16'])).toEqual([]);
    // Quốc khánh: 1–2/9/2025; 31/8–2/9/2026 (Monday swapped for Sat 22/8); projected 2–3/9/2027
    expect(off(['2025-09-01', '2025-09-02', '2026-08-31', '2026-09-01', '2026-09-02', '2027-09-02', '2027-09-03'])).toEqual([]);
    expect(isWorkingDay('2026-08-22', calendar)).toBe(true);
    // The day after each break is a working day again
    expect(isWorkingDay('2025-02-03', calendar) && isWorkingDay('2026-02-23', calendar) && isWorkingDay('2026-09-03', calendar)).toBe(true);
  });

  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const valid = () => ({
    years: {
      '2030': {
        verified: false,
        source: 'A test year made up for the validator tests.',
        days_off: ['2030-01-01', '2030-04-30', '2030-05-01', '2030-09-02'],
        makeup_working_days: ['2030-01-05'],
      },
    },
  });

  function problems(raw: unknown): string[] {
    try {
      parseHolidayCalendar(raw, 'holidays.test.json');
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogInvalidError);
      expect(err).toMatchObject({ code: 'KNOWLEDGE.CATALOG_INVALID' });
      return (err as CatalogInvalidError).issues.map((i) => `${[i.record, i.field].filter(Boolean).join(' ')}: ${i.message}`);
    }
    return [];
  }

  it('When a valid year is parsed, then there are no problems and the calendar covers it', () => {
    expect(problems(valid())).toEqual([]);
    expect(parseHolidayCalendar(valid()).calendar.years).toEqual(new Set([2030]));
  });

  it('When an entry is malformed or not a real date, then the problem names the year and the entry', () => {
    const raw = valid();
    raw.years['2030'].days_off.push('2030-02-30', '30/04/2030');
    expect(problems(raw)).toEqual([
      'years.2030 days_off[4]: not a real calendar date',
      'years.2030 days_off[5]: expected a date YYYY-MM-DD',
    ]);
  });

  it('When entries contradict each other or the law, then every problem is listed at once', () => {
    const raw = valid();
    raw.years['2030'].days_off = ['2030-01-01', '2030-01-01', '2031-04-30', '2030-05-01', '2030-09-02'];
    raw.years['2030'].makeup_working_days = ['2030-01-01', '2030-01-07'];
    expect(problems(raw)).toEqual([
      'years.2030 days_off[1]: 2030-01-01 is listed twice',
      'years.2030 days_off[2]: 2031-04-30 is not in 2030',
      'years.2030 makeup_working_days[0]: 2030-01-01 is also a day off',
      'years.2030 makeup_working_days[0]: 2030-01-01 is a weekday; makeup working days are Saturdays or Sundays',
      'years.2030 makeup_working_days[1]: 2030-01-07 is a weekday; makeup working days are Saturdays or Sundays',
      'years.2030 days_off: 2030-04-30 (Điều 112) is missing',
    ]);
  });

  it('When a year is missing in the middle or a field is unknown, then it is reported', () => {
    const raw = { years: { ...valid().years, '2032': { ...valid().years['2030'], days_off: ['2032-01-01', '2032-04-30', '2032-05-01', '2032-09-02'], makeup_working_days: [], verifed: true } } };
    expect(problems(raw)).toEqual(['years.2032: Unrecognized key: "verifed"']);
    const gap = { years: { ...valid().years, '2032': { ...valid().years['2030'], days_off: ['2032-01-01', '2032-04-30', '2032-05-01', '2032-09-02'], makeup_working_days: [] } } };
    expect(problems(gap)).toEqual(['years.2032: years must be consecutive; 2031 is missing']);
  });

  it('When the file cannot be read as JSON, then loading fails with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'holidays-'));
    dirs.push(dir);
    const file = join(dir, 'holidays.vi.json');
    writeFileSync(file, '{ "years": ');
    expect(() => loadHolidayCalendar(file)).toThrow(CatalogInvalidError);
    expect(DEFAULT_HOLIDAYS_FILE).toMatch(/knowledge\/data\/holidays\.vi\.json$/);
  });
});
