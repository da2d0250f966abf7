import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { type RandomInt, TRACKING_ALPHABET, checkSymbol, generate, isValid, normalize, parse } from '../../src/domain/tracking-code.js';
import { seeded } from '../seeded-random.js';

/** knowledge/brain/brain.ts TRACKING_CODE, applied there to lower-cased text: every issued code must match it. */
const BRAIN_TRACKING_CODE = /\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{4,6}-[a-z0-9]{1,6}\b/;

function sampleCodes(count: number, seed = 1022): string[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => generate(random));
}

const symbolsOf = (code: string): string[] => [...code.replace('-', '')];
const fromSymbols = (symbols: string[]): string => `${symbols.slice(0, 4).join('')}-${symbols.slice(4).join('')}`;

describe('tracking code alphabet', () => {
  it('When the alphabet is listed, then it has 31 distinct symbols (a prime) and none of the look-alikes', () => {
    expect(TRACKING_ALPHABET).toHaveLength(31);
    expect(new Set(TRACKING_ALPHABET).size).toBe(31);
    for (const excluded of 'OILUZ') expect(TRACKING_ALPHABET).not.toContain(excluded);
  });
});

describe('generate', () => {
  it('When codes are generated, then they have the shape XXXX-XXXXC, are valid and in canonical form', () => {
    for (const code of sampleCodes(2000)) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Y]{4}-[0-9A-HJKMNP-TV-Y]{5}$/);
      expect(isValid(code)).toBe(true);
      expect(normalize(code)).toBe(code);
    }
  });

  it('When codes are generated, then each first group has a digit and a letter, so the chat brain recognizes every code', () => {
    for (const code of sampleCodes(5000, 7)) {
      const head = code.slice(0, 4);
      expect(head).toMatch(/\d/);
      expect(head).toMatch(/[A-Z]/);
      expect(`ma cua toi la ${code.toLowerCase()} nhe`).toMatch(BRAIN_TRACKING_CODE);
    }
  });

  it('When the random source always returns the same value, then a code is still produced with a digit and a letter up front', () => {
    // Arrange: all letters (value 30 = Y), then all digits (value 0)
    const allY: RandomInt = (max) => max - 1;
    const allZero: RandomInt = () => 0;

    // Act
    const fromLetters = generate(allY);
    const fromDigits = generate(allZero);

    // Assert
    expect(fromLetters.slice(0, 4)).toMatch(/^(?=.*\d)(?=.*[A-Z])/);
    expect(fromDigits.slice(0, 4)).toMatch(/^(?=.*\d)(?=.*[A-Z])/);
    expect(isValid(fromLetters) && isValid(fromDigits)).toBe(true);
  });

  it('When the default source is used, then codes differ', () => {
    expect(new Set(Array.from({ length: 50 }, () => generate())).size).toBe(50);
  });

  it('When the random source returns a value out of range, then generate refuses', () => {
    expect(() => generate(() => 31)).toThrow(RangeError);
  });
});

