import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOGIN_LIMIT,
  assertCanSeeTicket,
  canSeeTicket,
  createConsoleAuth,
  hasRole,
  sessionIdOf,
  toPublicAccount,
  type ConsoleAuthDeps,
} from '../../src/core/console-auth.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, type ScryptParams } from '../../src/core/password.js';
import type { Account, ConsoleSession } from '../../src/domain/account.js';
import { AppError, type ErrorCode } from '../../src/domain/errors.js';
import { createMemoryLimiters } from '../../src/limits/memory.js';
import type { LimitPolicy } from '../../src/ports/limiter.js';
import type { AccountRepo, ConsoleSessionRepo } from '../../src/ports/store.js';

/** Test doubles of the AccountRepo and ConsoleSessionRepo ports (the real stores pass the contract suite). */
class MemoryAccounts implements AccountRepo {
  readonly rows = new Map<string, Account>();
  async insert(account: Account): Promise<void> {
    if ([...this.rows.values()].some((a) => a.username === account.username) || this.rows.has(account.id)) throw new Error('duplicate');
    this.rows.set(account.id, structuredClone(account));
  }
  async get(id: string): Promise<Account | undefined> {
    const row = this.rows.get(id);
    return row && structuredClone(row);
  }
  async getByUsername(username: string): Promise<Account | undefined> {
    const row = [...this.rows.values()].find((a) => a.username === username);
    return row && structuredClone(row);
  }
  async update(id: string, patch: Parameters<AccountRepo['update']>[1]): Promise<void> {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, ...patch });
  }
  async list(): Promise<Account[]> {
    return [...this.rows.values()].map((a) => structuredClone(a));
  }
}

class MemorySessions implements ConsoleSessionRepo {
  readonly rows = new Map<string, ConsoleSession>();
  async insert(session: ConsoleSession): Promise<void> {
    this.rows.set(session.id, structuredClone(session));
  }
  async get(id: string, now: Date): Promise<ConsoleSession | undefined> {
    const row = this.rows.get(id);
    return row && row.expiresAt > now ? structuredClone(row) : undefined;
  }
  async delete(id: string): Promise<void> {
    this.rows.delete(id);
  }
  async deleteByAccount(accountId: string): Promise<void> {
    for (const [id, s] of this.rows) if (s.accountId === accountId) this.rows.delete(id);
  }
}

const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };
const HOUR = 3_600_000;
const PASSWORD = 'mật khẩu đủ dài 1022';

function setup(overrides: Partial<ConsoleAuthDeps> & { loginLimit?: LimitPolicy } = {}) {
  let now = new Date('2026-03-02T08:00:00+07:00');
  const accounts = new MemoryAccounts();
  const sessions = new MemorySessions();
  const clock = { now: () => new Date(now) };
  const { loginLimit = DEFAULT_LOGIN_LIMIT, ...deps } = overrides;
  const loginFailures = createMemoryLimiters({ clock }).failures('login', loginLimit);
  const auth = createConsoleAuth({ accounts, sessions, clock, sessionTtlMs: 8 * HOUR, passwordParams: FAST, loginFailures, ...deps });
  return { auth, accounts, sessions, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

/** The AppError a promise rejects with (fails the test if it resolves or throws something else). */
async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof AppError)) throw new Error(`expected an AppError, got ${String(outcome)}`);
  return outcome;
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

