import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/domain/tracking-code.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * TRUST_PROXY and the throttles (console sign-in, ticket lookups, widget messages), on the whole system
 * in embedded mode. The test connects from loopback, as a reverse proxy on the same machine would, and
 * plays two citizens behind that proxy by their X-Forwarded-For.
 *
 *   - off (the default): X-Forwarded-For is ignored, every request is the proxy's, and the two share
 *     every throttle: one guesser locks everybody out.
 *   - on (`true`: the proxy on loopback is trusted, one hop): each citizen has their own counts, and a
 *     forged X-Forwarded-For entry does not give a client a fresh count (the address the proxy appended
 *     is what counts).
 */

const PASSWORD = 'mật khẩu đúng của cán bộ';
const GUESSER = '203.0.113.66';
const CITIZEN = '198.51.100.7';

interface Running {
  system: RunningSystem;
  base: string;
  dataDir: string;
}

async function start(trustProxy: string | undefined): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trust-proxy-it-'));
  const system = await startTestSystem(dataDir, { TRUST_PROXY: trustProxy, WIDGET_RATE_PER_ADDRESS: '2' }, { passwordParams: CHEAP_SCRYPT });
  await system.auth.createAccount({ username: 'canbo.tuphap', displayName: 'Cán bộ Sở Tư pháp', role: 'staff', agencyId: 'so-tu-phap', password: PASSWORD });
  return { system, base: system.url!, dataDir };
}

async function stop(running: Running | undefined): Promise<void> {
  await running?.system.stop();
  if (running) await rm(running.dataDir, { recursive: true, force: true });
}

const login = (base: string, from: string, password: string) =>
  fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ username: 'canbo.tuphap', password }),
  });

const lookup = (base: string, from: string, code: string) =>
  fetch(`${base}/api/v1/tickets/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ code, phoneLast4: '0000' }),
  });

async function widgetMessage(base: string, from: string): Promise<Response> {
  const { token } = (await (await fetch(`${base}/widget/session`, { method: 'POST' })).json()) as { token: string };
  return fetch(`${base}/widget/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': from },
    body: JSON.stringify({ clientMessageId: randomUUID(), text: 'đăng ký khai sinh' }),
  });
}

/** Ten failed sign-ins for one username (the limit) from `from`. */
async function lockLogin(base: string, from: string): Promise<void> {
  for (let i = 0; i < 10; i++) expect((await login(base, from, `đoán mật khẩu ${i}`)).status).toBe(401);
}

/** Ten failed lookups (the per-address limit), each on another code so no per-code count trips. */
async function lockLookups(base: string, from: string): Promise<void> {
  for (let i = 0; i < 10; i++) expect((await lookup(base, from, generate())).status).toBe(404);
}

describe('TRUST_PROXY unset (off): X-Forwarded-For is ignored', () => {
  let run: Running;
  beforeAll(async () => {
    run = await start(undefined);
  }, 60_000);
  afterAll(async () => {
    await stop(run);
  });

  it('When a guesser behind the proxy fails 10 sign-ins for a username, then the real user behind the same proxy is locked out too', async () => {
    await lockLogin(run.base, GUESSER);
    const response = await login(run.base, CITIZEN, PASSWORD);
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ code: 'AUTH.RATE_LIMITED' });
  });

  it('When a guesser fails 10 lookups, then every other citizen behind the proxy is refused lookups', async () => {
    await lockLookups(run.base, GUESSER);
    const response = await lookup(run.base, CITIZEN, generate());
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ code: 'TICKET.LOOKUP_RATE_LIMITED' });
  });

  it('When one client sends the address limit of widget messages, then another client behind the proxy is refused', async () => {
    for (let i = 0; i < 2; i++) expect((await widgetMessage(run.base, GUESSER)).status).toBe(202);
    expect((await widgetMessage(run.base, CITIZEN)).status).toBe(429);
  });
});

describe('TRUST_PROXY=true: the proxy on loopback is trusted, each client has its own counts', () => {
  let run: Running;
  beforeAll(async () => {
    run = await start('true');
  }, 60_000);
  afterAll(async () => {
    await stop(run);
  });

  it('When a guesser fails 10 sign-ins for a username, then the guesser is locked out and the real user still signs in', async () => {
    await lockLogin(run.base, GUESSER);
    expect((await login(run.base, GUESSER, PASSWORD)).status).toBe(429);
    expect((await login(run.base, CITIZEN, PASSWORD)).status).toBe(200);
  });

  it('When a guesser fails 10 lookups, then only the guesser is refused; a forged X-Forwarded-For entry does not help', async () => {
    await lockLookups(run.base, GUESSER);
    expect((await lookup(run.base, GUESSER, generate())).status).toBe(429);
    // The proxy appends the address it saw; what the client wrote before it is not believed.
    expect((await lookup(run.base, `10.9.8.7, ${GUESSER}`, generate())).status).toBe(429);
    expect((await lookup(run.base, CITIZEN, generate())).status).toBe(404);
  });

  it('When one client sends the address limit of widget messages, then another client is not refused', async () => {
    for (let i = 0; i < 2; i++) expect((await widgetMessage(run.base, GUESSER)).status).toBe(202);
    expect((await widgetMessage(run.base, GUESSER)).status).toBe(429);
    expect((await widgetMessage(run.base, `${CITIZEN}, ${GUESSER}`)).status).toBe(429);
    expect((await widgetMessage(run.base, CITIZEN)).status).toBe(202);
  });
});
