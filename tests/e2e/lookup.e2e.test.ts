import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { focused, launchChromium, visitorIdOf, watchPage, widgetLauncher } from './browser.js';
import { outboundQueueName, queueDelivery, type DeliveryJob } from '../../src/core/queues.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { TRACKING_ALPHABET } from '../../src/domain/tracking-code.js';
import type { RunningSystem } from '../../src/system/index.js';
import { openWebchatConversation } from '../integration/console-client.js';
import { startTestSystem } from '../integration/test-system.js';
import { ACCOUNT_ID } from './harness.js';

/**
 * The widget's ticket lookup ("Tra cứu") in real headless Chromium on the demo portal, against the whole
 * system in embedded mode (as harness.ts starts it, plus the ticket service to open and answer tickets):
 * a typo is reported, the right code with the last 4 phone digits shows the status and the agency's
 * answer, a visitor who asked in this widget needs no digits, the keyboard alone is enough, agency text
 * stays text, a reply that arrives behind the form is counted on the way back to the chat, and the form
 * fits a 360 px phone. Browser-side code is passed as strings (no DOM lib).
 */

const LK = copy.widget.lookup;
const ANSWER = 'Chị nộp tờ khai tại UBND cấp xã nơi cư trú, kèm giấy chứng sinh.';
const XSS = '<img src=x onerror="window.__pwned=1"><b>đậm</b>';
const STAFF = { kind: 'staff' as const, id: 'staff-e2e' };

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
let context: BrowserContext | undefined;
let problems: string[];
let answered: Ticket;
let hostile: Ticket;

async function waitForStatus(id: string, status: Ticket['status']): Promise<Ticket> {
  for (let i = 0; i < 400; i++) {
    const ticket = await system.store.tickets.get(id);
    if (ticket?.status === status) return ticket;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`ticket ${id} never became ${status}`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lookup-e2e-'));
  system = await startTestSystem(dataDir);
  const open = async (visitor: string, question: string, phone: string) => {
    const ticket = await system.tickets.openTicket({
      conversationId: await openWebchatConversation(system.store, visitor),
      kind: 'question',
      question,
      consent: { forward: true, publish: false },
      contact: { phone },
      procedureId: 'dang-ky-khai-sinh',
    });
    return ticket;
  };
  const first = await open('visitor-phone', 'Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu?', '0912 345 678');
  await system.tickets.answer(first.id, STAFF, ANSWER);
  answered = await waitForStatus(first.id, 'delivered');
  const second = await open('visitor-hostile', 'Câu hỏi thử', '0977 000 111');
  await system.tickets.answer(second.id, STAFF, `Trả lời ${XSS}`);
  hostile = await waitForStatus(second.id, 'delivered');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  // No script errors and no Content-Security-Policy violations on the page.
  expect(problems).toEqual([]);
});

async function openPortal(viewport = { width: 1280, height: 860 }): Promise<Page> {
  context = await browser.newContext({ viewport, locale: 'vi-VN' });
  problems = [];
  // A refused lookup (400/404) is logged by the browser as a failed resource; that is expected.
  const page = watchPage(await context.newPage(), problems, /Failed to load resource: the server responded with a status of 4\d\d/);
  await page.goto(`${system.url}/`);
  await launcher(page).waitFor();
  return page;
}

const launcher = widgetLauncher;
const panel = (page: Page) => page.getByRole('dialog', { name: 'Trợ lý 1022' });
const lookupButton = (page: Page) => page.getByRole('button', { name: LK.openLabel });
const codeInput = (page: Page) => page.getByRole('textbox', { name: LK.codeLabel });
const phoneInput = (page: Page) => page.getByRole('textbox', { name: LK.phoneLabel });
const submit = (page: Page) => page.locator('#troly1022-widget').getByRole('button', { name: LK.submit, exact: true });
const output = (page: Page) => page.locator('#troly1022-widget .tl-lookup-output');
const result = (page: Page) => page.getByRole('region', { name: new RegExp(answered.code.replace('-', '\\-')) });

