import { describe, expect, it } from 'vitest';
import { foldVietnamese, isQuiet, parseQuietHours, quietEnds, topicSlug, vietnamDayStart } from '../../src/domain/news.js';

/** Topic slugs, quiet hours and the Vietnam day of the news rules (src/domain/news.ts). */
const vn = (local: string) => new Date(`${local}+07:00`);

describe('topic slugs', () => {
  it('When a topic is named in Vietnamese, then its id is the accent-free slug', () => {
    expect(topicSlug('Tuyển dụng')).toBe('tuyen-dung');
    expect(topicSlug('Thiên tai – Thời tiết')).toBe('thien-tai-thoi-tiet');
    expect(topicSlug('Y tế')).toBe('y-te');
    expect(topicSlug('Đất đai')).toBe('dat-dai');
    expect(foldVietnamese('  ĐĂNG KÝ nhận tin!  ')).toBe('dang ky nhan tin');
  });
});

describe('quiet hours', () => {
  const night = parseQuietHours('21:30-07:00');

  it('When quiet hours wrap past midnight, then 21:30 and 06:59 are quiet, 07:00 and 21:29 are not', () => {
    expect(isQuiet(vn('2026-12-07T21:30:00'), night)).toBe(true);
    expect(isQuiet(vn('2026-12-08T06:59:00'), night)).toBe(true);
    expect(isQuiet(vn('2026-12-08T07:00:00'), night)).toBe(false);
    expect(isQuiet(vn('2026-12-07T21:29:00'), night)).toBe(false);
  });

  it('When it is 23:00, then the quiet period ends at 07:00 the next morning; outside it, at once', () => {
    expect(quietEnds(vn('2026-12-07T23:00:00'), night)).toEqual(vn('2026-12-08T07:00:00'));
    expect(quietEnds(vn('2026-12-08T05:10:30'), night)).toEqual(vn('2026-12-08T07:00:00'));
    const noon = vn('2026-12-08T12:00:00');
    expect(quietEnds(noon, night)).toBe(noon);
  });

  it('When quiet hours are off or malformed, then nothing is quiet, or the spec is refused', () => {
    expect(parseQuietHours('off')).toBeNull();
    expect(isQuiet(vn('2026-12-07T23:00:00'), null)).toBe(false);
    expect(() => parseQuietHours('22-07')).toThrow(/HH:MM/);
    expect(() => parseQuietHours('25:00-07:00')).toThrow();
    expect(() => parseQuietHours('07:00-07:00')).toThrow(/empty/);
  });

  it('When the day is counted for the daily cap, then it starts at midnight in Vietnam', () => {
    expect(vietnamDayStart(vn('2026-12-08T00:30:00'))).toEqual(vn('2026-12-08T00:00:00'));
    expect(vietnamDayStart(vn('2026-12-07T23:59:00'))).toEqual(vn('2026-12-07T00:00:00'));
  });
});
