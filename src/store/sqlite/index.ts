import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database as SqliteDb, type Statement, type Transaction } from 'better-sqlite3';
import type { EngineInfo, Store } from '../../ports/store.js';
import { DuplicateKeyError, type Collection, type Database, type Filter, type FindOptions, type IndexSpec, type Sort, type Update } from '../collection.js';
import { lockDataDir, type DataDirLock } from '../data-dir-lock.js';
import { createStore } from '../repos/index.js';
import { COLLECTIONS, INDEXES, type CollectionName } from '../schema.js';
import { sqliteUnavailable, guardDatabase } from '../unavailable.js';
import type { Logger } from '../../ports/logger.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { decodeDoc, decodeJson, encodeDoc, encodeScalar, encodeValueJson, type BindValue } from './codec.js';
import { fieldExpr, isTopLevelField, jsonPath, orderBy, quoteIdent, whereOf, type TableShape } from './sql.js';

/**
 * The embedded adapter on SQLite (better-sqlite3): one file `<dataDir>/store/store.sqlite` in WAL mode
 * (synchronous=NORMAL: a commit survives a crash of the process, the last commits may not survive a
 * power cut), one table `(_id TEXT PRIMARY KEY, doc TEXT)` per collection with the documents as JSON
 * (codec.ts: Dates round-trip as Dates), filters, sort and limit in SQL (sql.ts) on expression
 * indexes built from schema.ts's INDEXES. Nothing is loaded into memory at start: opening a year of
 * data costs what opening a file costs.
 *
 * Unique indexes: a compound one (`{ conversationId, seq }`) is a UNIQUE expression index; a
 * single-field one keeps its keys in a side table `"<collection>$<index>" (key PRIMARY KEY, _id)`,
 * one row per value, or per element when the field holds an array (`contacts.identityKeys`), which
 * is MongoDB's multikey unique index; the side table also answers equality filters on that field.
 * A compound unique index does not take array values (refused with an error, never stored).
 *
 * Atomicity: better-sqlite3 is synchronous, so an operation runs whole before the event loop moves
 * on; an update of plain fields is one UPDATE statement (inPlaceUpdate); every other write that
 * touches more than one row, and every read-apply-write of updateOne and replaceOne, runs in one
 * transaction (a savepoint of the open group, see Engine), so a unique conflict leaves nothing
 * behind (DuplicateKeyError). Writes are committed in groups, one per
 * event-loop turn; a write resolves once committed. Only one process may open a data directory
 * (data-dir-lock.ts, as for nedb).
 */

type Row = [id: string, doc: string];
type Doc = Record<string, unknown> & { _id: string };

/** Table listing, per collection, the top-level fields that have held an array (equality then also matches an element). */
const ARRAY_FIELDS_TABLE = '_array_fields';
/** Prepared statements kept per database; past this many distinct texts ($in lists of many lengths) the cache starts over. */
const STATEMENT_CACHE_LIMIT = 2000;

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The unique keys of one single-field unique index in a document: one per distinct value or array element. */
function keysOf(value: unknown): BindValue[] {
  if (value === undefined || value === null) return [];
  const values = Array.isArray(value) ? value : [value];
  const keys = new Set<BindValue>();
  for (const v of values) if (v !== undefined && v !== null) keys.add(encodeScalar(v));
  return [...keys];
}