const backButton = (page: Page) => page.locator('#troly1022-widget .tl-back');
const chatLog = (page: Page) => page.getByRole('log', { name: copy.widget.logLabel });
/** The back button's name with `n` new replies: "Quay lại trò chuyện, 2 tin nhắn mới". */
const backWith = (n: number) => `${LK.backLabel}, ${copy.widget.unreadLabel.replace('{n}', String(n))}`;


/**
 * An operator's or agency's reply to the visitor, stored and delivered like any other (as harness.ts
 * does), in the visitor's conversation (opened here when they have not asked anything yet).
 */
async function operatorReply(visitorId: string, text: string): Promise<void> {
  const id = `operator:${randomUUID()}`;
  const conversationId = await openWebchatConversation(system.store, visitorId);
  await system.store.outbound.insert({ id, conversationId, reply: { text }, purpose: 'human_agent', status: 'pending', attempts: 0, createdAt: new Date() });
  await queueDelivery(system.backend.queue<DeliveryJob>(outboundQueueName('webchat')), conversationId, id);
}

/** The code with its last symbol changed: the check symbol no longer matches. */
function mistyped(code: string): string {
  const last = code.at(-1)!;
  return code.slice(0, -1) + TRACKING_ALPHABET[(TRACKING_ALPHABET.indexOf(last) + 1) % TRACKING_ALPHABET.length]!;
}

/** `YYYY-MM-DD` of the Vietnamese calendar day of an instant, as DD/MM/YYYY. */
function vnDate(at: Date): string {
  const d = new Date(at.getTime() + 7 * 3600_000).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}

