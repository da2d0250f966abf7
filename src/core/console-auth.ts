import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ACCOUNT_ROLES, type Account, type AccountRole, type ConsoleSession } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import type { Ticket } from '../domain/ticket.js';
import type { Clock } from '../ports/clock.js';
import type { FailureLimiter, LimitPolicy } from '../ports/limiter.js';
import type { Logger } from '../ports/logger.js';
import type { AccountRepo, ConsoleSessionRepo } from '../ports/store.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, makeDummyHash, needsRehash, verifyPassword, type ScryptParams } from './password.js';

/**
 * Console sign-in for agency staff, coordinators and admins: password login, server-side sessions,
 * and the authorization rules the console routes apply.
 *
 * Sessions. Login creates a random 256-bit session token and a separate random 256-bit CSRF token.
 * The browser keeps the session token in an HttpOnly cookie (src/http/console-session.ts); the store
 * keeps only its SHA-256 as `ConsoleSession.id`, so a copy of the sessions collection cannot be replayed
 * as cookies. Sessions expire `sessionTtlMs` after login (absolute, no sliding renewal) and die at once
 * when the account is disabled or deleted, or on logout.
 *
 * Guessing. An unknown username costs one scrypt verification against a dummy hash, like a wrong
 * password, and gets the same AUTH.INVALID_CREDENTIALS. Failed logins are counted by the injected
 * FailureLimiter per username + client address (default 10 per 15 minutes, sliding window; in memory in
 * embedded mode, in Redis in production mode); past the limit the password is not even checked
 * (AUTH.RATE_LIMITED) until the oldest failure leaves the window. It slows guessing; it is not an
 * account lockout, which would let anyone lock a known username out: a guesser from one address
 * locks that username for that address only (behind a reverse proxy, TRUST_PROXY must be set so the
 * address is the client's and not the proxy's).
 */

export interface ConsoleIdentity {
  account: Account;
  session: ConsoleSession;
}

export interface LoginResult extends ConsoleIdentity {
  /** The session token for the cookie. Never log it; the store only has its hash. */
  token: string;
}

/** What a console client may see of an account (never the password hash). */
export interface PublicAccount {
  id: string;
  username: string;
  displayName: string;
  role: AccountRole;
  agencyId?: string;
}

export interface NewAccountInput {
  username: string;
  displayName: string;
  role: AccountRole;
  /** Required for staff, refused for coordinators and admins. */
  agencyId?: string;
  password: string;
  disabled?: boolean;
}

/** Failed logins allowed per username + client address within the window. */
export const DEFAULT_LOGIN_LIMIT: Readonly<LimitPolicy> = Object.freeze({ max: 10, windowMs: 15 * 60_000 });

/** The failed-login limiter's key: the normalized username and the client address. */
export function loginLimitKey(normalizedUsername: string, address: string | undefined): string {
  return `${normalizedUsername}\n${address ?? '-'}`;
}

export interface ConsoleAuthDeps {
  accounts: AccountRepo;
  sessions: ConsoleSessionRepo;
  clock: Clock;
  /** Absolute session lifetime from login. */
  sessionTtlMs: number;
  /** Failed logins per loginLimitKey (username + client address); DEFAULT_LOGIN_LIMIT is the policy to give it. */
  loginFailures: FailureLimiter;
  /** Hash cost for new and upgraded hashes (default DEFAULT_SCRYPT_PARAMS; tests pass cheaper ones). */
  passwordParams?: ScryptParams;
  /** For failures that must not fail the request (a rehash that could not be saved). */
  logger?: Pick<Logger, 'warn'>;
}

export interface ConsoleAuth {
  /**
   * Checks the credentials and opens a session. Throws AUTH.INVALID_CREDENTIALS (unknown user or wrong
   * password, indistinguishable), AUTH.ACCOUNT_DISABLED (right password, disabled account) or
   * AUTH.RATE_LIMITED (details.retryAfterSeconds).
   */
  login(username: string, password: string, context?: { ip?: string }): Promise<LoginResult>;
  /** The account and session behind a session token, or undefined if unknown, expired or the account is disabled. */
  authenticate(token: string | undefined): Promise<ConsoleIdentity | undefined>;
  /** Ends the session (idempotent). */
  logout(token: string | undefined): Promise<void>;
  /** Creates an account with a hashed password (admin console, seeding). */
  createAccount(input: NewAccountInput): Promise<Account>;
}

/** 32 random bytes in base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;
const DISPLAY_NAME_MAX = 100;

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The store key of a session token. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Usernames are compared trimmed, NFC-normalized and lower-cased. */
export function normalizeUsername(username: string): string {
  return username.trim().normalize('NFC').toLowerCase();
}

export function toPublicAccount(account: Account): PublicAccount {
  const { id, username, displayName, role, agencyId } = account;
  return agencyId === undefined ? { id, username, displayName, role } : { id, username, displayName, role, agencyId };
}

/** True when the (enabled) account has one of the roles. */
export function hasRole(account: Pick<Account, 'role' | 'disabled'>, ...roles: AccountRole[]): boolean {
  return !account.disabled && roles.includes(account.role);
}

