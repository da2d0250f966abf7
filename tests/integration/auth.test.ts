import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAuth, type ConsoleAuth } from '../../src/core/console-auth.js';
import { createAuthRouter } from '../../src/http/auth.router.js';
import { createConsoleSession, requireRole } from '../../src/http/console-session.js';
import { createErrorMiddleware, notFoundHandler } from '../../src/http/error-middleware.js';
import { requestLog } from '../../src/http/request-log.js';
import { createMemoryLimiters } from '../../src/limits/memory.js';
import { createLogger } from '../../src/logging/logger.js';
import type { Store } from '../../src/ports/store.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { CHEAP_SCRYPT } from './test-system.js';

/**
 * Console sign-in over HTTP against the real embedded store: the auth router and the session
 * middleware in an express app on an ephemeral port, with a controllable clock. Two mounts: plain
 * HTTP cookies under /api/v1 (development) and production cookies under /prod/api/v1.
 */

const HOUR = 3_600_000;
const TTL = 8 * HOUR;
const PASSWORD = 'Mật khẩu cán bộ 2026';
const STAFF_PASSWORD = 'staff password 1022';

let dataDir: string;
let store: Store;
let auth: ConsoleAuth;
let server: Server;
let base: string;
let now = new Date('2026-03-02T01:00:00Z');
const logLines: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-it-'));
  store = createNedbStore({ dataDir, compactEveryMs: 0 });
  await store.init();
  auth = createConsoleAuth({
    accounts: store.accounts,
    sessions: store.sessions,
    clock: { now: () => new Date(now) },
    sessionTtlMs: TTL,
    passwordParams: CHEAP_SCRYPT,
    loginFailures: createMemoryLimiters({ clock: { now: () => new Date(now) } }).failures('login', { max: 5, windowMs: 15 * 60_000 }),
  });
  await auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối 1022', role: 'coordinator', password: PASSWORD });
  await auth.createAccount({ username: 'canbo.tuphap', displayName: 'Cán bộ Sở Tư pháp', role: 'staff', agencyId: 'so-tu-phap', password: STAFF_PASSWORD });

  const logger = createLogger({ logLevel: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
  const app = express();
  app.use(requestLog(logger));
  for (const [prefix, secureCookies] of [['/api/v1', false], ['/prod/api/v1', true]] as const) {
    const consoleSession = createConsoleSession({ auth, secureCookies });
    const api = express.Router();
    // As src/app.ts mounts it: before the API's shared JSON parser, so sign-in parses its own (4 kB) body.
    api.use(createAuthRouter({ auth, secureCookies }));
    api.use(express.json({ limit: '64kb' }));
    // Tiny routes standing in for the console's: a coordinator-only read and a state-changing action.
    api.get('/test/routing-queue', consoleSession, requireRole('coordinator', 'admin'), (req, res) => {
      res.json({ ok: true, by: req.console?.account.username });
    });
    api.post('/test/tickets/:code/answer', consoleSession, requireRole('staff'), (req, res) => {
      res.json({ ok: true, code: req.params.code });
    });
    app.use(prefix, api);
  }
  app.use(notFoundHandler);
  app.use(createErrorMiddleware({ logger }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Signed {
  cookie: string;
  csrfToken: string;
  setCookie: string;
  body: { account: Record<string, unknown>; csrfToken: string };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function login(username: string, password: string, prefix = '/api/v1'): Promise<Signed> {
  const response = await post(`${prefix}/auth/login`, { username, password });
  expect(response.status).toBe(200);
  const setCookie = response.headers.getSetCookie()[0]!;
  const body = (await response.json()) as Signed['body'];
  return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie, body };
}

describe('POST /api/v1/auth/login', () => {
  it('When the credentials are right, then it answers the public account and CSRF token and sets a strict HttpOnly cookie', async () => {
    // Act
    const response = await post('/api/v1/auth/login', { username: 'DieuPhoi', password: PASSWORD });

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Signed['body'];
    expect(body.account).toEqual({ id: expect.any(String), username: 'dieuphoi', displayName: 'Điều phối 1022', role: 'coordinator' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const [pair, ...attributes] = cookies[0]!.split(/;\s*/);
    expect(pair).toMatch(/^tl_sess=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    expect(attributes).not.toContain('Secure');
    const expires = attributes.find((a) => a.startsWith('Expires='));
    expect(new Date(expires!.slice('Expires='.length)).getTime()).toBe(now.getTime() + TTL);
  });

  it('When production cookies are on, then the cookie is __Host-tl_sess with Secure, and only that name is read', async () => {
    const signed = await login('dieuphoi', PASSWORD, '/prod/api/v1');
    expect(signed.setCookie).toMatch(/^__Host-tl_sess=[A-Za-z0-9_-]{43}; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    expect((await fetch(`${base}/prod/api/v1/auth/me`, { headers: { cookie: signed.cookie } })).status).toBe(200);
    const plainName = signed.cookie.replace('__Host-tl_sess', 'tl_sess');
    expect((await fetch(`${base}/prod/api/v1/auth/me`, { headers: { cookie: plainName } })).status).toBe(401);
  });

  it('When the password is wrong or the user unknown, then both get the same 401 AUTH.INVALID_CREDENTIALS and no cookie', async () => {
    const wrong = await post('/api/v1/auth/login', { username: 'dieuphoi', password: 'not the password' });
    const unknown = await post('/api/v1/auth/login', { username: 'khong-ton-tai', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a).toEqual(b);
    expect(a).toEqual({ code: 'AUTH.INVALID_CREDENTIALS', message: 'Wrong username or password' });
  });

  it('When the body is not JSON {username, password}, then it is 400 (a cross-site form cannot log anyone in)', async () => {
    expect((await post('/api/v1/auth/login', { username: 'dieuphoi' })).status).toBe(400);
    const form = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=dieuphoi&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { code: string }).code).toBe('HTTP.BAD_REQUEST');
  });

  it('When logins keep failing for one username, then it answers 429 AUTH.RATE_LIMITED with Retry-After', async () => {
    await auth.createAccount({ username: 'bi.doan', displayName: 'Bị dò', role: 'staff', agencyId: 'so-xay-dung', password: 'the real password' });
    for (let i = 0; i < 5; i++) expect((await post('/api/v1/auth/login', { username: 'bi.doan', password: `guess ${i} guess` })).status).toBe(401);
    const limited = await post('/api/v1/auth/login', { username: 'bi.doan', password: 'the real password' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { code: string }).code).toBe('AUTH.RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
  });
});

describe('GET /api/v1/auth/me', () => {
  it('When the session cookie is valid, then it answers the account and the same CSRF token', async () => {
    const signed = await login('canbo.tuphap', STAFF_PASSWORD);
    const response = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: `other=1; ${signed.cookie}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      account: { id: expect.any(String), username: 'canbo.tuphap', displayName: 'Cán bộ Sở Tư pháp', role: 'staff', agencyId: 'so-tu-phap' },
      csrfToken: signed.csrfToken,
    });
  });

  it('When there is no cookie or an unknown one, then it is 401 AUTH.REQUIRED', async () => {
    const none = await fetch(`${base}/api/v1/auth/me`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('AUTH.REQUIRED');
    const forged = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: `tl_sess=${'A'.repeat(43)}` } });
    expect(forged.status).toBe(401);
  });

  it('When the session has expired, then it is 401 AUTH.REQUIRED', async () => {
    const signed = await login('canbo.tuphap', STAFF_PASSWORD);
    const saved = now;
    try {
      now = new Date(saved.getTime() + TTL);
      const response = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: signed.cookie } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('AUTH.REQUIRED');
    } finally {
      now = saved;
    }
  });

  it('When the account is disabled, then its open session is refused at once', async () => {
    const account = await auth.createAccount({ username: 'tam.nghi', displayName: 'Tạm nghỉ', role: 'staff', agencyId: 'so-tu-phap', password: 'temporary leave pw' });
    const signed = await login('tam.nghi', 'temporary leave pw');
    await store.accounts.update(account.id, { disabled: true });
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: signed.cookie } })).status).toBe(401);
    const again = await post('/api/v1/auth/login', { username: 'tam.nghi', password: 'temporary leave pw' });
    expect(again.status).toBe(403);
    expect(((await again.json()) as { code: string }).code).toBe('AUTH.ACCOUNT_DISABLED');
  });
});

describe('POST /api/v1/auth/logout and CSRF', () => {
  it('When X-CSRF-Token is missing or wrong, then it is 403 AUTH.CSRF and the session survives', async () => {
    const signed = await login('dieuphoi', PASSWORD);
    const missing = await post('/api/v1/auth/logout', {}, { cookie: signed.cookie });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { code: string }).code).toBe('AUTH.CSRF');
    const wrong = await post('/api/v1/auth/logout', {}, { cookie: signed.cookie, 'x-csrf-token': `${signed.csrfToken.slice(0, -1)}x` });
    expect(wrong.status).toBe(403);
    const otherSession = await login('dieuphoi', PASSWORD);
    const crossed = await post('/api/v1/auth/logout', {}, { cookie: signed.cookie, 'x-csrf-token': otherSession.csrfToken });
    expect(crossed.status).toBe(403);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: signed.cookie } })).status).toBe(200);
  });

  it('When logout carries the CSRF token, then it is 204, the cookie is cleared and the session no longer works', async () => {
    const signed = await login('dieuphoi', PASSWORD);
    const response = await post('/api/v1/auth/logout', {}, { cookie: signed.cookie, 'x-csrf-token': signed.csrfToken });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()[0]).toMatch(/^tl_sess=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: signed.cookie } })).status).toBe(401);
    expect((await post('/api/v1/auth/logout', {}, { cookie: signed.cookie, 'x-csrf-token': signed.csrfToken })).status).toBe(401);
  });

  it('When a signed-in browser logs in again, then the previous session is ended', async () => {
    const first = await login('dieuphoi', PASSWORD);
    const response = await post('/api/v1/auth/login', { username: 'dieuphoi', password: PASSWORD }, { cookie: first.cookie });
    expect(response.status).toBe(200);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: first.cookie } })).status).toBe(401);
  });
});

describe('role restriction (requireRole)', () => {
  it('When staff open a coordinator-only route, then it is 403 AUTH.FORBIDDEN; a coordinator gets 200', async () => {
    const staff = await login('canbo.tuphap', STAFF_PASSWORD);
    const coordinator = await login('dieuphoi', PASSWORD);
    const refused = await fetch(`${base}/api/v1/test/routing-queue`, { headers: { cookie: staff.cookie } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('AUTH.FORBIDDEN');
    const allowed = await fetch(`${base}/api/v1/test/routing-queue`, { headers: { cookie: coordinator.cookie } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ ok: true, by: 'dieuphoi' });
    expect((await fetch(`${base}/api/v1/test/routing-queue`)).status).toBe(401);
  });

  it('When staff post a state-changing action, then CSRF is checked before the role, and both must pass', async () => {
    const staff = await login('canbo.tuphap', STAFF_PASSWORD);
    const coordinator = await login('dieuphoi', PASSWORD);
    expect((await post('/api/v1/test/tickets/HN-1/answer', {}, { cookie: staff.cookie })).status).toBe(403);
    const ok = await post('/api/v1/test/tickets/HN-1/answer', {}, { cookie: staff.cookie, 'x-csrf-token': staff.csrfToken });
    expect(ok.status).toBe(200);
    const coord = await post('/api/v1/test/tickets/HN-1/answer', {}, { cookie: coordinator.cookie, 'x-csrf-token': coordinator.csrfToken });
    expect(coord.status).toBe(403);
    expect(((await coord.json()) as { code: string }).code).toBe('AUTH.FORBIDDEN');
  });
});

describe('logs', () => {
  it('When all of the above has run, then no password, session token or CSRF token appears in the log', async () => {
    const signed = await login('dieuphoi', PASSWORD);
    await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: signed.cookie } });
    await post('/api/v1/auth/logout', {}, { cookie: signed.cookie, 'x-csrf-token': signed.csrfToken });
    const log = logLines.join('');
    expect(log).toContain('/api/v1/auth/login');
    for (const secret of [PASSWORD, STAFF_PASSWORD, 'the real password', signed.cookie.split('=')[1]!, signed.csrfToken]) {
      expect(log).not.toContain(secret);
    }
  });
});
