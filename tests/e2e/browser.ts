import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Real headless Chromium for the e2e tests: Debian's /usr/bin/chromium (`bash scripts/ensure-chromium.sh`
 * installs it), driven by playwright-core.
 */

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Collects the page's script errors and console errors (CSP violations are console errors) into
 * `problems`, which the tests expect to stay empty. `expected` lets through console errors a test
 * causes on purpose (e.g. the browser logging a refused 4xx request).
 */
export function watchPage(page: Page, problems: string[], expected?: RegExp): Page {
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !(expected && expected.test(msg.text()))) problems.push(`console: ${msg.text()} ${msg.location().url}`);
  });
  return page;
}

/**
 * The element focused inside the widget's shadow root (or the page's, outside it), described.
 * Browser-side code is passed as strings: the project compiles without the DOM library.
 */
export const focused = async (page: Page): Promise<string> =>
  (await page.evaluate(`(() => {
    const host = document.getElementById('troly1022-widget');
    const el = (host && host.shadowRoot && host.shadowRoot.activeElement) || document.activeElement;
    if (!el) return '';
    const name = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 60);
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ':' + name;
  })()`)) as string;

/** The widget's launcher on a page that embeds it. */
export const widgetLauncher = (page: Page) => page.getByRole('button', { name: /^Hỏi Trợ lý 1022/ });

/** The visitor id inside the widget's session token, once the widget has one. */
export async function visitorIdOf(page: Page): Promise<string> {
  await page.waitForFunction(`Object.keys(localStorage).some((k) => k.startsWith('troly1022:') && JSON.parse(localStorage.getItem(k)).token)`);
  return (await page.evaluate(`(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('troly1022:'));
    const token = JSON.parse(localStorage.getItem(key)).token;
    return JSON.parse(atob(token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'))).v;
  })()`)) as string;
}
