import type { Condition, Filter, Scalar, Sort } from '../collection.js';
import { DATE_HIGH, DATE_LOW, encodeScalar, type BindValue } from './codec.js';

/**
 * The collection query language (collection.ts) translated to SQL over a table `(_id TEXT PRIMARY KEY,
 * doc TEXT)`. A field is `json_extract(doc, '$."field"')`, written the same way here and in the
 * expression indexes so SQLite uses them. Semantics kept from MongoDB:
 * - equality on an array field matches an element (fields known to have held arrays, see `arrayFields`;
 *   a single-field unique index keeps its keys in a side table, which answers equality for arrays and
 *   scalars alike);
 * - `$ne` and `{ field: null }` match missing fields; `$exists` tells missing from present;
 * - ranges compare within one type (a Date bound never matches a string or a number).
 */

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const FIELD = new RegExp(`^${NAME}(\\.${NAME})*$`);
const TOP_LEVEL_FIELD = new RegExp(`^${NAME}$`);

/** Whether a field name is one top-level field (no dotted path) that jsonPath takes. */
export function isTopLevelField(field: string): boolean {
  return TOP_LEVEL_FIELD.test(field);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The JSON path literal of a (dotted) field name. */
export function jsonPath(field: string): string {
  if (!FIELD.test(field)) throw new TypeError(`sqlite store: unsupported field name ${JSON.stringify(field)}`);
  return `'$.${field
    .split('.')
    .map((part) => `"${part}"`)
    .join('.')}'`;
}

/** The SQL scalar of a field: the `_id` column, or its JSON value (the expression the indexes are built on). */
export function fieldExpr(field: string): string {
  return field === '_id' ? '_id' : `json_extract(doc, ${jsonPath(field)})`;
}

/** What a condition is tested on: a field of the row, or `value`/`type` of one json_each element. */
interface Operand {
  value: string;
  /** SQL giving json_type of the operand ('integer', 'real', 'text', 'true', 'false', 'null', 'object', 'array'), NULL when missing. */
  type: string;
}

function fieldOperand(field: string): Operand {
  if (field === '_id') return { value: '_id', type: "'text'" };
  const path = jsonPath(field);
  return { value: `json_extract(doc, ${path})`, type: `json_type(doc, ${path})` };
}

const ELEMENT: Operand = { value: 'value', type: 'type' };

/** Per collection: which fields have held arrays, and which fields a side table of unique keys answers. */
export interface TableShape {
  table: string;
  arrayFields: ReadonlySet<string>;
  /** field → side table `(key PRIMARY KEY, _id)`. */
  keySets: ReadonlyMap<string, string>;
}

export interface Sql {
  sql: string;
  params: BindValue[];
}

function isCondition(value: Scalar | Condition): value is Condition {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

/** `operand op bound`, within the bound's type (MongoDB's type bracketing). */
function range(o: Operand, op: '<' | '<=' | '>' | '>=', bound: Scalar, params: BindValue[]): string {
  if (bound === null) return op === '<=' || op === '>=' ? `${o.value} IS NULL` : '0';
  params.push(encodeScalar(bound));
  const test = `${o.value} ${op} ?`;
  if (bound instanceof Date) return `(${test} AND ${o.value} >= '${DATE_LOW}' AND ${o.value} < '${DATE_HIGH}')`;
  if (typeof bound === 'number') return `(${o.type} IN ('integer', 'real') AND ${test})`;
  if (typeof bound === 'boolean') return `(${o.type} IN ('true', 'false') AND ${test})`;
  return `(${o.type} = 'text' AND ${test} AND NOT (${o.value} >= '${DATE_LOW}' AND ${o.value} < '${DATE_HIGH}'))`;
}

function equals(o: Operand, value: Scalar, params: BindValue[]): string {
  if (value === null) return `${o.value} IS NULL`;
  params.push(encodeScalar(value));
  return `${o.value} = ?`;
}

function inList(o: Operand, values: readonly Scalar[], params: BindValue[]): string {
  const present = values.filter((v) => v !== null);
  const parts: string[] = [];
  if (present.length > 0) {
    parts.push(`${o.value} IN (${present.map(() => '?').join(', ')})`);
    for (const v of present) params.push(encodeScalar(v));
  }
  if (present.length < values.length) parts.push(`${o.value} IS NULL`);
  return parts.length === 0 ? '0' : parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

type Test = (o: Operand, params: BindValue[]) => string;

/** One test on a field: on its value, or (array fields) on its value or any of its elements. */
function anyOf(field: string, shape: TableShape, test: Test, params: BindValue[]): string {
  const own = test(fieldOperand(field), params);
  if (field === '_id' || !shape.arrayFields.has(field)) return own;
  const path = jsonPath(field);
  return `(${own} OR (json_type(doc, ${path}) = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, ${path}) WHERE ${test(ELEMENT, params)})))`;
}

function fieldClauses(field: string, value: Scalar | Condition, shape: TableShape, params: BindValue[]): string[] {
  const keySet = shape.keySets.get(field);
  if (!isCondition(value)) {
    if (keySet && value !== null) {
      params.push(encodeScalar(value));
      return [`_id IN (SELECT _id FROM ${quoteIdent(keySet)} WHERE key = ?)`];
    }
    return [anyOf(field, shape, (o, p) => equals(o, value, p), params)];
  }
  const clauses: string[] = [];
  for (const [op, operand] of Object.entries(value) as [keyof Condition, unknown][]) {
    if (operand === undefined) continue;
    switch (op) {
      case '$in': {
        const values = operand as readonly Scalar[];
        if (keySet && values.length > 0 && values.every((v) => v !== null)) {
          clauses.push(`_id IN (SELECT _id FROM ${quoteIdent(keySet)} WHERE key IN (${values.map(() => '?').join(', ')}))`);
          for (const v of values) params.push(encodeScalar(v));
        } else clauses.push(anyOf(field, shape, (o, p) => inList(o, values, p), params));
        break;
      }
      case '$ne': {
        // Matches when neither the value nor any element equals it (missing fields included).
        const v = operand as Scalar;
        const same: Test = (o, p) => {
          p.push(encodeScalar(v));
          return `${o.value} IS ?`;
        };
        clauses.push(`NOT ${anyOf(field, shape, same, params)}`);
        break;
      }
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte': {
        const sqlOp = ({ $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' } as const)[op];
        clauses.push(anyOf(field, shape, (o, p) => range(o, sqlOp, operand as Scalar, p), params));
        break;
      }
      case '$exists':
        clauses.push(field === '_id' ? (operand ? '1' : '0') : `${fieldOperand(field).type} IS ${operand ? 'NOT NULL' : 'NULL'}`);
        break;
      default:
        throw new TypeError(`sqlite store: unsupported operator ${String(op)}`);
    }
  }
  return clauses;
}

/** The WHERE clause of a filter (`1` for an empty one) and its parameters, in order. */
export function whereOf(filter: Filter, shape: TableShape): Sql {
  const params: BindValue[] = [];
  const clauses: string[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    clauses.push(...fieldClauses(field, value, shape, params));
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}

export function orderBy(sort: Sort | undefined): string {
  if (!sort) return '';
  const keys = Object.entries(sort);
  if (keys.length === 0) return '';
  return ` ORDER BY ${keys.map(([field, dir]) => `${fieldExpr(field)} ${dir === -1 ? 'DESC' : 'ASC'}`).join(', ')}`;
}
