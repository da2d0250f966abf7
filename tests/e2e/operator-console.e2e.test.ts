import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { conversationKey } from '../../src/domain/message.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, startTestSystem } from '../integration/test-system.js';
import { axeViolations } from './axe.js';
import { launchChromium, visitorIdOf, watchPage, widgetLauncher } from './browser.js';
import { ACCOUNT_ID } from './harness.js';

/**
 * The operator view of the console (/console#hotline, issue 11) in real headless Chromium against the
 * whole system in embedded mode, hotline open around the clock: two operators sign in (each in their own
 * browser context) and go online; citizens on the portal's widget ask for a person. With a capacity of
 * one conversation each, the first two citizens are routed to the two operators and the third waits in
 * the queue, which both consoles show live (no reload) and announce; one operator claims it (it leaves
 * the other's queue live), replies (the reply reaches the widget), writes a private note (it never
 * does), sees the citizen's next message arrive live, and hands the conversation back with a summary
 * (the widget then hears that the assistant answers again). Then: a claim and a reply with the keyboard
 * only, a phone call recorded with a ticket whose tracking code is shown to read out, the agency inbox's
 * focus and announcements, and axe-core on the operator view (conversation open) and the dashboard.
 * Browser-side code is passed as strings: the project compiles without the DOM library.
 */

const C = copy.console;
const O = C.operator;
const PASSWORD = 'mat-khau-du-dai-1022';
const AN = { username: 'tdv.an', displayName: 'Nguyễn Văn An' };
const BINH = { username: 'tdv.binh', displayName: 'Trần Thị Bình' };
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: 'vi-VN' };

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A copy string with its `{name}` placeholders filled, as console.js does. */
function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (vars[name] === undefined ? whole : String(vars[name])));
}

interface Tab {
  page: Page;
  /** Script errors and console errors (CSP violations included) the page logged. */
  problems: string[];
}

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN' };

async function newTab(expected?: RegExp, device: typeof DESKTOP | typeof PHONE = DESKTOP): Promise<Tab> {
  const context = await browser.newContext(device);
  contexts.push(context);
  const problems: string[] = [];
  return { page: watchPage(await context.newPage(), problems, expected), problems };
}

/** The id of the focused element. */
const focusedId = (page: Page) => page.evaluate('document.activeElement ? document.activeElement.id : ""') as Promise<string>;

/** Signs in on /console in a fresh browser context; operators land on the hotline view, its heading focused. */
async function signIn(username: string, device: typeof DESKTOP | typeof PHONE = DESKTOP): Promise<Tab> {
  // The signed-out page asks /auth/me first: the browser logs the expected 401.
  const tab = await newTab(/status of 401/, device);
  await tab.page.goto(`${system.url}/console`);
  await tab.page.getByLabel(C.login.username).fill(username);
  await tab.page.getByLabel(C.login.password).fill(PASSWORD);
  await tab.page.getByLabel(C.login.password).press('Enter');
  return tab;
}

async function goOnline(page: Page): Promise<void> {
  const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/operator/presence' && r.request().method() === 'POST');
  await page.getByLabel(O.presence.label).selectOption('online');
  expect((await posted).status()).toBe(200);
  expect(await (await posted).json()).toMatchObject({ presence: { status: 'online' } });
}

/** Marks the page, so that a test can tell it was never reloaded. */
const mark = (page: Page) => page.evaluate('window.__sameDocument = true');
const sameDocument = (page: Page) => page.evaluate('window.__sameDocument === true');

/** A conversation in one of the operator view's lists (queue, mine, others). */
const listed = (page: Page, list: 'queue' | 'mine' | 'others', conversationId: string) =>
  page.locator(`#${list}-list .conv-item[data-id="${conversationId}"]`);

/** The polite live region's text. */
const live = (page: Page) => page.locator('#live').textContent();

interface Citizen extends Tab {
  conversationId: string;
}

/** A citizen on the demo portal with the widget open (their own browser context). */
async function citizen(): Promise<Citizen> {
  const tab = await newTab();
  await tab.page.goto(`${system.url}/`);
  await widgetLauncher(tab.page).click();
  await tab.page.getByRole('dialog', { name: copy.widget.title }).waitFor();
  const visitorId = await visitorIdOf(tab.page);
  return { ...tab, conversationId: conversationKey('webchat', ACCOUNT_ID, visitorId) };
}

