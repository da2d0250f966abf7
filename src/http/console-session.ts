import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { ConsoleAuth, ConsoleIdentity } from '../core/console-auth.js';
import type { AccountRole } from '../domain/account.js';
import { AppError } from '../domain/errors.js';

/**
 * Console sessions over HTTP. The session token travels only in a cookie:
 *
 *   __Host-tl_sess=<token>; Path=/; HttpOnly; Secure; SameSite=Strict; Expires=<session end>
 *
 * In production (`secureCookies`) the name carries the `__Host-` prefix, which browsers accept only
 * with Secure, Path=/ and no Domain: a sibling subdomain of the province portal cannot plant or shadow
 * it. Over plain HTTP in development the cookie is `tl_sess` without Secure.
 *
 * CSRF: SameSite=Strict already keeps the cookie off cross-site requests; on top of it every request
 * other than GET and HEAD must echo the session's synchronizer token in `X-CSRF-Token` (returned by
 * login and GET /api/v1/auth/me), compared in constant time.
 */

declare global {
  namespace Express {
    interface Request {
      /** The signed-in console user, set by the console session middleware. */
      console?: ConsoleIdentity;
    }
  }
}

export const SESSION_COOKIE = 'tl_sess';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function sessionCookieName(secureCookies: boolean): string {
  return secureCookies ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** The first value of the named cookie in a Cookie header (no decoding: our values are base64url). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    if (pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** Sets the session cookie to expire with the session. */
export function setSessionCookie(res: Response, options: { secureCookies: boolean; token: string; expiresAt: Date }): void {
  res.cookie(sessionCookieName(options.secureCookies), options.token, {
    httpOnly: true,
    secure: options.secureCookies,
    sameSite: 'strict',
    path: '/',
    expires: options.expiresAt,
  });
}

export function clearSessionCookie(res: Response, options: { secureCookies: boolean }): void {
  res.clearCookie(sessionCookieName(options.secureCookies), { httpOnly: true, secure: options.secureCookies, sameSite: 'strict', path: '/' });
}

/** Constant-time equality of two tokens of any length (both are hashed to 32 bytes first). */
export function tokensEqual(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export interface ConsoleSessionDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  /** True in production (HTTPS): Secure cookie with the __Host- prefix. */
  secureCookies: boolean;
}

/**
 * Requires a console session: 401 AUTH.REQUIRED without a valid one (missing, unknown, expired,
 * disabled account), 403 AUTH.CSRF for a state-changing request without the matching X-CSRF-Token;
 * otherwise sets `req.console = {account, session}`.
 */
export function createConsoleSession(deps: ConsoleSessionDeps): RequestHandler {
  const cookieName = sessionCookieName(deps.secureCookies);
  return async (req, _res, next) => {
    const identity = await deps.auth.authenticate(readCookie(req.headers.cookie, cookieName));
    if (!identity) throw new AppError('AUTH.REQUIRED', 'Sign in to the console first');
    if (!SAFE_METHODS.has(req.method) && !tokensEqual(identity.session.csrfToken, req.get(CSRF_HEADER))) {
      throw new AppError('AUTH.CSRF', `Missing or wrong ${CSRF_HEADER} header`);
    }
    req.console = identity;
    next();
  };
}

/** After createConsoleSession: 403 AUTH.FORBIDDEN unless the account has one of the roles. */
export function requireRole(...roles: AccountRole[]): RequestHandler {
  return (req, _res, next) => {
    const identity = req.console;
    if (!identity) throw new AppError('AUTH.REQUIRED', 'Sign in to the console first');
    if (!roles.includes(identity.account.role)) {
      throw new AppError('AUTH.FORBIDDEN', 'Your role may not do this', { details: { role: identity.account.role } });
    }
    next();
  };
}
