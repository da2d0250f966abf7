import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  assertPasswordPolicy,
  hashPassword,
  makeDummyHash,
  needsRehash,
  passwordPolicyViolation,
  verifyPassword,
  type ScryptParams,
} from '../../src/core/password.js';
import { AppError } from '../../src/domain/errors.js';

/** Cheap parameters for the bulk of the tests; one test uses the production defaults. */
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };
const PASSWORD = 'Trợ lý 1022 mật khẩu';

function parts(hash: string): string[] {
  return hash.split('$');
}

describe('hashPassword', () => {
  it('When a password is hashed with the defaults, then the string is scrypt$32768$8$1$salt$hash in base64url', async () => {
    // Act
    const hash = await hashPassword(PASSWORD);

    // Assert
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(parts(hash)[4]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts(hash)[5]!, 'base64url')).toHaveLength(32);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(needsRehash(hash)).toBe(false);
  });

  it('When the same password is hashed twice, then the salts and hashes differ', async () => {
    const a = await hashPassword(PASSWORD, FAST);
    const b = await hashPassword(PASSWORD, FAST);
    expect(parts(a)[4]).not.toBe(parts(b)[4]);
    expect(a).not.toBe(b);
  });

  it('When the password breaks the policy, then AUTH.PASSWORD_POLICY is thrown without the password', async () => {
    const tooShort = 'x'.repeat(PASSWORD_MIN_LENGTH - 1);
    const tooLong = 'x'.repeat(PASSWORD_MAX_LENGTH + 1);
    for (const bad of ['', tooShort, tooLong]) {
      const error = await hashPassword(bad, FAST).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('AUTH.PASSWORD_POLICY');
      expect((error as AppError).httpStatus).toBe(400);
      if (bad) expect((error as AppError).message).not.toContain(bad);
    }
  });
});

describe('password policy', () => {
  it('When lengths are at the bounds, then 10 and 128 characters pass and 9 and 129 fail', () => {
    expect(passwordPolicyViolation('a'.repeat(10))).toBeUndefined();
    expect(passwordPolicyViolation('a'.repeat(128))).toBeUndefined();
    expect(passwordPolicyViolation('a'.repeat(9))).toBe('too_short');
    expect(passwordPolicyViolation('a'.repeat(129))).toBe('too_long');
    expect(passwordPolicyViolation(undefined)).toBe('not_a_string');
  });

  it('When a Vietnamese password is written with combining marks, then it counts NFC characters', () => {
    // "ệ" decomposed is e + U+0323 + U+0302: 3 code points, 1 after NFC.
    const decomposed = 'ệ'.normalize('NFD').repeat(10);
    expect([...decomposed]).toHaveLength(30);
    expect(passwordPolicyViolation(decomposed)).toBeUndefined();
    expect(() => assertPasswordPolicy('ệ'.normalize('NFD').repeat(9))).toThrow(AppError);
  });

  it('When spaces surround the password, then they are kept, not trimmed', async () => {
    const hash = await hashPassword('  spaced password  ', FAST);
    expect(await verifyPassword('  spaced password  ', hash)).toBe(true);
    expect(await verifyPassword('spaced password', hash)).toBe(false);
  });
});

describe('verifyPassword', () => {
  it('When the password is wrong, then it is false', async () => {
    const hash = await hashPassword(PASSWORD, FAST);
    expect(await verifyPassword('Trợ lý 1022 mật khẩU', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('When the password was typed with a decomposing keyboard, then it matches the precomposed one', async () => {
    const hash = await hashPassword(PASSWORD.normalize('NFC'), FAST);
    expect(await verifyPassword(PASSWORD.normalize('NFD'), hash)).toBe(true);
  });

  it('When the password is far too long, then it is false without hashing', async () => {
    const hash = await hashPassword(PASSWORD, FAST);
    expect(await verifyPassword('x'.repeat(100_000), hash)).toBe(false);
  });

  it('When the stored hash is tampered with, then it is false and never throws', async () => {
    // Arrange
    const hash = await hashPassword(PASSWORD, FAST);
    const [alg, n, r, p, salt, key] = parts(hash) as [string, string, string, string, string, string];
    const flip = (text: string): string => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    const tampered = [
      [alg, n, r, p, flip(salt), key].join('$'),
      [alg, n, r, p, salt, flip(key)].join('$'),
      [alg, String(Number(n) * 2), r, p, salt, key].join('$'),
      [alg, n, r, p, salt, key.slice(0, -4)].join('$'),
      [alg, n, r, p, salt].join('$'),
      ['bcrypt', n, r, p, salt, key].join('$'),
      [alg, '1000', r, p, salt, key].join('$'), // N not a power of two
      [alg, String(2 ** 30), r, p, salt, key].join('$'), // would need 8 GiB
      [alg, n, r, p, `${salt}!`, key].join('$'),
      [alg, `0${n}`, r, p, salt, key].join('$'),
      '',
    ];

    // Act + Assert
    for (const bad of tampered) expect(await verifyPassword(PASSWORD, bad)).toBe(false);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
  });

  it('When a hash made with other valid parameters is verified, then its own parameters are used', async () => {
    const hash = await hashPassword(PASSWORD, { N: 2 ** 11, r: 4, p: 2, keyLength: 64 });
    expect(hash).toMatch(/^scrypt\$2048\$4\$2\$/);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
  });
});

describe('needsRehash', () => {
  it('When the parameters differ from the current ones, then a rehash is needed', async () => {
    const fast = await hashPassword(PASSWORD, FAST);
    expect(needsRehash(fast, FAST)).toBe(false);
    expect(needsRehash(fast)).toBe(true);
    expect(needsRehash(fast, { ...FAST, r: 16 })).toBe(true);
    expect(needsRehash(fast, { ...FAST, keyLength: 64 })).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('When a dummy hash is made, then it is well-formed, current, and matches no password', async () => {
    const dummy = makeDummyHash(FAST);
    expect(needsRehash(dummy, FAST)).toBe(false);
    expect(await verifyPassword(PASSWORD, dummy)).toBe(false);
    expect(makeDummyHash()).toMatch(new RegExp(`^scrypt\\$${DEFAULT_SCRYPT_PARAMS.N}\\$8\\$1\\$`));
  });
});
