import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { focused, useBrowserSession, visitorIdOf, widgetLauncher } from './browser.js';

/**
 * What axe cannot see (a11y-audit-2026-12 M1, M4, M6, M7, M8), in real headless Chromium on the demo
 * portal against the whole system: on a phone the full-screen panel is a modal dialog; replies that
 * arrive while the panel is closed are announced; the widget says it speaks Vietnamese on a page in
 * another language; the portal fits a 360 px screen; the launcher never covers the control that has focus.
 * Browser-side code is passed as strings (the project compiles without the DOM library).
 */

const W = copy.widget;
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 860 } };
type Device = typeof PHONE | typeof DESKTOP;

const session = useBrowserSession();

async function openPortal(device: Device, path = '/'): Promise<Page> {
  const page = await session.open({ ...device, locale: 'vi-VN' });
  await page.goto(`${session.harness.url}${path}`);
  await launcher(page).waitFor();
  return page;
}

const launcher = widgetLauncher;
const panel = (page: Page) => page.getByRole('dialog', { name: W.title });

/** Whether the page's focus is inside the widget (its shadow host is the document's active element). */
const focusInWidget = async (page: Page): Promise<boolean> =>
  (await page.evaluate(`document.activeElement === document.getElementById('troly1022-widget')`)) as boolean;


describe('the full-screen panel on a phone is a modal dialog', () => {
  it('When the panel is open on a 360 px phone, then it is aria-modal, Tab and Shift+Tab stay inside, and Escape returns focus to the launcher', async () => {
    // Arrange
    const page = await openPortal(PHONE);
    await launcher(page).focus();

    // Act
    await page.keyboard.press('Enter');
    await panel(page).waitFor();

    // Assert: modal while it covers the screen.
    expect(await panel(page).getAttribute('aria-modal')).toBe('true');
    expect(await focused(page)).toMatch(/^textarea#tl-input/);
    const forward: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInWidget(page)).toBe(true);
      forward.push(await focused(page));
    }
    // The cycle: send → lookup button → close → log → input → send …
    expect(forward.slice(0, 5)).toEqual(['button:Gửi', `button:${W.lookup.openLabel}`, `button:${W.closeLabel}`, `div:${W.logLabel}`, 'textarea#tl-input:']);
    expect(forward.at(-1)).toBe(`button:${W.closeLabel}`);
    await page.keyboard.press('Shift+Tab'); // to the first control, the lookup button, then …
    expect(await focused(page)).toBe(`button:${W.lookup.openLabel}`);
    await page.keyboard.press('Shift+Tab'); // … past it to the last one
    expect(await focused(page)).toBe('button:Gửi');
    expect(await focusInWidget(page)).toBe(true);

    // Focus sent to the page behind it (a screen reader's cursor, a script) comes back into the panel.
    await page.evaluate(`document.getElementById('question').focus()`);
    expect(await focusInWidget(page)).toBe(true);

    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
    expect(await focused(page)).toMatch(/^button:.*Hỏi Trợ lý 1022/);
    expect(await page.locator('#troly1022-widget #tl-panel').getAttribute('aria-modal')).toBe('false');
  });

  it('When the panel floats beside the page on a desktop, then it is not modal and Tab may leave it', async () => {
    const page = await openPortal(DESKTOP);
    await launcher(page).click();
    await panel(page).waitFor();
    expect(await panel(page).getAttribute('aria-modal')).toBe('false');
    await page.keyboard.press('Tab'); // send
    await page.keyboard.press('Tab'); // the launcher, after the panel
    await page.keyboard.press('Tab'); // out to the page
    expect(await focusInWidget(page)).toBe(false);
  });
});

