import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSystem, type RunningSystem } from '../../src/system/index.js';
import { consoleCall, consoleLogin, type ConsoleSignIn } from './console-client.js';
import { CHEAP_SCRYPT, testConfig } from './test-system.js';

/**
 * Account administration through the real system (embedded mode): only admins may list, create,
 * disable, enable and reset accounts (staff and coordinators 403, no session 401, no CSRF token 403);
 * agency ids are checked against the agency directory; usernames are unique; the password policy
 * holds; disabling ends the account's sessions at once and reset passwords take effect at once;
 * password hashes never appear in an answer or a log; every action leaves one `audit` log line with
 * actor, action, target and time.
 */

const PASSWORD = 'mat-khau-quan-tri-1022';
const NEW_PASSWORD = 'mat-khau-moi-cua-can-bo';
const AGENCY = loadCatalog().directory.agencies.find((a) => a.id === 'so-tu-phap')!;

interface AccountView {
  id: string;
  username: string;
  displayName: string;
  role: string;
  agencyId?: string;
  agencyName?: string;
  disabled: boolean;
  createdAt: string;
}

let dataDir: string;
let system: RunningSystem;
let base: string;
const logLines: string[] = [];
let admin: ConsoleSignIn;
let staff: ConsoleSignIn;
let coordinator: ConsoleSignIn;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'accounts-admin-'));
  const config = testConfig(dataDir, { LOG_LEVEL: 'info' });
  const logger = createLogger(config, new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
  system = await startSystem({ config, logger, passwordParams: CHEAP_SCRYPT });
  base = system.url!;
  await system.auth.createAccount({ username: 'quantri', displayName: 'Quản trị viên', role: 'admin', password: PASSWORD });
  await system.auth.createAccount({ username: 'canbo.hientai', displayName: 'Cán bộ', role: 'staff', agencyId: AGENCY.id, password: PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi.hientai', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
  [admin, staff, coordinator] = await Promise.all([
    consoleLogin(base, 'quantri', PASSWORD),
    consoleLogin(base, 'canbo.hientai', PASSWORD),
    consoleLogin(base, 'dieuphoi.hientai', PASSWORD),
  ]);
}, 60_000);

afterAll(async () => {
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function body<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

async function create(input: Record<string, unknown>, who: ConsoleSignIn = admin): Promise<Response> {
  return consoleCall(base, 'POST', '/admin/accounts', input, who);
}

async function login(username: string, password: string): Promise<Response> {
  return fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

/** The audit records logged so far. */
function audits(): Array<{ action: string; actor: { id: string; username: string }; target: { kind: string; id: string; username: string }; at: string; details?: Record<string, unknown> }> {
  return logLines.flatMap((line) => {
    const record = JSON.parse(line) as { msg?: string; audit?: never };
    return record.msg === 'audit' && record.audit ? [record.audit] : [];
  });
}

describe('who may administer accounts', () => {
  it('When staff or a coordinator calls the accounts API, then 403 AUTH.FORBIDDEN and nothing is created', async () => {
    for (const who of [staff, coordinator]) {
      const list = await consoleCall(base, 'GET', '/admin/accounts', undefined, who);
      expect(list.status).toBe(403);
      expect((await body<{ code: string }>(list)).code).toBe('AUTH.FORBIDDEN');
      const res = await create({ username: 'khong.duoc.tao', displayName: 'X', role: 'coordinator', password: PASSWORD }, who);
      expect(res.status).toBe(403);
    }
    expect(await system.store.accounts.getByUsername('khong.duoc.tao')).toBeUndefined();
  });

  it('When there is no session, then 401 AUTH.REQUIRED; without the X-CSRF-Token header, then 403 AUTH.CSRF and nothing is created', async () => {
    const anonymous = await consoleCall(base, 'GET', '/admin/accounts');
    expect(anonymous.status).toBe(401);
    const noCsrf = await consoleCall(base, 'POST', '/admin/accounts', { username: 'khong.csrf', displayName: 'X', role: 'coordinator', password: PASSWORD }, admin, false);
    expect(noCsrf.status).toBe(403);
    expect((await body<{ code: string }>(noCsrf)).code).toBe('AUTH.CSRF');
    expect(await system.store.accounts.getByUsername('khong.csrf')).toBeUndefined();
  });
});

describe('creating accounts', () => {
  it('When an admin creates a staff account of a directory agency, then 201 with its public view (no hash), it is listed, audited and can sign in', async () => {
    const res = await create({ username: 'CanBo.Moi', displayName: 'Cán bộ mới', role: 'staff', agencyId: AGENCY.id, password: PASSWORD });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toMatch(/scrypt|passwordHash|mat-khau/);
    const { account } = JSON.parse(text) as { account: AccountView };
    expect(account).toMatchObject({ username: 'canbo.moi', displayName: 'Cán bộ mới', role: 'staff', agencyId: AGENCY.id, agencyName: AGENCY.name, disabled: false });

    const list = await consoleCall(base, 'GET', '/admin/accounts', undefined, admin);
    const listText = await list.text();
    expect(listText).not.toMatch(/scrypt|passwordHash/);
    const { accounts } = JSON.parse(listText) as { accounts: AccountView[] };
    expect(accounts.map((a) => a.username)).toEqual([...accounts.map((a) => a.username)].sort());
    expect(accounts.find((a) => a.username === 'canbo.moi')).toMatchObject({ id: account.id, disabled: false });

    expect((await login('canbo.moi', PASSWORD)).status).toBe(200);
    expect(audits()).toContainEqual(
      expect.objectContaining({ action: 'account.create', actor: { id: expect.any(String), username: 'quantri' }, target: { kind: 'account', id: account.id, username: 'canbo.moi' }, details: { role: 'staff', agencyId: AGENCY.id } }),
    );
  });

  it('When the agency is not in the directory, missing for staff or given for a coordinator, then 400 AUTH.ACCOUNT_INVALID and nothing is created', async () => {
    const cases = [
      { username: 'sai.coquan', displayName: 'X', role: 'staff', agencyId: 'so-khong-ton-tai', password: PASSWORD },
      { username: 'thieu.coquan', displayName: 'X', role: 'staff', password: PASSWORD },
      { username: 'dieuphoi.coquan', displayName: 'X', role: 'coordinator', agencyId: AGENCY.id, password: PASSWORD },
    ];
    for (const input of cases) {
      const res = await create(input);
      expect(res.status, input.username).toBe(400);
      expect((await body<{ code: string }>(res)).code).toBe('AUTH.ACCOUNT_INVALID');
      expect(await system.store.accounts.getByUsername(input.username)).toBeUndefined();
    }
  });

  it('When the username is taken (in any case), then 409 AUTH.USERNAME_TAKEN', async () => {
    const res = await create({ username: 'QUANTRI', displayName: 'Trùng tên', role: 'admin', password: PASSWORD });
    expect(res.status).toBe(409);
    expect((await body<{ code: string }>(res)).code).toBe('AUTH.USERNAME_TAKEN');
  });

  it('When the password breaks the policy or the body has the wrong shape, then 400 (AUTH.PASSWORD_POLICY, HTTP.BAD_REQUEST)', async () => {
    const short = await create({ username: 'matkhau.ngan', displayName: 'X', role: 'coordinator', password: 'ngan' });
    expect(short.status).toBe(400);
    expect((await body<{ code: string }>(short)).code).toBe('AUTH.PASSWORD_POLICY');
    const shape = await create({ username: 'sai.vaitro', displayName: 'X', role: 'superuser', password: PASSWORD });
    expect(shape.status).toBe(400);
    expect((await body<{ code: string }>(shape)).code).toBe('HTTP.BAD_REQUEST');
    const extra = await create({ username: 'them.truong', displayName: 'X', role: 'coordinator', password: PASSWORD, passwordHash: 'scrypt$1$1$1$a$b' });
    expect(extra.status).toBe(400);
  });
});

describe('disabling, enabling and resetting', () => {
  async function newStaff(username: string): Promise<AccountView> {
    const res = await create({ username, displayName: 'Cán bộ thử', role: 'staff', agencyId: AGENCY.id, password: PASSWORD });
    expect(res.status).toBe(201);
    return (await body<{ account: AccountView }>(res)).account;
  }

  it('When an admin disables an account, then its open sessions end at once and it cannot sign in; enabled again, it can', async () => {
    const account = await newStaff('canbo.se.khoa');
    const session = await consoleLogin(base, 'canbo.se.khoa', PASSWORD);
    expect((await consoleCall(base, 'GET', '/auth/me', undefined, session)).status).toBe(200);

    const disabled = await consoleCall(base, 'POST', `/admin/accounts/${account.id}/disable`, undefined, admin);
    expect(disabled.status).toBe(200);
    expect((await body<{ account: AccountView }>(disabled)).account.disabled).toBe(true);
    // The session is gone from the store, not only refused.
    expect((await consoleCall(base, 'GET', '/auth/me', undefined, session)).status).toBe(401);
    expect((await consoleCall(base, 'GET', '/inbox/tickets', undefined, session)).status).toBe(401);
    const refused = await login('canbo.se.khoa', PASSWORD);
    expect(refused.status).toBe(403);
    expect((await body<{ code: string }>(refused)).code).toBe('AUTH.ACCOUNT_DISABLED');

    const enabled = await consoleCall(base, 'POST', `/admin/accounts/${account.id}/enable`, undefined, admin);
    expect((await body<{ account: AccountView }>(enabled)).account.disabled).toBe(false);
    expect((await login('canbo.se.khoa', PASSWORD)).status).toBe(200);

    const actions = audits().filter((a) => a.target.id === account.id).map((a) => a.action);
    expect(actions).toEqual(['account.create', 'account.disable', 'account.enable']);
    for (const entry of audits()) expect(Number.isNaN(Date.parse(entry.at))).toBe(false);
  });

  it('When an admin tries to disable their own account, then 403 AUTH.FORBIDDEN and it stays enabled', async () => {
    const me = (await body<{ account: { id: string } }>(await consoleCall(base, 'GET', '/auth/me', undefined, admin))).account;
    const res = await consoleCall(base, 'POST', `/admin/accounts/${me.id}/disable`, undefined, admin);
    expect(res.status).toBe(403);
    expect((await consoleCall(base, 'GET', '/auth/me', undefined, admin)).status).toBe(200);
  });

  it('When an admin resets a password, then the old one stops working, the new one works and the old sessions end', async () => {
    const account = await newStaff('canbo.doi.matkhau');
    const session = await consoleLogin(base, 'canbo.doi.matkhau', PASSWORD);
    const res = await consoleCall(base, 'POST', `/admin/accounts/${account.id}/password`, { password: NEW_PASSWORD }, admin);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain(NEW_PASSWORD);
    expect((await consoleCall(base, 'GET', '/auth/me', undefined, session)).status).toBe(401);
    expect((await login('canbo.doi.matkhau', PASSWORD)).status).toBe(401);
    expect((await login('canbo.doi.matkhau', NEW_PASSWORD)).status).toBe(200);
    const short = await consoleCall(base, 'POST', `/admin/accounts/${account.id}/password`, { password: 'ngan' }, admin);
    expect((await body<{ code: string }>(short)).code).toBe('AUTH.PASSWORD_POLICY');
    expect(audits().filter((a) => a.target.id === account.id).map((a) => a.action)).toEqual(['account.create', 'account.resetPassword']);
  });

  it('When the account id is unknown or malformed, then 404 AUTH.ACCOUNT_NOT_FOUND', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'không-hợp-lệ']) {
      const res = await consoleCall(base, 'POST', `/admin/accounts/${encodeURIComponent(id)}/enable`, undefined, admin);
      expect(res.status).toBe(404);
      expect((await body<{ code: string }>(res)).code).toBe('AUTH.ACCOUNT_NOT_FOUND');
    }
  });

  it('When all of the above was logged, then no log line carries a password or a password hash', () => {
    const all = logLines.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(NEW_PASSWORD);
    expect(all).not.toMatch(/scrypt\$/);
  });
});
