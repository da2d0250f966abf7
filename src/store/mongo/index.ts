import { MongoClient, type Collection as DriverCollection, type Db, type Filter as DriverFilter, type Document } from 'mongodb';
import type { EngineInfo, Store } from '../../ports/store.js';
import { DuplicateKeyError, type Collection, type Database, type Filter, type FindOptions, type Sort, type Update } from '../collection.js';
import { createStore } from '../repos/index.js';
import { COLLECTIONS, INDEXES, type CollectionName } from '../schema.js';
import { guardDatabase, mongoUnavailable, withinMs } from '../unavailable.js';
import type { Logger } from '../../ports/logger.js';

/**
 * The production adapter on the official MongoDB driver, safe for several web and worker processes:
 * every multi-step write of the repositories is made safe by a unique index or an update filtered on
 * the expected version (atomic on one document in MongoDB). Tested in every run against FerretDB 1.24
 * on PostgreSQL (scripts/ensure-ferretdb.sh), whose updates are not atomic: `info()` says which engine
 * answers, so the tests that need atomic updates run only on MongoDB.
 */

/**
 * The server's duplicate-key error: E11000. FerretDB 1.x gives E11000 for inserts and upserts, but an
 * update or replace that turns an existing document into a duplicate comes back as code 1 carrying
 * PostgreSQL's unique-violation state (SQLSTATE 23505); nothing is written in either case.
 */
function isE11000(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 11000 || (code === 1 && typeof message === 'string' && message.includes('SQLSTATE 23505'));
}

type Raw = DriverCollection<Document>;

class MongoCollection<D extends { _id: string }> implements Collection<D> {
  constructor(
    private readonly name: string,
    private readonly raw: () => Promise<Raw>,
  ) {}

  private async guard<T>(write: (c: Raw) => Promise<T>): Promise<T> {
    const c = await this.raw();
    try {
      return await write(c);
    } catch (error) {
      if (isE11000(error)) throw new DuplicateKeyError(this.name, { cause: error });
      throw error;
    }
  }

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<D | undefined> {
    const doc = await (await this.raw()).findOne(filter as DriverFilter<Document>, options.sort ? { sort: { ...options.sort } } : {});
    return (doc ?? undefined) as D | undefined;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<D[]> {
    let cursor = (await this.raw()).find(filter as DriverFilter<Document>);
    if (options.sort) cursor = cursor.sort({ ...options.sort });
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as unknown as D[];
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    return (await this.raw()).distinct(field, filter as DriverFilter<Document>);
  }

  async insertOne(doc: D): Promise<void> {
    await this.guard((c) => c.insertOne(doc as unknown as Document));
  }

  async updateOne(filter: Filter, update: Update): Promise<{ matched: number }> {
    const result = await this.guard((c) => c.updateOne(filter as DriverFilter<Document>, update as Document));
    return { matched: result.matchedCount };
  }

  async replaceOne(filter: Filter, doc: D, options: { upsert?: boolean } = {}): Promise<{ matched: number }> {
    const { _id, ...fields } = doc as unknown as Document;
    // An upsert takes its _id from the filter's equality; the replacement itself carries none.
    const query = options.upsert ? { ...filter, _id } : filter;
    const replace = () => this.guard((c) => c.replaceOne(query as DriverFilter<Document>, fields, { upsert: options.upsert ?? false }));
    try {
      return { matched: (await replace()).matchedCount };
    } catch (error) {
      // Two upserts of one new _id at once: both find nothing and both insert, and the second is refused
      // (MongoDB retries this itself only from 4.2 and not always; FerretDB never). The document exists
      // now, so one more try replaces it, which is what the losing writer asked for.
      if (!options.upsert || !(error instanceof DuplicateKeyError)) throw error;
      return { matched: (await replace()).matchedCount };
    }
  }

  async deleteMany(filter: Filter): Promise<number> {
    return (await (await this.raw()).deleteMany(filter as DriverFilter<Document>)).deletedCount;
  }
}

/**
 * Creates the declared indexes that do not exist yet, one collection after the other: createIndexes is
 * a no-op on MongoDB for an existing index, but FerretDB 1.24 can panic when asked to re-create
 * existing indexes from several connections at once, so existing ones are skipped by name.
 */
async function ensureIndexes(db: Db): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMissingIndexes(db);
    } catch (error) {
      // Several processes starting at once on a fresh database may race to create the same indexes;
      // FerretDB can then drop a connection. What exists by the next try is skipped.
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt + Math.random() * 300));
    }
  }
}

async function createMissingIndexes(db: Db): Promise<void> {
  for (const name of Object.values(COLLECTIONS)) {
    const specs = INDEXES[name as CollectionName];
    if (specs.length === 0) continue;
    const collection = db.collection(name);
    const existing = new Set((await collection.listIndexes().toArray().catch(() => [])).map((i) => String(i.name)));
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) await collection.createIndexes(missing.map((s) => ({ key: { ...s.keys }, name: s.name, ...(s.unique ? { unique: true } : {}) })));
  }
}

