import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed visitor sessions for the web widget. The SERVER creates the visitor id (128 random bits,
 * base64url) and signs it; the browser only keeps the token. This is the fix for the rejected
 * botbuilder-adapter-web, where the browser chose its own `user` id and anyone sending `user:'alice'`
 * received Alice's replies (botkit.md §4, §10).
 *
 * Token = base64url(JSON {v: visitorId, iat, exp}) + '.' + base64url(HMAC-SHA256(key, first part)),
 * with iat/exp in epoch seconds. The key is derived from the session secret with a fixed label, so
 * the same secret can sign other things (e.g. console cookies) without one token passing for another.
 * Stateless: nothing is stored; a session ends when its token expires (or the secret changes).
 */

export interface WebchatSession {
  /** Server-chosen, 22 base64url characters (128 bits). */
  visitorId: string;
  /** Epoch ms. */
  issuedAt: number;
  /** Epoch ms. */
  expiresAt: number;
}

export interface IssuedSession {
  token: string;
  session: WebchatSession;
}

export interface WebchatSessions {
  /** A new visitor: fresh random id. */
  issue(): IssuedSession;
  /** The session a token proves, or undefined if it is malformed, tampered, expired or not yet valid. */
  verify(token: string | undefined | null): WebchatSession | undefined;
  /** A fresh token for the same visitor if `token` is valid; undefined otherwise (the caller issues a new one). */
  renew(token: string | undefined | null): IssuedSession | undefined;
}

export interface WebchatSessionOptions {
  /** At least 32 characters (config.sessionSecret). */
  secret: string;
  /** Lifetime of a token (default 90 days); the widget renews it on every page load. */
  ttlMs?: number;
  /** Epoch ms (tests). */
  now?: () => number;
}

export const DEFAULT_SESSION_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** Tokens are short; anything longer is rejected before any decoding or hashing. */
export const MAX_TOKEN_LENGTH = 256;
/** Clock difference tolerated between processes for `iat` in the future. */
const CLOCK_SKEW_S = 60;
const KEY_LABEL = 'tro-ly-1022/webchat-session/v1';
const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** A new visitor id: 16 random bytes as base64url (22 characters). */
export function newVisitorId(): string {
  return randomBytes(16).toString('base64url');
}

export function createWebchatSessions(options: WebchatSessionOptions): WebchatSessions {
  if (options.secret.length < 32) throw new Error('webchat sessions need a secret of at least 32 characters');
  const key = createHmac('sha256', options.secret).update(KEY_LABEL).digest();
  const ttlS = Math.max(1, Math.floor((options.ttlMs ?? DEFAULT_SESSION_TTL_MS) / 1000));
  const nowMs = options.now ?? Date.now;

  const mac = (body: string): Buffer => createHmac('sha256', key).update(body).digest();

  function sign(visitorId: string): IssuedSession {
    const iat = Math.floor(nowMs() / 1000);
    const exp = iat + ttlS;
    const body = Buffer.from(JSON.stringify({ v: visitorId, iat, exp })).toString('base64url');
    return {
      token: `${body}.${mac(body).toString('base64url')}`,
      session: { visitorId, issuedAt: iat * 1000, expiresAt: exp * 1000 },
    };
  }

  function verify(token: string | undefined | null): WebchatSession | undefined {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
    const body = token.slice(0, dot);
    const signature = token.slice(dot + 1);
    if (!B64URL.test(body) || !B64URL.test(signature)) return undefined;
    // Compared as base64url text, so a non-canonical encoding of the right MAC is refused too.
    // Length first: timingSafeEqual throws on different lengths (the length is not secret).
    const given = Buffer.from(signature);
    const expected = Buffer.from(mac(body).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;

    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { v, iat, exp } = claims as Record<string, unknown>;
    if (typeof v !== 'string' || !VISITOR_ID.test(v)) return undefined;
    if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return undefined;
    const now = nowMs() / 1000;
    const issued = iat as number;
    const expires = exp as number;
    if (expires <= now || issued > now + CLOCK_SKEW_S || expires - issued > ttlS) return undefined;
    return { visitorId: v, issuedAt: issued * 1000, expiresAt: expires * 1000 };
  }

  return {
    issue: () => sign(newVisitorId()),
    verify,
    renew(token) {
      const session = verify(token);
      return session ? sign(session.visitorId) : undefined;
    },
  };
}
