import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, startTestSystem } from '../integration/test-system.js';
import { launchChromium, watchPage } from './browser.js';

/**
 * Staff accounts without a restart, in real headless Chromium against the whole system: an admin opens
 * the console's accounts view, creates a staff account for an agency chosen by name, and the new
 * account signs in at once in another browser and sees its agency's inbox; the admin then disables it
 * and the staff member's next request finds the session ended. Expectations name the copy module's
 * wording (copy.console) rather than repeat it.
 */

const C = vi.console;
const ADMIN_PASSWORD = 'mat-khau-quan-tri-e2e';
const STAFF_PASSWORD = 'mat-khau-can-bo-moi-e2e';
const AGENCY = loadCatalog().directory.agencies.find((a) => a.id === 'so-tu-phap')!;

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const contexts: BrowserContext[] = [];

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** A fresh browser context signed in as `username` on /console; `problems` collects page errors. */
async function signIn(username: string, password: string, problems: string[]): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'vi-VN' });
  contexts.push(ctx);
  // The signed-out page asks /auth/me first (401); later refusals are part of the scenario.
  const page = watchPage(await ctx.newPage(), problems, /status of (401|403)/);
  await page.goto(`${system.url}/console`);
  await page.getByLabel(C.login.username).fill(username);
  await page.getByLabel(C.login.password).fill(password);
  await page.getByRole('button', { name: C.login.submit }).click();
  await page.locator('#list-view').waitFor();
  return page;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'accounts-e2e-'));
  system = await startTestSystem(dataDir, {}, { passwordParams: CHEAP_SCRYPT });
  await system.auth.createAccount({ username: 'quantri', displayName: 'Quản trị viên', role: 'admin', password: ADMIN_PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối viên', role: 'coordinator', password: ADMIN_PASSWORD });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const ctx of contexts) await ctx.close();
  await browser?.close();
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('an admin creates a staff account in the console, the new account signs in at once; disabled, its session ends', async () => {
  const problems: string[] = [];
  const page = await signIn('quantri', ADMIN_PASSWORD, problems);

  // 1. The accounts view, reached from the header link only admins get.
  const navLink = page.getByRole('link', { name: C.nav.accounts });
  await navLink.click();
  await page.locator('#accounts-view').waitFor();
  await expect.poll(() => page.locator('#account-list li').count()).toBe(2);
  const adminRow = page.locator('#account-list li', { hasText: 'quantri' });
  expect(await adminRow.textContent()).toContain(C.accounts.you);
  expect(await adminRow.textContent()).toContain(C.roles.admin);
  expect(await adminRow.getByRole('button', { name: new RegExp(`^${C.accounts.disable} `) }).count()).toBe(0);

  // 2. Create: the agency is chosen by its name (only for staff), the password typed once. The form's
  //    labels are the copy's (fields by id: the hidden sign-in form has labels of the same words).
  expect(await page.locator('label[for="account-agency"]').textContent()).toBe(C.accounts.agencyLabel);
  await page.locator('#account-username').fill('canbo.tuphap.moi');
  await page.locator('#account-display-name').fill('Nguyễn Thị Cán Bộ');
  await page.locator('#account-role').selectOption('coordinator');
  expect(await page.locator('#account-agency').isDisabled()).toBe(true);
  await page.locator('#account-role').selectOption('staff');
  await page.locator('#account-agency').selectOption({ label: AGENCY.name });
  await page.locator('#account-password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: C.accounts.submit }).click();
  await expect.poll(() => page.locator('#notice').textContent()).toBe(fill(C.accounts.createdDone, { username: 'canbo.tuphap.moi' }));
  const row = page.locator('#account-list li', { hasText: 'canbo.tuphap.moi' });
  await expect.poll(() => row.textContent()).toContain(AGENCY.name);
  expect(await row.textContent()).toContain(C.accounts.statuses.active);
  expect(await row.textContent()).toContain(C.roles.staff);

  // 3. The new account signs in in another browser, at once (no restart), and sees its agency's inbox.
  const staffProblems: string[] = [];
  const staffPage = await signIn('canbo.tuphap.moi', STAFF_PASSWORD, staffProblems);
  await expect.poll(() => staffPage.locator('#list-title').textContent()).toBe(C.list.titleStaff);
  await expect.poll(() => staffPage.locator('#who-name').textContent()).toContain(AGENCY.name);
  expect(await staffPage.locator('#nav').isHidden()).toBe(true);

  // 4. The admin disables it: the staff member's next request finds the session ended (login form again).
  await row.getByRole('button', { name: `${C.accounts.disable} canbo.tuphap.moi` }).click();
  await expect.poll(() => page.locator('#notice').textContent()).toBe(fill(C.accounts.disabledDone, { username: 'canbo.tuphap.moi' }));
  await expect.poll(() => row.textContent()).toContain(C.accounts.statuses.disabled);
  await staffPage.locator('#status-filter').selectOption('overdue');
  await staffPage.locator('#login-view').waitFor();
  await staffPage.getByLabel(C.login.username).fill('canbo.tuphap.moi');
  await staffPage.getByLabel(C.login.password).fill(STAFF_PASSWORD);
  await staffPage.getByRole('button', { name: C.login.submit }).click();
  await expect.poll(() => staffPage.getByRole('alert').textContent()).toBe(C.errors['AUTH.ACCOUNT_DISABLED']);

  // 5. A coordinator has no accounts view.
  const coordinatorPage = await signIn('dieuphoi', ADMIN_PASSWORD, problems);
  expect(await coordinatorPage.locator('#nav-accounts').isHidden()).toBe(true);

  expect(problems).toEqual([]);
  expect(staffProblems).toEqual([]);
});
