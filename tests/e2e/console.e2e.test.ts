import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, watchPage } from './browser.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { conversationKey } from '../../src/domain/message.js';
import { vi } from '../../src/domain/copy/vi.js';
import { transition, type Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, startTestSystem } from '../integration/test-system.js';

/**
 * The staff console (/console) in real headless Chromium against the whole system: a staff member
 * signs in, sees only their agency's tickets, reads a hostile question as plain text, answers it and
 * signs out; the coordinator reroutes a ticket to another agency (it moves between the two agencies'
 * staff); staff return a ticket with a reason (it reaches the coordinator's "returned" list); a ticket
 * shows its answer's delivery (held by a closed Zalo window, with the template notice) and the
 * call-back request. Every user has their own browser context (own session cookie). Browser-side code
 * is passed as strings: the project compiles without the DOM library. The page's wording comes from
 * the copy module, so expectations name it through `C` (copy.console) rather than repeat it.
 */

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

/** The console's wording (copy.console of the copy module): what the page must show. */
const C = vi.console;

/** The catalog's agency directory (the system under test loads the same, shipped one). */
const DIRECTORY = loadCatalog().directory.agencies;

/** An agency's name as the directory gives it: what the page must show instead of its id. */
function agencyName(id: string): string {
  const agency = DIRECTORY.find((a) => a.id === id);
  if (!agency) throw new Error(`no agency ${id} in the directory`);
  return agency.name;
}

/** A copy string with its `{name}` placeholders filled, as console.js does. */
function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The value at a dotted key path of copy.console (what a `data-copy` attribute names). */
function copyAt(key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node !== null && typeof node === 'object' && Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined), C);
}

/** A date and time as the page shows it: formatted by the browser with the copy's locale, in Vietnam time. */
function shownDate(page: Page, at: Date): Promise<string> {
  const options = `{ day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: ${JSON.stringify(C.timeZone)} }`;
  return page.evaluate(`new Date(${JSON.stringify(at.toISOString())}).toLocaleString(${JSON.stringify(C.dateLocale)}, ${options})`) as Promise<string>;
}

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
  const problems: string[] = [];
  // The signed-out page asks /auth/me first (401); a ticket another agency now holds is a 404.
  const page = watchPage(await ctx.newPage(), problems, /status of (401|404)/);
  await page.goto(`${system.url}/console`);
  await page.getByLabel(C.login.username).fill(username);
  await page.getByLabel(C.login.password).fill(PASSWORD);
  // Wait for the list the sign-in loads, so that no list request is still in flight when a test
  // navigates again (listShown would otherwise catch the old page's response).
  const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/inbox/tickets' && r.request().method() === 'GET');
  await page.getByRole('button', { name: C.login.submit }).click();
  await (await listed).finished();
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
  await expect.poll(() => page.locator('#detail-title').textContent()).toBe(fill(C.detail.title, { code }));
  // The detail is filled before its publication is loaded, and shown only after that.
  await page.locator('#detail-view').waitFor();
}

