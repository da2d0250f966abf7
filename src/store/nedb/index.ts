import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import nedbModule from '@seald-io/nedb';
import type { EngineInfo, Store } from '../../ports/store.js';
import { DuplicateKeyError, type Collection, type Database, type Filter, type FindOptions, type Sort, type Update } from '../collection.js';
import { createStore } from '../repos/index.js';
import { COLLECTIONS, INDEXES, type CollectionName } from '../schema.js';
import { diskError, guardDatabase } from '../unavailable.js';
import type { Logger } from '../../ports/logger.js';
import { sortAndLimit } from '../sort.js';
import { lockDataDir, type DataDirLock } from '../data-dir-lock.js';

/**
 * The embedded adapter: one nedb file per collection under `<dataDir>/store/`, loaded into memory on
 * open and appended to on every write. nedb runs one command at a time per collection, so a filtered
 * update or replace is atomic within the process; only one process may open a data directory
 * (data-dir-lock.ts).
 */

type NedbClass = typeof nedbModule.default;
/** TypeScript (NodeNext) types this CommonJS default import as the module object; Node hands over module.exports, the class. */
const Datastore = ((nedbModule as unknown as { default?: NedbClass }).default ?? nedbModule) as NedbClass;
type Nedb = import('@seald-io/nedb').default<Record<string, unknown>>;

/** nedb signals a unique-index conflict with this errorType (from its binary search tree). */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { errorType?: unknown }).errorType === 'uniqueViolated';
}

class NedbCollection<D extends { _id: string }> implements Collection<D> {
  constructor(
    private readonly name: string,
    private readonly ds: () => Promise<Nedb>,
  ) {}

  private async guard<T>(write: (ds: Nedb) => Promise<T>): Promise<T> {
    const ds = await this.ds();
    try {
      return await write(ds);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, { cause: error });
      throw error;
    }
  }

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<D | undefined> {
    if (options.sort) return (await this.find(filter, { sort: options.sort, limit: 1 }))[0];
    const doc = await (await this.ds()).findOneAsync(filter);
    return (doc ?? undefined) as D | undefined;
  }

  /** Sorted in JavaScript (sort.ts): faster than nedb's cursor sort, and every match is read anyway. */
  async find(filter: Filter, options: FindOptions = {}): Promise<D[]> {
    const ds = await this.ds();
    if (!options.sort) {
      const cursor = ds.findAsync(filter);
      return (await (options.limit !== undefined ? cursor.limit(options.limit) : cursor)) as unknown as D[];
    }
    return sortAndLimit((await ds.findAsync(filter)) as unknown as D[], options.sort, options.limit);
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    const docs = await (await this.ds()).findAsync(filter, { [field]: 1, _id: 0 });
    return [...new Set(docs.map((d) => d[field]).filter((v) => v !== undefined))];
  }

  async insertOne(doc: D): Promise<void> {
    await this.guard((ds) => ds.insertAsync(doc as unknown as Record<string, unknown>));
  }

  async updateOne(filter: Filter, update: Update): Promise<{ matched: number }> {
    const { numAffected } = await this.guard((ds) => ds.updateAsync(filter, update, { multi: false }));
    return { matched: numAffected };
  }

  async replaceOne(filter: Filter, doc: D, options: { upsert?: boolean } = {}): Promise<{ matched: number }> {
    const { numAffected, upsert } = await this.guard((ds) => ds.updateAsync(filter, doc as unknown as Record<string, unknown>, { multi: false, upsert: options.upsert ?? false }));
    return { matched: upsert ? 0 : numAffected };
  }

  async deleteMany(filter: Filter): Promise<number> {
    return (await this.ds()).removeAsync(filter, { multi: true });
  }
}

export interface NedbStoreOptions {
  /** The data directory; the store keeps its files in `<dataDir>/store/` (created if missing). */
  dataDir: string;
  /** How often to compact the files while running (nedb files only grow between compactions); 0 = only on close. */
  compactEveryMs?: number;
  /** Clock for `updatedAt` stamps (tests). */
  now?: () => Date;
  /** Where a full or failing disk is logged, once when writes start failing and once when they work again (unavailable.ts). */
  logger?: Pick<Logger, 'error' | 'warn'>;
}

const DEFAULT_COMPACT_EVERY_MS = 10 * 60_000;

/** Opens every collection file, checks the data directory is ours, creates the declared indexes. */
async function openAll(dir: string): Promise<Map<string, Nedb>> {
  mkdirSync(dir, { recursive: true });
  const all = new Map<string, Nedb>();
  for (const name of Object.values(COLLECTIONS)) {
    const ds = new Datastore<Record<string, unknown>>({ filename: join(dir, `${name}.db`) });
    await ds.loadDatabaseAsync();
    // nedb indexes one field's equality or range: unique indexes whole (compound ones too), the others by their first key.
    const seen = new Set<string>();
    for (const spec of INDEXES[name as CollectionName]) {
      const fields = Object.keys(spec.keys);
      const fieldName = spec.unique ? (fields.length === 1 ? fields[0]! : fields) : fields[0]!;
      const id = JSON.stringify(fieldName);
      if (seen.has(id)) continue;
      seen.add(id);
      await ds.ensureIndexAsync({ fieldName, ...(spec.unique ? { unique: true } : {}) });
    }
    all.set(name, ds);
  }
  return all;
}

export function createNedbDatabase(options: Omit<NedbStoreOptions, 'now'>): Database {
  const dir = join(options.dataDir, 'store');
  const compactEveryMs = options.compactEveryMs ?? DEFAULT_COMPACT_EVERY_MS;
  let loading: Promise<Map<string, Nedb>> | undefined;
  let lock: DataDirLock | undefined;
  let timer: NodeJS.Timeout | undefined;

  const compact = (all: Map<string, Nedb>) => Promise.all([...all.values()].map((ds) => ds.compactDatafileAsync()));
  const load = async (): Promise<Map<string, Nedb>> => {
    mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
    try {
      const all = await openAll(dir);
      if (compactEveryMs > 0) {
        timer = setInterval(() => void compact(all).catch(() => undefined), compactEveryMs);
        timer.unref(); // compaction must never keep a finished process alive
      }
      return all;
    } catch (error) {
      lock.release();
      lock = undefined;
      throw error;
    }
  };
  const db = (): Promise<Map<string, Nedb>> => {
    if (!loading) {
      const attempt = load();
      loading = attempt;
      // A failed load (locked or unreadable directory, corrupt file) is retried by the next call rather than cached.
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
  const info: EngineInfo = { engine: 'nedb', atomicUpdates: true };

  return {
    collection<D extends { _id: string }>(name: string): Collection<D> {
      return new NedbCollection<D>(name, async () => (await db()).get(name)!);
    },
    async init() {
      await db();
    },
    async ping() {
      await db();
    },
    info: async () => info,
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      const all = loading ? await loading.catch(() => undefined) : undefined;
      loading = undefined;
      if (all) await compact(all);
      lock?.release();
      lock = undefined;
    },
  };
}

/**
 * The zero-configuration store: durable nedb files under the data directory, for the embedded mode
 * (one process: web and workers).
 */
export function createNedbStore(options: NedbStoreOptions): Store {
  return createStore(guardDatabase(createNedbDatabase(options), { store: 'nedb', classify: diskError, logger: options.logger }), options.now);
}