function sameKeys(a: BindValue[], b: BindValue[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function applyUpdate(doc: Doc, update: Update): Doc {
  for (const [k, v] of Object.entries(update.$set ?? {})) if (k !== '_id') doc[k] = v;
  for (const k of Object.keys(update.$unset ?? {})) if (k !== '_id') delete doc[k];
  for (const [k, v] of Object.entries(update.$inc ?? {})) doc[k] = ((doc[k] as number | undefined) ?? 0) + v;
  for (const [k, v] of Object.entries(update.$max ?? {})) {
    const current = doc[k] as number | Date | undefined;
    if (current === undefined || (v instanceof Date ? v.getTime() > (current as Date).getTime() : v > (current as number))) doc[k] = v;
  }
  return doc;
}

interface KeySet {
  field: string;
  insert: Statement;
  deleteById: Statement;
}

/** Writes committed together at most: a bigger batch is committed at once, without waiting for the event loop. */
const MAX_BATCH = 500;

/**
 * One opened database: the connection, its statements and what each table holds. Writes are committed
 * in groups (group commit): the first write of an event-loop turn opens a transaction, every write of
 * that turn joins it, and it is committed once the turn's I/O callbacks have run (setImmediate). A
 * write's promise resolves only after the COMMIT that holds it, so an acknowledged write is durable as
 * before, but one WAL append of the changed pages serves many writes (the pages a busy turn touches
 * are mostly the same few). A write that fails (a unique conflict) is undone alone: each runs in a
 * savepoint, or is one statement. Reads run at once on the same connection and see every write made.
 */
class Engine {
  readonly tables = new Map<string, TableState>();
  private readonly statements = new Map<string, Statement>();
  private readonly transaction: Transaction<(work: () => unknown) => unknown>;
  private readonly begin: Statement;
  private readonly commitStatement: Statement;
  private readonly rollback: Statement;
  /** Settlers of the writes in the open group, or undefined when no group is open. */
  private group: { resolve(): void; reject(error: unknown): void }[] | undefined;

  constructor(readonly db: SqliteDb) {
    this.transaction = db.transaction((work: () => unknown) => work());
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStatement = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` atomically: its own IMMEDIATE transaction, or a savepoint inside the open group. */
  atomically<T>(work: () => T): T {
    return this.transaction.immediate(work) as T;
  }

  /** Runs the write `work` now, inside the open group; resolves with its result once the group is committed. */
  write<T>(work: () => T): Promise<T> {
    if (!this.group) {
      this.begin.run();
      this.group = [];
      setImmediate(() => this.commit());
    }
    let result: T;
    try {
      result = work();
    } catch (error) {
      // A full or failing disk (SQLITE_FULL, SQLITE_IOERR…) can make SQLite roll back the whole open
      // transaction, not only this statement: the group's earlier writes are then gone, and saying so
      // keeps their callers from taking them as stored.
      if (this.group && !this.db.inTransaction) {
        const lost = this.group;
        this.group = undefined;
        for (const w of lost) w.reject(error);
      }
      return Promise.reject(error);
    }
    const done = new Promise<T>((resolve, reject) => this.group!.push({ resolve: () => resolve(result), reject }));
    if (this.group.length >= MAX_BATCH) this.commit();
    return done;
  }

  /** Commits the open group (if any) and settles its writes. */
  commit(): void {
    const group = this.group;
    if (!group) return;
    this.group = undefined;
    try {
      this.commitStatement.run();
    } catch (error) {
      try {
        if (this.db.inTransaction) this.rollback.run();
      } catch {
        // The connection is unusable: every write of the group is reported as failed anyway.
      }
      for (const w of group) w.reject(error);
      return;
    }
    for (const w of group) w.resolve();
  }
}

class TableState implements TableShape {
  readonly table: string;
  readonly arrayFields = new Set<string>();
  readonly keySets = new Map<string, string>();
  readonly keySetList: KeySet[] = [];
  /** Fields of compound unique indexes: they may not hold arrays. */
  readonly compoundFields = new Set<string>();
  readonly insert: Statement;
  readonly update: Statement;
  readonly deleteById: Statement;
  readonly addArrayField: Statement;

  constructor(
    readonly engine: Engine,
    readonly name: string,
  ) {
    this.table = quoteIdent(name);
    const { db } = engine;
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`);
    for (const field of db.prepare(`SELECT field FROM ${ARRAY_FIELDS_TABLE} WHERE collection = ?`).pluck().all(name) as string[]) this.arrayFields.add(field);
    this.insert = db.prepare(`INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`);
    this.update = db.prepare(`UPDATE ${this.table} SET doc = ? WHERE _id = ?`);
    this.deleteById = db.prepare(`DELETE FROM ${this.table} WHERE _id = ?`);
    this.addArrayField = db.prepare(`INSERT OR IGNORE INTO ${ARRAY_FIELDS_TABLE} (collection, field) VALUES (?, ?)`);
  }

  createIndex(spec: IndexSpec): void {
    const { db } = this.engine;
    const fields = Object.keys(spec.keys);
    if (spec.unique && fields.length === 1) {
      const field = fields[0]!;
      const side = `${this.name}$${spec.name}`;
      const fresh = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(side) === undefined;
      db.exec(`CREATE TABLE IF NOT EXISTS ${quoteIdent(side)} (key NOT NULL PRIMARY KEY, _id TEXT NOT NULL) WITHOUT ROWID`);
      db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${side}$_id`)} ON ${quoteIdent(side)} (_id)`);
      const keySet: KeySet = {
        field,
        insert: db.prepare(`INSERT INTO ${quoteIdent(side)} (key, _id) VALUES (?, ?)`),
        deleteById: db.prepare(`DELETE FROM ${quoteIdent(side)} WHERE _id = ?`),
      };
      // An index declared after documents were stored: its keys are filled in (a conflict stops the open).
      if (fresh) {
        this.engine.atomically(() => {
          for (const [id, text] of db.prepare(`SELECT _id, doc FROM ${this.table}`).raw().iterate() as IterableIterator<Row>) {
            for (const key of keysOf(decodeDoc(id, text)[field])) keySet.insert.run(key, id);
          }
        });
      }
      this.keySets.set(field, side);
      this.keySetList.push(keySet);
      return;
    }
    if (spec.unique) for (const f of fields) this.compoundFields.add(f);
    const columns = Object.entries(spec.keys).map(([f, dir]) => `${fieldExpr(f)}${dir === -1 ? ' DESC' : ''}`);
    db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdent(`${this.name}$${spec.name}`)} ON ${this.table} (${columns.join(', ')})`);
  }

  /** The first `limit` rows matching, in order. */
  select(filter: Filter, sort: Sort | undefined, limit: number | undefined, columns = '_id, doc'): Row[] {
    const { sql, params } = whereOf(filter, this);
    const hasLimit = limit !== undefined && limit >= 0;
    const statement = this.engine.prepare(`SELECT ${columns} FROM ${this.table} WHERE ${sql}${orderBy(sort)}${hasLimit ? ' LIMIT ?' : ''}`);
    return statement.raw(true).all(...params, ...(hasLimit ? [limit] : [])) as Row[];
  }

  /** True when writes must know a document's previous unique keys (see `write`). */
  get hasKeySets(): boolean {
    return this.keySetList.length > 0;
  }

  /**
   * Writes `doc` as a new row, or over its existing row when `existing` (`previous` = the row's
   * document before, needed only when the table has key sets), with its unique keys; inside a
   * transaction when more than one row changes.
   */
  write(doc: Doc, existing = false, previous?: Doc): void {
    const newArrays: string[] = [];
    for (const key in doc) {
      if (!Array.isArray(doc[key]) || this.arrayFields.has(key)) continue;
      if (this.compoundFields.has(key)) throw new TypeError(`sqlite store: ${this.name}.${key} is part of a compound unique index and cannot hold an array`);
      newArrays.push(key);
    }
    const text = encodeDoc(doc);
    const id = doc._id;
    const run = (): void => {
      for (const field of newArrays) this.addArrayField.run(this.name, field);
      if (existing) this.update.run(text, id);
      else this.insert.run(id, text);
      for (const keySet of this.keySetList) {
        const keys = keysOf(doc[keySet.field]);
        if (existing) {
          if (previous && sameKeys(keys, keysOf(previous[keySet.field]))) continue;
          keySet.deleteById.run(id);
        }
        for (const key of keys) keySet.insert.run(key, id);
      }
    };
    if (newArrays.length === 0 && this.keySetList.length === 0) run();
    else this.engine.atomically(run);
    for (const field of newArrays) this.arrayFields.add(field);
  }

  /** Deletes one row and its unique keys (call inside a transaction). */
  remove(id: string): void {
    for (const keySet of this.keySetList) keySet.deleteById.run(id);
    this.deleteById.run(id);
  }

  duplicateKey<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, { cause: error });
      throw error;
    }
  }
}

/**
 * An update of plain top-level fields as one SQL expression over the stored text (json_remove for
 * `$unset` and fields set to undefined, json_set for `$set`), so it runs as one UPDATE statement with
 * no read, decode and re-encode of the document and no savepoint: the common update of a status or a
 * date. Undefined (the whole document is read, updated and written) when the update has `$inc` or
 * `$max`, touches a field with a unique key set, sets and unsets one field (applyUpdate's order then
 * decides), or stores an array in a field not yet known to hold one (write() records it and checks
 * compound unique indexes).
 */
function inPlaceUpdate(t: TableState, update: Update): { expression: string; params: string[] } | undefined {
  if (Object.keys(update.$inc ?? {}).length > 0 || Object.keys(update.$max ?? {}).length > 0) return undefined;
  const plain = (field: string) => field !== '_id' && isTopLevelField(field) && !t.keySets.has(field);
  const unset = Object.keys(update.$unset ?? {});
  const removed = [...unset];
  const set: [string, unknown][] = [];
  for (const [field, value] of Object.entries(update.$set ?? {})) {
    if (unset.includes(field) || (Array.isArray(value) && !t.arrayFields.has(field))) return undefined;
    if (value === undefined) removed.push(field);
    else set.push([field, value]);
  }
  if (removed.length + set.length === 0 || !removed.every(plain) || !set.every(([field]) => plain(field))) return undefined;
  let expression = removed.length > 0 ? `json_remove(doc, ${removed.map(jsonPath).join(', ')})` : 'doc';
  if (set.length > 0) expression = `json_set(${expression}, ${set.map(([field]) => `${jsonPath(field)}, json(?)`).join(', ')})`;
  return { expression, params: set.map(([, value]) => encodeValueJson(value)) };
}

class SqliteCollection<D extends { _id: string }> implements Collection<D> {
  constructor(private readonly state: () => TableState) {}

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<D | undefined> {
    const [row] = this.state().select(filter, options.sort, 1);
    return row ? (decodeDoc(row[0], row[1]) as D) : undefined;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<D[]> {
    return this.state()
      .select(filter, options.sort, options.limit)
      .map(([id, text]) => decodeDoc(id, text) as D);
  }

  /** Values of one field among the matching documents, exactly as stored (array fields give their elements). */
  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    const t = this.state();
    const seen = new Map<string, unknown>();
    const add = (value: unknown): void => {
      if (value === undefined) return;
      const key = value instanceof Date ? `d:${value.getTime()}` : JSON.stringify(value);
      if (!seen.has(key)) seen.set(key, value);
    };
    if (field === '_id') for (const [id] of t.select(filter, undefined, undefined, '_id, NULL')) add(id);
    else {
      const { sql, params } = whereOf(filter, t);
      // `doc -> path` is the value's JSON text (NULL when missing), so types survive DISTINCT.
      const statement = t.engine.prepare(`SELECT DISTINCT doc -> ${jsonPath(field)} AS v FROM ${t.table} WHERE (${sql}) AND v IS NOT NULL`);
      for (const text of statement.pluck(true).all(...params) as string[]) {
        const value = decodeJson(text);
        if (Array.isArray(value)) value.forEach(add);
        else add(value);
      }
    }
    return [...seen.values()];
  }

  insertOne(doc: D): Promise<void> {
    const t = this.state();
    return t.engine.write(() => t.duplicateKey(() => t.write({ ...(doc as unknown as Doc) })));
  }

  updateOne(filter: Filter, update: Update): Promise<{ matched: number }> {
    const t = this.state();
    const inPlace = inPlaceUpdate(t, update);
    if (inPlace) {
      const { sql, params } = whereOf(filter, t);
      const statement = t.engine.prepare(`UPDATE ${t.table} SET doc = ${inPlace.expression} WHERE _id = (SELECT _id FROM ${t.table} WHERE ${sql} LIMIT 1)`);
      return t.engine.write(() => t.duplicateKey(() => ({ matched: statement.run(...inPlace.params, ...params).changes })));
    }
    return t.engine.write(() =>
      t.duplicateKey(() =>
        t.engine.atomically(() => {
          const [row] = t.select(filter, undefined, 1);
          if (!row) return { matched: 0 };
          const previous = t.hasKeySets ? (decodeDoc(row[0], row[1]) as Doc) : undefined;
          t.write(applyUpdate(decodeDoc(row[0], row[1]) as Doc, update), true, previous);
          return { matched: 1 };
        }),
      ),
    );
  }

  replaceOne(filter: Filter, doc: D, options: { upsert?: boolean } = {}): Promise<{ matched: number }> {
    const t = this.state();
    return t.engine.write(() =>
      t.duplicateKey(() =>
        t.engine.atomically(() => {
          const [row] = t.select(filter, undefined, 1);
          if (!row) {
            if (options.upsert) t.write({ ...(doc as unknown as Doc) });
            return { matched: 0 };
          }
          t.write({ ...(doc as unknown as Doc), _id: row[0] }, true, t.hasKeySets ? (decodeDoc(row[0], row[1]) as Doc) : undefined);
          return { matched: 1 };
        }),
      ),
    );
  }

  deleteMany(filter: Filter): Promise<number> {
    const t = this.state();
    const { sql, params } = whereOf(filter, t);
    return t.engine.write(() => {
      if (!t.hasKeySets) return t.engine.prepare(`DELETE FROM ${t.table} WHERE ${sql}`).run(...params).changes;
      // The filter may go through a key set: the ids are taken first, then each row and its keys go together.
      return t.engine.atomically(() => {
        const ids = t.engine.prepare(`SELECT _id FROM ${t.table} WHERE ${sql}`).pluck(true).all(...params) as string[];
        for (const id of ids) t.remove(id);
        return ids.length;
      });
    });
  }
}

export interface SqliteStoreOptions {
  /** The data directory; the store keeps `<dataDir>/store/store.sqlite` (directory created if missing). */
  dataDir: string;
  /** How often the background thread checkpoints the write-ahead log (default 1 s). */
  checkpointEveryMs?: number;
  /** Clock for `updatedAt` stamps (tests). */
  now?: () => Date;
  /** Where a full or failing disk is logged, once when writes start failing and once when they work again (unavailable.ts). */
  logger?: Pick<Logger, 'error' | 'warn'>;
}

/** Opens the file, applies the settings, creates every table and declared index (idempotent). */
function openEngine(file: string): Engine {
  const db = new BetterSqlite3(file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = OFF');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -32000'); // 32 MB of pages
    // Checkpoints run on a worker thread (checkpointer.ts), not inside this thread's commits.
    db.pragma('wal_autocheckpoint = 0');
    // When the log starts over after a checkpoint, it is cut back to this size.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${ARRAY_FIELDS_TABLE} (collection TEXT NOT NULL, field TEXT NOT NULL, PRIMARY KEY (collection, field)) WITHOUT ROWID`);
    const engine = new Engine(db);
    for (const name of Object.values(COLLECTIONS)) {
      const table = new TableState(engine, name);
      for (const spec of INDEXES[name as CollectionName]) table.createIndex(spec);
      engine.tables.set(name, table);
    }
    // No ANALYZE, ever: statistics taken while a table is small make the planner scan it once it is big,
    // and every query here has the index it was declared for, which SQLite picks without statistics.
    return engine;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function createSqliteDatabase(options: Omit<SqliteStoreOptions, 'now'>): Database {
  const dir = join(options.dataDir, 'store');
  const file = join(dir, 'store.sqlite');
  let engine: Engine | undefined;
  let lock: DataDirLock | undefined;
  let info: EngineInfo | undefined;
  let checkpointer: Checkpointer | undefined;

  const open = (): Engine => {
    if (engine) return engine;
    mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
    try {
      engine = openEngine(file);
      checkpointer = startCheckpointer(file, options.checkpointEveryMs ?? 1000);
    } catch (error) {
      // A failed open (locked or unreadable directory, corrupt file) is retried by the next call.
      lock.release();
      lock = undefined;
      throw error;
    }
    return engine;
  };
  const table = (name: string) => (): TableState => {
    const t = open().tables.get(name);
    if (!t) throw new TypeError(`sqlite store: unknown collection ${name}`);
    return t;
  };

  return {
    collection<D extends { _id: string }>(name: string): Collection<D> {
      return new SqliteCollection<D>(table(name));
    },
    async init() {
      open();
    },
    async ping() {
      open().db.prepare('SELECT 1').get();
    },
    async info() {
      info ??= { engine: 'sqlite', version: String(open().db.prepare('SELECT sqlite_version()').pluck().get()), atomicUpdates: true };
      return info;
    },
    async close() {
      const current = engine;
      engine = undefined;
      const background = checkpointer;
      checkpointer = undefined;
      if (current) {
        try {
          current.commit();
          // Folds the write-ahead log into the database file, so the directory holds one file at rest.
          current.db.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          current.db.close();
        }
      }
      // The checkpointer's connection is the last one: closing, it removes the emptied log files.
      await background?.stop();
      lock?.release();
      lock = undefined;
    },
  };
}

/** The embedded store on SQLite: one file under the data directory, for the one-process mode. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  return createStore(guardDatabase(createSqliteDatabase(options), { store: 'sqlite', classify: sqliteUnavailable, logger: options.logger }), options.now);
}
