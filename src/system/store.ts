import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { createLogger } from '../logging/logger.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { COLLECTIONS } from '../store/schema.js';

/**
 * The store the configuration selects, not yet opened: MongoDB in production mode, else the embedded
 * store in DATA_DIR. The one place that chooses (startSystem, the CLIs). `logger` hears of a store
 * outage (the server unreachable, the disk full) once when it starts and once when it ends; without
 * one, a logger is made from the configuration.
 */
export async function selectStore(config: Config, logger?: Logger): Promise<Store> {
  const outages = (logger ?? createLogger(config)).child({ component: 'store' });
  if (config.mode === 'production' && config.mongodbUrl) return (await import('../store/mongo/index.js')).createMongoStore({ url: config.mongodbUrl, logger: outages });
  if (embeddedEngine(config) === 'nedb') return (await import('../store/nedb/index.js')).createNedbStore({ dataDir: config.dataDir, logger: outages });
  return (await import('../store/sqlite/index.js')).createSqliteStore({ dataDir: config.dataDir, logger: outages });
}

/** Where the SQLite store keeps its one file, and the nedb store its files (one `<collection>.db` each). */
export const storeDir = (dataDir: string) => join(dataDir, 'store');
export const SQLITE_FILE = 'store.sqlite';

/** True when DATA_DIR holds nedb files and no SQLite file: data written before SQLite became the default. */
export function holdsNedbData(dataDir: string): boolean {
  const dir = storeDir(dataDir);
  if (!existsSync(dir) || existsSync(join(dir, SQLITE_FILE))) return false;
  return readdirSync(dir).some((f) => f.endsWith('.db'));
}

/**
 * The embedded engine: EMBEDDED_STORE when it names one; `auto` keeps a DATA_DIR of nedb files on nedb
 * (until `npm run store:migrate` copies it to SQLite) and takes SQLite for everything else.
 */
export function embeddedEngine(config: Pick<Config, 'embeddedStore' | 'dataDir'>): 'sqlite' | 'nedb' {
  if (config.embeddedStore !== 'auto') return config.embeddedStore;
  return holdsNedbData(config.dataDir) ? 'nedb' : 'sqlite';
}

/** Documents copied per group commit by the migration. */
const MIGRATION_BATCH = 500;

/**
 * Copies an embedded store kept in nedb files (before SQLite became the default) into the SQLite file
 * of the same DATA_DIR, collection by collection, documents as they are. The nedb files stay as a
 * backup; from then on `EMBEDDED_STORE=auto` opens SQLite. Refuses a DATA_DIR that already has a
 * SQLite file, and one a running server holds (STORE.DATA_DIR_LOCKED).
 */
export async function migrateNedbToSqlite(dataDir: string): Promise<{ collections: Record<string, number> }> {
  const [{ createNedbDatabase }, { createSqliteDatabase }] = await Promise.all([import('../store/nedb/index.js'), import('../store/sqlite/index.js')]);
  if (!holdsNedbData(dataDir)) throw new Error(`no nedb store to migrate in ${storeDir(dataDir)} (or it already has ${SQLITE_FILE})`);
  const source = createNedbDatabase({ dataDir, compactEveryMs: 0 });
  await source.init();
  const target = createSqliteDatabase({ dataDir });
  const counts: Record<string, number> = {};
  try {
    await target.init();
    for (const name of Object.values(COLLECTIONS)) {
      const docs = await source.collection<{ _id: string }>(name).find({});
      const into = target.collection<{ _id: string }>(name);
      for (let i = 0; i < docs.length; i += MIGRATION_BATCH) await Promise.all(docs.slice(i, i + MIGRATION_BATCH).map((d) => into.insertOne(d)));
      counts[name] = docs.length;
    }
  } finally {
    await target.close();
    await source.close();
  }
  return { collections: counts };
}
