import { parse } from 'csv-parse/sync';
import { type SourceRow, mapHeaders, matchHeader } from './columns.js';

/** One data row of the export, with where it came from. */
export interface RawRow {
  /** CSV: the spreadsheet row (header = 1, first data row = 2). JSON: 1-based position in the array. */
  row: number;
  /** CSV only: the line in the file where the record starts (multi-line cells make it differ from row). */
  line?: number;
  cells: SourceRow;
}

export interface ReadResult {
  rows: RawRow[];
  /** Problems that concern the whole file (unknown columns, unreadable text). */
  fileWarnings: string[];
  /** Set when the text cannot be read at all. */
  fatal?: string;
  /** Rows that are not records (JSON items that are not objects). */
  badRows: { row: number; message: string }[];
}

function unknownColumns(unknown: string[]): string[] {
  return unknown.length ? [`unknown column${unknown.length > 1 ? 's' : ''} ignored: ${unknown.map((u) => `"${u}"`).join(', ')}`] : [];
}

/** Picks the delimiter used most outside quotes in the header line: ",", ";" or tab. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\n') break;
    else if (!quoted && ch in counts) counts[ch] = (counts[ch] ?? 0) + 1;
  }
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? ',';
}

/** Reads a CSV export: UTF-8 with or without BOM, "," ";" or tab separated, quoted multi-line cells. */
export function readCsv(input: string): ReadResult {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { rows: [], fileWarnings: [], badRows: [], fatal: `CSV cannot be read${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}` };
  }
  const [header, ...data] = records;
  if (!header) return { rows: [], fileWarnings: [], badRows: [], fatal: 'CSV is empty' };
  const mapping = mapHeaders(header.record);
  const fileWarnings = [
    ...unknownColumns(mapping.unknown),
    ...mapping.duplicates.map((d) => `duplicate column "${d}" ignored (the first one is used)`),
  ];
  const rows: RawRow[] = [];
  let previousEnd = header.info.lines;
  data.forEach((r, index) => {
    const line = previousEnd + 1;
    previousEnd = r.info.lines;
    if (r.record.every((c) => !c.trim())) return;
    const cells: SourceRow = {};
    r.record.forEach((value, col) => {
      const field = mapping.fields[col];
      if (field && field !== 'ignored') cells[field] = value;
    });
    rows.push({ row: index + 2, line, cells });
  });
  return { rows, fileWarnings, badRows: [] };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(cellText).filter(Boolean).join('\n');
  if (typeof value === 'object') return Object.values(value).map(cellText).filter(Boolean).join(' | ');
  return '';
}

/** Reads a JSON export: an array of objects, or `{ "data": [ … ] }`, keyed by labels or snake/camelCase names. */
export function readJson(input: string): ReadResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { rows: [], fileWarnings: [], badRows: [], fatal: `JSON cannot be read: ${(err as Error).message}` };
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(items)) return { rows: [], fileWarnings: [], badRows: [], fatal: 'JSON must be an array of procedures or { "data": [ … ] }' };
  const unknown = new Set<string>();
  const rows: RawRow[] = [];
  const badRows: ReadResult['badRows'] = [];
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      badRows.push({ row: index + 1, message: 'not an object' });
      return;
    }
    const cells: SourceRow = {};
    for (const [key, value] of Object.entries(item)) {
      const field = matchHeader(key);
      if (field === undefined) unknown.add(key);
      if (!field || field === 'ignored') continue;
      const text = cellText(value);
      if (cells[field] === undefined || (!cells[field]?.trim() && text.trim())) cells[field] = text;
    }
    rows.push({ row: index + 1, cells });
  });
  return { rows, fileWarnings: unknownColumns([...unknown]), badRows };
}
