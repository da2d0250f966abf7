import type { EngineInfo } from '../ports/store.js';

/**
 * The narrow collection interface the repositories are written against: only the operations they use
 * (BullMQ's `IRedisClient` habit). Three adapters implement it and pass one contract suite
 * (tests/contract/store.contract.ts): nedb files (embedded default), the official MongoDB driver
 * (production) and an in-memory one for fast unit tests of the use cases.
 *
 * The query language is a small subset of MongoDB's, which nedb also speaks:
 * - filter: `{ field: value }` equality (an array field matches when one element equals the value),
 *   or `{ field: { $in, $ne, $lt, $lte, $gt, $gte, $exists } }`; Dates compare by instant;
 * - update: `$set`, `$unset`, `$inc`, `$max`;
 * - sort: `{ field: 1 | -1, … }`, missing values first in ascending order.
 * Documents hold JSON values plus Dates; `undefined` fields are never stored (documents.ts `defined`).
 */

export type Scalar = string | number | boolean | Date | null;

export interface Condition {
  $in?: readonly Scalar[];
  $ne?: Scalar;
  $lt?: Scalar;
  $lte?: Scalar;
  $gt?: Scalar;
  $gte?: Scalar;
  $exists?: boolean;
}

export type Filter = Readonly<Record<string, Scalar | Condition>>;

export type Sort = Readonly<Record<string, 1 | -1>>;

export interface Update {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true>;
  $inc?: Record<string, number>;
  $max?: Record<string, number | Date>;
}

export interface FindOptions {
  sort?: Sort;
  limit?: number;
}

/** A unique or plain index, declared once as data (src/store/schema.ts) and created by each adapter. */
export interface IndexSpec {
  name: string;
  keys: Readonly<Record<string, 1 | -1>>;
  unique?: boolean;
}

export interface Collection<D extends { _id: string }> {
  findOne(filter: Filter, options?: { sort?: Sort }): Promise<D | undefined>;
  find(filter: Filter, options?: FindOptions): Promise<D[]>;
  /** The distinct values of one top-level field among the matching documents. */
  distinct(field: string, filter: Filter): Promise<unknown[]>;
  /** Throws DuplicateKeyError when `_id` or a unique index value is taken. */
  insertOne(doc: D): Promise<void>;
  /** Updates the first matching document; `matched` is 0 or 1. Throws DuplicateKeyError on a unique index conflict. */
  updateOne(filter: Filter, update: Update): Promise<{ matched: number }>;
  /**
   * Replaces the first matching document whole (its `_id` stays); with `upsert`, inserts `doc` when none
   * matches. Upserts of one `_id` from several writers at once all succeed; the last one wins.
   */
  replaceOne(filter: Filter, doc: D, options?: { upsert?: boolean }): Promise<{ matched: number }>;
  deleteMany(filter: Filter): Promise<number>;
}

/** One database: its collections, opened with their indexes. */
export interface Database {
  collection<D extends { _id: string }>(name: string): Collection<D>;
  /** Opens files / connects and creates every declared index; idempotent. */
  init(): Promise<void>;
  /** Resolves when the engine answers (readiness checks). */
  ping(): Promise<void>;
  info(): Promise<EngineInfo>;
  close(): Promise<void>;
}

/** A write lost to an existing `_id` or unique index value (MongoDB E11000, nedb `uniqueViolated`). */
export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    options?: { cause?: unknown },
  ) {
    super(`duplicate key in ${collection}`, options);
    this.name = 'DuplicateKeyError';
  }
}

export function isDuplicateKey(error: unknown): error is DuplicateKeyError {
  return error instanceof DuplicateKeyError;
}

/**
 * Inserts the document unless its `_id` (or a unique index value) is taken: whether this call inserted it.
 * The idempotent insert of records whose ids are deterministic (a replay, a redelivery, a second worker).
 */
export async function insertIfAbsent<D extends { _id: string }>(collection: Collection<D>, doc: D): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
