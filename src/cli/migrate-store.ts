import { loadConfig } from '../config.js';
import { AppError } from '../domain/errors.js';
import { migrateNedbToSqlite } from '../system/store.js';

/**
 * `npm run store:migrate`: copies an embedded store kept in nedb files (DATA_DIR/store/*.db, the
 * default before SQLite) into DATA_DIR/store/store.sqlite, with the server stopped. The nedb files stay
 * as a backup; delete them once the server runs well on SQLite. Exit 1 with a clear message otherwise.
 */
const config = loadConfig();
if (config.mode === 'production') {
  process.stderr.write('store:migrate is for the embedded store (DATA_DIR); production mode keeps its data in MongoDB.\n');
  process.exit(1);
}
try {
  const { collections } = await migrateNedbToSqlite(config.dataDir);
  const total = Object.values(collections).reduce((a, b) => a + b, 0);
  process.stdout.write(`migrated ${total} documents to ${config.dataDir}/store/store.sqlite:\n`);
  for (const [name, n] of Object.entries(collections)) process.stdout.write(`  ${name}: ${n}\n`);
  process.stdout.write('the nedb files stay in the same folder as a backup; the server now opens SQLite (EMBEDDED_STORE=auto).\n');
} catch (err) {
  if (err instanceof AppError && err.code === 'STORE.DATA_DIR_LOCKED') {
    process.stderr.write(`A running server holds DATA_DIR ${config.dataDir}: stop it, then run store:migrate again.\n`);
  } else {
    process.stderr.write(`store:migrate: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
}
