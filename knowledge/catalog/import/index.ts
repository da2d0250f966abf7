import {
  type FactSource,
  type FactSourceKind,
  type Fee,
  type LegalBasis,
  type ProcedureLevel,
  type Procedure,
  type ProcessingTime,
  type Provenance,
  type SubmissionChannel,
  VERIFYING_SOURCE_KINDS,
} from '../../../src/domain/procedure.js';
import { defaultSourceKind } from '../facts.js';
import { type AgencyDirectory, type CatalogIssue, todayInVietnam, validateProcedures } from '../load.js';
import { PROCEDURE_CODE } from '../schema.js';
import { matchAgency } from './agency.js';
import {
  LEGAL_NUMBER,
  parseChannels,
  parseDocuments,
  parseFeeAmount,
  parseLegalBasis,
  parseLevel,
  parseAudience,
  parseList,
  parseOnlineLevel,
  parseSteps,
  parseWorkingDays,
} from './cells.js';
import { type SourceField, type SourceRow, matchSourceKind } from './columns.js';
import { type RawRow, type ReadResult, readCsv, readJson } from './read.js';
import { PLACEHOLDER, clean, fold, oneLine, slugify, splitTopLevel, uniqueFolded, wordKey } from './text.js';

export { COLUMN_LABELS, SOURCE_KIND_LABELS, matchHeader } from './columns.js';
export { todayInVietnam } from '../load.js';
export { PLACEHOLDER } from './text.js';

/**
 * Importer for a province's export of the national TTHC database (CSV or JSON). Pure: text in, records
 * and a report out. Every produced record goes through `validateProcedures`, the same schema as the
 * hand-written catalog; rows that fail are reported with their row number and skipped, never dropped
 * silently.
 */

/** `field` of the procedure file the CLI writes. */
export const IMPORTED_FILE_FIELD = 'Nhập từ dữ liệu tỉnh';

/**
 * The source of a row's facts when the export names none (no "Nguồn", no "URL", no `defaultSource`):
 * the national portal's home page, which verifies nothing, so the row's facts are imported unverified.
 */
export const FALLBACK_SOURCE: FactSource = { url: 'https://dichvucong.gov.vn/', kind: 'portal_home' };

/** Number written when a legal document is listed without a recognisable number. */
export const UNKNOWN_LEGAL_NUMBER = 'Chưa rõ số hiệu';

export interface ImportIssue {
  /** CSV: spreadsheet row (header = 1). JSON: 1-based position in the array. Absent for file-level issues. */
  row?: number;
  /** CSV: line in the file where the record starts. */
  line?: number;
  code?: string;
  name?: string;
  /** Procedure field path, e.g. "level" or "channels[0].fee.text". */
  field?: string;
  message: string;
}

export interface ImportInput {
  format: 'csv' | 'json';
  text: string;
  /** ISO date recorded as `source.asOf`; defaults to today in Vietnam. Also each fact's `checkedAt` when the row has no "Ngày kiểm tra". */
  asOf?: string;
  /** Source of the rows' facts when a row has neither "Nguồn" nor "URL" (the export's own origin, e.g. a provincial portal). */
  defaultSource?: FactSource;
}

export interface ImportReport {
  /** Data rows read (blank CSV lines are not rows). */
  rows: number;
  imported: number;
  /** Why rows were skipped; one row may have several issues. */
  rejected: ImportIssue[];
  warnings: ImportIssue[];
  /**
   * Imported rows with no source of their own (no "Nguồn", no "URL", no default source): their facts
   * cite FALLBACK_SOURCE, a portal home page, and are unverified.
   */
  unsourced: number;
}

export interface ImportResult {
  procedures: Procedure[];
  report: ImportReport;
}