describe('replies that arrive while the panel is closed', () => {
  it('When a reply arrives while the panel is closed, then a polite live region outside the panel announces it and the launcher shows the count', async () => {
    // Arrange: a visitor with a conversation and a live stream, panel closed again.
    const page = await openPortal(DESKTOP);
    await launcher(page).click();
    await page.getByRole('textbox', { name: W.inputLabel }).fill('xin chào');
    await page.getByRole('textbox', { name: W.inputLabel }).press('Enter');
    await page.locator('#troly1022-widget .tl-from-assistant:not(.tl-welcome)').first().waitFor();
    const visitorId = await visitorIdOf(page);
    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
    const announcer = page.locator('#troly1022-widget .tl-root > [role="status"]');
    expect(await announcer.textContent()).toBe('');

    // Act
    await session.harness.operatorReply(visitorId, { text: 'Tổng đài viên: hồ sơ của bạn đã được tiếp nhận.' });

    // Assert
    await page.getByRole('button', { name: `${W.launcherLabel}, ${W.unreadLabel.replace('{n}', '1')}` }).waitFor();
    expect(await announcer.textContent()).toBe(`${W.assistantName}: ${W.unreadLabel.replace('{n}', '1')}`);
    expect(await announcer.getAttribute('class')).toBe('tl-sr'); // visually hidden, still in the accessibility tree
    expect(await page.locator('#troly1022-widget .tl-launcher .tl-badge').textContent()).toBe('1');
    const inPanel = (await page.evaluate(`document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-panel').contains(
      document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-root > [role="status"]'))`)) as boolean;
    expect(inPanel).toBe(false);

    // Opening the panel clears the count and the announcement.
    await launcher(page).click();
    expect(await announcer.textContent()).toBe('');
  });
});

describe('the widget speaks Vietnamese on any page', () => {
  it('When the host page is in English, then the widget still declares lang="vi"', async () => {
    // Arrange: a portal page in English on the same origin, embedding the widget the documented way.
    const page = await session.open({ ...DESKTOP, locale: 'en-US' });
    await page.route(`${session.harness.url}/english-portal`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="en"><head><title>Portal</title></head><body><main><h1>Province portal</h1></main><script src="/widget/widget.js" async></script></body></html>',
      }),
    );

    // Act
    await page.goto(`${session.harness.url}/english-portal`);
    await launcher(page).waitFor();

    // Assert: the host element and the widget's root say vi; the page keeps its own language.
    const langs = (await page.evaluate(`(() => {
      const host = document.getElementById('troly1022-widget');
      const launcher = host.shadowRoot.querySelector('.tl-launcher');
      return { page: document.documentElement.lang, host: host.lang, launcher: launcher.closest('[lang]').lang };
    })()`)) as Record<string, string>;
    expect(langs).toEqual({ page: 'en', host: 'vi', launcher: 'vi' });
  });
});