describe('createAccount', () => {
  it('When an admin creates a staff account, then the username is normalized and only a hash is stored', async () => {
    // Arrange
    const { auth, accounts } = setup();

    // Act
    const account = await auth.createAccount({ username: '  NguyenVanA ', displayName: ' Nguyễn Văn A ', role: 'staff', agencyId: 'so-tu-phap', password: PASSWORD });

    // Assert
    expect(account).toMatchObject({ username: 'nguyenvana', displayName: 'Nguyễn Văn A', role: 'staff', agencyId: 'so-tu-phap', disabled: false });
    expect(account.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(JSON.stringify([...accounts.rows.values()])).not.toContain(PASSWORD);
    expect(toPublicAccount(account)).toEqual({ id: account.id, username: 'nguyenvana', displayName: 'Nguyễn Văn A', role: 'staff', agencyId: 'so-tu-phap' });
  });

  it('When the input is invalid, then the matching AUTH code is thrown', async () => {
    const { auth } = setup();
    await auth.createAccount({ username: 'taken', displayName: 'A', role: 'admin', password: PASSWORD });
    expect(await codeOf(auth.createAccount({ username: 'TAKEN', displayName: 'B', role: 'admin', password: PASSWORD }))).toBe('AUTH.USERNAME_TAKEN');
    expect(await codeOf(auth.createAccount({ username: 'ab', displayName: 'B', role: 'admin', password: PASSWORD }))).toBe('AUTH.ACCOUNT_INVALID');
    expect(await codeOf(auth.createAccount({ username: 'có dấu', displayName: 'B', role: 'admin', password: PASSWORD }))).toBe('AUTH.ACCOUNT_INVALID');
    expect(await codeOf(auth.createAccount({ username: 'staff1', displayName: 'B', role: 'staff', password: PASSWORD }))).toBe('AUTH.ACCOUNT_INVALID');
    expect(await codeOf(auth.createAccount({ username: 'coord1', displayName: 'B', role: 'coordinator', agencyId: 'x', password: PASSWORD }))).toBe('AUTH.ACCOUNT_INVALID');
    expect(await codeOf(auth.createAccount({ username: 'coord1', displayName: '  ', role: 'coordinator', password: PASSWORD }))).toBe('AUTH.ACCOUNT_INVALID');
    expect(await codeOf(auth.createAccount({ username: 'coord1', displayName: 'B', role: 'coordinator', password: 'short' }))).toBe('AUTH.PASSWORD_POLICY');
  });
});

describe('login', () => {
  it('When the credentials are right, then a session with random 256-bit token and CSRF token is stored under the token hash', async () => {
    // Arrange
    const { auth, sessions } = setup();
    const created = await auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });

    // Act
    const { account, session, token } = await auth.login('DieuPhoi', PASSWORD, { ip: '10.0.0.1' });

    // Assert
    expect(account.id).toBe(created.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).not.toBe(token);
    expect(session.id).toBe(sessionIdOf(token));
    expect(sessions.rows.has(token)).toBe(false);
    expect(sessions.rows.get(session.id)?.accountId).toBe(created.id);
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(8 * HOUR);
    const second = await auth.login('dieuphoi', PASSWORD);
    expect(second.token).not.toBe(token);
  });

  it('When the username is unknown or the password wrong, then both give AUTH.INVALID_CREDENTIALS', async () => {
    const { auth } = setup();
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    const unknown = await rejection(auth.login('nobody', PASSWORD));
    const wrong = await rejection(auth.login('canbo', `${PASSWORD}!`));
    expect([unknown.code, unknown.message, unknown.httpStatus]).toEqual([wrong.code, wrong.message, wrong.httpStatus]);
    expect(wrong.code).toBe('AUTH.INVALID_CREDENTIALS');
    expect(wrong.httpStatus).toBe(401);
  });

  it('When the username is unknown, then the login takes as long as a wrong password (a dummy hash is verified)', async () => {
    // Arrange: production cost, so the scrypt time dominates (~80 ms).
    const { auth } = setup({ passwordParams: DEFAULT_SCRYPT_PARAMS, loginLimit: { max: 100, windowMs: HOUR } });
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    // CPU time of the process (scrypt runs on libuv's pool, counted too), not wall time: a busy machine
    // makes a login wait longer, but not work more.
    const time = async (username: string): Promise<number> => {
      const started = process.cpuUsage();
      await auth.login(username, 'wrong password 123').catch(() => undefined);
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000;
    };
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

    // Act
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 3; i++) {
      unknown.push(await time('nobody-here'));
      known.push(await time('canbo'));
    }

    // Assert: the same work (without the dummy hash, unknown would cost ~100x less).
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    expect(median(unknown)).toBeLessThan(median(known) * 2.5);
  });

  it('When the account is disabled, then a wrong password is AUTH.INVALID_CREDENTIALS and the right one AUTH.ACCOUNT_DISABLED', async () => {
    const { auth, sessions } = setup();
    await auth.createAccount({ username: 'nghiviec', displayName: 'Đã nghỉ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD, disabled: true });
    expect(await codeOf(auth.login('nghiviec', 'not the password'))).toBe('AUTH.INVALID_CREDENTIALS');
    expect(await codeOf(auth.login('nghiviec', PASSWORD))).toBe('AUTH.ACCOUNT_DISABLED');
    expect(sessions.rows.size).toBe(0);
  });

  it('When the stored hash has old parameters, then a successful login upgrades it', async () => {
    // Arrange
    const { auth, accounts } = setup();
    const account = await auth.createAccount({ username: 'taikhoancu', displayName: 'Cũ', role: 'admin', password: PASSWORD });
    const old = await hashPassword(PASSWORD, { N: 2 ** 9, r: 8, p: 1, keyLength: 32 });
    await accounts.update(account.id, { passwordHash: old });

    // Act
    await auth.login('taikhoancu', PASSWORD);

    // Assert
    const upgraded = accounts.rows.get(account.id)!.passwordHash;
    expect(upgraded).not.toBe(old);
    expect(needsRehash(upgraded, FAST)).toBe(false);
    await expect(auth.login('taikhoancu', PASSWORD)).resolves.toBeDefined();
  });
});