describe('ticket lookup in the web widget', () => {
  it('When a code with a typo is entered, then the typo is reported; with the right code and digits, the status and the answer are shown', async () => {
    // Arrange
    const page = await openPortal();
    await launcher(page).click();
    await lookupButton(page).click();
    expect(await lookupButton(page).getAttribute('aria-expanded')).toBe('true');
    expect(await focused(page)).toMatch(/^input#tl-code/);
    expect(await page.getByRole('log', { name: 'Tin nhắn' }).isVisible()).toBe(false);

    // Act: a typo in the code.
    await codeInput(page).fill(mistyped(answered.code));
    await phoneInput(page).fill('5678');
    await submit(page).click();

    // Assert
    await output(page).getByText(LK.codeInvalid).waitFor();
    expect(await output(page).getAttribute('aria-live')).toBe('polite');
    expect(await codeInput(page).getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toMatch(/^input#tl-code/);

    // Act: wrong digits, then the right ones.
    await codeInput(page).fill(answered.code.toLowerCase());
    await phoneInput(page).fill('0000');
    await submit(page).click();
    await output(page).getByText(LK.notFound).waitFor();
    await phoneInput(page).fill('5678');
    await submit(page).click();

    // Assert
    await result(page).waitFor();
    const text = (await result(page).textContent()) ?? '';
    expect(text).toContain(copy.bot.tickets.statuses.delivered);
    expect(text).toContain('Ủy ban nhân dân cấp xã');
    expect(text).toContain(ANSWER);
    expect(text).toContain(vnDate(answered.dueAt));
    expect(await result(page).getByRole('listitem').allTextContents()).toHaveLength(4);
    expect(text).toContain(LK.events.delivered);
    expect(text).not.toContain('0912');
    expect(await codeInput(page).getAttribute('aria-invalid')).toBeNull();
    expect(await focused(page)).toMatch(/^h3#tl-result-title/); // focus moves to the result

    // Back to the chat.
    await page.getByRole('button', { name: LK.backLabel }).click();
    expect(await focused(page)).toMatch(/^textarea#tl-input/);
    expect(await lookupButton(page).getAttribute('aria-expanded')).toBe('false');
  });

  it("When the portal's own tracking link is clicked, then the widget opens on the lookup form", async () => {
    const page = await openPortal();
    await page.getByRole('button', { name: 'Xem tình trạng câu hỏi, phản ánh đã gửi' }).click();
    await codeInput(page).waitFor();
    expect(await lookupButton(page).getAttribute('aria-expanded')).toBe('true');
    expect(await focused(page)).toMatch(/^input#tl-code/);
  });

  it('When the visitor asked in this same widget, then the code alone is enough', async () => {
    // Arrange: the widget has a session; a ticket is opened from its conversation (as the chat flow does).
    const page = await openPortal();
    await launcher(page).click();
    const visitorId = await visitorIdOf(page);
    const mine = await system.tickets.openTicket({
      conversationId: conversationKey('webchat', ACCOUNT_ID, visitorId),
      kind: 'feedback',
      question: 'Đèn đường hỏng',
      place: 'Ngã tư Lê Lợi',
      consent: { forward: true, publish: false },
    });

    // Act
    await lookupButton(page).click();
    expect(await page.locator('#troly1022-widget #tl-phone-hint').textContent()).toBe(LK.phoneHint);
    await codeInput(page).fill(mine.code);
    await submit(page).click();

    // Assert
    const box = page.getByRole('region', { name: new RegExp(`${LK.kinds.feedback} ${mine.code}`) });
    await box.waitFor();
    expect(await box.textContent()).toContain('Ngã tư Lê Lợi');
    expect(await box.textContent()).toContain(copy.bot.tickets.statuses.assigned);

    // Another visitor (a fresh browser) with the same code and no digits is asked for them.
    await context!.close();
    const other = await openPortal();
    await other.locator('#troly1022-widget').waitFor({ state: 'attached' });
    await launcher(other).click();
    await lookupButton(other).click();
    await codeInput(other).fill(mine.code);
    await submit(other).click();
    await output(other).getByText(LK.notFound).waitFor();
  });

  it('When only the keyboard is used, then Tab reaches the lookup button, the fields and the submit button, and Esc closes', async () => {
    // Arrange
    const page = await openPortal();
    for (let i = 0; i < 40 && !(await focused(page)).includes('Hỏi Trợ lý 1022'); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await panel(page).waitFor();
    expect(await focused(page)).toMatch(/^textarea#tl-input/);

    // Act: back through the panel to the header's lookup button.
    for (let i = 0; i < 6 && !(await focused(page)).includes(LK.openLabel); i++) await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe(`button:${LK.openLabel}`);
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatch(/^input#tl-code/);
    await page.keyboard.type(answered.code);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^input#tl-phone/);
    await page.keyboard.type('5678');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe(`button:${LK.submit}`);
    await page.keyboard.press('Enter');

    // Assert
    await result(page).waitFor();
    expect(await result(page).textContent()).toContain(ANSWER);
    expect(await focused(page)).toMatch(/^h3#tl-result-title/);
    // Enter in a field submits too.
    await codeInput(page).focus();
    await codeInput(page).fill(mistyped(answered.code));
    await page.keyboard.press('Enter');
    await output(page).getByText(LK.codeInvalid).waitFor();

    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
    expect(await focused(page)).toMatch(/^button:.*Hỏi Trợ lý 1022/);
  });

  it('When replies arrive while the lookup form is shown, then the way back counts them; back in the chat, the newest reply is in view', async () => {
    // Arrange: a conversation long enough to scroll, then the lookup form.
    const page = await openPortal();
    await launcher(page).click();
    const visitorId = await visitorIdOf(page);
    const earlier = 'Tổng đài viên: hồ sơ đăng ký khai sinh gồm tờ khai theo mẫu, giấy chứng sinh bản chính, giấy tờ tùy thân của người đi đăng ký và giấy tờ chứng minh nơi cư trú. ';
    for (let i = 1; i <= 4; i++) await operatorReply(visitorId, `${earlier.repeat(2)}(${i})`);
    await chatLog(page).getByText('(4)').waitFor();
    await lookupButton(page).click();
    expect(await focused(page)).toMatch(/^input#tl-code/);
    await codeInput(page).fill('K7QX');

    // Act: two replies arrive behind the form; the second carries markup.
    await operatorReply(visitorId, 'Tổng đài viên: bạn nộp thêm bản sao căn cước nhé.');
    await page.getByRole('button', { name: backWith(1) }).waitFor();
    const last = `Tổng đài viên: xong rồi ${XSS}`;
    await operatorReply(visitorId, last);

    // Assert: the count in the name, on a visible badge, and said politely; focus and typing stay put.
    await page.getByRole('button', { name: backWith(2) }).waitFor();
    expect(await backButton(page).locator('.tl-badge').isVisible()).toBe(true);
    expect(await backButton(page).locator('.tl-badge').textContent()).toBe('2');
    expect(await backButton(page).locator('.tl-badge').getAttribute('aria-hidden')).toBe('true');
    const news = page.locator('#troly1022-widget .tl-lookup [role="status"]');
    expect(await news.textContent()).toBe(LK.newReplies.replace('{n}', '2'));
    expect(await focused(page)).toMatch(/^input#tl-code/);
    expect(await codeInput(page).inputValue()).toBe('K7QX');
    expect(await chatLog(page).isVisible()).toBe(false);

    // Act: back to the chat.
    await page.getByRole('button', { name: backWith(2) }).click();

    // Assert: the count is gone, and the newest reply is shown (as text) inside the log's visible area.
    expect(await focused(page)).toMatch(/^textarea#tl-input/);
    expect(await backButton(page).getAttribute('aria-label')).toBeNull();
    expect(await backButton(page).locator('.tl-badge').isHidden()).toBe(true);
    expect(await news.textContent()).toBe('');
    const newest = chatLog(page).locator('.tl-from-assistant .tl-bubble').last();
    expect(await newest.textContent()).toBe(last);
    expect(await page.locator('#troly1022-widget').locator('img, b').count()).toBe(0);
    const inView = (await page.evaluate(`(() => {
      const log = document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-log');
      const bubbles = log.querySelectorAll('.tl-from-assistant .tl-bubble');
      const b = bubbles[bubbles.length - 1].getBoundingClientRect();
      const l = log.getBoundingClientRect();
      return { scrolled: log.scrollTop > 0, inside: b.top >= l.top && b.bottom <= l.bottom + 1 };
    })()`)) as { scrolled: boolean; inside: boolean };
    expect(inView).toEqual({ scrolled: true, inside: true });

    // The lookup form again: no count left over.
    await lookupButton(page).click();
    expect(await backButton(page).getAttribute('aria-label')).toBeNull();
    expect(await backButton(page).locator('.tl-badge').isHidden()).toBe(true);
  });

  for (const viewport of [
    { width: 1280, height: 860 },
    { width: 360, height: 740 },
  ]) {
    it(`When new replies pin the way back to the chat (${viewport.width} px), then the looked-up ticket's focused heading is not under it`, async () => {
      // Arrange: a reply arrives behind the lookup form, so its "back to the chat" bar is pinned.
      const page = await openPortal(viewport);
      await launcher(page).click();
      const visitorId = await visitorIdOf(page);
      await lookupButton(page).click();
      await operatorReply(visitorId, 'Tổng đài viên: chúng tôi đã nhận câu hỏi của bạn.');
      await page.getByRole('button', { name: backWith(1) }).waitFor();

      // Act
      await codeInput(page).fill(answered.code);
      await phoneInput(page).fill('5678');
      await submit(page).click();
      await result(page).waitFor();

      // Assert: the view scrolled to the result (the bar is stuck over the content), and the focused
      // heading is below the bar: the point at its centre is the heading, not the bar.
      expect(await focused(page)).toMatch(/^h3#tl-result-title/);
      const seen = (await page.evaluate(`(() => {
        const root = document.getElementById('troly1022-widget').shadowRoot;
        const view = root.querySelector('.tl-lookup');
        const bar = root.querySelector('.tl-lookup-bar').getBoundingClientRect();
        const heading = root.querySelector('#tl-result-title');
        const h = heading.getBoundingClientRect();
        const atCentre = root.elementFromPoint(h.left + h.width / 2, h.top + h.height / 2);
        return { scrolled: view.scrollTop > 0, belowBar: h.top >= bar.bottom, visible: heading.contains(atCentre) };
      })()`)) as Record<string, boolean>;
      expect(seen).toEqual({ scrolled: true, belowBar: true, visible: true });
    });
  }

  it("When the agency's answer contains HTML, then it is shown as text and no element is created", async () => {
    const page = await openPortal();
    await launcher(page).click();
    await lookupButton(page).click();
    await codeInput(page).fill(hostile.code);
    await phoneInput(page).fill('0111');
    await submit(page).click();

    const box = page.getByRole('region', { name: new RegExp(hostile.code) });
    await box.waitFor();
    expect(await box.textContent()).toContain(`Trả lời ${XSS}`);
    expect(await page.locator('#troly1022-widget').locator('img, b').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('When the screen is 360 px wide, then the lookup form and its result fit without sideways scrolling', async () => {
    const page = await openPortal({ width: 360, height: 740 });
    await launcher(page).click();
    await page.evaluate(`Promise.all(document.getElementById('troly1022-widget').shadowRoot.getAnimations().map((a) => a.finished)).then(() => true)`);
    expect(await panel(page).boundingBox()).toEqual({ x: 0, y: 0, width: 360, height: 740 });
    await lookupButton(page).click();
    await codeInput(page).fill(answered.code);
    await phoneInput(page).fill('5678');
    await submit(page).click();
    await result(page).waitFor();

    const fits = (await page.evaluate(`(() => {
      const root = document.getElementById('troly1022-widget').shadowRoot;
      const view = root.querySelector('.tl-lookup');
      const boxes = ['.tl-lookup-open', '.tl-close', '#tl-code', '#tl-phone', '.tl-submit', '.tl-result'].map((s) => root.querySelector(s).getBoundingClientRect());
      return view.scrollWidth <= view.clientWidth && boxes.every((b) => b.left >= 0 && b.right <= 360 && b.width > 0);
    })()`)) as boolean;
    expect(fits).toBe(true);
    for (const control of [lookupButton(page), submit(page)]) {
      const box = await control.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44); // touch target
    }

    // A reply arrives while the result is read: the way back, with its count, is pinned in sight and fits.
    await page.evaluate(`(() => { const v = document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-lookup'); v.scrollTop = v.scrollHeight; })()`);
    await operatorReply(await visitorIdOf(page), 'Tổng đài viên: chúng tôi đã nhận câu hỏi của bạn.');
    await page.getByRole('button', { name: backWith(1) }).waitFor();
    const pinned = (await page.evaluate(`(() => {
      const root = document.getElementById('troly1022-widget').shadowRoot;
      const view = root.querySelector('.tl-lookup');
      const v = view.getBoundingClientRect();
      const back = root.querySelector('.tl-back').getBoundingClientRect();
      const badge = root.querySelector('.tl-back .tl-badge').getBoundingClientRect();
      return {
        scrolled: view.scrollTop > 0,
        noSideways: view.scrollWidth <= view.clientWidth,
        inView: back.top >= v.top && back.bottom <= v.bottom,
        fits: [back, badge].every((b) => b.left >= 0 && b.right <= 360 && b.width > 0),
      };
    })()`)) as Record<string, boolean>;
    expect(pinned).toEqual({ scrolled: true, noSideways: true, inView: true, fits: true });
    expect((await backButton(page).boundingBox())!.height).toBeGreaterThanOrEqual(44);
  });
});