/** Source labels used in messages, so an editor can find the column in the export. */
const LABEL: Record<SourceField, string> = {
  code: 'Mã thủ tục',
  publishingDecision: 'Số quyết định',
  name: 'Tên thủ tục',
  level: 'Cấp thực hiện',
  procedureType: 'Loại thủ tục',
  field: 'Lĩnh vực',
  steps: 'Trình tự thực hiện',
  channels: 'Cách thức thực hiện',
  documents: 'Thành phần hồ sơ',
  processingTime: 'Thời hạn giải quyết',
  fee: 'Phí',
  charge: 'Lệ phí',
  feeAndCharge: 'Phí, lệ phí',
  audience: 'Đối tượng thực hiện',
  implementingAgency: 'Cơ quan thực hiện',
  competentAgency: 'Cơ quan có thẩm quyền',
  delegatedAgency: 'Cơ quan được ủy quyền',
  coordinatingAgency: 'Cơ quan phối hợp',
  intakeAddress: 'Địa chỉ tiếp nhận HS',
  result: 'Kết quả thực hiện',
  legalBasis: 'Căn cứ pháp lý',
  conditions: 'Yêu cầu, điều kiện thực hiện',
  keywords: 'Từ khóa',
  description: 'Mô tả',
  onlineLevel: 'Mức độ DVC',
  url: 'URL',
  sourceUrl: 'Nguồn',
  sourceKind: 'Loại nguồn',
  checkedAt: 'Ngày kiểm tra',
  validFrom: 'Áp dụng từ ngày',
  validTo: 'Áp dụng đến ngày',
};

const LEVEL_LABEL: Record<ProcedureLevel, string> = { trung_uong: 'trung ương', tinh: 'cấp tỉnh', xa: 'cấp xã' };

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

/** Cell text, NFC, trimmed; '' when the column is absent. */
function cell(row: SourceRow, field: SourceField): string {
  return clean(row[field] ?? '');
}

/** Multi-line cell as one line: bullets removed, lines joined with "; ". */
function flat(text: string): string {
  return splitTopLevel(text, '\n').join('; ');
}

interface RowContext {
  directory: AgencyDirectory;
  asOf: string;
  defaultSource?: FactSource;
}

interface BuiltRow {
  record: Record<string, unknown>;
  /** The row named no source: its facts cite FALLBACK_SOURCE. */
  unsourced: boolean;
  rejected: ImportIssue[];
  warnings: ImportIssue[];
}

/** The provenance every fact of a row shares; `verified` is what the value alone would earn. */
interface RowProvenance {
  sources: FactSource[];
  checkedAt: string;
  validFrom?: string;
  validTo?: string;
  /** Whether the sources can verify anything (procedure record, decision, law). */
  canVerify: boolean;
  unsourced: boolean;
}

function provenance(row: RowProvenance, verified: boolean): Provenance {
  return {
    sources: row.sources.map((s) => ({ ...s })),
    checkedAt: row.checkedAt,
    ...(row.validFrom ? { validFrom: row.validFrom } : {}),
    ...(row.validTo ? { validTo: row.validTo } : {}),
    verified: verified && row.canVerify,
  };
}

function fromText<T extends ProcessingTime | Fee>(text: string | undefined, parse: (t: string) => number | undefined, key: 'workingDays' | 'amountVnd', row: RowProvenance): T {
  if (!text) return { text: PLACEHOLDER, ...provenance(row, false) } as T;
  const value = parse(text);
  return (value === undefined ? { text, ...provenance(row, true) } : { text, [key]: value, ...provenance(row, true) }) as T;
}

/** A date cell as ISO: "2026-11-22" or "22/11/2026"; undefined when empty or unreadable. */
function dateCell(text: string): string | undefined {
  const t = oneLine(text);
  const vn = t.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
  const iso = vn ? `${vn[3]}-${vn[2]!.padStart(2, '0')}-${vn[1]!.padStart(2, '0')}` : t;
  return isIsoDate(iso) ? iso : undefined;
}

/**
 * The provenance columns of a row ("Nguồn", "Loại nguồn", "Ngày kiểm tra", "Áp dụng từ/đến ngày"), with
 * the migration's defaults when absent: the source is the record's URL (kind by its address: a
 * procedure's own page or a portal home), the check date is the import's as-of date.
 */
