import { z } from 'zod';

/**
 * A query parameter holding a comma-separated list of known values (`?status=assigned,overdue`):
 * at most `maxChars` characters, blanks dropped, every item one of `values`, no more items than values.
 */
export function commaSeparated<T extends string>(values: readonly T[], maxChars: number) {
  return z
    .string()
    .max(maxChars)
    .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
    .pipe(z.array(z.enum(values as [T, ...T[]])).max(values.length));
}
