/**
 * Documents as SQLite keeps them: JSON text in which a Date is the string `$D` + its ISO 8601 form
 * (`"$D2026-03-09T03:00:00.000Z"`). ISO strings of one format order like the instants they name, so
 * every field, Date or not, is one SQL scalar (`json_extract(doc, '$."f"')`) that compares, sorts and
 * indexes by one expression, and the file stays readable in the sqlite3 shell. A stored string that
 * itself begins with `$` gets a second `$` (`"$5"` → `"$$5"`), so no text a citizen types can turn
 * into a Date, and the order of strings is unchanged. Valid for the years 0000–9999 (ISO's 4-digit
 * form); `_id` is a column of its own and is not in the JSON.
 */

export type BindValue = string | number | null;

const DOLLAR = 0x24; // '$'
const DATE_MARK = 0x44; // 'D'
/** Every encoded Date lies in [DATE_LOW, DATE_HIGH) as text: range filters on Dates are bracketed by these. */
export const DATE_LOW = '$D';
export const DATE_HIGH = '$E';

function encodeString(s: string): string {
  return s.charCodeAt(0) === DOLLAR ? `$${s}` : s;
}

function encodeDate(d: Date): string {
  return `$D${d.toISOString()}`;
}

/** A value as it goes into the JSON text (a new tree; `undefined` object fields are left out as JSON does). */
function encodeValue(value: unknown): unknown {
  if (typeof value === 'string') return encodeString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return encodeDate(value);
  if (Array.isArray(value)) return value.map(encodeValue);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) out[key] = encodeValue(field);
  }
  return out;
}

/** The JSON text of a document's fields (its `_id` excluded: that is the row's key). */
export function encodeDoc(doc: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const key in doc) {
    if (key === '_id' || !Object.prototype.hasOwnProperty.call(doc, key)) continue;
    const field = doc[key];
    if (field !== undefined) out[key] = encodeValue(field);
  }
  return JSON.stringify(out);
}

/** The JSON text of one field's value, as it is stored inside a document (for json_set). */
export function encodeValueJson(value: unknown): string {
  return JSON.stringify(encodeValue(value));
}

/** A filter value as an SQL parameter, equal to what json_extract returns for the same stored value. */
export function encodeScalar(value: unknown): BindValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return encodeString(value);
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return encodeDate(value);
  throw new TypeError(`sqlite store: cannot compare with a value of type ${typeof value}`);
}

function decodeString(s: string): string | Date {
  if (s.charCodeAt(0) !== DOLLAR) return s;
  return s.charCodeAt(1) === DATE_MARK ? new Date(s.slice(2)) : s.slice(1);
}

/** Turns encoded strings back into strings and Dates, in place. */
function revive(value: unknown): unknown {
  if (typeof value === 'string') return decodeString(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) object[key] = revive(object[key]);
  return object;
}

/** A stored row back as the document: `_id` first, then its fields with their Dates. */
export function decodeDoc(id: string, text: string): Record<string, unknown> {
  const fields = JSON.parse(text) as Record<string, unknown>;
  const doc: Record<string, unknown> = { _id: id };
  for (const key in fields) doc[key] = revive(fields[key]);
  return doc;
}

/** A value read as JSON text (`doc -> path`), decoded. */
export function decodeJson(text: string): unknown {
  return revive(JSON.parse(text));
}
