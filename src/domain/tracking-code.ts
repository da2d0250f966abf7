import { randomInt } from 'node:crypto';
import { AppError } from './errors.js';

/**
 * Ticket tracking codes (mã tra cứu) that citizens read off a chat message and type back, often on a
 * phone, or read aloud to a hotline operator: `K7QX-3M2PC`, eight random symbols and one check symbol.
 *
 * Alphabet: Crockford's base 32 (digits and letters without I, L, O, U) minus Z, so 31 symbols. Z goes
 * because it is confused with 2 and is not a Vietnamese letter; 31 being prime is what makes a
 * one-symbol check possible (below). Look-alikes a citizen may type are mapped to the canonical
 * symbol: O→0, I→1, L→1, U→V, Z→2; case, spaces, dots and dashes do not matter.
 *
 * Check symbol: a weighted sum modulo 31 in the manner of ISBN-10 (mod 11) and ISO 7064's pure
 * systems, here over GF(31): with the symbols' values v₁…v₉ (check last) and weights 9, 8, …, 1,
 * Σ wᵢ·vᵢ ≡ 0 (mod 31). Because 31 is prime and every weight is a distinct number in 1…9, a changed
 * symbol changes the sum by w·d ≢ 0, and swapping two different symbols changes it by
 * (wᵢ − wⱼ)·d ≢ 0: every single substitution and every transposition (adjacent or not) is caught.
 *
 * Shape: the first group always holds at least one digit and one letter, so that the chat brain's
 * code pattern (knowledge/brain/brain.ts TRACKING_CODE: 4–6 symbols with a digit and a letter, a dash,
 * 1–6 symbols) recognizes every code we issue. Random codes: 31⁸ ≈ 8.5·10¹¹ before that constraint,
 * ~78 % of which satisfy it, so codes cannot be enumerated; the code alone still reveals nothing
 * (a lookup needs proof of being the asker, see ticket.ts).
 */

/** The 31 canonical symbols, in value order (a symbol's value is its index). */
export const TRACKING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXY';

const MODULUS = TRACKING_ALPHABET.length;
const DATA_LENGTH = 8;
const GROUP_LENGTH = 4;
/** Weight of each of the 9 positions, check symbol last (weight 1). */
const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, 1] as const;

/** Symbols people type for one of ours. */
const LOOK_ALIKES: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1', U: 'V', Z: '2' };
/** Separators people put inside codes: spaces, dashes of every kind, dots, underscores, slashes. */
const SEPARATORS = /[\s\-‐‑‒–—―−._/]+/gu;

const VALUES: ReadonlyMap<string, number> = new Map([...TRACKING_ALPHABET].map((symbol, value) => [symbol, value]));
const DIGIT_VALUES = 10;

/** Returns an integer in [0, maxExclusive); node:crypto's randomInt by default, a seeded one in tests. */
export type RandomInt = (maxExclusive: number) => number;

/** The check symbol for eight data symbols (canonical, no dash). */
export function checkSymbol(data: string): string {
  if (data.length !== DATA_LENGTH) throw new RangeError(`tracking code data must have ${DATA_LENGTH} symbols`);
  let sum = 0;
  for (let i = 0; i < DATA_LENGTH; i += 1) {
    const value = VALUES.get(data[i]!);
    if (value === undefined) throw new RangeError(`not a tracking code symbol at position ${i + 1}`);
    sum += WEIGHTS[i]! * value;
  }
  // The check's weight is 1, so its value is whatever brings the sum to 0 mod 31.
  return TRACKING_ALPHABET[(MODULUS - (sum % MODULUS)) % MODULUS]!;
}

function draw(random: RandomInt, max: number): number {
  const value = random(max);
  if (!Number.isInteger(value) || value < 0 || value >= max) throw new RangeError(`random source returned ${value} for [0, ${max})`);
  return value;
}

/**
 * A new random tracking code in canonical form (`XXXX-XXXXC`). The first group is made to hold a digit
 * and a letter by overwriting one random position when it has none, instead of drawing again, so a
 * fixed random source in tests cannot loop.
 */
export function generate(random: RandomInt = randomInt): string {
  const values = Array.from({ length: DATA_LENGTH }, () => draw(random, MODULUS));
  const head = values.slice(0, GROUP_LENGTH);
  if (head.every((v) => v >= DIGIT_VALUES)) {
    values[draw(random, GROUP_LENGTH)] = draw(random, DIGIT_VALUES);
  } else if (head.every((v) => v < DIGIT_VALUES)) {
    values[draw(random, GROUP_LENGTH)] = DIGIT_VALUES + draw(random, MODULUS - DIGIT_VALUES);
  }
  const data = values.map((v) => TRACKING_ALPHABET[v]!).join('');
  return format(data + checkSymbol(data));
}

function format(symbols: string): string {
  return `${symbols.slice(0, GROUP_LENGTH)}-${symbols.slice(GROUP_LENGTH)}`;
}

/**
 * The canonical form (`XXXX-XXXXC`, upper case, look-alikes mapped) of what a citizen typed, or
 * undefined when it is not nine symbols of the alphabet. Does not check the check symbol: see isValid.
 */
export function normalize(input: string): string | undefined {
  const compact = input.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  if (compact.length !== DATA_LENGTH + 1) return undefined;
  let symbols = '';
  for (const char of compact) {
    const symbol = LOOK_ALIKES[char] ?? char;
    if (!VALUES.has(symbol)) return undefined;
    symbols += symbol;
  }
  return format(symbols);
}

function checkMatches(canonical: string): boolean {
  const symbols = canonical.replace('-', '');
  return checkSymbol(symbols.slice(0, DATA_LENGTH)) === symbols[DATA_LENGTH];
}

/** True when the input normalizes to a code whose check symbol matches (any layout, case or look-alike). */
export function isValid(input: string): boolean {
  const code = normalize(input);
  return code !== undefined && checkMatches(code);
}

/**
 * The canonical code for what a citizen typed, or AppError `TICKET.CODE_INVALID` when it is malformed
 * or mistyped. The error never says whether a ticket exists (that needs the code and a proof).
 */
export function parse(input: string): string {
  const code = normalize(input);
  if (code === undefined || !checkMatches(code)) {
    throw new AppError('TICKET.CODE_INVALID', 'The tracking code is malformed or mistyped.', {
      details: { reason: code === undefined ? 'shape' : 'check' },
    });
  }
  return code;
}