/** The timeline lines as the page shows them. */
function timeline(page: Page): Promise<string[]> {
  return page.locator('#d-timeline li').allTextContents();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'console-e2e-'));
  system = await startTestSystem(dataDir, {}, { passwordParams: CHEAP_SCRYPT });
  const open = (visitor: string, procedureId: string, question: string) =>
    system.tickets.openTicket({ conversationId: conversationKey('webchat', 'portal', visitor), kind: 'question', question, consent: { forward: true, publish: false }, procedureId });
  mine = await open('v1', 'dang-ky-khai-sinh', XSS);
  other = await open('v2', 'doi-giay-phep-lai-xe', 'Đổi giấy phép lái xe quá hạn có phải thi lại không?');
  expect(mine.agencyId).not.toBe(other.agencyId);
  await system.auth.createAccount({ username: 'canbo.a', displayName: 'Cán bộ A', role: 'staff', agencyId: mine.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'canbo.b', displayName: 'Cán bộ B', role: 'staff', agencyId: other.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối viên', role: 'coordinator', password: PASSWORD });
  browser = await launchChromium();
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
  // The signed-out page asks /auth/me first; the browser logs its expected 401.
  const page: Page = watchPage(await context.newPage(), problems, /status of 401/);

  const response = await page.goto(`${system.url}/console`);
  const csp = response!.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain('unsafe-inline');

  // The wording is the copy module's, loaded from /console/copy.json: every element and attribute that
  // names a copy key shows that text, the sign-in button included, and the document speaks its locale.
  await expect.poll(() => page.locator('#login-submit').textContent()).toBe(C.login.submit);
  expect(await page.title()).toBe(C.pageTitle);
  expect(await page.evaluate('document.documentElement.lang')).toBe(vi.locale);
  const filled = (await page.evaluate(`Array.from(document.querySelectorAll('[data-copy]'), (el) => [el.getAttribute('data-copy'), el.textContent])`)) as Array<[string, string]>;
  expect(filled.length).toBeGreaterThan(30);
  expect(filled.filter(([key, text]) => typeof copyAt(key) !== 'string' || text !== copyAt(key))).toEqual([]);
  expect(await page.locator('#reroute-note').getAttribute('placeholder')).toBe(C.rerouteForm.notePlaceholder);

  // Wrong password: a Vietnamese error, still on the form.
  await page.getByLabel(C.login.username).fill('canbo.a');
  await page.getByLabel(C.login.password).fill('sai-mat-khau-roi');
  await page.getByRole('button', { name: C.login.submit }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toBe(C.errors['AUTH.INVALID_CREDENTIALS']);

  // Keyboard only: Enter submits the form.
  await page.getByLabel(C.login.password).fill(PASSWORD);
  await page.getByLabel(C.login.password).press('Enter');
  const list = page.locator('#ticket-list');
  await expect.poll(() => list.locator('a.ticket').count()).toBe(1);
  expect(await list.textContent()).toContain(mine.code);
  expect(await list.textContent()).not.toContain(other.code);
  expect(await page.locator('#who-name').textContent()).toContain('Cán bộ A');
  // The agency by its name, in the header and on the list, not by its id.
  await expect.poll(() => page.locator('#who-name').textContent()).toContain(agencyName(mine.agencyId));
  expect(await list.textContent()).toContain(agencyName(mine.agencyId));
  expect(await list.textContent()).not.toContain(mine.agencyId);

  await list.locator('a.ticket').first().click();
  const question = page.locator('#d-question');
  await expect.poll(() => question.textContent()).toBe(XSS);
  expect(await question.locator('img, script').count()).toBe(0);
  expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
  expect(await page.locator('#d-status').textContent()).toBe(C.statuses.assigned);
  expect(await page.locator('#reroute-form').isHidden()).toBe(true);
  expect(await page.locator('#return-form').isVisible()).toBe(true);

  await page.screenshot({ path: '/tmp/console-detail.png', fullPage: true });

  await page.getByLabel(C.answerForm.label).fill('Hồ sơ gồm tờ khai và giấy chứng sinh.');
  await page.getByRole('button', { name: C.answerForm.submit }).click();
  await expect.poll(() => page.locator('#d-status').textContent()).toMatch(new RegExp(`^(${C.statuses.answered}|${C.statuses.delivered})$`));
  expect(await page.locator('#d-answer').textContent()).toBe('Hồ sơ gồm tờ khai và giấy chứng sinh.');
  expect(await page.locator('#answer-form').isHidden()).toBe(true);
  expect(await page.evaluate('typeof window.__xss')).toBe('undefined');

  // The answer's way to the citizen is on the ticket at once (queued, or already settled)...
  expect(await page.locator('#d-delivery-label').textContent()).toBe(C.detail.delivery);
  expect(await page.locator('#d-delivery').isVisible()).toBe(true);
  expect(['pending', 'sent', 'failed']).toContain(await page.locator('#d-delivery').getAttribute('data-status'));
  // ...and, reopened once the delivery worker has recorded the outcome, exactly that outcome. This
  // visitor never opened a widget session, so the webchat channel cannot reach them: a failed delivery
  // explained in words, not an error code.
  await expect.poll(async () => (await system.store.tickets.get(mine.id))?.delivery?.status, { timeout: 15_000 }).not.toBe('pending');
  const delivery = (await system.store.tickets.get(mine.id))!.delivery!;
  expect(delivery).toMatchObject({ status: 'failed', error: 'CHANNEL.SEND_REJECTED' });
  await page.reload();
  await expect.poll(() => page.locator('#detail-title').textContent()).toBe(fill(C.detail.title, { code: mine.code }));
  await page.locator('#detail-view').waitFor();
  const failedAt = await shownDate(page, delivery.at);
  await expect.poll(() => page.locator('#d-delivery').textContent()).toBe(`${fill(C.delivery.statuses.failed, { date: failedAt })}: ${C.delivery.errors['CHANNEL.SEND_REJECTED']}`);
  expect(await page.locator('#d-delivery').textContent()).not.toContain('CHANNEL.');
  // No call-back was asked for: no such row.
  expect(await page.locator('#d-callback').isHidden()).toBe(true);
  expect(await page.locator('#d-callback-label').isHidden()).toBe(true);

  await page.getByRole('button', { name: C.logout }).click();
  await page.locator('#login-form').waitFor();
  expect(await page.locator('#ticket-list').isHidden()).toBe(true);
  const me = await page.evaluate(`fetch('/api/v1/auth/me').then((r) => r.status)`);
  expect(me).toBe(401);
  expect(problems).toEqual([]);
});

it('the coordinator reroutes a ticket: it leaves the first agency\'s list, reaches the second agency\'s staff, and the timeline shows the move', async () => {
  const moved = await openTicket('dang-ky-khai-sinh', 'Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu?');
  expect(moved.agencyId).toBe(mine.agencyId);
  const target = other.agencyId;
  const targetName = agencyName(target);
  expect(targetName).not.toBe(target);

  const staffA = await signIn('canbo.a');
  expect(await listWith(staffA.page)).toContain(moved.code);
  const staffB = await signIn('canbo.b');
  expect(await listWith(staffB.page)).not.toContain(moved.code);

  const coordinator = await signIn('dieuphoi');
  const page = coordinator.page;
  expect(await page.locator('#list-title').textContent()).toBe(C.list.titleAll);
  const all = await listWith(page);
  expect(all).toEqual(expect.arrayContaining([moved.code, other.code]));
  expect(await page.locator('#ticket-list a.ticket', { hasText: moved.code }).textContent()).toContain(agencyName(mine.agencyId));
  await openFromList(page, moved.code);
  expect(await page.locator('#d-agency').textContent()).toBe(agencyName(mine.agencyId));
  expect(await page.locator('#reroute-form').isVisible()).toBe(true);
  expect(await page.locator('#return-form').isHidden()).toBe(true);
  // The agencies offered are the whole directory but the current one, by name in Vietnamese order
  // (value: the id), after the empty "choose" option; no free-text agency id any more.
  const offered = (await page.evaluate(`Array.from(document.querySelectorAll('#reroute-agency option'), (o) => [o.value, o.textContent])`)) as Array<[string, string]>;
  const byName = new Intl.Collator('vi');
  const others = DIRECTORY.filter((a) => a.id !== mine.agencyId).sort((a, b) => byName.compare(a.name, b.name));
  expect(others.length).toBeGreaterThan(10);
  expect(offered).toEqual([['', C.rerouteForm.choose], ...others.map((a) => [a.id, a.name])]);
  expect(offered.map(([id]) => id)).toContain(target);
  expect(await page.locator('#reroute-form input').count()).toBe(1);

  // An empty choice is stopped by the select's required attribute, before any request.
  let posted = 0;
  page.on('request', (r) => void (r.method() === 'POST' && r.url().endsWith('/reroute') && (posted += 1)));
  await page.getByRole('button', { name: C.rerouteForm.submit }).click();
  expect(await page.evaluate(`document.getElementById('reroute-agency').validity.valueMissing`)).toBe(true);
  expect(posted).toBe(0);

  // An agency the directory no longer lists (an option left from before a directory change, put in the
  // page here): refused by the server (400), the page says so, nothing moves. The API test covers the rest.
  await page.evaluate(`(() => { const o = document.createElement('option'); o.value = 'co-quan-khong-ton-tai'; o.textContent = 'Cơ quan đã giải thể'; document.getElementById('reroute-agency').append(o); })()`);
  await page.getByLabel(C.rerouteForm.agency).selectOption('co-quan-khong-ton-tai');
  await page.getByRole('button', { name: C.rerouteForm.submit }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toBe(C.errors['TICKET.INPUT_INVALID']);
  expect(await page.locator('#d-agency').textContent()).toBe(agencyName(mine.agencyId));
  expect((await system.store.tickets.get(moved.id))?.agencyId).toBe(mine.agencyId);

  const NOTE = 'Thuộc thẩm quyền cơ quan khác <b>không phải HTML</b>';
  await page.getByLabel(C.rerouteForm.agency).selectOption({ label: targetName });
  expect(await page.getByLabel(C.rerouteForm.agency).inputValue()).toBe(target);
  await page.getByLabel(C.rerouteForm.note).fill(NOTE);
  await page.getByRole('button', { name: C.rerouteForm.submit }).click();
  await expect.poll(() => page.getByRole('status').textContent()).toBe(fill(C.rerouteForm.done, { agency: targetName }));
  expect(await page.locator('#d-agency').textContent()).toBe(targetName);
  expect(await page.locator('#d-status').textContent()).toBe(C.statuses.assigned);
  const lines = await timeline(page);
  // The system's routing note in the copy's words, not as stored ("routed by procedure").
  expect(lines[1]).toContain(C.systemNotes.routedBy.procedure);
  expect(lines.join('\n')).not.toContain('routed by');
  expect(lines.at(-1)).toContain(`${C.actions.reroute} · ${C.actors.coordinator} → ${C.statuses.assigned} (${targetName})`);
  expect(lines.join('\n')).not.toContain(`(${target})`);
  expect(lines.at(-1)).toContain(NOTE);
  // Rerouted away: the current agency is no longer offered, the previous one is.
  const offeredNow = (await page.evaluate(`Array.from(document.querySelectorAll('#reroute-agency option'), (o) => o.value)`)) as string[];
  expect(offeredNow).not.toContain(target);
  expect(offeredNow).toContain(mine.agencyId);
  expect(await page.locator('#d-timeline .note b').count()).toBe(0);
  await page.screenshot({ path: '/tmp/console-rerouted.png', fullPage: true });

  // The store agrees: one reroute by this coordinator to the target.
  const stored = (await system.store.tickets.get(moved.id))!;
  expect(stored).toMatchObject({ agencyId: target, status: 'assigned' });
  expect(stored.timeline.filter((e) => e.action === 'reroute')).toEqual([expect.objectContaining({ actor: expect.objectContaining({ kind: 'coordinator' }), agencyId: target, note: NOTE })]);

  // The first agency's staff no longer see it, not even by its address.
  expect(await listWith(staffA.page)).not.toContain(moved.code);
  await staffA.page.goto(`${system.url}/console#ticket/${encodeURIComponent(moved.id)}`);
  await expect.poll(() => staffA.page.getByRole('alert').textContent()).toBe(C.errors['TICKET.NOT_FOUND']);
  expect(await staffA.page.locator('#d-question').textContent()).not.toContain('nước ngoài');

  // The second agency's staff do, with the move on its timeline, and may answer or return it.
  expect(await listWith(staffB.page)).toContain(moved.code);
  await openFromList(staffB.page, moved.code);
  expect(await staffB.page.locator('#d-question').textContent()).toBe(moved.question);
  expect((await timeline(staffB.page)).at(-1)).toContain(`${C.actions.reroute} · ${C.actors.coordinator} → ${C.statuses.assigned} (${targetName})`);
  expect(await staffB.page.locator('#d-agency').textContent()).toBe(targetName);
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
  await page.getByRole('button', { name: C.returnForm.submit }).click();
  expect(await page.evaluate(`document.getElementById('return-reason').validity.valueMissing`)).toBe(true);
  expect(posted).toBe(0);
  expect((await system.store.tickets.get(returned.id))?.status).toBe('assigned');

  await page.getByLabel(C.returnForm.label).fill(REASON);
  await page.getByRole('button', { name: C.returnForm.submit }).click();
  await expect.poll(() => page.getByRole('status').textContent()).toBe(C.returnForm.done);
  expect(await page.locator('#d-status').textContent()).toBe(C.statuses.returned);
  // Nothing left for staff to do on it.
  expect(await page.locator('#answer-form').isHidden()).toBe(true);
  expect(await page.locator('#return-form').isHidden()).toBe(true);
  expect(await page.locator('#reroute-form').isHidden()).toBe(true);
  expect((await timeline(page)).at(-1)).toContain(`${C.actions.return} · ${C.actors.staff} → ${C.statuses.returned}`);
  expect(posted).toBe(1);

  // Out of the agency's waiting list; the full list still shows it, as returned.
  expect(await listWith(page, 'assigned,reopened,overdue')).not.toContain(returned.code);
  expect(await listWith(page)).toContain(returned.code);
  const badge = page.locator('#ticket-list a.ticket', { hasText: returned.code }).locator('.badge');
  expect(await badge.textContent()).toBe(C.statuses.returned);

  const coordinator = await signIn('dieuphoi');
  const desk = coordinator.page;
  expect(await listWith(desk, 'returned')).toEqual([returned.code]);
  await openFromList(desk, returned.code);
  expect(await desk.locator('#d-status').textContent()).toBe(C.statuses.returned);
  const last = desk.locator('#d-timeline li').last();
  expect(await last.textContent()).toContain(`${C.actions.return} · ${C.actors.staff} → ${C.statuses.returned}`);
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

it('a ticket shows the answer held by a closed Zalo window with its template notice, and the call-back request (the number only for the agency\'s staff)', async () => {
  const NAME = 'Trần Thị <b>Bình</b>';
  const PHONE = '0912 345 678';
  visitors += 1;
  const opened = await system.tickets.openTicket({
    conversationId: conversationKey('zalo', 'oa-1022', `zalo-user-${visitors}`),
    kind: 'question',
    question: 'Giấy khai sinh bản chính bị mất thì xin cấp lại ở đâu?',
    consent: { forward: true, publish: false },
    contact: { name: NAME, phone: PHONE, callback: true },
    procedureId: 'dang-ky-khai-sinh',
  });
  expect(opened.agencyId).toBe(mine.agencyId);
  // The answer went out while the citizen's 7-day Zalo window was closed: the message is held for their
  // next message, and the one template notice went out meanwhile (as the delivery worker and the notice
  // job record them; written here directly so that no channel is needed).
  const answeredAt = new Date(opened.updatedAt.getTime() + 1_000);
  const heldAt = new Date(answeredAt.getTime() + 2_000);
  const noticeAt = new Date(heldAt.getTime() + 60_000);
  const answered = transition(opened, 'answer', { kind: 'staff', id: 'seed' }, answeredAt, { text: 'Bạn nộp tờ khai cấp bản sao tại UBND xã nơi đã đăng ký khai sinh.' });
  const held: Ticket = {
    ...answered,
    updatedAt: noticeAt,
    delivery: { status: 'held', at: heldAt, outboundId: `ticket:${opened.id}:answer:1`, notice: { status: 'sent', at: noticeAt, externalId: 'zbs-seed-1' } },
  };
  expect(await system.store.tickets.replace(held, opened.updatedAt)).toBe(true);

  const staff = await signIn('canbo.a');
  const page = staff.page;
  expect(await listWith(page, 'answered')).toContain(opened.code);
  await openFromList(page, opened.code);
  expect(await page.locator('#d-status').textContent()).toBe(C.statuses.answered);
  expect(await page.locator('#d-delivery-label').textContent()).toBe(C.detail.delivery);
  const expected = `${fill(C.delivery.statuses.held, { date: await shownDate(page, heldAt) })} — ${fill(C.delivery.notice.sent, { date: await shownDate(page, noticeAt) })}`;
  expect(await page.locator('#d-delivery').textContent()).toBe(expected);
  expect(await page.locator('#d-delivery').getAttribute('data-status')).toBe('held');
  // The citizen's name and number, as typed, as text.
  expect(await page.locator('#d-contact').textContent()).toBe(NAME);
  expect(await page.locator('#d-contact b').count()).toBe(0);
  expect(await page.locator('#d-callback-label').textContent()).toBe(C.detail.callback);
  expect(await page.locator('#d-callback').textContent()).toBe(fill(C.detail.callbackPhone, { phone: PHONE }));
  await page.screenshot({ path: '/tmp/console-held.png', fullPage: true });

  // The coordinator sees that a call-back was asked for, not the number nor the name.
  const coordinator = await signIn('dieuphoi');
  const desk = coordinator.page;
  expect(await listWith(desk, 'answered')).toContain(opened.code);
  await openFromList(desk, opened.code);
  expect(await desk.locator('#d-delivery').textContent()).toBe(expected);
  expect(await desk.locator('#d-callback').textContent()).toBe(C.detail.callbackHidden);
  expect(await desk.locator('#d-contact').isHidden()).toBe(true);
  expect(await desk.locator('body').textContent()).not.toContain(PHONE);
  expect(await desk.locator('body').textContent()).not.toContain('Bình');

  expect([...staff.problems, ...coordinator.problems]).toEqual([]);
});