describe('check symbol', () => {
  it('When known data is checked, then the check symbol is the weighted sum modulo 31', () => {
    // 1·9 = 9 → check value 31 − 9 = 22 → P
    expect(checkSymbol('10000000')).toBe('P');
    expect(checkSymbol('00000000')).toBe('0');
    // 9·0 + 8·0 + … + 2·1 = 2 → 29 → X
    expect(checkSymbol('00000001')).toBe('X');
  });

  it('When any symbol of a sample code is replaced by any other symbol, then the code is invalid', () => {
    let checked = 0;
    const undetected: string[] = [];
    for (const code of sampleCodes(300, 42)) {
      const symbols = symbolsOf(code);
      symbols.forEach((original, position) => {
        for (const replacement of TRACKING_ALPHABET) {
          if (replacement === original) continue;
          const typo = [...symbols];
          typo[position] = replacement;
          if (isValid(fromSymbols(typo))) undetected.push(`${code}: ${original}→${replacement} at ${position + 1}`);
          checked += 1;
        }
      });
    }
    expect(undetected).toEqual([]);
    expect(checked).toBe(300 * 9 * 30);
  });

  it('When two different symbols of a sample code swap places (adjacent or not, check symbol included), then the code is invalid', () => {
    const undetected: string[] = [];
    let checked = 0;
    for (const code of sampleCodes(300, 43)) {
      const symbols = symbolsOf(code);
      for (let i = 0; i < 9; i += 1) {
        for (let j = i + 1; j < 9; j += 1) {
          if (symbols[i] === symbols[j]) continue;
          const swapped = [...symbols];
          [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
          if (isValid(fromSymbols(swapped))) undetected.push(`${code}: swap ${i + 1}↔${j + 1}`);
          checked += 1;
        }
      }
    }
    expect(undetected).toEqual([]);
    expect(checked).toBeGreaterThan(300 * 30);
  });

  it('When every weight and difference is enumerated, then no substitution or transposition leaves the sum unchanged mod 31', () => {
    // The property behind the two tests above, for every code rather than samples.
    const weights = [9, 8, 7, 6, 5, 4, 3, 2, 1];
    for (let d = 1; d < 31; d += 1) {
      for (const w of weights) expect((w * d) % 31).not.toBe(0);
      for (const wi of weights) for (const wj of weights) if (wi !== wj) expect((((wi - wj) * d) % 31 + 31) % 31).not.toBe(0);
    }
  });
});

describe('normalize, isValid and parse', () => {
  const code = sampleCodes(1, 99)[0]!;

  it('When a code is typed in lower case, with spaces, dots or other dashes, or without a dash, then it normalizes to the canonical form', () => {
    const compact = code.replace('-', '');
    for (const typed of [code.toLowerCase(), ` ${compact} `, `${compact.slice(0, 4)} ${compact.slice(4)}`, `${compact.slice(0, 4)}–${compact.slice(4)}`, compact.split('').join('.')]) {
      expect(normalize(typed)).toBe(code);
      expect(isValid(typed)).toBe(true);
      expect(parse(typed)).toBe(code);
    }
  });

  it('When look-alike letters are typed for 0, 1, V and 2, then they map to the canonical symbols', () => {
    // Arrange: a valid code made only of the symbols that have look-alikes
    const data = '0012V2A1';
    const canonical = `${data.slice(0, 4)}-${data.slice(4)}${checkSymbol(data)}`;
    const typed = canonical.replace(/0/g, 'O').replace('1', 'I').replace('1', 'l').replace('V', 'U').replace(/2/g, 'z');

    // Act + Assert
    expect(normalize(typed)).toBe(canonical);
    expect(isValid(typed)).toBe(true);
  });

  it('When full-width characters are pasted, then they normalize too', () => {
    const fullWidth = [...code].map((c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('');
    expect(normalize(fullWidth)).toBe(code);
  });

  it('When the input has the wrong length or a foreign symbol, then normalize gives undefined and parse names the shape', () => {
    for (const bad of ['', 'K7QX-3M2P', `${code}7`, 'STP-2026-000123', code.replace(/.$/, '#'), code.replace(/.$/, 'Đ')]) {
      expect(normalize(bad)).toBeUndefined();
      expect(isValid(bad)).toBe(false);
      expect(() => parse(bad)).toThrow(expect.objectContaining({ code: 'TICKET.CODE_INVALID', details: { reason: 'shape' } }));
    }
  });

  it('When the check symbol does not match, then parse throws TICKET.CODE_INVALID as an AppError', () => {
    // Arrange
    const last = code.at(-1)!;
    const wrong = code.slice(0, -1) + (last === 'Y' ? 'X' : TRACKING_ALPHABET[TRACKING_ALPHABET.indexOf(last) + 1]);

    // Act
    let error: unknown;
    try {
      parse(wrong);
    } catch (err) {
      error = err;
    }

    // Assert
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'TICKET.CODE_INVALID', httpStatus: 400, details: { reason: 'check' } });
  });
});
