import { VIETNAM_UTC_OFFSET_MS } from './working-days.js';

/**
 * Dates as Vietnamese readers write them: `dd/mm/yyyy`, in Vietnam time (Asia/Ho_Chi_Minh, UTC+7 all
 * year, no daylight saving). The one formatter for every date shown to citizens and staff, so an
 * instant at 23:30 UTC is already the next day here, as it is for the reader.
 */

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `dd/mm/yyyy` of an instant (a Date or an ISO string), in Vietnam time. Throws RangeError on an invalid date. */
export function formatVietnamDate(date: Date | string): string {
  const time = (typeof date === 'string' ? new Date(date) : date).getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  const local = new Date(time + VIETNAM_UTC_OFFSET_MS);
  return `${pad2(local.getUTCDate())}/${pad2(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`;
}

/** `yyyy-mm-dd` of an instant in Vietnam time, for machine-readable `<time datetime>` attributes. */
export function isoVietnamDate(date: Date | string): string {
  const time = (typeof date === 'string' ? new Date(date) : date).getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  return new Date(time + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** `hh:mm dd/mm/yyyy` of an instant in Vietnam time (when the hotline opens again, a call's time). */
export function formatVietnamDateTime(date: Date | string): string {
  const time = (typeof date === 'string' ? new Date(date) : date).getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  const local = new Date(time + VIETNAM_UTC_OFFSET_MS);
  return `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())} ${formatVietnamDate(date)}`;
}
