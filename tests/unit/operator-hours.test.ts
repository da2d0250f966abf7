import { describe, expect, it } from 'vitest';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { DEFAULT_OPERATOR_HOURS, NEXT_OPENING_SEARCH_DAYS, operatorHours, parseOperatorHours } from '../../src/domain/operator-hours.js';
import { createWorkingCalendar } from '../../src/domain/working-days.js';

/** The shipped holiday file: closures are tested on the calendar that ships. */
const { calendar } = loadHolidayCalendar();

/** An instant given as Hà Nội wall-clock time. */
const vn = (local: string): Date => new Date(`${local}+07:00`);

const office = operatorHours(parseOperatorHours(DEFAULT_OPERATOR_HOURS), calendar);

describe('parseOperatorHours', () => {
  it('When the default office hours are parsed, then Monday to Friday have the morning and afternoon ranges', () => {
    // Act
    const spec = parseOperatorHours('mon-fri 07:30-11:30,13:30-17:00');

    // Assert
    expect(spec).toEqual({
      alwaysOpen: false,
      groups: [{ days: [1, 2, 3, 4, 5], ranges: [{ from: 450, to: 690 }, { from: 810, to: 1020 }] }],
      text: 'mon-fri 07:30-11:30,13:30-17:00',
    });
    expect(Object.isFrozen(spec.groups[0]!.ranges[0])).toBe(true);
  });

  it('When the spec is 24/7, then it is always open with no groups', () => {
    expect(parseOperatorHours(' 24/7 ')).toEqual({ alwaysOpen: true, groups: [], text: '24/7' });
  });

  it('When groups use lists, ranges, upper case, spaces and 24:00, then they are parsed and normalised', () => {
    // Act
    const spec = parseOperatorHours('Mon,WED-thu  08:00-12:00 ;  sat 7:00-9:30, 20:00-24:00');

    // Assert
    expect(spec.groups).toEqual([
      { days: [1, 3, 4], ranges: [{ from: 480, to: 720 }] },
      { days: [6], ranges: [{ from: 420, to: 570 }, { from: 1200, to: 1440 }] },
    ]);
    expect(spec.text).toBe('mon,wed-thu 08:00-12:00; sat 7:00-9:30, 20:00-24:00');
  });

  it('When a spec is malformed, then the error says what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['mon-fri 25:00-26:00', /"25:00-26:00" .*not a time range HH:MM-HH:MM/],
      ['xyz 07:00-08:00', /"xyz" .*is not a day: use mon, tue/],
      ['', /is empty/],
      ['   ', /is empty/],
      ['mon-fri 17:00-07:30', /"17:00-07:30" .*ends before it starts/],
      ['mon 08:00-08:00', /ends before it starts/],
      ['fri-mon 08:00-09:00', /runs backwards/],
      ['mon,mon 08:00-09:00', /names mon twice/],
      ['mon-fri', /needs days and time ranges/],
      ['mon 08:00-12:00,11:00-13:00', /overlapping/],
      ['mon 08:00-09:00;', /group 2 is empty/],
      ['mon 24:00-24:00', /not a time range/],
      ['mon 08:60-09:00', /not a time range/],
    ];
    for (const [spec, message] of cases) {
      expect(() => parseOperatorHours(spec), spec).toThrow(message);
    }
  });

  it('When a bad piece is very long, then the error quotes only the start of it', () => {
    const long = 'x'.repeat(500);
    expect(() => parseOperatorHours(`${long} 07:00-08:00`)).toThrow(/"x{40}…"/);
  });
});

