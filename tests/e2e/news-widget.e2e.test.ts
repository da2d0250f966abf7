import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newsOutboundId } from '../../src/core/news-delivery.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { conversationKey } from '../../src/domain/message.js';
import { newsDeliveryId, type NewsTopic } from '../../src/domain/news.js';
import type { RunningSystem } from '../../src/system/index.js';
import { consoleCall, consoleLogin, openWebchatConversation, type ConsoleSignIn } from '../integration/console-client.js';
import { CHEAP_SCRYPT, startTestSystem } from '../integration/test-system.js';
import { launchChromium, visitorIdOf, watchPage, widgetLauncher } from './browser.js';

/**
 * Portal news in the web widget (issue 12, the widget part) in real headless Chromium, against the whole
 * system in embedded mode as `npm start` runs it (the harness's startTestSystem, here with a console
 * account for the coordinator, so it is started by this file as console-publish.e2e does): a citizen
 * subscribes in the widget, leaves, a coordinator publishes through the console API (session cookie and
 * X-CSRF-Token), and the citizen comes back to the item waiting in the conversation, counted on the
 * launcher as unread; "tin mới" lists it; "hủy nhận tin" stops the next one.
 *
 * Quiet hours are off (the test must pass at any hour) and the daily cap high (the witness below gets
 * every item). Nothing is timed: each step waits for a condition. That an item did NOT reach the
 * citizen is judged once its fan-out is known to be over: a witness (a second widget conversation,
 * subscribed to every topic used here) has received it, and then the fan-out is replayed, which the
 * system makes idempotent and which returns only once every current subscriber of the item's topics is
 * decided; the item's delivery records then name the witness alone.
 */

const N = copy.bot.news;
const W = copy.widget;
const PASSWORD = 'mat-khau-dieu-phoi-tin-tuc';
const COORDINATOR = 'dieuphoi.tintuc';
const TOPIC = 'Thiên tai – Thời tiết';
const OTHER_TOPIC = 'Y tế';
const WAIT = { timeout: 45_000, interval: 100 };

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
let coordinator: ConsoleSignIn;
let topics: NewsTopic[];
/** A second widget conversation subscribed to both topics: its pushes show that a fan-out has run. */
let witness: string;
let context: BrowserContext | undefined;
const problems: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'news-widget-e2e-'));
  system = await startTestSystem(dataDir, { NEWS_QUIET_HOURS: 'off', NEWS_DAILY_CAP: '20' }, { passwordParams: CHEAP_SCRYPT });
  await system.auth.createAccount({ username: COORDINATOR, displayName: 'Điều phối tin tức', role: 'coordinator', password: PASSWORD });
  coordinator = await consoleLogin(system.url!, COORDINATOR, PASSWORD);
  topics = system.news.subscriptions.topics();
  witness = await openWebchatConversation(system.store, 'nhan-chung-tin-tuc');
  for (const name of [TOPIC, OTHER_TOPIC]) await system.news.subscriptions.subscribe(witness, topicId(name));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  // No script errors and no Content-Security-Policy violations on the widget's pages.
  expect(problems).toEqual([]);
});

function topicId(name: string): string {
  const topic = topics.find((t) => t.name === name);
  if (!topic) throw new Error(`no news topic "${name}" in knowledge/data/news-topics.vi.json`);
  return topic.id;
}

/** A page of the demo portal in the test's browser context (one context per test: the widget's storage). */
async function openPortal(): Promise<Page> {
  context ??= await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'vi-VN' });
  const page = watchPage(await context.newPage(), problems);
  page.setDefaultTimeout(30_000); // generous: each reply goes through the store, the queues and the flows
  await page.goto(`${system.url}/`);
  await launcher(page).waitFor();
  return page;
}