describe('failed-login limiter', () => {
  it('When 10 logins fail for one username from one IP, then the 11th is AUTH.RATE_LIMITED even with the right password, until the window passes', async () => {
    // Arrange
    const { auth, advance } = setup();
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    for (let i = 0; i < 10; i++) {
      expect(await codeOf(auth.login('canbo', `guess number ${i}`, { ip: '203.0.113.9' }))).toBe('AUTH.INVALID_CREDENTIALS');
      advance(1000);
    }

    // Act
    const limited = await rejection(auth.login('canbo', PASSWORD, { ip: '203.0.113.9' }));

    // Assert
    expect(limited.code).toBe('AUTH.RATE_LIMITED');
    expect(limited.httpStatus).toBe(429);
    expect(limited.details?.['retryAfterSeconds']).toBe(15 * 60 - 10);
    expect(await codeOf(auth.login('CanBo', PASSWORD, { ip: '203.0.113.9' }))).toBe('AUTH.RATE_LIMITED');
    // Another IP, or another username, is not affected.
    expect(await codeOf(auth.login('canbo', PASSWORD, { ip: '198.51.100.7' }))).toBe('resolved');
    expect(await codeOf(auth.login('khac', 'whatever password', { ip: '203.0.113.9' }))).toBe('AUTH.INVALID_CREDENTIALS');
    // The first failure leaves the window: one more try is allowed.
    advance(15 * 60_000 - 10_000);
    expect(await codeOf(auth.login('canbo', PASSWORD, { ip: '203.0.113.9' }))).toBe('resolved');
  });

  it('When a login succeeds, then the failures of that username and IP are forgotten', async () => {
    const { auth } = setup({ loginLimit: { max: 3, windowMs: HOUR } });
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    for (let i = 0; i < 2; i++) await auth.login('canbo', 'wrong password!!', { ip: '1.2.3.4' }).catch(() => undefined);
    await auth.login('canbo', PASSWORD, { ip: '1.2.3.4' });
    for (let i = 0; i < 2; i++) await auth.login('canbo', 'wrong password!!', { ip: '1.2.3.4' }).catch(() => undefined);
    expect(await codeOf(auth.login('canbo', PASSWORD, { ip: '1.2.3.4' }))).toBe('resolved');
  });

  it('When a guesser from one address locks a username, then the same username still signs in from another address', async () => {
    const { auth } = setup({ loginLimit: { max: 3, windowMs: HOUR } });
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    for (let i = 0; i < 3; i++) await auth.login('canbo', `guess number ${i}`, { ip: '203.0.113.9' }).catch(() => undefined);
    expect(await codeOf(auth.login('canbo', PASSWORD, { ip: '203.0.113.9' }))).toBe('AUTH.RATE_LIMITED');
    expect(await codeOf(auth.login('canbo', PASSWORD, { ip: '198.51.100.7' }))).toBe('resolved');
  });
});

