import express, { Router } from 'express';
import { z } from 'zod';
import { toPublicAccount, type ConsoleAuth, type LoginResult } from '../core/console-auth.js';
import { AppError } from '../domain/errors.js';
import { clientAddress } from './client-address.js';
import { clearSessionCookie, createConsoleSession, readCookie, sessionCookieName, setSessionCookie } from './console-session.js';

/**
 * Console sign-in, mounted under /api/v1:
 *
 *   POST /api/v1/auth/login   {username, password} → sets the session cookie; {account, csrfToken}
 *   POST /api/v1/auth/logout  session + X-CSRF-Token → 204, session revoked, cookie cleared
 *   GET  /api/v1/auth/me      session → {account, csrfToken} (a reloaded console page gets its token here)
 *
 * Login accepts only `application/json` bodies, so a cross-site HTML form cannot log a browser into
 * another account (login CSRF): such a form cannot send JSON without a CORS preflight, which we never
 * grant. Nothing here logs; passwords, session and CSRF tokens never reach the logger. The failed-login
 * limiter counts per username + client address (`req.ip`, client-address.ts): behind a reverse proxy,
 * set TRUST_PROXY, or every sign-in seems to come from the proxy and one guesser locks a username out for all.
 */

export interface AuthRouterDeps {
  auth: ConsoleAuth;
  /** True in production (HTTPS): Secure cookie with the __Host- prefix. */
  secureCookies: boolean;
}

const loginBodySchema = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

export function createAuthRouter(deps: AuthRouterDeps): Router {
  const router = Router();
  const session = createConsoleSession(deps);
  const cookieName = sessionCookieName(deps.secureCookies);

  router.post('/auth/login', express.json({ limit: '4kb' }), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const parsed = loginBodySchema.safeParse(req.body);
    if (!parsed.success) {
      throw new AppError('HTTP.BAD_REQUEST', 'Body must be a JSON object with string fields "username" and "password"');
    }
    let result: LoginResult;
    try {
      result = await deps.auth.login(parsed.data.username, parsed.data.password, { ip: clientAddress(req) });
    } catch (err) {
      if (err instanceof AppError && err.code === 'AUTH.RATE_LIMITED') {
        const seconds = err.details?.['retryAfterSeconds'];
        if (typeof seconds === 'number') res.set('Retry-After', String(seconds));
      }
      throw err;
    }
    // A browser that was signed in as someone else: end that session rather than leave it orphaned.
    const previous = readCookie(req.headers.cookie, cookieName);
    if (previous !== undefined) await deps.auth.logout(previous);
    setSessionCookie(res, { secureCookies: deps.secureCookies, token: result.token, expiresAt: result.session.expiresAt });
    res.json({ account: toPublicAccount(result.account), csrfToken: result.session.csrfToken });
  });

  router.post('/auth/logout', session, async (req, res) => {
    await deps.auth.logout(readCookie(req.headers.cookie, cookieName));
    clearSessionCookie(res, deps);
    res.set('Cache-Control', 'no-store').status(204).end();
  });

  router.get('/auth/me', session, (req, res) => {
    const identity = req.console!;
    res.set('Cache-Control', 'no-store').json({ account: toPublicAccount(identity.account), csrfToken: identity.session.csrfToken });
  });

  return router;
}
