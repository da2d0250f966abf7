import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../catalog/load.js';
import { type Json, migrateProcedure } from '../catalog/migrate-provenance.js';

/**
 * One-off migration of the procedure files to schema v2 (issue 13): `npm run catalog:migrate [-- <data dir>]`,
 * run once on 2026-12-07. The rules are in knowledge/catalog/migrate-provenance.ts. Writes 2-space JSON
 * with a final newline, as the files were; running it again changes nothing.
 */

const dir = join(process.argv[2] ?? DEFAULT_DATA_DIR, 'procedures');
for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const file = join(dir, name);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { procedures: Json[] };
  const migrated = { ...data, procedures: data.procedures.map(migrateProcedure) };
  writeFileSync(file, `${JSON.stringify(migrated, null, 2)}\n`);
  console.log(`${name}: ${data.procedures.length} records`);
}