describe('authenticate and logout', () => {
  it('When the token is valid, then the account and session come back; logout ends it', async () => {
    const { auth } = setup();
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    const { token, session } = await auth.login('canbo', PASSWORD);

    const identity = await auth.authenticate(token);
    expect(identity?.account.username).toBe('canbo');
    expect(identity?.session.csrfToken).toBe(session.csrfToken);

    await auth.logout(token);
    expect(await auth.authenticate(token)).toBeUndefined();
    await expect(auth.logout(token)).resolves.toBeUndefined();
  });

  it('When the token is missing, malformed or the stored session id itself, then there is no identity', async () => {
    const { auth } = setup();
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    const { session } = await auth.login('canbo', PASSWORD);
    expect(await auth.authenticate(undefined)).toBeUndefined();
    expect(await auth.authenticate('')).toBeUndefined();
    expect(await auth.authenticate('x'.repeat(5000))).toBeUndefined();
    expect(await auth.authenticate(session.id)).toBeUndefined(); // a leaked store row is not a cookie
  });

  it('When the session has expired, then there is no identity', async () => {
    const { auth, advance } = setup();
    await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    const { token } = await auth.login('canbo', PASSWORD);
    advance(8 * HOUR - 1);
    expect(await auth.authenticate(token)).toBeDefined();
    advance(1);
    expect(await auth.authenticate(token)).toBeUndefined();
  });

  it('When the account is disabled after login, then its session stops working and is deleted', async () => {
    const { auth, accounts, sessions } = setup();
    const account = await auth.createAccount({ username: 'canbo', displayName: 'Cán bộ', role: 'staff', agencyId: 'ubnd-q1', password: PASSWORD });
    const { token } = await auth.login('canbo', PASSWORD);
    await accounts.update(account.id, { disabled: true });
    expect(await auth.authenticate(token)).toBeUndefined();
    expect(sessions.rows.size).toBe(0);
  });
});

describe('authorization', () => {
  const staff = { role: 'staff', agencyId: 'so-tu-phap', disabled: false } as const;
  const coordinator = { role: 'coordinator', disabled: false } as const;
  const admin = { role: 'admin', disabled: false } as const;

  it('When staff look at tickets, then they see only their own agency', () => {
    expect(canSeeTicket(staff, { agencyId: 'so-tu-phap' })).toBe(true);
    expect(canSeeTicket(staff, { agencyId: 'so-xay-dung' })).toBe(false);
    expect(canSeeTicket({ role: 'staff', disabled: false }, { agencyId: '' })).toBe(false);
    expect(() => assertCanSeeTicket(staff, { agencyId: 'so-xay-dung' })).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });

  it('When coordinators and admins look at tickets, then they see all; disabled accounts none', () => {
    expect(canSeeTicket(coordinator, { agencyId: 'so-xay-dung' })).toBe(true);
    expect(canSeeTicket(admin, { agencyId: 'so-tu-phap' })).toBe(true);
    expect(canSeeTicket({ ...admin, disabled: true }, { agencyId: 'so-tu-phap' })).toBe(false);
    expect(hasRole(coordinator, 'coordinator', 'admin')).toBe(true);
    expect(hasRole(staff, 'coordinator', 'admin')).toBe(false);
  });
});
