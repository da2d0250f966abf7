/**
 * Makes any value safe to log: strings lose phone numbers, ID numbers and e-mail addresses
 * (maskPii), values under sensitive keys are replaced entirely, and errors become plain objects whose
 * message and stack are masked too (grammY's `sensitiveLogs` idea, applied by default).
 */
import { maskPii } from '../domain/pii.js';

export const CENSORED = '[redacted]';

/** Exact keys (lower-cased, separators removed) whose values are never logged. */
const CENSORED_KEYS = new Set([
  'token',
  'password',
  'passwd',
  'secret',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'idnumber',
  'cccd',
  'cmnd',
  'apikey',
  'xhubsignature',
  'xhubsignature256',
  'xzeventsignature',
  'appsecretproof',
  'sessionid',
]);
/** Key endings that mark secrets or personal data: accessToken, ZALO_APP_SECRET, contactPhone, email… */
const CENSORED_SUFFIX = /(token|secret|secretkey|password|phone|phonenumber|email|emailaddress)$/;
/** Values that only say whether a secret exists (config summary), so they may be logged. */
const PRESENCE_MARKERS = new Set(['set', 'unset']);
const MAX_DEPTH = 8;

/** Decides from the key alone, so new fields named like secrets are hidden before anyone remembers to. */
export function isCensoredKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return CENSORED_KEYS.has(k) || CENSORED_SUFFIX.test(k);
}

function censor(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  if (typeof value === 'string' && PRESENCE_MARKERS.has(value)) return value;
  return CENSORED;
}

/** Turns an error (and its cause chain) into a plain, masked object; pino's own serializer would not mask. */
export function serializeError(err: Error, seen: WeakSet<object> = new WeakSet(), depth = 0): Record<string, unknown> {
  seen.add(err);
  const out: Record<string, unknown> = { type: err.name || err.constructor.name, message: maskPii(err.message) };
  if (err.stack) out.stack = maskPii(err.stack);
  for (const [key, value] of Object.entries(err)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    out[key] = isCensoredKey(key) ? censor(value) : sanitize(value, seen, depth + 1);
  }
  if (err.cause !== undefined) out.cause = sanitize(err.cause, seen, depth + 1);
  return out;
}

/** Deep copy of `value` that is safe to write to a log. Handles cycles, buffers and depth. */
export function sanitize(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  }
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return serializeError(value, seen, depth);
  seen.add(value);
  if (ArrayBuffer.isView(value)) return `[binary ${value.byteLength} bytes]`;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, seen, depth + 1));
  if (value instanceof Map) return sanitizeEntries([...value.entries()].map(([k, v]) => [String(k), v]), seen, depth);
  if (value instanceof Set) return [...value].map((v) => sanitize(v, seen, depth + 1));
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return sanitize(withJson.toJSON(), seen, depth + 1);
  return sanitizeEntries(Object.entries(value), seen, depth);
}

function sanitizeEntries(entries: [string, unknown][], seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) out[key] = isCensoredKey(key) ? censor(v) : sanitize(v, seen, depth + 1);
  return out;
}
