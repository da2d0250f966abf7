import type { Config } from '../config.js';
import type { Store } from '../ports/store.js';

/**
 * The store the configuration selects, not yet opened: MongoDB in production mode, else the embedded
 * nedb files in DATA_DIR. The one place that chooses (startSystem, the accounts CLI).
 */
export async function selectStore(config: Config): Promise<Store> {
  if (config.mode === 'production' && config.mongodbUrl) return (await import('../store/mongo/index.js')).createMongoStore({ url: config.mongodbUrl });
  return (await import('../store/nedb/index.js')).createNedbStore({ dataDir: config.dataDir });
}
