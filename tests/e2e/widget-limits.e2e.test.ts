import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { useBrowserSession, widgetLauncher } from './browser.js';

/**
 * The widget's message limit in real headless Chromium, against the whole system with a limit of 2
 * messages a minute per session: the third message is refused by the server (429 WIDGET.RATE_LIMITED),
 * and the widget says so politely, takes the message out of the conversation and gives the citizen's
 * text back in the input, to send again after the wait.
 */

const session = useBrowserSession({ WIDGET_RATE_PER_SESSION: '2' });

const launcher = widgetLauncher;
const log = (page: Page) => page.getByRole('log', { name: 'Tin nhắn' });
const input = (page: Page) => page.getByRole('textbox', { name: 'Câu hỏi của bạn' });
const status = (page: Page) => page.getByRole('status').filter({ hasText: 'Bạn gửi tin nhắn hơi nhanh' });
const citizenBubbles = (page: Page) => log(page).locator('.tl-from-citizen .tl-text');
const assistantBubbles = (page: Page) => log(page).locator('.tl-from-assistant:not(.tl-welcome) .tl-text');

async function ask(page: Page, question: string): Promise<void> {
  await input(page).fill(question);
  await input(page).press('Enter');
}

describe('widget message limit', () => {
  it('When the citizen sends more messages than the limit, then the widget says politely how long to wait and keeps the typed text', async () => {
    // Arrange: the browser logs the refused request itself (a 429); that one is expected.
    const page = await session.open({ viewport: { width: 1280, height: 860 }, locale: 'vi-VN' }, /status of 429/);
    await page.goto(`${session.harness.url}/`);
    await launcher(page).click();
    await ask(page, 'đăng ký khai sinh cần gì');
    await assistantBubbles(page).filter({ hasText: 'Đăng ký khai sinh' }).first().waitFor();
    await ask(page, 'đăng ký kết hôn');
    await assistantBubbles(page).filter({ hasText: 'Đăng ký kết hôn' }).first().waitFor();

    // Act
    await ask(page, 'đổi bằng lái xe ở đâu');

    // Assert: the polite notice, with the wait in seconds …
    await status(page).waitFor();
    const notice = await status(page).textContent();
    const seconds = /khoảng (\d+) giây/.exec(notice ?? '')?.[1];
    expect(Number(seconds)).toBeGreaterThan(0);
    expect(Number(seconds)).toBeLessThanOrEqual(60);
    expect(notice).toBe(copy.widget.rateLimited.replace('{n}', seconds!));
    // … the text back in the input, and the refused message not in the conversation.
    expect(await input(page).inputValue()).toBe('đổi bằng lái xe ở đâu');
    await log(page).locator('.tl-from-citizen.tl-pending').waitFor({ state: 'detached' });
    expect(await citizenBubbles(page).allTextContents()).toEqual(['đăng ký khai sinh cần gì', 'đăng ký kết hôn']);
    expect(await log(page).locator('.tl-failed').count()).toBe(0);
  });
});