function rowProvenance(row: SourceRow, url: string | undefined, ctx: RowContext, warnings: ImportIssue[]): RowProvenance {
  const sourceCell = oneLine(cell(row, 'sourceUrl'));
  let sourceUrl: string | undefined;
  if (sourceCell) {
    sourceUrl = webAddress(sourceCell);
    if (!sourceUrl) warnings.push({ field: 'sources', message: `${LABEL.sourceUrl} "${sourceCell}" is not a web address; the record's URL is used` });
  }
  const kindCell = oneLine(cell(row, 'sourceKind'));
  let kind: FactSourceKind | undefined;
  if (kindCell) {
    kind = matchSourceKind(kindCell);
    if (!kind) warnings.push({ field: 'sources', message: `${LABEL.sourceKind} "${kindCell}" is not a known source kind; taken from the address` });
  }
  let source: FactSource;
  if (sourceUrl ?? url) {
    const address = (sourceUrl ?? url)!;
    source = { url: address, kind: kind ?? defaultSourceKind(address) };
  } else if (ctx.defaultSource) {
    source = { ...ctx.defaultSource, ...(kind ? { kind } : {}) };
  } else {
    // Counted in the report (`unsourced`), not warned per row: most exports have no address column.
    source = FALLBACK_SOURCE;
  }
  const checkedCell = oneLine(cell(row, 'checkedAt'));
  let checkedAt = ctx.asOf;
  if (checkedCell) {
    const d = dateCell(checkedCell);
    if (!d) warnings.push({ field: 'checkedAt', message: `${LABEL.checkedAt} "${checkedCell}" is not a date (YYYY-MM-DD or dd/mm/yyyy); the as-of date ${ctx.asOf} is used` });
    else checkedAt = d;
  }
  const bound = (field: 'validFrom' | 'validTo'): string | undefined => {
    const text = oneLine(cell(row, field));
    if (!text) return undefined;
    const d = dateCell(text);
    if (!d) warnings.push({ field, message: `${LABEL[field]} "${text}" is not a date (YYYY-MM-DD or dd/mm/yyyy); left out` });
    return d;
  };
  const validFrom = bound('validFrom');
  const validTo = bound('validTo');
  return {
    sources: [source],
    checkedAt,
    ...(validFrom ? { validFrom } : {}),
    ...(validTo ? { validTo } : {}),
    canVerify: VERIFYING_SOURCE_KINDS.includes(source.kind),
    unsourced: source === FALLBACK_SOURCE,
  };
}

/** An http(s) address, normalised; undefined when the text is not one. */
function webAddress(text: string): string | undefined {
  try {
    const parsed = new URL(text);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.href;
  } catch {
    /* not an address */
  }
  return undefined;
}

