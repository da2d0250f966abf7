import { CatalogInvalidError, loadCatalog } from '../catalog/load.js';

/** Validates the catalog data and prints a one-line summary, or every problem found. */
try {
  const { procedures, directory } = loadCatalog();
  const unverified = procedures.filter((p) => !p.codeVerified || p.channels.some((c) => !c.fee.verified || !c.processingTime.verified)).length;
  console.log(`catalog ok: ${procedures.length} procedures, ${directory.agencies.length} agencies (${directory.province}); ${unverified} with unverified facts`);
} catch (err) {
  if (err instanceof CatalogInvalidError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
