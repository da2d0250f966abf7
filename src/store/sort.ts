import type { Sort } from './collection.js';

/**
 * Sorting documents in JavaScript, for the adapters that hold documents in memory (nedb, memory):
 * one comparator compiled per sort spec is several times faster than nedb's cursor sort, which
 * resolves every field path on every comparison. Order within a field follows MongoDB's for the
 * types the store keeps: missing/null < numbers < strings < booleans < Dates.
 */

function rank(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (typeof value === 'boolean') return 3;
  if (value instanceof Date) return 4;
  return 5;
}

/** Compares two field values the way MongoDB orders them (for the types the store holds). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

/** A field's value, dotted paths (`handoff.queuedAt`) followed into embedded documents. */
function valueAt(doc: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = doc;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function comparator(sort: Sort): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const keys = Object.entries(sort).map(([key, direction]) => [key.split('.'), direction] as const);
  return (a, b) => {
    for (const [path, direction] of keys) {
      const c = compareValues(path.length === 1 ? a[path[0]!] : valueAt(a, path), path.length === 1 ? b[path[0]!] : valueAt(b, path));
      if (c !== 0) return c * direction;
    }
    return 0;
  };
}

/** Sorts (a copy of) the documents and keeps the first `limit`. */
export function sortAndLimit<D extends object>(docs: D[], sort: Sort | undefined, limit: number | undefined): D[] {
  const sorted = sort ? [...docs].sort(comparator(sort) as (a: D, b: D) => number) : docs;
  return limit !== undefined && limit >= 0 && sorted.length > limit ? sorted.slice(0, limit) : sorted;
}