const launcher = widgetLauncher;
const log = (page: Page) => page.getByRole('log', { name: W.logLabel });
const input = (page: Page) => page.getByRole('textbox', { name: W.inputLabel });
const assistantBubbles = (page: Page) => log(page).locator('.tl-from-assistant:not(.tl-welcome)');
/** The assistant's message that contains `text` (the message element: its text, link and buttons). */
const assistantSaying = (page: Page, text: string): Locator => assistantBubbles(page).filter({ hasText: text });

async function ask(page: Page, text: string): Promise<void> {
  await input(page).fill(text);
  await input(page).press('Enter');
}

interface PublishedItem {
  id: string;
  title: string;
  link: string;
}

/** A coordinator publishes an item through the console API, as the console does (cookie + X-CSRF-Token). */
async function publish(title: string, topicName: string, slug: string): Promise<PublishedItem> {
  const link = `https://cong.example.gov.vn/tin-tuc/${slug}`;
  const response = await consoleCall(system.url!, 'POST', '/news/items', { title, summary: 'Tin thử nghiệm của Cổng thông tin điện tử tỉnh.', link, topics: [topicId(topicName)], urgency: 'normal' }, coordinator);
  expect(response.status).toBe(201);
  const { item } = (await response.json()) as { item: { id: string } };
  return { id: item.id, title, link };
}

/**
 * Waits until the item's fan-out is over, then returns the conversations it was recorded for: the
 * witness's push delivered, then the fan-out replayed (idempotent: it decides what is not decided yet
 * and returns when every current subscriber is).
 */
async function fannedOutTo(itemId: string): Promise<string[]> {
  const witnessPush = newsOutboundId(newsDeliveryId(itemId, witness));
  await expect.poll(async () => (await system.store.outbound.get(witnessPush))?.status, WAIT).toBe('sent');
  const item = await system.store.newsItems.get(itemId);
  await system.news.delivery.fanOut(item!, new Date());
  return (await system.store.newsDeliveries.listByItem(itemId)).map((d) => d.conversationId).sort();
}

