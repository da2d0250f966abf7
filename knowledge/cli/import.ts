import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Agency, FactSource } from '../../src/domain/procedure.js';
import { IMPORTED_FILE_FIELD, type ImportIssue, formatIssue, importCatalog } from '../catalog/import/index.js';
import { type AgencyDirectory, DEFAULT_DATA_DIR } from '../catalog/load.js';
import { agencyDirectorySchema, agencySchema, factSourceSchema } from '../catalog/schema.js';

/**
 * npm run catalog:import -- <file.csv|file.json> [--out data/imported-procedures.json] [--as-of YYYY-MM-DD]
 *                                              [--agencies knowledge/data/agencies.json] [--format csv|json]
 *                                              [--source-url <address> [--source-kind provincial_portal|…]]
 *
 * Provenance: each fact cites the row's "Nguồn" (else its URL, else `--source-url`) with the row's
 * "Loại nguồn" (else a kind read from the address, else `--source-kind`), checked on the row's
 * "Ngày kiểm tra" (else the as-of date), valid "Áp dụng từ/đến ngày".
 *
 * Imports a province's export of the national TTHC database, prints a report to stderr and writes the
 * valid records as a procedure file. Exit code: 0 when at least one row was imported, 2 when none was,
 * 1 when the command itself is wrong (arguments, unreadable files).
 */

const USAGE =
  'Cách dùng / usage: npm run catalog:import -- <tệp.csv|tệp.json> [--out data/imported-procedures.json] [--as-of YYYY-MM-DD] [--agencies <agencies.json>] [--format csv|json] [--source-url <địa chỉ> [--source-kind provincial_portal|procedure_record|decision|law|portal_home|secondary]]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(1);
}

function loadDirectory(file: string): AgencyDirectory {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`Không đọc được danh bạ cơ quan / cannot read the agency directory ${file}: ${(err as Error).message}`);
  }
  const head = agencyDirectorySchema.safeParse(raw);
  if (!head.success) fail(`Danh bạ cơ quan không hợp lệ / invalid agency directory ${file}: ${head.error.message}`);
  const agencies: Agency[] = [];
  for (const a of head.data.agencies) {
    const parsed = agencySchema.safeParse(a);
    // An invalid agency is left out here; `npm run catalog:check` reports it.
    if (parsed.success) agencies.push(parsed.data);
  }
  return { ...head.data, agencies };
}

function section(title: string, issues: ImportIssue[]): string[] {
  return issues.length ? [`${title} (${issues.length}):`, ...issues.map((i) => `  - ${formatIssue(i)}`)] : [];
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        out: { type: 'string', default: join('data', 'imported-procedures.json') },
        'as-of': { type: 'string' },
        agencies: { type: 'string', default: join(DEFAULT_DATA_DIR, 'agencies.json') },
        format: { type: 'string' },
        'source-url': { type: 'string' },
        'source-kind': { type: 'string', default: 'provincial_portal' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
})();

if (values.help) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(0);
}
const input = positionals[0];
if (!input || positionals.length > 1) fail('Cần đúng một tệp đầu vào / expected exactly one input file.');
const format = values.format ?? extname(input).slice(1).toLowerCase();
if (format !== 'csv' && format !== 'json') fail(`Định dạng không hỗ trợ / unsupported format "${format}" (csv or json).`);

let text: string;
try {
  text = readFileSync(input, 'utf8');
} catch (err) {
  fail(`Không đọc được tệp / cannot read ${input}: ${(err as Error).message}`);
}

const directory = loadDirectory(values.agencies);
let defaultSource: FactSource | undefined;
if (values['source-url']) {
  const parsed = factSourceSchema.safeParse({ url: values['source-url'], kind: values['source-kind'] });
  if (!parsed.success) fail(`--source-url/--source-kind: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  defaultSource = parsed.data;
}
const { procedures, report } = importCatalog({ format, text, asOf: values['as-of'], ...(defaultSource ? { defaultSource } : {}) }, directory);
const rejectedRows = new Set(report.rejected.map((i) => i.row ?? -1)).size;

const lines = [
  `Nhập danh mục TTHC / catalog import: ${input} (${format}${values['as-of'] ? `, as of ${values['as-of']}` : ''})`,
  `  Số dòng / rows: ${report.rows}   Đã nhập / imported: ${report.imported}   Bị loại / rejected: ${rejectedRows}   Cảnh báo / warnings: ${report.warnings.length}`,
  ...(report.unsourced > 0
    ? [`  Không có nguồn / no source: ${report.unsourced} imported rows name no "Nguồn" or "URL" (and no --source-url): their facts cite the national portal's home page and are unverified`]
    : []),
  ...section('Bị loại (không nhập) / rejected (not imported)', report.rejected),
  ...section('Cảnh báo (đã nhập) / warnings (imported)', report.warnings.filter((w) => !report.rejected.some((r) => r.row === w.row && r.row !== undefined))),
  ...section('Cảnh báo ở các dòng bị loại / warnings on rejected rows', report.warnings.filter((w) => report.rejected.some((r) => r.row === w.row && r.row !== undefined))),
];

if (procedures.length > 0) {
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ field: IMPORTED_FILE_FIELD, procedures }, null, 2)}\n`);
  lines.push(`Đã ghi ${procedures.length} thủ tục vào / wrote ${procedures.length} procedures to ${out}`);
} else {
  lines.push('Không có dòng nào được nhập; không ghi tệp / nothing imported; no file written.');
}
process.stderr.write(`${lines.join('\n')}\n`);
process.exit(procedures.length > 0 ? 0 : 2);