describe('operatorHours: isOpen', () => {
  it('When the default hours meet their boundaries on a Monday in Vietnam time, then the start minute is open and the end minute closed', () => {
    // Mon 7/12/2026
    expect(office.isOpen(vn('2026-12-07T07:29:59'))).toBe(false);
    expect(office.isOpen(vn('2026-12-07T07:30:00'))).toBe(true);
    expect(office.isOpen(vn('2026-12-07T11:29:59'))).toBe(true);
    expect(office.isOpen(vn('2026-12-07T11:30:00'))).toBe(false);
    expect(office.isOpen(vn('2026-12-07T13:29:00'))).toBe(false);
    expect(office.isOpen(vn('2026-12-07T13:30:00'))).toBe(true);
    expect(office.isOpen(vn('2026-12-07T17:00:00'))).toBe(false);
  });

  it('When the instant is 00:30 UTC on Monday, then it is 07:30 in Hà Nội and open', () => {
    expect(office.isOpen(new Date('2026-12-07T00:30:00Z'))).toBe(true);
    expect(office.isOpen(new Date('2026-12-07T00:29:00Z'))).toBe(false);
  });

  it('When it is a weekend, then the default hours are closed', () => {
    expect(office.isOpen(vn('2026-12-05T09:00:00'))).toBe(false); // Saturday
    expect(office.isOpen(vn('2026-12-06T09:00:00'))).toBe(false); // Sunday
  });

  it('When it is a public holiday of the shipped calendar, then the default hours are closed', () => {
    expect(office.isOpen(vn('2026-09-02T09:00:00'))).toBe(false); // Wed, Quốc khánh
    expect(office.isOpen(vn('2027-02-08T09:00:00'))).toBe(false); // Mon, Tết Đinh Mùi break
    expect(office.isOpen(vn('2026-09-03T09:00:00'))).toBe(true); // Thu, back to work
  });

  it('When a Saturday is a makeup working day, then the hotline stays closed unless the spec lists Saturday', () => {
    // Sat 22/8/2026 is worked in exchange for the 2/9 bridge day.
    expect(calendar.makeupWorkingDays.has('2026-08-22')).toBe(true);
    expect(office.isOpen(vn('2026-08-22T09:00:00'))).toBe(false);
    expect(operatorHours(parseOperatorHours('mon-sat 07:30-11:30'), calendar).isOpen(vn('2026-08-22T09:00:00'))).toBe(true);
  });

  it('When the spec is 24/7, then it is open on a holiday at 23:00', () => {
    const always = operatorHours(parseOperatorHours('24/7'), calendar);
    expect(always.alwaysOpen).toBe(true);
    expect(always.isOpen(vn('2026-09-02T23:00:00'))).toBe(true);
    expect(always.nextOpening(vn('2026-09-02T23:00:00'))).toEqual(vn('2026-09-02T23:00:00'));
  });

  it('When a date is outside the calendar\'s years, then it counts as an ordinary day instead of throwing', () => {
    const noHolidays = createWorkingCalendar({ 2026: { daysOff: [], makeupWorkingDays: [] } });
    expect(operatorHours(parseOperatorHours(DEFAULT_OPERATOR_HOURS), noHolidays).isOpen(vn('2031-01-06T08:00:00'))).toBe(true);
  });

  it('When a date is invalid, then isOpen throws a RangeError', () => {
    expect(() => office.isOpen(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('operatorHours: nextOpening', () => {
  it('When it is Friday 18:00, then the next opening is Monday 07:30', () => {
    expect(office.nextOpening(vn('2026-12-04T18:00:00'))).toEqual(vn('2026-12-07T07:30:00'));
  });

  it('When it is lunch time, then the next opening is 13:30 the same day', () => {
    expect(office.nextOpening(vn('2026-12-07T12:00:00'))).toEqual(vn('2026-12-07T13:30:00'));
  });

  it('When operators are on duty, then the next opening is the instant itself', () => {
    const at = vn('2026-12-07T09:15:00');
    expect(office.nextOpening(at)).toBe(at);
  });

  it('When a holiday follows, then the next opening skips it', () => {
    // Tue 1/9/2026 evening: 1/9 and 2/9 are off, Thu 3/9 opens.
    expect(office.nextOpening(vn('2026-09-01T18:00:00'))).toEqual(vn('2026-09-03T07:30:00'));
    // Wed 3/2/2027 evening: the Tết break runs Thu 4/2 – Wed 10/2.
    expect(office.nextOpening(vn('2027-02-03T18:00:00'))).toEqual(vn('2027-02-11T07:30:00'));
  });

  it('When no opening falls within the search horizon, then there is none', () => {
    // Every day of 2026 is off, so the 60 days after 2/3/2026 hold no opening.
    const everyDayOff = createWorkingCalendar({
      2026: { daysOff: Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)), makeupWorkingDays: [] },
    });
    expect(NEXT_OPENING_SEARCH_DAYS).toBe(60);
    expect(operatorHours(parseOperatorHours(DEFAULT_OPERATOR_HOURS), everyDayOff).nextOpening(vn('2026-03-02T06:00:00'))).toBeUndefined();
  });
});

describe('operatorHours: describe', () => {
  it('When the default hours are described, then citizens read them in Vietnamese', () => {
    expect(office.describe()).toBe('7:30–11:30 và 13:30–17:00, thứ Hai đến thứ Sáu (trừ ngày lễ)');
  });

  it('When the spec has several groups and short day lists, then each group is described', () => {
    const hours = operatorHours(parseOperatorHours('mon,wed 08:00-12:00; sat-sun 08:00-10:00,14:00-16:00,19:00-21:00'), calendar);
    expect(hours.describe()).toBe('8:00–12:00, thứ Hai và thứ Tư; 8:00–10:00, 14:00–16:00 và 19:00–21:00, thứ Bảy và Chủ nhật (trừ ngày lễ)');
  });

  it('When the spec is 24/7, then it is described as 24/7', () => {
    expect(operatorHours(parseOperatorHours('24/7'), calendar).describe()).toBe('24/7');
  });
});
