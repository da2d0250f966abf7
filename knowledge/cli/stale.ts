import { parseArgs } from 'node:util';
import { CatalogInvalidError, DEFAULT_DATA_DIR, loadCatalog, todayInVietnam } from '../catalog/load.js';
import { type StaleFinding, daysBetween, staleReport } from '../catalog/stale.js';

/**
 * npm run catalog:stale -- [--days N] [--today YYYY-MM-DD] [--data <dir>] [--quiet]
 *
 * Lists, per procedure, the facts checked more than N days before `today` (default 30), those whose
 * validity (or a scheduled fee amount) ends within N days, and legal bases that expire within N days
 * (NĐ 120/2025 on 01/03/2027). Exit code 1 when a fact is already past its validity on `today` (or a
 * fee's schedule has ended, or a legal basis marked in force is past its expiry): CI fails on it. Exit 2
 * on bad arguments or an invalid catalog. `--quiet` prints only the errors and the summary.
 */

const USAGE = 'usage: npm run catalog:stale -- [--days N] [--today YYYY-MM-DD] [--data <dir>] [--quiet]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        days: { type: 'string', default: '30' },
        today: { type: 'string' },
        data: { type: 'string', default: DEFAULT_DATA_DIR },
        quiet: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
})();

const days = Number(values.days);
if (!Number.isInteger(days) || days < 0) fail(`--days must be a whole number of days, not "${values.days}"`);
const realToday = todayInVietnam();
const today = values.today ?? realToday;
if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`)) || new Date(`${today}T00:00:00Z`).toISOString().slice(0, 10) !== today) {
  fail(`--today must be a date YYYY-MM-DD, not "${today}"`);
}

let procedures;
try {
  // A check date may not be after the real day, nor after the day asked when that is later.
  procedures = loadCatalog(values.data, undefined, { today: today > realToday ? today : realToday }).procedures;
} catch (err) {
  if (err instanceof CatalogInvalidError) fail(err.message);
  throw err;
}

const report = staleReport(procedures, today, days);

const WHAT: Record<StaleFinding['kind'], (f: StaleFinding) => string> = {
  expired: (f) => `EXPIRED   ${f.path}: valid until ${f.date}, past on ${today}: ${f.label}`,
  legal_expired: (f) => `${f.error ? 'EXPIRED  ' : 'expired  '} ${f.path}: expires on ${f.date}, ${f.error ? 'still marked in force' : 'past'}: ${f.label}`,
  ending: (f) => `ending    ${f.path}: valid until ${f.date} (in ${daysBetween(today, f.date)} days): ${f.label}`,
  legal_expiring: (f) => `expiring  ${f.path}: legal basis expires on ${f.date} (in ${daysBetween(today, f.date)} days): ${f.label}`,
  stale: (f) => `stale     ${f.path}: checked ${f.date} (${daysBetween(f.date, today)} days ago): ${f.label}`,
};

const lines = [`catalog:stale on ${today}, window ${days} days`];
for (const { procedure, findings } of report.byProcedure) {
  const shown = values.quiet ? findings.filter((f) => f.error) : findings;
  if (shown.length === 0) continue;
  lines.push(`${procedure.id} (${procedure.name})`, ...shown.map((f) => `  ${WHAT[f.kind](f)}`));
}
const c = report.counts;
lines.push(
  `summary: ${report.byProcedure.length} procedures with findings; ${c.stale} facts checked over ${days} days ago, ${c.ending} ending within ${days} days, ${c.legal_expiring} legal bases expiring within ${days} days, ${c.expired} past their validity, ${c.legal_expired} legal bases past expiry; ${report.errors} error${report.errors === 1 ? '' : 's'}`,
);
(report.errors > 0 ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
process.exit(report.errors > 0 ? 1 : 0);
