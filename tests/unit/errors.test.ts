import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, listErrorCodes } from '../../src/domain/errors.js';

const DOC = new URL('../../docs/errors.md', import.meta.url);

/** Rows of the docs table: | `CODE` | status | meaning | */
function documentedCodes(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const match = /^\|\s*`([A-Z_]+\.[A-Z_]+)`\s*\|\s*(\d{3})\s*\|/.exec(line);
    if (match) rows.set(match[1]!, Number(match[2]));
  }
  return rows;
}

describe('error catalogue', () => {
  it('When docs/errors.md is read, then it lists exactly the codes of ERROR_CODES with their statuses', () => {
    // Arrange
    const documented = documentedCodes();
    const catalogue = new Map(listErrorCodes().map((code) => [code, ERROR_CODES[code].httpStatus] as const));

    // Assert
    expect([...documented.keys()].sort()).toEqual([...catalogue.keys()].sort());
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(catalogue));
  });

  it('When codes are listed, then each is dotted upper case and maps to an HTTP error status', () => {
    for (const code of listErrorCodes()) {
      expect(code).toMatch(/^[A-Z]+\.[A-Z_]+$/);
      expect(ERROR_CODES[code].httpStatus).toBeGreaterThanOrEqual(400);
      expect(ERROR_CODES[code].httpStatus).toBeLessThan(600);
    }
  });

  it('When an AppError is created, then it carries the code, the catalogue status, details and cause', () => {
    // Arrange
    const cause = new Error('socket hang up');

    // Act
    const error = new AppError('CHANNEL.NETWORK', 'Zalo unreachable', { details: { attempt: 2 }, cause });

    // Assert
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(error.code).toBe('CHANNEL.NETWORK');
    expect(error.httpStatus).toBe(503);
    expect(error.details).toEqual({ attempt: 2 });
    expect(error.cause).toBe(cause);
  });

  it('When an explicit status is given, then it overrides the catalogue status', () => {
    expect(new AppError('HTTP.BAD_REQUEST', 'unsupported charset', { httpStatus: 415 }).httpStatus).toBe(415);
  });
});
