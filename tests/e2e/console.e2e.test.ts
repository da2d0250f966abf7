import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSystem, type RunningSystem } from '../../src/system/index.js';

/**
 * The staff console (/console) in real headless Chromium against the whole system: a staff member
 * signs in, sees only their agency's tickets, reads a hostile question as plain text, answers it and
 * signs out. Browser-side code is passed as strings: the project compiles without the DOM library.
 */

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const PASSWORD = 'mat-khau-du-dai-1022';

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let mine: Ticket;
let other: Ticket;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'console-e2e-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SESSION_SECRET: randomUUID() + randomUUID() });
  system = await startSystem({ config, logger: createLogger(config) });
  const open = (visitor: string, procedureId: string, question: string) =>
    system.tickets.openTicket({ conversationId: conversationKey('webchat', 'portal', visitor), kind: 'question', question, consent: { forward: true, publish: false }, procedureId });
  mine = await open('v1', 'dang-ky-khai-sinh', XSS);
  other = await open('v2', 'doi-giay-phep-lai-xe', 'Đổi giấy phép lái xe quá hạn có phải thi lại không?');
  expect(mine.agencyId).not.toBe(other.agencyId);
  await system.auth.createAccount({ username: 'canbo.a', displayName: 'Cán bộ A', role: 'staff', agencyId: mine.agencyId, password: PASSWORD });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('staff signs in, sees only their agency, reads a hostile question literally, answers it and signs out', async () => {
  context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'vi-VN' });
  const problems: string[] = [];
  const page: Page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The signed-out page asks /auth/me first; the browser logs its expected 401.
    if (msg.type() === 'error') problems.push(`console: ${msg.text()} ${msg.location().url}`);
  });

  const response = await page.goto(`${system.url}/console`);
  const csp = response!.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain('unsafe-inline');

  // Wrong password: a Vietnamese error, still on the form.
  await page.getByLabel('Tên đăng nhập').fill('canbo.a');
  await page.getByLabel('Mật khẩu').fill('sai-mat-khau-roi');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Sai tên đăng nhập hoặc mật khẩu.');

  // Keyboard only: Enter submits the form.
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByLabel('Mật khẩu').press('Enter');
  const list = page.locator('#ticket-list');
  await expect.poll(() => list.locator('a.ticket').count()).toBe(1);
  expect(await list.textContent()).toContain(mine.code);
  expect(await list.textContent()).not.toContain(other.code);
  expect(await page.locator('#who-name').textContent()).toContain('Cán bộ A');

  await list.locator('a.ticket').first().click();
  const question = page.locator('#d-question');
  await expect.poll(() => question.textContent()).toBe(XSS);
  expect(await question.locator('img, script').count()).toBe(0);
  expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
  expect(await page.locator('#d-status').textContent()).toBe('Đã giao');
  expect(await page.locator('#reroute-form').isHidden()).toBe(true);
  expect(await page.locator('#return-form').isVisible()).toBe(true);

  await page.screenshot({ path: '/tmp/console-detail.png', fullPage: true });

  await page.getByLabel('Trả lời người dân').fill('Hồ sơ gồm tờ khai và giấy chứng sinh.');
  await page.getByRole('button', { name: 'Gửi câu trả lời' }).click();
  await expect.poll(() => page.locator('#d-status').textContent()).toMatch(/^(Đã trả lời|Đã gửi tới người dân)$/);
  expect(await page.locator('#d-answer').textContent()).toBe('Hồ sơ gồm tờ khai và giấy chứng sinh.');
  expect(await page.locator('#answer-form').isHidden()).toBe(true);
  expect(await page.evaluate('typeof window.__xss')).toBe('undefined');

  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.locator('#login-form').waitFor();
  expect(await page.locator('#ticket-list').isHidden()).toBe(true);
  const me = await page.evaluate(`fetch('/api/v1/auth/me').then((r) => r.status)`);
  expect(me).toBe(401);
  problems.splice(0, problems.length, ...problems.filter((p) => !/status of 401/.test(p)));
  expect(problems).toEqual([]);
});
