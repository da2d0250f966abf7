import type { FactSourceKind } from '../../src/domain/procedure.js';
import { procedureFacts } from '../catalog/facts.js';
import { CatalogInvalidError, loadCatalog, todayInVietnam } from '../catalog/load.js';

/**
 * Validates the catalog data (schema, provenance of every fee, processing time, agency, document list and
 * legal basis: sources and check date, `verified` only from a verifying source, validity bounds, no check
 * date after today) and prints a summary with counts: facts, verified facts, facts by source kind, disputed.
 */
try {
  const today = todayInVietnam();
  const { procedures, directory } = loadCatalog(undefined, undefined, { today });
  const facts = procedures.flatMap(procedureFacts);
  const unverified = procedures.filter((p) => !p.codeVerified || procedureFacts(p).some((f) => !f.verified)).length;
  const byKind = new Map<FactSourceKind, number>();
  for (const f of facts) for (const kind of new Set(f.sources.map((s) => s.kind))) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  const verified = facts.filter((f) => f.verified).length;
  const disputed = facts.filter((f) => f.disputed).length;
  console.log(`catalog ok: ${procedures.length} procedures, ${directory.agencies.length} agencies (${directory.province}); ${unverified} with unverified facts`);
  console.log(`facts: ${facts.length} with provenance, ${verified} verified, ${disputed} disputed`);
  console.log(`facts by source kind: ${[...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
} catch (err) {
  if (err instanceof CatalogInvalidError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
