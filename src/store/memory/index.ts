import siftModule from 'sift';
import type { EngineInfo, Store } from '../../ports/store.js';
import { DuplicateKeyError, type Collection, type Database, type Filter, type FindOptions, type IndexSpec, type Sort, type Update } from '../collection.js';
import { createStore } from '../repos/index.js';
import { INDEXES, type CollectionName } from '../schema.js';
import { sortAndLimit } from '../sort.js';

/**
 * The in-memory adapter: documents in Maps, filters matched by sift (MongoDB's query language in
 * JavaScript), unique indexes kept as key maps. Every operation runs synchronously inside its promise,
 * so each is atomic, as on MongoDB. For fast unit tests of the use cases; nothing survives the process.
 */

type Doc = { _id: string } & Record<string, unknown>;

type Sift = typeof siftModule.default;
/** As with nedb: TypeScript (NodeNext) types the CommonJS default import as the module object; Node hands over the function. */
const sift = ((siftModule as unknown as { default?: Sift }).default ?? siftModule) as Sift;

/** Deep copy that keeps Dates (what goes in or out must not alias the stored document). */
const copy = <T>(value: T): T => structuredClone(value);

function keyPart(value: unknown): string {
  return value instanceof Date ? `d:${value.getTime()}` : JSON.stringify(value);
}

/** The unique keys a document takes under one index; an array field gives one key per element (multikey). */
function uniqueKeys(doc: Doc, spec: IndexSpec): string[] {
  let keys = [''];
  for (const field of Object.keys(spec.keys)) {
    const value = doc[field];
    if (value === undefined) return [];
    const parts = Array.isArray(value) ? value.map(keyPart) : [keyPart(value)];
    keys = keys.flatMap((k) => parts.map((p) => `${k}|${p}`));
  }
  return keys;
}

function applyUpdate(doc: Doc, update: Update): Doc {
  const next = copy(doc);
  for (const [k, v] of Object.entries(update.$set ?? {})) next[k] = copy(v);
  for (const k of Object.keys(update.$unset ?? {})) delete next[k];
  for (const [k, v] of Object.entries(update.$inc ?? {})) next[k] = ((next[k] as number | undefined) ?? 0) + v;
  for (const [k, v] of Object.entries(update.$max ?? {})) {
    const current = next[k] as number | Date | undefined;
    if (current === undefined || (v instanceof Date ? v.getTime() > (current as Date).getTime() : v > (current as number))) next[k] = copy(v);
  }
  return next;
}

class MemoryCollection<D extends { _id: string }> implements Collection<D> {
  private readonly docs = new Map<string, Doc>();
  private readonly unique: { spec: IndexSpec; owners: Map<string, string> }[];

  constructor(
    private readonly name: string,
    indexes: readonly IndexSpec[],
  ) {
    this.unique = indexes.filter((i) => i.unique).map((spec) => ({ spec, owners: new Map() }));
  }

  private matching(filter: Filter): Doc[] {
    const test = sift(filter as Record<string, unknown>);
    const id = filter._id;
    if (typeof id === 'string') {
      const doc = this.docs.get(id);
      return doc && test(doc) ? [doc] : [];
    }
    return [...this.docs.values()].filter((d) => test(d));
  }

  /** Stores `next` in place of `previous` (absent for an insert), refusing any unique conflict first. */
  private write(next: Doc, previous?: Doc): void {
    if (!previous && this.docs.has(next._id)) throw new DuplicateKeyError(this.name);
    for (const { spec, owners } of this.unique) {
      for (const key of uniqueKeys(next, spec)) {
        const owner = owners.get(key);
        if (owner !== undefined && owner !== next._id) throw new DuplicateKeyError(this.name);
      }
    }
    for (const { spec, owners } of this.unique) {
      if (previous) for (const key of uniqueKeys(previous, spec)) owners.delete(key);
      for (const key of uniqueKeys(next, spec)) owners.set(key, next._id);
    }
    this.docs.set(next._id, next);
  }

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<D | undefined> {
    const [doc] = sortAndLimit(this.matching(filter), options.sort, 1);
    return doc ? (copy(doc) as unknown as D) : undefined;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<D[]> {
    return sortAndLimit(this.matching(filter), options.sort, options.limit).map((d) => copy(d) as unknown as D);
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    return [...new Set(this.matching(filter).map((d) => d[field]).filter((v) => v !== undefined))];
  }

  async insertOne(doc: D): Promise<void> {
    this.write(copy(doc) as unknown as Doc);
  }

  async updateOne(filter: Filter, update: Update): Promise<{ matched: number }> {
    const [doc] = this.matching(filter);
    if (!doc) return { matched: 0 };
    this.write(applyUpdate(doc, update), doc);
    return { matched: 1 };
  }

  async replaceOne(filter: Filter, doc: D, options: { upsert?: boolean } = {}): Promise<{ matched: number }> {
    const [current] = this.matching(filter);
    if (!current) {
      if (options.upsert) this.write(copy(doc) as unknown as Doc);
      return { matched: 0 };
    }
    this.write({ ...(copy(doc) as unknown as Doc), _id: current._id }, current);
    return { matched: 1 };
  }

  async deleteMany(filter: Filter): Promise<number> {
    const gone = this.matching(filter);
    for (const doc of gone) {
      for (const { spec, owners } of this.unique) for (const key of uniqueKeys(doc, spec)) owners.delete(key);
      this.docs.delete(doc._id);
    }
    return gone.length;
  }
}

export function createMemoryDatabase(): Database {
  const collections = new Map<string, MemoryCollection<{ _id: string }>>();
  const info: EngineInfo = { engine: 'memory', atomicUpdates: true };
  return {
    collection<D extends { _id: string }>(name: string): Collection<D> {
      let c = collections.get(name);
      if (!c) collections.set(name, (c = new MemoryCollection(name, INDEXES[name as CollectionName] ?? [])));
      return c as unknown as Collection<D>;
    },
    init: async () => undefined,
    ping: async () => undefined,
    info: async () => info,
    close: async () => undefined,
  };
}

/** A store that lives in this process only (unit tests of the use cases). */
export function createMemoryStore(options: { now?: () => Date } = {}): Store {
  return createStore(createMemoryDatabase(), options.now);
}