export interface MongoStoreOptions {
  /** mongodb:// or mongodb+srv:// URL (a replica set in production). */
  url: string;
  /** Database name; defaults to the one in the URL path, else `tro_ly_1022`. */
  dbName?: string;
  /** Clock for `updatedAt` stamps (tests). */
  now?: () => Date;
  /**
   * How long an operation waits for a usable server before it fails with STORE.UNAVAILABLE (the
   * driver's serverSelectionTimeoutMS). Short, so that during an outage a webhook answers 503 within
   * a few seconds (the platform redelivers) instead of hanging for the driver's default 30 s; a
   * replica-set election (about 10 s) is then a few 503s, not a stall.
   */
  serverSelectionTimeoutMS?: number;
  /** How long `init()` keeps trying to reach a server that is down at start. */
  initTimeoutMs?: number;
  /** Where an outage is logged, once when it starts and once when it ends (unavailable.ts). */
  logger?: Pick<Logger, 'error' | 'warn'>;
}

/** See MongoStoreOptions.serverSelectionTimeoutMS. */
export const SERVER_SELECTION_TIMEOUT_MS = 3_000;
const INIT_TIMEOUT_MS = 30_000;
/** A readiness ping gives up after this long (the probe's own timeout is 3 s). */
const PING_TIMEOUT_MS = 1_500;

const DEFAULT_DB_NAME = 'tro_ly_1022';

/** The database named in a MongoDB URL's path (`mongodb://h1,h2/name?opts`), if any. */
export function dbNameFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^/?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export function createMongoDatabase(options: Omit<MongoStoreOptions, 'now' | 'logger'>): Database {
  // ignoreUndefined: optional fields left undefined are omitted rather than stored as null. The driver
  // reconnects by itself once the server is back (its monitor checks every 500 ms while an operation
  // waits for a server); retryable reads and writes (the defaults, said here) retry once an operation
  // cut by a failover or a dropped connection, on a replica set.
  const client = new MongoClient(options.url, {
    ignoreUndefined: true,
    appName: 'tro-ly-1022',
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? SERVER_SELECTION_TIMEOUT_MS,
    retryReads: true,
    retryWrites: true,
  });
  const dbName = options.dbName ?? dbNameFromUrl(options.url) ?? DEFAULT_DB_NAME;
  let ready: Promise<Db> | undefined;
  let engine: Promise<EngineInfo> | undefined;

  const db = (): Promise<Db> => {
    if (!ready) {
      const attempt = (async () => {
        await client.connect();
        const d = client.db(dbName);
        await ensureIndexes(d);
        return d;
      })();
      ready = attempt;
      // A failed start (server down) is retried by the next call rather than cached.
      attempt.catch(() => {
        if (ready === attempt) ready = undefined;
      });
    }
    return ready;
  };

  return {
    collection<D extends { _id: string }>(name: string): Collection<D> {
      return new MongoCollection<D>(name, async () => (await db()).collection(name));
    },
    async init() {
      // A server still starting (or restarting) when the process starts is waited for, a while.
      const deadline = performance.now() + (options.initTimeoutMs ?? INIT_TIMEOUT_MS);
      for (;;) {
        try {
          await db();
          return;
        } catch (error) {
          if (mongoUnavailable(error) === undefined || performance.now() >= deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
    async ping() {
      // Readiness probes: fails within PING_TIMEOUT_MS while the server is down (StoreTimeoutError).
      await withinMs((async () => (await db()).command({ ping: 1 }))(), PING_TIMEOUT_MS, 'mongodb ping');
    },
    info() {
      engine ??= (async () => {
        const build = await (await db()).admin().command({ buildInfo: 1 });
        // FerretDB answers buildInfo with its own version field beside the MongoDB version it emulates.
        const ferret = typeof build.ferretdbVersion === 'string' ? build.ferretdbVersion : typeof build.ferretdb?.version === 'string' ? (build.ferretdb.version as string) : undefined;
        return ferret !== undefined
          ? { engine: 'ferretdb' as const, version: ferret, atomicUpdates: false }
          : { engine: 'mongodb' as const, ...(typeof build.version === 'string' ? { version: build.version } : {}), atomicUpdates: true };
      })();
      return engine;
    },
    async close() {
      ready = undefined;
      engine = undefined;
      // FerretDB does not implement endSessions, which close() sends; the driver ignores that error.
      await client.close();
    },
  };
}

/**
 * The production store on MongoDB; repos wait for `init()` (connect and create indexes) themselves.
 * A server that cannot be reached surfaces as STORE.UNAVAILABLE (unavailable.ts), logged once per outage.
 */
export function createMongoStore(options: MongoStoreOptions): Store {
  return createStore(guardDatabase(createMongoDatabase(options), { store: 'mongodb', classify: mongoUnavailable, logger: options.logger }), options.now);
}