const widgetLog = (page: Page) => page.getByRole('log', { name: 'Tin nhắn' });

async function ask(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Câu hỏi của bạn' });
  await input.fill(text);
  await input.press('Enter');
}

/** Waits until the widget's conversation shows `text`. */
async function widgetShows(page: Page, text: string): Promise<void> {
  await widgetLog(page).getByText(text, { exact: false }).first().waitFor({ timeout: 20_000 });
}

/** The first sentence of a copy text (the rest may carry numbers the test does not fix). */
const firstSentence = (text: string) => text.slice(0, text.indexOf('.') + 1);

/** Who holds the conversation: the operator whose "Của tôi" list shows it (each console shows it live). */
async function holder(tabs: Tab[], conversationId: string): Promise<Tab> {
  let found: Tab | undefined;
  await expect
    .poll(
      async () => {
        const counts = await Promise.all(tabs.map((t) => listed(t.page, 'mine', conversationId).count()));
        found = counts.filter((n) => n === 1).length === 1 ? tabs[counts.indexOf(1)] : undefined;
        return found !== undefined;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return found!;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'operator-console-e2e-'));
  system = await startTestSystem(
    dataDir,
    // Open around the clock; one conversation per operator, so the third citizen waits in the queue; no
    // re-offer or time-out while the test runs.
    { OPERATOR_HOURS: '24/7', OPERATOR_CAPACITY: '1', OPERATOR_FIRST_REPLY_MINUTES: '120', OPERATOR_CLAIM_MINUTES: '240' },
    { passwordParams: CHEAP_SCRYPT },
  );
  await system.auth.createAccount({ ...AN, role: 'operator', password: PASSWORD });
  await system.auth.createAccount({ ...BINH, role: 'operator', password: PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối viên', role: 'coordinator', password: PASSWORD });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('operator console', () => {
  let an: Tab;
  let binh: Tab;
  const citizens: Citizen[] = [];

  it('two operators: the queue updates live in both consoles, one claims, replies, writes a private note and hands back with a summary', { timeout: 180_000 }, async () => {
    // Arrange: both operators signed in (focus on the view's heading), online, pages marked.
    an = await signIn(AN.username);
    binh = await signIn(BINH.username);
    for (const op of [an, binh]) {
      await op.page.locator('#hotline-view').waitFor();
      await expect.poll(() => focusedId(op.page)).toBe('hotline-title');
      expect(await op.page.locator('#nav-tickets').isHidden()).toBe(true); // operators have no agency inbox
      await goOnline(op.page);
      await mark(op.page);
    }

    // Two citizens ask for a person: each is routed to one operator (capacity 1), shown live in "Của tôi".
    const x = await citizen();
    await ask(x.page, 'gặp tổng đài viên');
    const xHolder = await holder([an, binh], x.conversationId);
    const y = await citizen();
    await ask(y.page, 'gặp tổng đài viên');
    const yHolder = await holder([an, binh], y.conversationId);
    expect(xHolder).not.toBe(yHolder);
    await listed((xHolder === an ? binh : an).page, 'others', x.conversationId).waitFor();
    citizens.push(x, y);

    // Act: a third citizen asks: both operators are full, so the conversation waits in the queue.
    const z = await citizen();
    await ask(z.page, 'gặp tổng đài viên');
    await widgetShows(z.page, firstSentence(copy.bot.handoff.queued({ position: 1, waitMinutes: 1 })));

    // Assert: both queues show it live, with its waiting time counting, and say so to screen readers.
    for (const op of [an, binh]) {
      await listed(op.page, 'queue', z.conversationId).waitFor();
      await expect.poll(() => live(op.page)).toBe(fill(O.queue.arrived, { count: 1 }));
    }
    const wait = listed(an.page, 'queue', z.conversationId).locator('.conv-wait');
    const before = await wait.textContent();
    expect(before).toMatch(new RegExp(`^${fill(O.item.waiting, { time: '\\d+:\\d\\d' })}$`));
    await expect.poll(() => wait.textContent(), { timeout: 5_000 }).not.toBe(before);

    // An claims it from the queue: focus goes to the composer; it leaves Bình's queue live.
    await listed(an.page, 'queue', z.conversationId).getByRole('button', { name: O.item.claim }).click();
    await expect.poll(() => focusedId(an.page)).toBe('composer-text');
    await listed(an.page, 'mine', z.conversationId).waitFor();
    await listed(binh.page, 'queue', z.conversationId).waitFor({ state: 'detached' });
    await listed(binh.page, 'others', z.conversationId).waitFor();
    await widgetShows(z.page, copy.bot.handoff.assigned(AN.displayName));
    // The whole transcript: the citizen's request and the handoff's activity lines.
    const transcript = an.page.locator('#transcript');
    await transcript.locator('.msg-citizen', { hasText: 'gặp tổng đài viên' }).waitFor();
    await transcript.locator('.msg-event').first().waitFor();
    expect(await an.page.locator('#window-info').textContent()).not.toBe(O.window.closed);

    // A reply reaches the citizen's widget.
    const REPLY = 'Chào bạn, tôi là tổng đài viên An. Bạn cần hỏi thủ tục gì?';
    await an.page.getByLabel(O.composer.label).fill(REPLY);
    await an.page.getByLabel(O.composer.label).press('Enter');
    await widgetShows(z.page, REPLY);
    await transcript.locator('.msg-operator', { hasText: REPLY }).waitFor();
    expect(await an.page.getByLabel(O.composer.label).inputValue()).toBe('');

    // A private note: marked as such in the transcript, never sent to the widget (the reply after it is).
    const NOTE = 'Ghi chú: người dân đã hỏi việc này tuần trước, cần kiểm tra phiếu cũ.';
    await an.page.getByLabel(O.composer.private).check();
    await an.page.getByLabel(O.composer.label).fill(NOTE);
    await an.page.getByRole('button', { name: O.composer.saveNote }).click();
    const note = transcript.locator('.msg-note', { hasText: NOTE });
    await note.waitFor();
    expect(await note.textContent()).toContain(O.transcript.authors.note);
    await an.page.getByLabel(O.composer.private).uncheck();
    const REPLY2 = 'Bạn vui lòng cho biết tên thủ tục cần làm.';
    await an.page.getByLabel(O.composer.label).fill(REPLY2);
    await an.page.getByRole('button', { name: O.composer.send, exact: true }).click();
    await widgetShows(z.page, REPLY2);
    expect(await widgetLog(z.page).textContent()).not.toContain(NOTE);

    // The citizen writes: the message shows in the open transcript live, and is announced.
    await ask(z.page, 'Tôi muốn hỏi lệ phí cấp lại căn cước');
    await transcript.locator('.msg-citizen', { hasText: 'lệ phí cấp lại căn cước' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => live(an.page)).toBe(fill(O.transcript.newCitizen, { text: 'Tôi muốn hỏi lệ phí cấp lại căn cước' }));
    expect(await widgetLog(z.page).textContent()).not.toContain(NOTE);

    // Hand back with a summary: back to the assistant, out of the lists.
    const SUMMARY = 'Đã hướng dẫn lệ phí cấp lại căn cước.';
    await an.page.getByLabel(O.resolve.summary).fill(SUMMARY);
    await an.page.getByRole('button', { name: O.resolve.submit }).click();
    await expect.poll(() => an.page.locator('#c-status').textContent()).toBe(O.statuses.bot);
    await expect.poll(() => focusedId(an.page)).toBe('conv-title');
    await listed(an.page, 'mine', z.conversationId).waitFor({ state: 'detached' });
    await listed(binh.page, 'others', z.conversationId).waitFor({ state: 'detached' });
    expect(await an.page.locator('#compose-area').isHidden()).toBe(true);
    expect(await an.page.getByRole('button', { name: O.conversation.takeover }).isVisible()).toBe(true);
    // The assistant's next message says it is the assistant again.
    await ask(z.page, 'đăng ký khai sinh cần gì');
    await widgetShows(z.page, copy.bot.handoff.backToAssistant);
    await widgetShows(z.page, 'mã thủ tục 1.001193');
    expect(await widgetLog(z.page).textContent()).not.toContain(NOTE);

    // Nothing was reloaded; no script error or CSP violation anywhere.
    expect(await sameDocument(an.page)).toBe(true);
    expect(await sameDocument(binh.page)).toBe(true);
    // The whole transcript, the assistant's turns too, with the procedure it cited.
    await an.page.getByRole('link', { name: C.nav.hotline, exact: true }).click();
    await expect.poll(() => focusedId(an.page)).toBe('hotline-title');
    await an.page.goto(`${system.url}/console#hotline/${encodeURIComponent(z.conversationId)}`);
    await expect.poll(() => focusedId(an.page)).toBe('conv-title');
    const cited = transcript.locator('.msg-bot .msg-proc', { hasText: 'khai sinh' });
    await cited.first().waitFor();
    expect(await cited.first().textContent()).toMatch(new RegExp(`^${fill(O.transcript.procedure, { name: '.*[Kk]hai sinh.*' })}$`));
    expect([...an.problems, ...binh.problems, ...x.problems, ...y.problems, ...z.problems]).toEqual([]);
  });

  it('keyboard only: Tab to the waiting conversation, Enter claims it, type and Enter replies', { timeout: 120_000 }, async () => {
    // Arrange: both operators hold one conversation each again; a fourth citizen waits.
    const w = await citizen();
    await ask(w.page, 'gặp tổng đài viên');
    await listed(binh.page, 'queue', w.conversationId).waitFor({ timeout: 20_000 });
    const page = binh.page;
    // From the navigation's "Tổng đài" link: Enter shows the view and puts focus on its heading.
    await page.locator('#nav-hotline').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page)).toBe('hotline-title');

    // Act: Tab until the waiting conversation's claim button, Enter.
    const claimOf = `#queue-list .conv-item[data-id="${w.conversationId}"] button`;
    let reached = false;
    for (let i = 0; i < 12 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(`document.activeElement === document.querySelector(${JSON.stringify(claimOf)})`)) as boolean;
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page)).toBe('composer-text');
    const REPLY = 'Chào bạn, tổng đài viên Bình đây.';
    // While typing, the console says so (for channels with a typing indicator), at most once every 3 s.
    let typing = 0;
    page.on('request', (r) => void (r.method() === 'POST' && r.url().endsWith('/typing') && (typing += 1)));
    await page.keyboard.type(REPLY);
    await page.keyboard.press('Enter');

    // Assert
    await widgetShows(w.page, REPLY);
    await listed(page, 'mine', w.conversationId).waitFor();
    expect(typing).toBe(1);
    expect(await focusedId(page)).toBe('composer-text');
    expect([...binh.problems, ...w.problems]).toEqual([]);
    citizens.push(w);
  });

  it('canned replies: added in their editor, offered by "/code" in the composer, inserted with Enter; a suggestion inserts in one click', { timeout: 120_000 }, async () => {
    const page = binh.page;
    const w = citizens.at(-1)!;
    const CANNED = 'Lệ phí cấp lại thẻ căn cước là 70.000 đồng; nộp trực tuyến được giảm 50 %.';

    // The editor: add one.
    await page.getByRole('link', { name: C.nav.canned, exact: true }).click();
    await expect.poll(() => focusedId(page)).toBe('canned-title');
    await page.getByLabel(C.canned.code, { exact: true }).fill('le-phi-can-cuoc');
    await page.getByLabel(C.canned.text).fill(CANNED);
    await page.getByRole('button', { name: C.canned.submit }).click();
    await page.locator('#canned-list li', { hasText: '/le-phi-can-cuoc' }).waitFor();

    // The composer of the conversation Bình holds with w: "/le" offers it, Enter inserts it.
    await page.goto(`${system.url}/console#hotline/${encodeURIComponent(w.conversationId)}`);
    await page.locator('#composer').waitFor();
    const composer = page.getByLabel(O.composer.label);
    await composer.focus();
    await page.keyboard.type('Dạ, /le');
    const pop = page.getByRole('listbox', { name: O.composer.cannedLabel });
    await pop.waitFor();
    expect(await pop.getByRole('option').first().textContent()).toContain('/le-phi-can-cuoc');
    expect(await composer.getAttribute('aria-activedescendant')).toBe('canned-opt-0');
    await page.keyboard.press('Enter');
    expect(await composer.inputValue()).toBe(`Dạ, ${CANNED}`);
    expect(await pop.isHidden()).toBe(true);
    await composer.fill('');

    // The citizen asks about a procedure: the assistant's best procedures show beside the composer.
    await ask(w.page, 'đăng ký khai sinh cần giấy tờ gì');
    await page.locator('#transcript .msg-citizen', { hasText: 'đăng ký khai sinh cần giấy tờ gì' }).waitFor({ timeout: 20_000 });
    const insert = page.locator('#suggest-list button').first();
    await insert.waitFor({ timeout: 20_000 });
    const suggested = (await page.locator('#suggest-list li p').first().textContent()) ?? '';
    expect(suggested.length).toBeGreaterThan(0);
    await insert.click();
    expect(await composer.inputValue()).toBe(suggested);
    await expect.poll(() => focusedId(page)).toBe('composer-text');
    await composer.fill('');

    // Deleted from the editor.
    await page.getByRole('link', { name: C.nav.canned, exact: true }).click();
    await page.getByRole('button', { name: fill(C.canned.deleteLabel, { code: 'le-phi-can-cuoc' }) }).click();
    await page.locator('#canned-list li', { hasText: '/le-phi-can-cuoc' }).waitFor({ state: 'detached' });
    expect([...binh.problems, ...w.problems]).toEqual([]);
  });

  it('"Chuyển cơ quan" opens a ticket from the conversation and shows its tracking code', { timeout: 120_000 }, async () => {
    const page = an.page;
    await page.getByRole('link', { name: C.nav.hotline, exact: true }).click();
    const held = page.locator('#mine-list .conv-item').first();
    const conversationId = (await held.getAttribute('data-id'))!;
    await held.locator('a').click();
    await page.locator('#composer').waitFor();
    await page.getByRole('button', { name: O.conversation.toAgency, exact: true }).click();
    await expect.poll(() => focusedId(page)).toBe('ticket-form-title');
    await page.getByLabel(O.toAgency.question).fill('Người dân hỏi thủ tục cấp lại giấy khai sinh bản chính bị mất.');
    await page.getByRole('button', { name: O.toAgency.submit }).click();

    await expect.poll(() => focusedId(page)).toBe('ticket-result');
    const code = (await page.locator('#ticket-result-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{5}$/);
    expect((await system.store.tickets.getByCode(code))?.question).toContain('giấy khai sinh');
    await listed(page, 'mine', conversationId).waitFor({ state: 'detached' });
    expect(an.problems).toEqual([]);
  });

  it('axe-core finds no violation on the operator view with a conversation open, nor on the dashboard', { timeout: 120_000 }, async () => {
    // Arrange: Bình opens the conversation they hold.
    const page = binh.page;
    await page.getByRole('link', { name: C.nav.hotline, exact: true }).click();
    await expect.poll(() => focusedId(page)).toBe('hotline-title');
    const held = page.locator('#mine-list .conv-item a').first();
    await held.click();
    await page.locator('#conv-body').waitFor();
    await expect.poll(() => focusedId(page)).toBe('conv-title');
    await page.locator('#transcript .msg').first().waitFor();
    expect(await page.locator('#composer').isVisible()).toBe(true);

    // Act + Assert
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/operator-console.png', fullPage: true });

    // The dashboard: a table per channel, charts with a text alternative, the CSV link.
    await page.getByRole('link', { name: C.nav.stats, exact: true }).click();
    await expect.poll(() => focusedId(page)).toBe('stats-title');
    await page.locator('#stats-out table').first().waitFor();
    const label = await page.locator('#stats-out svg[role="img"]').first().getAttribute('aria-label');
    expect(label).toContain(C.dashboard.figures.questions);
    expect(await page.locator('#stats-csv').getAttribute('href')).toMatch(/^\/api\/v1\/stats\.csv\?from=\d{4}-\d\d&to=\d{4}-\d\d&groupBy=month,channel$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/operator-dashboard.png', fullPage: true });
    expect(binh.problems).toEqual([]);

    // The same on a phone, for a coordinator (who also works the hotline) looking at Bình's conversation.
    const open = (await page.locator('#mine-list .conv-item').first().getAttribute('data-id'))!;
    const phone = await signIn('dieuphoi', PHONE);
    await phone.page.locator('#list-view').waitFor();
    await phone.page.goto(`${system.url}/console#hotline/${encodeURIComponent(open)}`);
    await expect.poll(() => focusedId(phone.page)).toBe('conv-title');
    await phone.page.locator('#transcript .msg').first().waitFor();
    expect(await phone.page.getByRole('button', { name: O.conversation.takeover }).isVisible()).toBe(true);
    expect(await axeViolations(phone.page)).toEqual([]);
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phone.page.goto(`${system.url}/console#stats`);
    await phone.page.locator('#stats-out table').first().waitFor();
    expect(await axeViolations(phone.page)).toEqual([]);
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(phone.problems).toEqual([]);
  });

  it('phone intake: a call sent to an agency shows its tracking code to read to the caller', { timeout: 120_000 }, async () => {
    const page = an.page;
    await page.getByRole('link', { name: C.nav.calls, exact: true }).click();
    await expect.poll(() => focusedId(page)).toBe('calls-title');
    await page.getByLabel(C.calls.question).fill('Tôi muốn hỏi thủ tục đăng ký khai sinh cho con sinh ở nước ngoài.');
    await page.getByLabel(C.calls.phone).fill('0912 345 678');
    await page.getByLabel(C.calls.toAgency).check();
    await page.getByRole('button', { name: C.calls.submit }).click();

    const result = page.locator('#call-result');
    await result.waitFor();
    await expect.poll(() => focusedId(page)).toBe('call-result');
    const code = (await page.locator('#call-result-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{5}$/);
    const ticket = await system.store.tickets.getByCode(code);
    expect(ticket?.question).toContain('nước ngoài');
    expect(await page.locator('#call-result-agency').textContent()).not.toBe('');
    // The recent calls list shows it with its ticket, and the number masked by the server.
    const row = page.locator('#calls-body tr', { hasText: code });
    await row.waitFor();
    expect(await row.textContent()).not.toContain('345 678');
    expect(await axeViolations(page)).toEqual([]);
    expect(an.problems).toEqual([]);
  });

  it('signing out sets the operator offline first', async () => {
    const page = an.page;
    const offline = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/operator/presence' && r.method() === 'POST');
    await page.getByRole('button', { name: C.logout }).click();
    expect((await offline).postDataJSON()).toEqual({ status: 'offline' });
    await page.locator('#login-form').waitFor();
    await expect.poll(() => focusedId(page)).toBe('login-username');
    expect(an.problems).toEqual([]);
  });
});

describe('agency inbox (accessibility fixes)', () => {
  it('focus moves to the new heading after sign-in, "back" and an answer; a filter change is announced', { timeout: 120_000 }, async () => {
    const opened = await system.tickets.openTicket({
      conversationId: conversationKey('webchat', ACCOUNT_ID, 'visitor-inbox-a11y'),
      kind: 'question',
      question: 'Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu?',
      consent: { forward: true, publish: false },
      procedureId: 'dang-ky-khai-sinh',
    });
    const desk = await signIn('dieuphoi');
    const page = desk.page;
    await page.locator('#list-view').waitFor();
    await expect.poll(() => focusedId(page)).toBe('list-title');
    await page.locator('#ticket-list a.ticket', { hasText: opened.code }).waitFor();

    // A filter change: the list's size is said in the polite live region.
    const filter = page.locator('#status-filter');
    await filter.selectOption('assigned');
    const shown = await page.locator('#ticket-list a.ticket').count();
    await expect.poll(() => live(page)).toBe(fill(C.live.listCount, { filter: C.list.filters.assigned, count: shown }));

    await page.locator('#ticket-list a.ticket', { hasText: opened.code }).click();
    await expect.poll(() => focusedId(page)).toBe('detail-title');
    await page.getByRole('button', { name: C.detail.back }).click();
    await expect.poll(() => focusedId(page)).toBe('list-title');

    await page.locator('#ticket-list a.ticket', { hasText: opened.code }).click();
    await page.getByLabel(C.answerForm.label).fill('Chị nộp tờ khai tại UBND cấp xã nơi cư trú.');
    await page.getByRole('button', { name: C.answerForm.submit }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(C.answerForm.done);
    expect(await focusedId(page)).toBe('detail-title');

    // The focus ring is at least 3:1 against white (the audit measured 1.87:1).
    await page.getByRole('button', { name: C.detail.back }).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = (await page.evaluate(`getComputedStyle(document.activeElement).outlineColor`)) as string;
    expect(outline).toBe('rgb(11, 79, 156)');
    expect(desk.problems).toEqual([]);
  });
});
