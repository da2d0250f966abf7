import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../src/domain/errors.js';
import type { Agency, Procedure } from '../../src/domain/procedure.js';
import { procedureFacts } from './facts.js';
import { agencyDirectorySchema, agencySchema, procedureFileSchema, procedureSchema } from './schema.js';

/** One problem found while loading catalog data, located precisely enough for an editor to fix it. */
export interface CatalogIssue {
  file: string;
  /** Record index and id/code when known, e.g. "#3 (dang-ky-khai-sinh)". */
  record?: string;
  field?: string;
  message: string;
}

/** Thrown when catalog data does not validate; lists every problem, not just the first. */
export class CatalogInvalidError extends AppError {
  constructor(readonly issues: CatalogIssue[]) {
    super(
      'KNOWLEDGE.CATALOG_INVALID',
      `Catalog data is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.file}${i.record ? ` ${i.record}` : ''}${i.field ? ` ${i.field}` : ''}: ${i.message}`).join('\n'),
      { details: { problems: issues.length } },
    );
    this.name = 'CatalogInvalidError';
  }
}

export interface AgencyDirectory {
  province: string;
  demo: boolean;
  coordinatorId: string;
  agencies: Agency[];
}

export interface Catalog {
  procedures: Procedure[];
  directory: AgencyDirectory;
}

export const DEFAULT_DATA_DIR = new URL('../data/', import.meta.url).pathname;

/** A zod issue path as an editor reads it: `channels[0].fee.text`. */
export function fieldPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

function zodIssues(file: string, record: string | undefined, error: z.ZodError): CatalogIssue[] {
  return error.issues.map((i) => ({ file, record, field: fieldPath(i.path) || undefined, message: i.message }));
}

function readJson(file: string, issues: CatalogIssue[]): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    issues.push({ file, message: `cannot read JSON: ${(err as Error).message}` });
    return undefined;
  }
}

function recordLabel(index: number, raw: unknown): string {
  const r = (raw ?? {}) as { id?: unknown; code?: unknown };
  const name = typeof r.id === 'string' ? r.id : typeof r.code === 'string' ? r.code : undefined;
  return `#${index}${name ? ` (${name})` : ''}`;
}

/** Today's date in Vietnam (UTC+7) as YYYY-MM-DD: the loader's and the CLIs' clock. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Options of validation that need a clock. */
export interface ValidateOptions {
  /** ISO date the loader takes as today: no fact may have been checked after it. Defaults to today in Vietnam. */
  today?: string;
}

/**
 * Validates procedure records from any source (data files, importer) and collects issues per record:
 * the schema, then the rule that needs a clock (a fact's `checkedAt` is not in the future).
 */
export function validateProcedures(file: string, raws: unknown[], issues: CatalogIssue[], options: ValidateOptions = {}): Procedure[] {
  const today = options.today ?? todayInVietnam();
  const out: Procedure[] = [];
  raws.forEach((raw, index) => {
    const parsed = procedureSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...zodIssues(file, recordLabel(index, raw), parsed.error));
      return;
    }
    const procedure = parsed.data as Procedure;
    const future = procedureFacts(procedure).filter((f) => f.checkedAt > today);
    for (const f of future) {
      issues.push({ file, record: recordLabel(index, raw), field: `${f.path}.checkedAt`, message: `checkedAt ${f.checkedAt} is in the future (today is ${today})` });
    }
    if (future.length === 0) out.push(procedure);
  });
  return out;
}

function loadDirectory(file: string, issues: CatalogIssue[]): AgencyDirectory | undefined {
  const raw = readJson(file, issues);
  if (raw === undefined) return undefined;
  const head = agencyDirectorySchema.safeParse(raw);
  if (!head.success) {
    issues.push(...zodIssues(file, undefined, head.error));
    return undefined;
  }
  const agencies: Agency[] = [];
  head.data.agencies.forEach((a, index) => {
    const parsed = agencySchema.safeParse(a);
    if (parsed.success) agencies.push(parsed.data);
    else issues.push(...zodIssues(file, recordLabel(index, a), parsed.error));
  });
  return { ...head.data, agencies };
}

/**
 * Loads and validates every procedure file under `<dataDir>/procedures` and the agency directory,
 * then checks cross-references (unique ids, known agencies). Codes may repeat: the national database
 * sometimes files several citizen situations (chuyển nhượng, thừa kế) under one procedure code. Throws CatalogInvalidError
 * listing all problems.
 */
export function loadCatalog(dataDir: string = DEFAULT_DATA_DIR, directoryFile = 'agencies.json', options: ValidateOptions = {}): Catalog {
  const issues: CatalogIssue[] = [];
  const procDir = join(dataDir, 'procedures');
  const procedures: Procedure[] = [];
  for (const name of readdirSync(procDir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(procDir, name);
    const raw = readJson(file, issues);
    if (raw === undefined) continue;
    const head = procedureFileSchema.safeParse(raw);
    if (!head.success) {
      issues.push(...zodIssues(file, undefined, head.error));
      continue;
    }
    procedures.push(...validateProcedures(file, head.data.procedures, issues, options));
  }
  const directoryPath = join(dataDir, directoryFile);
  const directory = loadDirectory(directoryPath, issues);
  if (directory) checkReferences(procedures, directory, directoryPath, issues);
  if (issues.length > 0 || !directory) throw new CatalogInvalidError(issues);
  return { procedures, directory };
}

function checkReferences(procedures: Procedure[], directory: AgencyDirectory, directoryPath: string, issues: CatalogIssue[]): void {
  const agencyIds = new Set(directory.agencies.map((a) => a.id));
  if (!agencyIds.has(directory.coordinatorId)) {
    issues.push({ file: directoryPath, field: 'coordinatorId', message: `unknown agency "${directory.coordinatorId}"` });
  }
  const seenIds = new Set<string>();
  for (const p of procedures) {
    const where = { file: 'procedures', record: `(${p.id})` };
    if (seenIds.has(p.id)) issues.push({ ...where, field: 'id', message: 'duplicate id' });
    if (!agencyIds.has(p.agencyId)) issues.push({ ...where, field: 'agencyId', message: `unknown agency "${p.agencyId}"` });
    seenIds.add(p.id);
  }
}
