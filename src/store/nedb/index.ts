import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** nedb's command queue (datastore.js `Datastore#executor`, untyped): one command at a time per datastore. */
type Executor = { pushAsync<T>(task: () => Promise<T>, forceQueuing?: boolean): Promise<T> };

/**
 * Cuts a torn last line off a nedb file: a write the full disk cut short leaves part of a line, and a
 * datastore of a few lines (its index lines count) with one corrupt line is more than nedb's 10%
 * corruptAlertThreshold, so it would refuse to load it (the reload below, as the next start). Every line
 * nedb writes (append or compaction) ends with '\n', so whatever follows the last '\n' is torn.
 * Truncating frees space: it works on a full disk.
 */
async function dropTornTail(filename: string): Promise<void> {
  const file = await open(filename, 'r+');
  try {
    const { size } = await file.stat();
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await file.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) await file.truncate(end);
  } finally {
    await file.close();
  }
}

/**
 * One collection's datastore, and whether its memory may be ahead of its file. nedb applies a write to
 * its in-memory indexes first and appends it to the file after (datastore.js `_insertAsync`,
 * `_updateAsync`, `_removeAsync`), so when the append fails on a full or failing disk the caller gets
 * the error (503: the platform redelivers) but memory keeps the write: the redelivery would find the
 * message already stored, and the next restart would lose it. So after a write fails with a disk error
 * the datastore is reloaded from its file before its next operation: the failed write is then gone from
 * memory as from the disk, as the 503 said.
 */
class NedbFile {
  /** A write failed on the disk since the last load: memory may hold what the file does not. */
  private stale = false;
  /** The reload under way: every operation arriving meanwhile waits on this one, not on a reload of its own. */
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly ds: Nedb,
    private readonly filename: string,
  ) {}

  /** Told of every failed write: only a disk error leaves memory ahead of the file. */
  failed(error: unknown): void {
    if (diskError(error) !== undefined) this.stale = true;
  }

  /** The datastore, first reloaded from its file if memory may be ahead of it; throws (mark kept) if the reload fails. */
  async ready(): Promise<Nedb> {
    if (this.stale && !this.reloading) {
      // Cleared before, not after: a write failing during the reload marks it again (one reload too many at worst, never one too few).
      this.stale = false;
      this.reloading = (async () => {
        try {
          // Both in nedb's queue, back to back: after the commands already queued (a write still appending
          // must not be cut), before any other. The load empties memory, reads the file back and rewrites it
          // (a compaction): on a disk still full that rewrite fails with memory maybe half loaded, so the
          // mark stays and the next operation tries again.
          const executor = (this.ds as unknown as { executor: Executor }).executor;
          await Promise.all([executor.pushAsync(() => dropTornTail(this.filename), true), this.ds.loadDatabaseAsync()]);
        } catch (error) {
          this.stale = true;
          throw error;
        } finally {
          this.reloading = undefined;
        }
      })();
    }
    if (this.reloading) await this.reloading;
    return this.ds;
  }

  /** Rewrites the file from memory, unless memory may be ahead of it (a compaction would then write the failed write, or a half-loaded memory): then the reload rewrites it from the file. */
  async compact(): Promise<void> {
    if (this.stale || this.reloading) await this.ready();
    else await this.ds.compactDatafileAsync();
  }
}

class NedbCollection<D extends { _id: string }> implements Collection<D> {
  constructor(
    private readonly name: string,
    private readonly file: () => Promise<NedbFile>,
  ) {}

  /** The datastore, reloaded first if a write failed on the disk (NedbFile). */
  private async ds(): Promise<Nedb> {
    return (await this.file()).ready();
  }

  private async guard<T>(write: (ds: Nedb) => Promise<T>): Promise<T> {
    const file = await this.file();
    const ds = await file.ready();
    try {
      return await write(ds);
    } catch (error) {
      file.failed(error);
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
    return this.guard((ds) => ds.removeAsync(filter, { multi: true }));
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
async function openAll(dir: string): Promise<Map<string, NedbFile>> {
  mkdirSync(dir, { recursive: true });
  const all = new Map<string, NedbFile>();
  for (const name of Object.values(COLLECTIONS)) {
    const filename = join(dir, `${name}.db`);
    const ds = new Datastore<Record<string, unknown>>({ filename });
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
    all.set(name, new NedbFile(ds, filename));
  }
  return all;
}

export function createNedbDatabase(options: Omit<NedbStoreOptions, 'now'>): Database {
  const dir = join(options.dataDir, 'store');
  const compactEveryMs = options.compactEveryMs ?? DEFAULT_COMPACT_EVERY_MS;
  let loading: Promise<Map<string, NedbFile>> | undefined;
  let lock: DataDirLock | undefined;
  let timer: NodeJS.Timeout | undefined;

  const compact = (all: Map<string, NedbFile>) => Promise.all([...all.values()].map((file) => file.compact()));
  const load = async (): Promise<Map<string, NedbFile>> => {
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
  const db = (): Promise<Map<string, NedbFile>> => {
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
