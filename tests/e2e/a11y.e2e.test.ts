import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outboundQueueName, queueDelivery, type DeliveryJob } from '../../src/core/queues.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { openWebchatConversation } from '../integration/console-client.js';
import { startTestSystem } from '../integration/test-system.js';
import { axeViolations } from './axe.js';
import { launchChromium, visitorIdOf, watchPage, widgetLauncher } from './browser.js';

/**
 * axe-core (WCAG 2.0–2.2 A/AA and best practices) in real headless Chromium, against the whole system in
 * embedded mode: the demo portal with the widget closed and open (a conversation with choices and a
 * link), the widget's ticket lookup with a result, and the console's sign-in page, on a desktop and on a
 * phone. Every state must have zero violations.
 */

const LK = copy.widget.lookup;
const STAFF = { kind: 'staff' as const, id: 'staff-a11y' };
const DESKTOP = { viewport: { width: 1366, height: 768 } };
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
type Device = typeof DESKTOP | typeof PHONE;

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
let context: BrowserContext | undefined;
let problems: string[];
let ticket: Ticket;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'a11y-e2e-'));
  system = await startTestSystem(dataDir);
  ticket = await system.tickets.openTicket({
    conversationId: await openWebchatConversation(system.store, 'visitor-a11y'),
    kind: 'question',
    question: 'Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu?',
    consent: { forward: true, publish: false },
    contact: { phone: '0912 345 678' },
    procedureId: 'dang-ky-khai-sinh',
  });
  await system.tickets.answer(ticket.id, STAFF, 'Chị nộp tờ khai tại UBND cấp xã nơi cư trú, xem https://dichvucong.gov.vn/.');
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
  expect(problems).toEqual([]);
});

/** `expected`: console errors the page causes on purpose (the console asks /api/v1/auth/me before sign-in: 401). */
async function open(path: string, device: Device, expected?: RegExp): Promise<Page> {
  context = await browser.newContext({ ...device, locale: 'vi-VN' });
  problems = [];
  const page = watchPage(await context.newPage(), problems, expected);
  await page.goto(`${system.url}${path}`);
  return page;
}

const launcher = widgetLauncher;
const panel = (page: Page) => page.getByRole('dialog', { name: copy.widget.title });

/** The widget's panel once its opening animation is over (axe measures colours and boxes). */
async function settled(page: Page): Promise<void> {
  await page.evaluate(`Promise.all(document.getElementById('troly1022-widget').shadowRoot.getAnimations().map((a) => a.finished)).then(() => true)`);
}


/** An operator's reply with choices and a link, delivered like any other: the widget's richest message. */
async function operatorReply(visitorId: string): Promise<void> {
  const id = `operator:${randomUUID()}`;
  const conversationId = await openWebchatConversation(system.store, visitorId);
  const reply = {
    text: 'Tổng đài viên: bạn muốn hỏi về việc nào dưới đây? Xem thêm https://dichvucong.gov.vn/.',
    buttons: [
      { title: 'Đăng ký khai sinh', payload: 'a11y:1' },
      { title: 'Đăng ký kết hôn', payload: 'a11y:2' },
    ],
    link: { title: 'Nộp hồ sơ trực tuyến', url: 'https://dichvucong.gov.vn/' },
  };
  await system.store.outbound.insert({ id, conversationId, reply, purpose: 'human_agent', status: 'pending', attempts: 0, createdAt: new Date() });
  await queueDelivery(system.backend.queue<DeliveryJob>(outboundQueueName('webchat')), conversationId, id);
}

describe.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const)('axe on the %s', (_name, device) => {
  it('When the demo portal shows the widget closed, then axe finds no violation', async () => {
    const page = await open('/', device);
    await launcher(page).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('When the widget is open on a conversation with choices and a link, then axe finds no violation', async () => {
    // Arrange
    const page = await open('/', device);
    await launcher(page).click();
    await panel(page).waitFor();
    await operatorReply(await visitorIdOf(page));
    await page.locator('#troly1022-widget .tl-choice', { hasText: 'Đăng ký kết hôn' }).waitFor();
    await settled(page);

    // Act + Assert
    expect(await axeViolations(page)).toEqual([]);
  });

  it('When the widget shows a ticket found by the lookup, then axe finds no violation', async () => {
    // Arrange
    const page = await open('/', device);
    await page.getByRole('button', { name: 'Xem tình trạng câu hỏi, phản ánh đã gửi' }).click();
    await page.getByRole('textbox', { name: LK.codeLabel }).fill(ticket.code);
    await page.getByRole('textbox', { name: LK.phoneLabel }).fill('5678');
    await page.locator('#troly1022-widget').getByRole('button', { name: LK.submit, exact: true }).click();
    await page.locator('#troly1022-widget .tl-result').waitFor();
    await settled(page);

    // Act + Assert
    expect(await axeViolations(page)).toEqual([]);
  });

  it("When the console's sign-in page is shown, then axe finds no violation", async () => {
    const page = await open('/console', device, /status of 401 \(Unauthorized\)/);
    await expect.poll(() => page.locator('#login-submit').textContent()).toBe(copy.console.login.submit);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('the axe check itself', () => {
  it("When a control inside the widget's shadow root loses its name, then axe reports it", async () => {
    const page = await open('/', DESKTOP);
    await launcher(page).waitFor();
    await page.evaluate(`document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-launcher-text').textContent = ''`);
    expect((await axeViolations(page)).map((v) => v.id)).toContain('button-name');
  });
});