/** Staff see only their own agency's tickets; coordinators and admins see every ticket; disabled accounts none. */
export function canSeeTicket(account: Pick<Account, 'role' | 'agencyId' | 'disabled'>, ticket: Pick<Ticket, 'agencyId'>): boolean {
  if (account.disabled) return false;
  if (account.role === 'coordinator' || account.role === 'admin') return true;
  return account.role === 'staff' && account.agencyId !== undefined && account.agencyId !== '' && account.agencyId === ticket.agencyId;
}

/** Throws AUTH.FORBIDDEN unless canSeeTicket. */
export function assertCanSeeTicket(account: Pick<Account, 'role' | 'agencyId' | 'disabled'>, ticket: Pick<Ticket, 'agencyId'>): void {
  if (!canSeeTicket(account, ticket)) throw new AppError('AUTH.FORBIDDEN', 'This ticket belongs to another agency');
}

function accountInvalid(field: string, message: string): AppError {
  return new AppError('AUTH.ACCOUNT_INVALID', message, { details: { field } });
}

export function createConsoleAuth(deps: ConsoleAuthDeps): ConsoleAuth {
  const params = deps.passwordParams ?? DEFAULT_SCRYPT_PARAMS;
  const limiter = deps.loginFailures;
  const dummyHash = makeDummyHash(params);
  if (!(deps.sessionTtlMs > 0)) throw new Error('sessionTtlMs must be positive');

  const invalidCredentials = (): AppError => new AppError('AUTH.INVALID_CREDENTIALS', 'Wrong username or password');

  async function upgradeHash(account: Account, password: string): Promise<void> {
    try {
      await deps.accounts.update(account.id, { passwordHash: await hashPassword(password, params) });
    } catch (err) {
      // The login still succeeds; the upgrade is retried on the next login.
      deps.logger?.warn({ accountId: account.id, err: err instanceof Error ? err.name : 'unknown' }, 'password rehash not saved');
    }
  }

  return {
    async login(username, password, context = {}) {
      const name = typeof username === 'string' ? normalizeUsername(username) : '';
      const key = loginLimitKey(name, context.ip);
      const allowed = await limiter.check(key);
      if (!allowed.allowed) {
        throw new AppError('AUTH.RATE_LIMITED', 'Too many failed logins; try again later', { details: { retryAfterSeconds: allowed.retryAfterSec } });
      }

      const account = USERNAME_PATTERN.test(name) ? await deps.accounts.getByUsername(name) : undefined;
      // Always one scrypt verification, against a dummy hash when the user is unknown.
      const matches = await verifyPassword(password, account?.passwordHash ?? dummyHash);
      if (!account || !matches) {
        await limiter.fail(key);
        throw invalidCredentials();
      }
      await limiter.reset(key);
      if (account.disabled) throw new AppError('AUTH.ACCOUNT_DISABLED', 'This account is disabled');
      if (needsRehash(account.passwordHash, params)) await upgradeHash(account, password);

      const token = newToken();
      const createdAt = deps.clock.now();
      const session: ConsoleSession = {
        id: sessionIdOf(token),
        accountId: account.id,
        csrfToken: newToken(),
        createdAt,
        expiresAt: new Date(createdAt.getTime() + deps.sessionTtlMs),
      };
      await deps.sessions.insert(session);
      return { account, session, token };
    },

    async authenticate(token) {
      if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
      const now = deps.clock.now();
      const session = await deps.sessions.get(sessionIdOf(token), now);
      if (!session || session.expiresAt.getTime() <= now.getTime()) return undefined;
      const account = await deps.accounts.get(session.accountId);
      if (!account || account.disabled) {
        await deps.sessions.delete(session.id);
        return undefined;
      }
      return { account, session };
    },

    async logout(token) {
      if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return;
      await deps.sessions.delete(sessionIdOf(token));
    },

    async createAccount(input) {
      const username = normalizeUsername(input.username ?? '');
      if (!USERNAME_PATTERN.test(username)) {
        throw accountInvalid('username', 'Username must be 3 to 64 characters among a-z, 0-9, dot, underscore and hyphen');
      }
      const displayName = (input.displayName ?? '').trim().normalize('NFC');
      if (displayName.length === 0 || [...displayName].length > DISPLAY_NAME_MAX) {
        throw accountInvalid('displayName', `Display name must be 1 to ${DISPLAY_NAME_MAX} characters`);
      }
      if (!ACCOUNT_ROLES.includes(input.role)) throw accountInvalid('role', 'Unknown role');
      const agencyId = input.agencyId?.trim() || undefined;
      if (input.role === 'staff' && agencyId === undefined) throw accountInvalid('agencyId', 'A staff account needs its agency');
      if (input.role !== 'staff' && agencyId !== undefined) throw accountInvalid('agencyId', 'Only staff accounts belong to an agency');
      if (await deps.accounts.getByUsername(username)) throw new AppError('AUTH.USERNAME_TAKEN', 'This username is taken');

      const account: Account = {
        id: randomUUID(),
        username,
        displayName,
        role: input.role,
        ...(agencyId === undefined ? {} : { agencyId }),
        passwordHash: await hashPassword(input.password, params),
        disabled: input.disabled ?? false,
        createdAt: deps.clock.now(),
      };
      try {
        await deps.accounts.insert(account);
      } catch (err) {
        // Lost a race with another insert of the same username (the repo enforces uniqueness).
        if (await deps.accounts.getByUsername(username)) throw new AppError('AUTH.USERNAME_TAKEN', 'This username is taken', { cause: err });
        throw err;
      }
      return account;
    },
  };
}