function columnFee(row: SourceRow): string | undefined {
  const both = cell(row, 'feeAndCharge');
  if (both) return oneLine(both);
  const parts = [
    cell(row, 'fee') ? `Phí: ${oneLine(cell(row, 'fee'))}` : '',
    cell(row, 'charge') ? `Lệ phí: ${oneLine(cell(row, 'charge'))}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}

function buildRow(raw: RawRow, ctx: RowContext): BuiltRow {
  const row = raw.cells;
  const rejected: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const empty: SourceField[] = [];
  const has = (field: SourceField) => {
    const present = cell(row, field).length > 0;
    if (!present) empty.push(field);
    return present;
  };

  // Identity
  let code = oneLine(cell(row, 'code'));
  let codeVerified = PROCEDURE_CODE.test(code);
  if (!code) rejected.push({ field: 'code', message: `${LABEL.code} is empty` });
  else if (/^\d\.\d{1,5}$/.test(code)) {
    // A spreadsheet turned "2.000200" into the number 2.0002: restore the six digits, but do not vouch for it.
    const fixed = code.padEnd(8, '0');
    warnings.push({ field: 'code', message: `"${code}" looks like a code a spreadsheet shortened; read as ${fixed} (codeVerified: false)` });
    code = fixed;
    codeVerified = false;
  }
  const name = oneLine(cell(row, 'name'));
  if (!name) rejected.push({ field: 'name', message: `${LABEL.name} is empty` });
  const field = oneLine(cell(row, 'field'));
  if (!field) rejected.push({ field: 'field', message: `${LABEL.field} is empty` });

  // Agency
  const implementing = cell(row, 'implementingAgency');
  const competent = cell(row, 'competentAgency');
  const agencyText = implementing || competent;
  const agency = matchAgency(implementing, ctx.directory) ?? matchAgency(competent, ctx.directory);
  if (!agencyText) empty.push('implementingAgency');
  if (!agency) {
    warnings.push({
      field: 'agencyId',
      message: agencyText
        ? `agency ${uniqueFolded([implementing, competent].map(oneLine)).map((a) => `"${a}"`).join(' / ')} is not in the agency directory; routed to the coordinator "${ctx.directory.coordinatorId}"`
        : `${LABEL.implementingAgency} is empty; routed to the coordinator "${ctx.directory.coordinatorId}"`,
    });
  }

  // Level
  const levelCell = cell(row, 'level');
  const { levels, district } = parseLevel(levelCell);
  let level: ProcedureLevel | undefined;
  if (district) {
    warnings.push({
      field: 'level',
      message: levels.includes('xa')
        ? `"${oneLine(levelCell)}": cấp huyện no longer exists since 1/7/2025; imported as cấp xã, which the row also names`
        : `"${oneLine(levelCell)}": cấp huyện no longer exists since 1/7/2025`,
    });
    if (levels.length === 0) {
      rejected.push({ field: 'level', message: `"${oneLine(levelCell)}": cấp huyện no longer exists since 1/7/2025 and the row names no cấp xã or cấp tỉnh; republish the procedure for the level that now implements it` });
    }
  }
  if (levels.length > 0) {
    const agencyLevel = agency?.level as ProcedureLevel | undefined;
    level = agencyLevel && levels.includes(agencyLevel) ? agencyLevel : district && levels.includes('xa') ? 'xa' : levels[0];
    if (levels.length > 1) {
      warnings.push({ field: 'level', message: `"${oneLine(levelCell)}" names ${levels.length} levels; imported as ${LEVEL_LABEL[level ?? 'xa']}` });
    }
  } else if (!district) {
    const agencyLevel = agency && agency.level !== 'desk' ? agency.level : undefined;
    if (!levelCell && agencyLevel) {
      level = agencyLevel;
      warnings.push({ field: 'level', message: `${LABEL.level} is empty; taken from the agency "${agency?.name}" (${LEVEL_LABEL[agencyLevel]})` });
    } else {
      rejected.push({ field: 'level', message: levelCell ? `${LABEL.level} "${oneLine(levelCell)}" is not cấp tỉnh, cấp xã or trung ương` : `${LABEL.level} is empty` });
    }
  }

  // Source and provenance (needed by every fact below)
  const decisionCell = oneLine(cell(row, 'publishingDecision'));
  const publishingDecision = decisionCell ? (decisionCell.match(LEGAL_NUMBER)?.[0] ?? decisionCell) : undefined;
  const urlCell = oneLine(cell(row, 'url'));
  const url = urlCell ? webAddress(urlCell) : undefined;
  if (urlCell && !url) warnings.push({ field: 'source.url', message: `${LABEL.url} "${urlCell}" is not a web address; left out` });
  const prov = rowProvenance(row, url, ctx, warnings);

  // Channels, with per-method time and fee
  const columnTime = oneLine(cell(row, 'processingTime')) || undefined;
  const fee = columnFee(row);
  const intake = flat(cell(row, 'intakeAddress')) || undefined;
  const channelCell = cell(row, 'channels');
  const parsedChannels = has('channels') ? parseChannels(channelCell).channels : [];
  if (parsedChannels.length === 0) {
    warnings.push({
      field: 'channels',
      message: channelCell
        ? `no submission method (trực tiếp, trực tuyến, bưu chính) recognised in ${LABEL.channels}; imported as trực tiếp`
        : `${LABEL.channels} is empty; imported as trực tiếp`,
    });
    parsedChannels.push({ method: 'truc_tiep', description: channelCell ? oneLine(channelCell) : undefined });
  }
  const channels: SubmissionChannel[] = parsedChannels.map((c) => {
    const description = c.method === 'truc_tiep' && intake ? [c.description, `Nơi tiếp nhận: ${intake}`].filter(Boolean).join('. ') : c.description;
    const channel: SubmissionChannel = {
      method: c.method,
      processingTime: fromText<ProcessingTime>(c.time ?? columnTime, parseWorkingDays, 'workingDays', prov),
      fee: fromText<Fee>(c.fee ?? fee, parseFeeAmount, 'amountVnd', prov),
    };
    if (description) channel.description = description;
    return channel;
  });
  if (channels.some((c) => c.processingTime.text === PLACEHOLDER)) empty.push('processingTime');
  if (channels.some((c) => c.fee.text === PLACEHOLDER)) empty.push('feeAndCharge');

  // Steps, documents, legal basis
  let steps = has('steps') ? parseSteps(cell(row, 'steps')) : [];
  if (steps.length === 0) {
    if (cell(row, 'steps')) warnings.push({ field: 'steps', message: `no step could be read from ${LABEL.steps}; placeholder used` });
    steps = [PLACEHOLDER];
  }
  let documents = has('documents') ? parseDocuments(cell(row, 'documents')) : [];
  const documentsFact = provenance(prov, documents.length > 0);
  if (documents.length === 0) {
    if (cell(row, 'documents')) warnings.push({ field: 'documents', message: `no document could be read from ${LABEL.documents}; placeholder used` });
    documents = [{ name: PLACEHOLDER }];
  }
  const legal = parseLegalBasis(has('legalBasis') ? cell(row, 'legalBasis') : '');
  // A numbered document from a source that can verify is taken as in force, as the migration did; else its status is unknown.
  const legalEntry = (l: { number: string; title: string }, numbered: boolean): LegalBasis => {
    const verified = numbered && prov.canVerify;
    return { ...l, verified, status: verified ? 'in_force' : 'unknown', sources: prov.sources, checkedAt: prov.checkedAt };
  };
  const legalBasis: LegalBasis[] = [
    ...legal.items.map((l) => legalEntry(l, true)),
    ...legal.unnumbered.map((title) => legalEntry({ number: UNKNOWN_LEGAL_NUMBER, title: title.length >= 3 ? title : PLACEHOLDER }, false)),
  ];
  if (legal.unnumbered.length > 0) {
    warnings.push({ field: 'legalBasis', message: `no document number in: ${legal.unnumbered.map((u) => `"${u}"`).join(', ')} (imported as unverified)` });
  }
  if (legalBasis.length === 0) legalBasis.push(legalEntry({ number: UNKNOWN_LEGAL_NUMBER, title: PLACEHOLDER }, false));

  // Online level
  const onlineCell = cell(row, 'onlineLevel');
  let onlineLevel = parseOnlineLevel(onlineCell);
  if (!onlineLevel) {
    const online = channels.some((c) => c.method === 'truc_tuyen');
    onlineLevel = online ? 'mot_phan' : 'khong';
    if (onlineCell || online) {
      warnings.push({
        field: 'onlineLevel',
        message: `${LABEL.onlineLevel} ${onlineCell ? `"${oneLine(onlineCell)}" not recognised` : 'is empty'}; ${online ? 'online submission is listed, so imported as một phần' : 'imported as không'}`,
      });
    }
  }

  // Texts
  let description = has('description') ? flat(cell(row, 'description')) : '';
  if (description && description.length < 10) {
    warnings.push({ field: 'description', message: `${LABEL.description} "${description}" is too short; placeholder used` });
    description = '';
  }
  const conditionsText = flat(cell(row, 'conditions'));
  const conditions = conditionsText && !/^(?:khong|khong co|khong quy dinh)\.?$/.test(fold(conditionsText)) ? conditionsText : undefined;
  const keywords = parseList(cell(row, 'keywords')).filter((k) => k.length >= 2);
  const audience = has('audience') ? parseAudience(cell(row, 'audience')) : [];
  const result = has('result') ? flat(cell(row, 'result')) : '';

  const reported = new Set<SourceField>(['processingTime', 'feeAndCharge', 'steps', 'documents', 'legalBasis', 'audience', 'result', 'description', 'implementingAgency']);
  const placeholders = [...new Set(empty)].filter((f) => reported.has(f));
  if (placeholders.length > 0) {
    warnings.push({ message: `empty in the export, written as "${PLACEHOLDER}" (unverified): ${placeholders.map((f) => (f === 'feeAndCharge' ? 'Phí/Lệ phí' : LABEL[f])).join(', ')}` });
  }

  const record: Record<string, unknown> = {
    code,
    codeVerified,
    id: '',
    name,
    field,
    level,
    agencyId: agency?.id ?? ctx.directory.coordinatorId,
    implementingAgency: agencyText ? splitTopLevel(agencyText, '\n;').join('; ') : PLACEHOLDER,
    agencyFact: provenance(prov, Boolean(agencyText)),
    audience: audience.length ? audience : [PLACEHOLDER],
    description: description || PLACEHOLDER,
    channels,
    steps,
    documents,
    documentsFact,
    result: result || PLACEHOLDER,
    ...(conditions ? { conditions, conditionsFact: provenance(prov, true) } : {}),
    legalBasis,
    onlineLevel,
    aliases: name ? uniqueFolded([name, ...keywords]) : keywords,
    keywords,
    source: { ...(publishingDecision ? { publishingDecision } : {}), ...(url ? { url } : {}), asOf: ctx.asOf },
  };
  return { record, rejected, warnings, unsourced: prov.unsourced };
}

/** Fields built from another one: an issue on the source explains the schema's complaint about these. */
const DERIVED: Record<string, string[]> = { name: ['aliases', 'id'], code: ['codeVerified'] };

function located(raw: RawRow, record: Record<string, unknown> | undefined, issue: Omit<ImportIssue, 'row'>): ImportIssue {
  const code = typeof record?.code === 'string' && record.code ? record.code : undefined;
  const name = typeof record?.name === 'string' && record.name ? record.name : undefined;
  return {
    row: raw.row,
    ...(raw.line !== undefined ? { line: raw.line } : {}),
    ...(code ? { code } : {}),
    ...(name ? { name } : {}),
    ...issue,
  };
}

/** Imports a provincial export. Never throws on bad data: unreadable input comes back as a rejected issue. */
export function importCatalog(input: ImportInput, directory: AgencyDirectory): ImportResult {
  const asOf = input.asOf ?? todayInVietnam();
  if (!isIsoDate(asOf)) {
    return { procedures: [], report: { rows: 0, imported: 0, rejected: [{ field: 'source.asOf', message: `as-of date "${asOf}" is not YYYY-MM-DD` }], warnings: [], unsourced: 0 } };
  }
  const today = todayInVietnam();
  const read: ReadResult = input.format === 'csv' ? readCsv(input.text) : readJson(input.text);
  const report: ImportReport = { rows: read.rows.length + read.badRows.length, imported: 0, rejected: [], warnings: [], unsourced: 0 };
  if (read.fatal) {
    report.rejected.push({ message: read.fatal });
    return { procedures: [], report };
  }
  report.warnings.push(...read.fileWarnings.map((message) => ({ message })));
  report.rejected.push(...read.badRows.map((b) => ({ row: b.row, message: b.message })));

  const procedures: Procedure[] = [];
  const ids = new Set<string>();
  const codes = new Map<string, { row: number; nameKey: string }[]>();
  for (const raw of read.rows) {
    const built = buildRow(raw, { directory, asOf, ...(input.defaultSource ? { defaultSource: input.defaultSource } : {}) });
    const { record } = built;
    const code = String(record.code ?? '');
    const base = slugify(String(record.name ?? '')) || `thu-tuc-${slugify(code)}`;
    // Two procedures with one name (e.g. the same TTHC at two levels) are told apart by their code.
    const suffix = slugify(code) || 'x';
    let id = ids.has(base) ? `${base}-${suffix}` : base;
    for (let n = 2; ids.has(id); n++) id = `${base}-${suffix}-${n}`;
    record.id = id;

    const rowIssues = [...built.rejected];
    // A code may cover several situations (the loader allows repeats), but the same code and name twice
    // is one procedure exported twice.
    const earlier = codes.get(code) ?? [];
    const nameKey = wordKey(String(record.name ?? ''));
    const twin = earlier.find((e) => e.nameKey === nameKey);
    if (code && twin) rowIssues.push({ field: 'code', message: `duplicate of row ${twin.row} (same code ${code} and name)` });
    else if (code && earlier.length > 0) {
      built.warnings.push({ field: 'code', message: `code ${code} is also used by row ${earlier.map((e) => e.row).join(', ')} under another name; both imported` });
    }
    const schemaIssues: CatalogIssue[] = [];
    const valid = validateProcedures(`row ${raw.row}`, [record], schemaIssues, { today });
    const covered = new Set(rowIssues.flatMap((i) => [i.field, ...(DERIVED[i.field ?? ''] ?? [])]));
    for (const i of schemaIssues) {
      // Our own message already explains an empty or unusable cell; the schema's would repeat it.
      if (!covered.has(i.field?.split(/[.[]/)[0])) rowIssues.push({ field: i.field, message: i.message });
    }
    report.warnings.push(...built.warnings.map((w) => located(raw, record, w)));
    const procedure = valid[0];
    if (rowIssues.length > 0 || !procedure) {
      report.rejected.push(...rowIssues.map((i) => located(raw, record, i)));
      continue;
    }
    ids.add(procedure.id);
    if (procedure.code) codes.set(procedure.code, [...earlier, { row: raw.row, nameKey }]);
    procedures.push(procedure);
    if (built.unsourced) report.unsourced += 1;
  }
  report.imported = procedures.length;
  return { procedures, report };
}

/** One issue as a line of the CLI report: "dòng 5 [1.001193 Đăng ký khai sinh] level: …". */
export function formatIssue(issue: ImportIssue): string {
  const where = issue.row === undefined ? 'tệp/file' : `dòng/row ${issue.row}${issue.line !== undefined && issue.line !== issue.row ? ` (line ${issue.line})` : ''}`;
  const what = [issue.code, issue.name].filter(Boolean).join(' ');
  return `${where}${what ? ` [${what}]` : ''}${issue.field ? ` ${issue.field}` : ''}: ${issue.message}`;
}
