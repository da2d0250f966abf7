import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * Reads one JSON data file of the knowledge folder, validated; errors name the file and the field.
 * `fallback` is used when the file does not exist (a catalog folder without the optional tables).
 */
export function readDataFile<T>(file: string, schema: z.ZodType<T>, fallback?: T): T {
  if (fallback !== undefined && !existsSync(file)) return fallback;
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`${file}: ${first?.path.join('.') ?? ''} ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
