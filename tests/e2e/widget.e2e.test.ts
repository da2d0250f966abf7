import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { focused, useBrowserSession, visitorIdOf, widgetLauncher } from './browser.js';

/**
 * The web widget in real headless Chromium (Debian's /usr/bin/chromium; `bash scripts/ensure-chromium.sh`
 * installs it), on the demo portal page, against the whole system as `npm start` runs it (session.harness.ts): a
 * citizen asks, and the answer comes through the store, the queue, the Botkit flows, the delivery worker,
 * the webchat adapter and the event stream.
 */


const session = useBrowserSession();

async function openPortal(viewport = { width: 1280, height: 860 }): Promise<Page> {
  const page = await session.open({ viewport, locale: 'vi-VN' });
  await page.goto(`${session.harness.url}/`);
  await launcher(page).waitFor();
  return page;
}

/** The browser logs each request the test made fail; those are expected. */
function expectedNetworkErrors(): void {
  session.forgive(/Failed to load resource: net::ERR_/);
}

const launcher = widgetLauncher;
const panel = (page: Page) => page.getByRole('dialog', { name: 'Trợ lý 1022' });
const log = (page: Page) => page.getByRole('log', { name: 'Tin nhắn' });
const input = (page: Page) => page.getByRole('textbox', { name: 'Câu hỏi của bạn' });
const citizenBubbles = (page: Page) => log(page).locator('.tl-from-citizen .tl-text');
const assistantBubbles = (page: Page) => log(page).locator('.tl-from-assistant:not(.tl-welcome) .tl-text');

async function waitForText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

async function ask(page: Page, question: string): Promise<void> {
  await input(page).fill(question);
  await input(page).press('Enter');
}

