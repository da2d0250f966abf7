import { describe, expect, it } from 'vitest';
import { formatVietnamDate, isoVietnamDate } from '../../src/domain/dates.js';

describe('formatVietnamDate', () => {
  it('When an instant is late in the UTC day, then the date is already the next day in Vietnam (UTC+7)', () => {
    expect(formatVietnamDate(new Date('2026-12-31T17:30:00Z'))).toBe('01/01/2027');
    expect(formatVietnamDate('2026-12-31T16:59:59.999Z')).toBe('31/12/2026');
    expect(isoVietnamDate('2026-03-04T20:00:00Z')).toBe('2026-03-05');
  });

  it('When the date is invalid, then it throws', () => {
    expect(() => formatVietnamDate('not a date')).toThrow(RangeError);
  });
});
