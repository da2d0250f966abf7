/**
 * JSON parsing that never turns a Zalo id into a lossy JS number (platforms.md §1.1). Zalo quotes its
 * ids and timestamps, but if one ever arrives unquoted with 16+ digits (beyond 2^53 ≈ 9.007e15) it is
 * quoted before JSON.parse, digit for digit. Quoting happens outside string literals only.
 */

/** Integer literals this long are quoted: 2^53 has 16 digits, so every unsafe integer has ≥ 16. */
const MIN_QUOTED_DIGITS = 16;

/** Parses JSON text (or bytes), keeping integers of 16+ digits as strings. Throws SyntaxError like JSON.parse. */
export function parseJsonKeepingBigInts(input: string | Uint8Array): unknown {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  return JSON.parse(quoteLongIntegers(text));
}

/** Wraps unquoted integer literals of 16+ digits in double quotes; leaves everything else byte-identical. */
export function quoteLongIntegers(json: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
      continue;
    }
    if (ch === 0x22) {
      inString = true;
      continue;
    }
    const isMinus = ch === 0x2d;
    if (!isMinus && !isDigit(ch)) continue;
    // A number token starts here (JSON has no other token starting with '-' or a digit outside strings).
    let end = i + (isMinus ? 1 : 0);
    while (end < json.length && isDigit(json.charCodeAt(end))) end++;
    const digits = end - i - (isMinus ? 1 : 0);
    const next = json.charCodeAt(end);
    const isInteger = !(next === 0x2e /* . */ || next === 0x65 /* e */ || next === 0x45 /* E */);
    if (isInteger && digits >= MIN_QUOTED_DIGITS) {
      out += `${json.slice(last, i)}"${json.slice(i, end)}"`;
      last = end;
    }
    // Skip the rest of the token (fraction/exponent included) so its digits are not re-scanned.
    while (end < json.length && /[0-9eE.+-]/.test(json[end]!)) end++;
    i = end - 1;
  }
  return last === 0 ? json : out + json.slice(last);
}

function isDigit(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39;
}

/** Reads an id-like field as a string whatever JSON type it came in; undefined when absent. */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/** Narrow helper: a plain JSON object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
