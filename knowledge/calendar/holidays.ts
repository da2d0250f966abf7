import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type WorkingCalendar, createWorkingCalendar, weekdayOf } from '../../src/domain/working-days.js';
import { type CatalogIssue, CatalogInvalidError, fieldPath } from '../catalog/load.js';

/**
 * Loads the holiday calendar (knowledge/data/holidays.vi.json) that ticket deadlines are counted on.
 * Province staff or the lead update it once a year when the Government announces the breaks, so
 * every mistake is reported with the year and the entry (`years.2026 days_off[3]: …`), all at once,
 * and start-up stops (`KNOWLEDGE.CATALOG_INVALID`) rather than computing wrong deadlines.
 *
 * Beyond the shape, it checks what a hand edit gets wrong: real dates, each date filed under its own
 * year, no duplicates, makeup days that are weekend days and not also days off, the fixed-date
 * holidays of Điều 112 (1/1, 30/4, 1/5, 2/9) present, and consecutive years (a gap would make a
 * deadline throw in the middle of the range).
 */

export const DEFAULT_HOLIDAYS_FILE = new URL('../data/holidays.vi.json', import.meta.url).pathname;

/** Holidays fixed by the solar calendar (Điều 112 khoản 1); lunar ones are checked by people. */
const FIXED_HOLIDAYS = ['01-01', '04-30', '05-01', '09-02'] as const;

/** 2030-02-30 has the right shape but is not a date (Date.UTC would roll it over to March). */
function isRealDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD', abort: true })
  .refine(isRealDate, 'not a real calendar date');

const yearSchema = z
  .object({
    verified: z.boolean(),
    source: z.string().min(10, 'say where the dates come from'),
    notes: z.array(z.string().min(1)).optional(),
    days_off: z.array(isoDate).min(1),
    makeup_working_days: z.array(isoDate),
  })
  .strict();

const fileSchema = z
  .object({
    about: z.string().optional(),
    years: z.record(z.string().regex(/^\d{4}$/, 'year keys are four digits'), yearSchema),
  })
  .strict();

type HolidayYear = z.infer<typeof yearSchema>;

/** What the data says about one year, for start-up logs and the admin page (e.g. "2027 unverified"). */
export interface HolidayYearInfo {
  year: number;
  verified: boolean;
  source: string;
  notes: string[];
}

export interface HolidayCalendar {
  calendar: WorkingCalendar;
  years: HolidayYearInfo[];
}

/** Checks one year beyond its shape; pushes an issue per bad entry. */
function checkYear(file: string, key: string, year: HolidayYear, issues: CatalogIssue[]): void {
  const record = `years.${key}`;
  const daysOff = new Set(year.days_off);
  const lists = { days_off: year.days_off, makeup_working_days: year.makeup_working_days } as const;
  for (const [field, dates] of Object.entries(lists)) {
    const seen = new Set<string>();
    dates.forEach((date, i) => {
      const at = `${field}[${i}]`;
      if (!date.startsWith(`${key}-`)) issues.push({ file, record, field: at, message: `${date} is not in ${key}` });
      if (seen.has(date)) issues.push({ file, record, field: at, message: `${date} is listed twice` });
      seen.add(date);
      if (field === 'makeup_working_days') {
        if (daysOff.has(date)) issues.push({ file, record, field: at, message: `${date} is also a day off` });
        const day = weekdayOf(date);
        if (day !== 0 && day !== 6) issues.push({ file, record, field: at, message: `${date} is a weekday; makeup working days are Saturdays or Sundays` });
      }
    });
  }
  for (const monthDay of FIXED_HOLIDAYS) {
    if (!daysOff.has(`${key}-${monthDay}`)) issues.push({ file, record, field: 'days_off', message: `${key}-${monthDay} (Điều 112) is missing` });
  }
}

/** `years.2026` as the record and `days_off[3]` as the field, so the editor finds the entry. */
function zodIssue(file: string, path: readonly PropertyKey[], message: string): CatalogIssue {
  const inYear = path[0] === 'years' && path.length > 1;
  const field = fieldPath([...(inYear ? path.slice(2) : path)]);
  return { file, record: inYear ? `years.${String(path[1])}` : undefined, field: field || undefined, message };
}

/** Validates parsed holiday data and builds the calendar; throws CatalogInvalidError listing every problem. */
export function parseHolidayCalendar(raw: unknown, file = DEFAULT_HOLIDAYS_FILE): HolidayCalendar {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CatalogInvalidError(parsed.error.issues.map((i) => zodIssue(file, i.path, i.message)));
  }
  const issues: CatalogIssue[] = [];
  const keys = Object.keys(parsed.data.years).sort();
  if (keys.length === 0) issues.push({ file, field: 'years', message: 'no year listed' });
  keys.forEach((key, i) => {
    checkYear(file, key, parsed.data.years[key]!, issues);
    const previous = keys[i - 1];
    if (previous !== undefined && Number(key) !== Number(previous) + 1) {
      issues.push({ file, record: `years.${key}`, message: `years must be consecutive; ${Number(previous) + 1} is missing` });
    }
  });
  if (issues.length > 0) throw new CatalogInvalidError(issues);

  const years = Object.fromEntries(
    keys.map((key) => {
      const y = parsed.data.years[key]!;
      return [Number(key), { daysOff: y.days_off, makeupWorkingDays: y.makeup_working_days }];
    }),
  );
  return {
    calendar: createWorkingCalendar(years),
    years: keys.map((key) => {
      const y = parsed.data.years[key]!;
      return { year: Number(key), verified: y.verified, source: y.source, notes: y.notes ?? [] };
    }),
  };
}

/** Reads and validates the holiday file (the default one unless a path is given). */
export function loadHolidayCalendar(file = DEFAULT_HOLIDAYS_FILE): HolidayCalendar {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CatalogInvalidError([{ file, message: `cannot read JSON: ${(err as Error).message}` }]);
  }
  return parseHolidayCalendar(raw, file);
}