describe('the demo portal on a 360 px phone', () => {
  it('When the portal is shown on a 360 px phone, then nothing scrolls sideways and the open panel is exactly the screen', async () => {
    const page = await openPortal(PHONE);
    const widths = (await page.evaluate(`({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth })`)) as Record<string, number>;
    expect(widths).toEqual({ page: 360, body: 360 });
    await launcher(page).click();
    await page.evaluate(`Promise.all(document.getElementById('troly1022-widget').shadowRoot.getAnimations().map((a) => a.finished)).then(() => true)`);
    expect(await panel(page).boundingBox()).toEqual({ x: 0, y: 0, width: 360, height: 740 });
  });

  it('When a portal page is wider than the phone, then the open panel still fits the screen', async () => {
    // Arrange: a host page with content 600 px wide on a 360 px screen (the layout viewport grows with it).
    const page = await session.open({ ...PHONE, locale: 'vi-VN' });
    await page.route(`${session.harness.url}/wide-portal`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body:
          '<!doctype html><html lang="vi"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Cổng</title></head>' +
          '<body><main><h1>Cổng</h1><table><tr><td style="min-width:600px">Bảng rộng</td></tr></table></main><script src="/widget/widget.js" async></script></body></html>',
      }),
    );
    await page.goto(`${session.harness.url}/wide-portal`);
    await launcher(page).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeGreaterThan(360);

    // Act (by keyboard: on such a page the launcher, fixed to the wider layout viewport, is off the visible screen)
    await launcher(page).focus();
    await page.keyboard.press('Enter');
    await panel(page).waitFor();
    await page.evaluate(`Promise.all(document.getElementById('troly1022-widget').shadowRoot.getAnimations().map((a) => a.finished)).then(() => true)`);

    // Assert: the panel and its header's buttons are on the screen.
    const fits = (await page.evaluate(`(() => {
      const root = document.getElementById('troly1022-widget').shadowRoot;
      const boxes = ['.tl-panel', '.tl-close', '.tl-send'].map((s) => root.querySelector(s).getBoundingClientRect());
      return boxes.every((b) => b.left >= 0 && b.right <= 360 && b.width > 0);
    })()`)) as boolean;
    expect(fits).toBe(true);
  });

  it('When the keyboard walks through the whole portal, then the launcher never covers the control that has focus', async () => {
    // Arrange
    const page = await openPortal(PHONE);
    const covered: string[] = [];
    let steps = 0;

    // Act: Tab from the top of the page to the launcher, measuring each focused control against it.
    for (; steps < 80 && !(await focusInWidget(page)); steps++) {
      await page.keyboard.press('Tab');
      const overlap = (await page.evaluate(`(() => {
        const el = document.activeElement;
        if (!el || el === document.body || el.id === 'troly1022-widget') return null;
        const a = el.getBoundingClientRect();
        const b = document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-launcher').getBoundingClientRect();
        const hit = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return hit ? (el.id || el.textContent.trim().slice(0, 40)) + ' at ' + Math.round(a.top) + '–' + Math.round(a.bottom) + ', launcher ' + Math.round(b.top) + '–' + Math.round(b.bottom) : null;
      })()`)) as string | null;
      if (overlap) covered.push(overlap);
    }

    // Assert: the walk reached the launcher, past every control of the page, none of them under it.
    expect(await focused(page)).toMatch(/^button:.*Hỏi Trợ lý 1022/);
    expect(steps).toBeGreaterThan(12);
    expect(covered).toEqual([]);
  });

  it('When a control at the bottom of the screen takes focus and the page cannot scroll further, then the launcher moves above it', async () => {
    // Arrange: a page whose last control sits at the very bottom of the screen, with no room to scroll.
    const page = await session.open({ ...PHONE, locale: 'vi-VN' });
    await page.route(`${session.harness.url}/short-portal`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body:
          '<!doctype html><html lang="vi"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Cổng</title></head>' +
          '<body style="margin:0"><main><h1>Cổng</h1><button id="last" style="position:fixed;left:0;right:0;bottom:0;height:60px">Gửi phản ánh</button></main>' +
          '<script src="/widget/widget.js" async></script></body></html>',
      }),
    );
    await page.goto(`${session.harness.url}/short-portal`);
    await launcher(page).waitFor();

    // Act
    await page.locator('#last').focus();

    // Assert
    const boxes = (await page.evaluate(`(() => {
      const a = document.getElementById('last').getBoundingClientRect();
      const b = document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-launcher').getBoundingClientRect();
      return { controlTop: a.top, launcherBottom: b.bottom };
    })()`)) as { controlTop: number; launcherBottom: number };
    expect(boxes.launcherBottom).toBeLessThanOrEqual(boxes.controlTop);

    // Focus moves on: the launcher goes back to its corner.
    await page.evaluate(`(() => { const h = document.querySelector('h1'); h.tabIndex = -1; h.focus(); })()`);
    expect(await page.evaluate(`document.activeElement.tagName`)).toBe('H1');
    const home = (await page.evaluate(`document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-launcher').getBoundingClientRect().bottom`)) as number;
    expect(home).toBeGreaterThan(boxes.controlTop);
  });
});

describe("the widget's weight", () => {
  it('When the portal loads, then the launcher shows after one compressed widget request, styled, under the page CSP', async () => {
    // Arrange
    const page = await session.open({ ...DESKTOP, locale: 'vi-VN' });
    const widgetRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/widget/')) widgetRequests.push(new URL(r.url()).pathname);
    });
    const script = page.waitForResponse((r) => new URL(r.url()).pathname === '/widget/widget.js');

    // Act
    const document = await page.goto(`${session.harness.url}/`);
    await launcher(page).waitFor();

    // Assert: one request for the widget, compressed (as the page), and the launcher styled by the
    // constructed stylesheet (its fixed position and colour come from widget.css).
    expect(widgetRequests).toEqual(['/widget/widget.js']);
    expect((await (await script).allHeaders())['content-encoding']).toMatch(/^(br|gzip)$/);
    expect((await document!.allHeaders())['content-encoding']).toMatch(/^(br|gzip)$/);
    const style = (await page.evaluate(`(() => {
      const s = getComputedStyle(document.getElementById('troly1022-widget').shadowRoot.querySelector('.tl-launcher'));
      return { position: s.position, background: s.backgroundColor };
    })()`)) as Record<string, string>;
    expect(style).toEqual({ position: 'fixed', background: 'rgb(179, 20, 28)' });
  });
});