describe('web widget on the demo portal', () => {
  it('When a citizen asks "đăng ký khai sinh cần gì", then the answer lists the documents', async () => {
    // Arrange
    const page = await openPortal();
    await page.getByRole('heading', { name: /Hỏi đáp thủ tục hành chính/ }).waitFor();

    // Act
    await launcher(page).click();
    await ask(page, 'đăng ký khai sinh cần gì');

    // Assert
    await waitForText(assistantBubbles(page), 'Đăng ký khai sinh – mã thủ tục 1.001193');
    expect(await citizenBubbles(page).allTextContents()).toEqual(['đăng ký khai sinh cần gì']);
    expect(await assistantBubbles(page).last().textContent()).toContain('Tờ khai đăng ký khai sinh');
    expect(await input(page).inputValue()).toBe('');
    await log(page).locator('.tl-from-citizen.tl-pending').waitFor({ state: 'detached' });
    const link = log(page).getByRole('link', { name: /Nộp hồ sơ trực tuyến/ });
    expect(await link.getAttribute('href')).toBe('https://dichvucong.gov.vn/');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
  });

  it('When the question is ambiguous and the citizen clicks an option, then its title is sent and its answer shown', async () => {
    // Arrange
    const page = await openPortal();
    await launcher(page).click();
    await ask(page, 'chứng thực');
    const option = log(page).getByRole('button', { name: 'Chứng thực bản sao từ bản chính' });
    await option.waitFor();
    expect(await log(page).getByRole('group', { name: 'Các lựa chọn' }).getByRole('button').allTextContents()).toEqual([
      'Chứng thực chữ ký',
      'Chứng thực bản sao từ bản chính',
      'Chứng thực hợp đồng, giao dịch',
      copy.bot.talk.noneButton, // every clarification also offers "none of these"
    ]);

    // Act
    await option.click();

    // Assert
    await waitForText(assistantBubbles(page), 'Chứng thực bản sao từ bản chính – mã thủ tục 2.000815');
    expect(await citizenBubbles(page).allTextContents()).toEqual(['chứng thực', 'Chứng thực bản sao từ bản chính']);
    expect(await log(page).getByRole('button', { name: 'Chứng thực chữ ký' }).isVisible()).toBe(false); // answered: options retire
  });

  it('When the page is reloaded, then the conversation comes back, including a reply that arrived while away', async () => {
    // Arrange: one exchange, then the page is closed and an operator answers meanwhile.
    let page = await openPortal();
    await launcher(page).click();
    await ask(page, 'chứng thực');
    await log(page).getByRole('button', { name: 'Chứng thực chữ ký' }).click();
    await waitForText(assistantBubbles(page), 'Chứng thực chữ ký – mã thủ tục 2.000884');
    const visitorId = await visitorIdOf(page);
    await page.close();
    await session.harness.operatorReply(visitorId, { text: 'Tổng đài viên: hồ sơ của bạn cần thêm bản sao căn cước.' });

    // Act
    page = await session.open();
    await page.goto(`${session.harness.url}/`);

    // Assert: the launcher announces the new reply before the panel is opened …
    await page.getByRole('button', { name: 'Hỏi Trợ lý 1022, 1 tin nhắn mới' }).waitFor();
    await launcher(page).click();
    // … and the whole conversation is there, in order.
    await waitForText(assistantBubbles(page), 'Tổng đài viên: hồ sơ của bạn cần thêm bản sao căn cước.');
    expect(await citizenBubbles(page).allTextContents()).toEqual(['chứng thực', 'Chứng thực chữ ký']);
    const answers = await assistantBubbles(page).allTextContents();
    expect(answers).toHaveLength(3);
    expect(answers[0]).toContain('Bạn đang hỏi về thủ tục nào dưới đây?');
    expect(answers[1]).toContain('Chứng thực chữ ký – mã thủ tục 2.000884');
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByRole('button', { name: /tin nhắn mới/ }).count()).toBe(0);
  });

  it('When only the keyboard is used, then Tab reaches the launcher, Enter opens and sends, options are buttons, Esc closes', async () => {
    // Arrange
    const page = await openPortal();

    // Act + Assert: Tab through the portal to the widget's launcher.
    for (let i = 0; i < 40 && !(await focused(page)).includes('Hỏi Trợ lý 1022'); i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^button:.*Hỏi Trợ lý 1022/);

    await page.keyboard.press('Enter');
    await panel(page).waitFor();
    expect(await focused(page)).toMatch(/^textarea#tl-input/); // focus moves into the panel

    await page.keyboard.type('chứng thực');
    await page.keyboard.press('Enter');
    await log(page).getByRole('button', { name: 'Chứng thực hợp đồng, giao dịch' }).waitFor();

    await page.keyboard.press('Shift+Tab'); // back from the input: the last option ("none of these"), then the one before
    expect(await focused(page)).toBe(`button:${copy.bot.talk.noneButton}`);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button:Chứng thực hợp đồng, giao dịch');
    await page.keyboard.press('Enter');
    await waitForText(assistantBubbles(page), 'Chứng thực hợp đồng, giao dịch – mã thủ tục 2.001035');
    expect(await focused(page)).toMatch(/^textarea#tl-input/); // back to the input for the next question

    await page.keyboard.press('Tab'); // the send button is labelled
    expect(await focused(page)).toBe('button:Gửi');

    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
    expect(await focused(page)).toMatch(/^button:.*Hỏi Trợ lý 1022/); // focus returns to the launcher
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
  });

  it('When a message or a reply contains HTML, then it is shown as text and no element is created', async () => {
    // Arrange
    const page = await openPortal();
    await launcher(page).click();
    const attack = '<img src=x onerror="window.__pwned=1"><b>đậm</b>';

    // Act: the citizen types it, and an operator's reply carries it (with a javascript: link).
    await ask(page, attack);
    await assistantBubbles(page).first().waitFor();
    const visitorId = await visitorIdOf(page);
    await session.harness.operatorReply(visitorId, {
      text: `Trả lời ${attack}`,
      buttons: [{ title: '<img src=y onerror="window.__pwned=2">', payload: 'x' }],
      link: { title: 'Bấm vào đây', url: 'javascript:window.__pwned=3' },
    });
    await waitForText(assistantBubbles(page), `Trả lời ${attack}`);

    // Assert
    expect(await citizenBubbles(page).first().textContent()).toBe(attack);
    const widget = page.locator('#troly1022-widget');
    expect(await widget.locator('img, b').count()).toBe(0);
    expect(await log(page).getByRole('button', { name: '<img src=y onerror="window.__pwned=2">' }).count()).toBe(1);
    expect(await widget.locator('a', { hasText: 'Bấm vào đây' }).count()).toBe(0); // a javascript: URL is not made a link
    expect(await log(page).getByText('Bấm vào đây').count()).toBe(0);
    for (const href of await widget.locator('a').evaluateAll((links: Array<{ getAttribute(name: string): string | null }>) => links.map((a) => a.getAttribute('href')))) {
      expect(href).toMatch(/^https?:\/\//);
    }
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('When the answer to a send is lost, then the retry reuses the message id and the question is not asked twice', async () => {
    // Arrange: the first POST reaches the server, but its response never reaches the page.
    const page = await openPortal();
    let posts = 0;
    await page.route('**/widget/messages', async (route) => {
      posts += 1;
      if (posts === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await launcher(page).click();

    // Act
    await ask(page, 'đổi bằng lái');

    // Assert
    await waitForText(assistantBubbles(page), 'Đổi giấy phép lái xe');
    await log(page).locator('.tl-from-citizen.tl-pending').waitFor({ state: 'detached' });
    // Confirmed by the retry (answered `duplicate`) or, if it came first, by the stream's echo of the message.
    expect(posts).toBeLessThanOrEqual(2);
    await page.waitForTimeout(300); // a second answer would have arrived by now
    expect(await citizenBubbles(page).allTextContents()).toEqual(['đổi bằng lái']);
    expect(await assistantBubbles(page).count()).toBe(1);
    expectedNetworkErrors();
  });

  it('When sending keeps failing, then the message shows as failed with a retry button that sends it', async () => {
    // Arrange
    const page = await openPortal();
    await page.route('**/widget/messages', (route) => route.abort('internetdisconnected'));
    await launcher(page).click();

    // Act: automatic retries run out …
    await ask(page, 'đăng ký kết hôn');
    const retry = log(page).getByRole('button', { name: 'Gửi lại' });
    await retry.waitFor();
    expect(await log(page).locator('.tl-failed').getByText('Chưa gửi được.').count()).toBe(1);
    // … then the connection is back and the citizen retries.
    await page.unroute('**/widget/messages');
    await retry.click();

    // Assert
    await waitForText(assistantBubbles(page), 'Đăng ký kết hôn – mã thủ tục 1.000894');
    expect(await log(page).locator('.tl-failed').count()).toBe(0);
    expect(await citizenBubbles(page).allTextContents()).toEqual(['đăng ký kết hôn']);
    expectedNetworkErrors();
  });

  it('When the screen is 390 px wide, then the open panel fills the screen', async () => {
    const page = await openPortal({ width: 390, height: 844 });
    await launcher(page).click();
    await page.evaluate(`Promise.all(document.getElementById('troly1022-widget').shadowRoot.getAnimations().map((a) => a.finished)).then(() => true)`);
    const box = await panel(page).boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await page.keyboard.press('Escape');
    await launcher(page).waitFor();
  });
});
