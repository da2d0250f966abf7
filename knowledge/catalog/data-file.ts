import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CatalogInvalidError } from './load.js';

/**
 * Reads one JSON data file of the knowledge folder, validated; a file that does not validate is a
 * `KNOWLEDGE.CATALOG_INVALID` listing every problem with its file and field.
 * `fallback` is used when the file does not exist (a catalog folder without the optional tables).
 */
export function readDataFile<T>(file: string, schema: z.ZodType<T>, fallback?: T): T {
  if (fallback !== undefined && !existsSync(file)) return fallback;
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new CatalogInvalidError(parsed.error.issues.map((i) => ({ file, field: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}
