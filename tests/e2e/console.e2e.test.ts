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
 * signs out; the coordinator reroutes a ticket to another agency (it moves between the two agencies'
 * staff); staff return a ticket with a reason (it reaches the coordinator's "returned" list). Every
 * user has their own browser context (own session cookie). Browser-side code is passed as strings:
 * the project compiles without the DOM library.
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
/** Browser contexts opened by the reroute and return tests, closed after all. */
const contexts: BrowserContext[] = [];
let visitors = 0;

/** A new question ticket from a widget visitor, routed by its procedure like one opened in chat. */
function openTicket(procedureId: string, question: string): Promise<Ticket> {
  visitors += 1;
  return system.tickets.openTicket({
    conversationId: conversationKey('webchat', 'portal', `visitor-${visitors}`),
    kind: 'question',
    question,
    consent: { forward: true, publish: false },
    procedureId,
  });
}

interface SignedIn {
  page: Page;
  /** Browser errors seen so far (page errors, console errors other than expected HTTP statuses). */
  problems: string[];
}

/** Opens a fresh browser context (own cookies) and signs `username` in on /console. */
async function signIn(username: string): Promise<SignedIn> {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'vi-VN' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The signed-out page asks /auth/me first (401); a ticket another agency now holds is a 404.
    if (msg.type() === 'error' && !/status of (401|404)/.test(msg.text())) problems.push(`console: ${msg.text()} ${msg.location().url}`);
  });
  await page.goto(`${system.url}/console`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#list-view').waitFor();
  return { page, problems };
}

/**
 * Runs `action` (which makes the page load its list), waits for the list the server sent and for the
 * page to show exactly that list, and returns the tracking codes on screen.
 */
async function listShown(page: Page, action: () => Promise<unknown>): Promise<string[]> {
  const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/inbox/tickets' && r.request().method() === 'GET');
  await action();
  const sent = ((await (await response).json()) as { tickets: Array<{ code: string }> }).tickets.map((t) => t.code);
  const shown = () => page.locator('#ticket-list a.ticket strong').allTextContents();
  await expect.poll(shown).toEqual(sent);
  return shown();
}

/** The list as the page shows it on a fresh load, then with the status filter set to `status` ('' = all). */
async function listWith(page: Page, status = ''): Promise<string[]> {
  const all = await listShown(page, () => page.goto(`${system.url}/console`));
  if (status === '') return all;
  return listShown(page, () => page.locator('#status-filter').selectOption(status));
}

/** Opens the ticket with this code from the list on screen. */
async function openFromList(page: Page, code: string): Promise<void> {
  await page.locator('#ticket-list a.ticket', { hasText: code }).click();
  await expect.poll(() => page.locator('#detail-title').textContent()).toBe(`Phiếu ${code}`);
}