describe('portal news in the web widget', () => {
  it('When a citizen subscribes, leaves and comes back, then the item on their topic waits in the conversation, counted as new; "tin mới" lists it; "hủy nhận tin" stops the next', async () => {
    // 1. Subscribing: "đăng ký nhận tin" offers the topics as buttons; one click subscribes.
    let page = await openPortal();
    await launcher(page).click();
    await ask(page, 'đăng ký nhận tin');
    const menu = assistantSaying(page, N.menu([]));
    await menu.waitFor();
    const offered = await menu.getByRole('group', { name: W.choicesLabel }).getByRole('button').allTextContents();
    expect(offered).toEqual([...topics.map((t) => t.name), N.buttons.latest]);

    await menu.getByRole('button', { name: TOPIC }).click();

    const confirmation = assistantSaying(page, `Bạn đã đăng ký nhận tin về "${TOPIC}".`);
    await confirmation.waitFor();
    expect(await confirmation.locator('.tl-text').textContent()).toBe(N.subscribed({ topic: TOPIC, topics: [TOPIC], already: false }));
    expect(await confirmation.locator('.tl-text').textContent()).toContain('Gõ HỦY NHẬN TIN để ngừng nhận.'); // how to leave
    expect(await log(page).locator('.tl-from-citizen .tl-text').allTextContents()).toEqual(['đăng ký nhận tin', TOPIC]);
    const visitorId = await visitorIdOf(page);
    const conversationId = conversationKey('webchat', 'portal', visitorId);

    // 2. The citizen closes the page; a coordinator publishes on their topic and on another one.
    await page.close();
    const subscribed = await publish('Cảnh báo mưa lớn và lũ quét tại các huyện miền núi', TOPIC, 'canh-bao-mua-lon');
    const other = await publish('Lịch tiêm chủng mở rộng tháng 12', OTHER_TOPIC, 'lich-tiem-chung');
    expect(await fannedOutTo(subscribed.id)).toEqual([conversationId, witness].sort());
    expect(await fannedOutTo(other.id)).toEqual([witness]); // the citizen is not subscribed to "Y tế"

    // 3. The citizen returns (same browser, so the same widget session): the launcher counts the item as
    //    new before the panel is opened, and a polite status says so to screen readers.
    page = await openPortal();
    await page.getByRole('button', { name: `${W.launcherLabel}, ${W.unreadLabel.replace('{n}', '1')}` }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `${W.assistantName}: ${W.unreadLabel.replace('{n}', '1')}` }).count(), WAIT).toBe(1);
    await launcher(page).click();
    const pushed = assistantSaying(page, subscribed.title);
    await pushed.waitFor();
    // Title, the link (opens in a new tab), why it came, and one-tap "Hủy nhận tin".
    const link = pushed.getByRole('link', { name: subscribed.link });
    expect(await link.getAttribute('href')).toBe(subscribed.link);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await pushed.locator('.tl-text').textContent()).toContain(N.pushFooter);
    expect(await pushed.getByRole('button', { name: N.buttons.unsubscribeAll }).isVisible()).toBe(true);
    // Where it belongs: after the confirmation, the last message; the other topic's item is nowhere.
    expect(await assistantBubbles(page).last().textContent()).toContain(subscribed.title);
    expect(await log(page).getByText(other.title).count()).toBe(0);
    // Opened: the count is cleared.
    expect(await page.getByRole('button', { name: /tin nhắn mới/ }).count()).toBe(0);

    // 4. "tin mới" lists the latest items of the citizen's topics: this one, not the other topic's.
    await ask(page, 'tin mới');
    const latest = assistantSaying(page, 'Tin mới về các chủ đề bạn đăng ký:');
    await latest.waitFor();
    const latestText = (await latest.locator('.tl-text').textContent()) ?? '';
    expect(latestText).toContain(`• ${subscribed.title} (`);
    expect(latestText).toContain(subscribed.link);
    expect(latestText).not.toContain(other.title);

    // 5. "hủy nhận tin" unsubscribes; a further item on the topic does not come.
    await ask(page, 'hủy nhận tin');
    await assistantSaying(page, N.unsubscribedAll).waitFor();
    expect(await system.news.subscriptions.subscription(conversationId)).toBeUndefined();
    const after = await publish('Cảnh báo triều cường vùng ven biển', TOPIC, 'canh-bao-trieu-cuong');
    expect(await fannedOutTo(after.id)).toEqual([witness]);
    expect(await log(page).getByText(after.title).count()).toBe(0); // not live on the open page …
    await page.close();
    page = await openPortal(); // … nor in the conversation when the citizen comes back
    await launcher(page).click();
    await assistantSaying(page, N.unsubscribedAll).waitFor();
    expect(await assistantBubbles(page).last().textContent()).toContain(N.unsubscribedAll);
    expect(await log(page).getByText(after.title).count()).toBe(0);
    expect(await page.getByRole('button', { name: /tin nhắn mới/ }).count()).toBe(0);
  }, 180_000);

  it('When a citizen types "đăng ký nhận tin thiên tai", then they are subscribed at once and told the topic and how to leave', async () => {
    // Arrange
    const page = await openPortal();
    await launcher(page).click();

    // Act
    await ask(page, 'đăng ký nhận tin thiên tai');

    // Assert
    const confirmation = assistantSaying(page, `Bạn đã đăng ký nhận tin về "${TOPIC}".`);
    await confirmation.waitFor();
    expect(await confirmation.locator('.tl-text').textContent()).toBe(N.subscribed({ topic: TOPIC, topics: [TOPIC], already: false }));
    expect(await confirmation.getByRole('group', { name: W.choicesLabel }).getByRole('button').allTextContents()).toEqual([
      N.buttons.latest,
      N.buttons.unsubscribeTopic(TOPIC),
      N.buttons.topics,
    ]);
    const conversationId = conversationKey('webchat', 'portal', await visitorIdOf(page));
    expect((await system.news.subscriptions.subscription(conversationId))?.topics).toEqual([topicId(TOPIC)]);
  });
});