/** The timeline lines as the page shows them. */
function timeline(page: Page): Promise<string[]> {
  return page.locator('#d-timeline li').allTextContents();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'console-e2e-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SESSION_SECRET: randomUUID() + randomUUID() });
  system = await startSystem({ config, logger: createLogger(config), passwordParams: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 } });
  const open = (visitor: string, procedureId: string, question: string) =>
    system.tickets.openTicket({ conversationId: conversationKey('webchat', 'portal', visitor), kind: 'question', question, consent: { forward: true, publish: false }, procedureId });
  mine = await open('v1', 'dang-ky-khai-sinh', XSS);
  other = await open('v2', 'doi-giay-phep-lai-xe', 'Đổi giấy phép lái xe quá hạn có phải thi lại không?');
  expect(mine.agencyId).not.toBe(other.agencyId);
  await system.auth.createAccount({ username: 'canbo.a', displayName: 'Cán bộ A', role: 'staff', agencyId: mine.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'canbo.b', displayName: 'Cán bộ B', role: 'staff', agencyId: other.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối viên', role: 'coordinator', password: PASSWORD });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  for (const ctx of contexts) await ctx.close();
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

it('the coordinator reroutes a ticket: it leaves the first agency\'s list, reaches the second agency\'s staff, and the timeline shows the move', async () => {
  const moved = await openTicket('dang-ky-khai-sinh', 'Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu?');
  expect(moved.agencyId).toBe(mine.agencyId);
  const target = other.agencyId;

  const staffA = await signIn('canbo.a');
  expect(await listWith(staffA.page)).toContain(moved.code);
  const staffB = await signIn('canbo.b');
  expect(await listWith(staffB.page)).not.toContain(moved.code);

  const coordinator = await signIn('dieuphoi');
  const page = coordinator.page;
  expect(await page.locator('#list-title').textContent()).toBe('Tất cả phiếu');
  const all = await listWith(page);
  expect(all).toEqual(expect.arrayContaining([moved.code, other.code]));
  await openFromList(page, moved.code);
  expect(await page.locator('#d-agency').textContent()).toBe(mine.agencyId);
  expect(await page.locator('#reroute-form').isVisible()).toBe(true);
  expect(await page.locator('#return-form').isHidden()).toBe(true);
  // The agencies offered are those seen in the list, without the current one, plus "another agency".
  const offered = (await page.evaluate(`Array.from(document.querySelectorAll('#reroute-agency option'), (o) => o.value)`)) as string[];
  expect(offered).toContain(target);
  expect(offered).not.toContain(mine.agencyId);
  expect(offered).toContain('__other');

  // A malformed agency id is stopped by the field's pattern, before any request.
  let posted = 0;
  page.on('request', (r) => void (r.method() === 'POST' && r.url().endsWith('/reroute') && (posted += 1)));
  await page.getByLabel('Cơ quan nhận').selectOption('__other');
  await page.getByLabel('Mã cơ quan khác').fill('Sở Tư pháp!');
  await page.getByRole('button', { name: 'Chuyển cơ quan' }).click();
  expect(await page.evaluate(`document.getElementById('reroute-other').validity.patternMismatch`)).toBe(true);
  expect(posted).toBe(0);

  // An agency id the directory does not know: refused by the server (400), the page says so, nothing moves.
  await page.getByLabel('Mã cơ quan khác').fill('co-quan-khong-ton-tai');
  await page.getByRole('button', { name: 'Chuyển cơ quan' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Thông tin chưa hợp lệ. Vui lòng kiểm tra lại.');
  expect(await page.locator('#d-agency').textContent()).toBe(mine.agencyId);
  expect((await system.store.tickets.get(moved.id))?.agencyId).toBe(mine.agencyId);

  const NOTE = 'Thuộc thẩm quyền cơ quan khác <b>không phải HTML</b>';
  await page.getByLabel('Cơ quan nhận').selectOption(target);
  expect(await page.locator('#reroute-other-box').isHidden()).toBe(true);
  await page.getByLabel('Ghi chú (không bắt buộc)').fill(NOTE);
  await page.getByRole('button', { name: 'Chuyển cơ quan' }).click();
  await expect.poll(() => page.getByRole('status').textContent()).toBe(`Đã chuyển phiếu sang cơ quan ${target}.`);
  expect(await page.locator('#d-agency').textContent()).toBe(target);
  expect(await page.locator('#d-status').textContent()).toBe('Đã giao');
  const lines = await timeline(page);
  expect(lines.at(-1)).toContain(`Chuyển cơ quan · Điều phối → Đã giao (${target})`);
  expect(lines.at(-1)).toContain(NOTE);
  expect(await page.locator('#d-timeline .note b').count()).toBe(0);
  await page.screenshot({ path: '/tmp/console-rerouted.png', fullPage: true });

  // The store agrees: one reroute by this coordinator to the target.
  const stored = (await system.store.tickets.get(moved.id))!;
  expect(stored).toMatchObject({ agencyId: target, status: 'assigned' });
  expect(stored.timeline.filter((e) => e.action === 'reroute')).toEqual([expect.objectContaining({ actor: expect.objectContaining({ kind: 'coordinator' }), agencyId: target, note: NOTE })]);

  // The first agency's staff no longer see it, not even by its address.
  expect(await listWith(staffA.page)).not.toContain(moved.code);
  await staffA.page.goto(`${system.url}/console#ticket/${encodeURIComponent(moved.id)}`);
  await expect.poll(() => staffA.page.getByRole('alert').textContent()).toBe('Không tìm thấy phiếu.');
  expect(await staffA.page.locator('#d-question').textContent()).not.toContain('nước ngoài');

  // The second agency's staff do, with the move on its timeline, and may answer or return it.
  expect(await listWith(staffB.page)).toContain(moved.code);
  await openFromList(staffB.page, moved.code);
  expect(await staffB.page.locator('#d-question').textContent()).toBe(moved.question);
  expect((await timeline(staffB.page)).at(-1)).toContain(`Chuyển cơ quan · Điều phối → Đã giao (${target})`);
  expect(await staffB.page.locator('#answer-form').isVisible()).toBe(true);
  expect(await staffB.page.locator('#return-form').isVisible()).toBe(true);
  expect(await staffB.page.locator('#reroute-form').isHidden()).toBe(true);

  expect(posted).toBe(2);
  const refused = (p: string) => /status of 400 .*\/reroute$/.test(p);
  expect(coordinator.problems.filter(refused)).toHaveLength(1);
  expect([...staffA.problems, ...staffB.problems, ...coordinator.problems.filter((p) => !refused(p))]).toEqual([]);
});

it('staff return a ticket with a reason: it leaves their waiting list and reaches the coordinator\'s returned list with the reason on the timeline', async () => {
  const returned = await openTicket('dang-ky-khai-sinh', 'Xin hỏi thủ tục cấp phép bay flycam?');
  expect(returned.agencyId).toBe(mine.agencyId);
  const REASON = 'Không thuộc lĩnh vực hộ tịch; đề nghị chuyển Bộ Quốc phòng. <i>x</i>';

  const staff = await signIn('canbo.a');
  const page = staff.page;
  expect(await listWith(page, 'assigned,reopened,overdue')).toContain(returned.code);
  await openFromList(page, returned.code);
  expect(await page.locator('#return-form').isVisible()).toBe(true);

  // An empty reason is refused by the form itself (required field), before any request.
  let posted = 0;
  page.on('request', (r) => void (r.method() === 'POST' && r.url().endsWith('/return') && (posted += 1)));
  await page.getByRole('button', { name: 'Trả lại điều phối' }).click();
  expect(await page.evaluate(`document.getElementById('return-reason').validity.valueMissing`)).toBe(true);
  expect(posted).toBe(0);
  expect((await system.store.tickets.get(returned.id))?.status).toBe('assigned');

  await page.getByLabel('Trả lại điều phối').fill(REASON);
  await page.getByRole('button', { name: 'Trả lại điều phối' }).click();
  await expect.poll(() => page.getByRole('status').textContent()).toBe('Đã trả lại phiếu cho điều phối.');
  expect(await page.locator('#d-status').textContent()).toBe('Trả lại điều phối');
  // Nothing left for staff to do on it.
  expect(await page.locator('#answer-form').isHidden()).toBe(true);
  expect(await page.locator('#return-form').isHidden()).toBe(true);
  expect(await page.locator('#reroute-form').isHidden()).toBe(true);
  expect((await timeline(page)).at(-1)).toContain('Trả lại điều phối · Cán bộ → Trả lại điều phối');
  expect(posted).toBe(1);

  // Out of the agency's waiting list; the full list still shows it, as returned.
  expect(await listWith(page, 'assigned,reopened,overdue')).not.toContain(returned.code);
  expect(await listWith(page)).toContain(returned.code);
  const badge = page.locator('#ticket-list a.ticket', { hasText: returned.code }).locator('.badge');
  expect(await badge.textContent()).toBe('Trả lại điều phối');

  const coordinator = await signIn('dieuphoi');
  const desk = coordinator.page;
  expect(await listWith(desk, 'returned')).toEqual([returned.code]);
  await openFromList(desk, returned.code);
  expect(await desk.locator('#d-status').textContent()).toBe('Trả lại điều phối');
  const last = desk.locator('#d-timeline li').last();
  expect(await last.textContent()).toContain('Trả lại điều phối · Cán bộ → Trả lại điều phối');
  expect(await last.locator('.note').textContent()).toBe(REASON);
  expect(await last.locator('.note i').count()).toBe(0);
  // The coordinator can send it on (or answer it); staff's return is not theirs to take.
  expect(await desk.locator('#reroute-form').isVisible()).toBe(true);
  expect(await desk.locator('#return-form').isHidden()).toBe(true);
  await desk.screenshot({ path: '/tmp/console-returned.png', fullPage: true });

  const stored = (await system.store.tickets.get(returned.id))!;
  expect(stored.status).toBe('returned');
  expect(stored.timeline.filter((e) => e.action === 'return')).toEqual([expect.objectContaining({ actor: expect.objectContaining({ kind: 'staff' }), note: REASON })]);

  expect([...staff.problems, ...coordinator.problems]).toEqual([]);
});
