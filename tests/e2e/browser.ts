import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startHarness, type Harness } from './harness.js';

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

/**
 * Waits until `expression` is true in the page. Not page.waitForFunction: when its first check fails it
 * polls with an eval inside the page, which our pages' Content-Security-Policy (script-src 'self')
 * refuses; page.evaluate goes through the debugger protocol, which the policy does not govern.
 */
export async function waitInPage(page: Page, expression: string, timeout = 30_000): Promise<void> {
  await expect.poll(() => page.evaluate(expression), { timeout, interval: 100 }).toBe(true);
}

/** The visitor id inside the widget's session token, once the widget has one. */
export async function visitorIdOf(page: Page): Promise<string> {
  await waitInPage(page, `Object.keys(localStorage).some((k) => k.startsWith('troly1022:') && !!JSON.parse(localStorage.getItem(k)).token)`);
  return (await page.evaluate(`(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('troly1022:'));
    const token = JSON.parse(localStorage.getItem(key)).token;
    return JSON.parse(atob(token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'))).v;
  })()`)) as string;
}

/** A test file's browser session (useBrowserSession). */
export interface BrowserSession {
  /** The whole system the pages talk to. */
  readonly harness: Harness;
  /**
   * A page, watched for problems: in a fresh browser context with `options`, or without options in the
   * current test's context (a second tab, same storage). `expected`: console errors the test causes.
   */
  open(options?: BrowserContextOptions, expected?: RegExp): Promise<Page>;
  /** Forgives the problems matching `pattern` (requests the test made fail on purpose). */
  forgive(pattern: RegExp): void;
}

/**
 * The system (`startHarness(env)`) and Chromium, started once for a test file; one browser context per
 * test, closed after it, and the test fails on any script error or CSP violation its pages logged.
 * Registers its own vitest hooks; read `harness` inside tests, not at import.
 */
export function useBrowserSession(env: Record<string, string> = {}): BrowserSession {
  let harness: Harness;
  let browser: Browser;
  let context: BrowserContext | undefined;
  // One array for the whole file, emptied in place: watchPage keeps a reference to it.
  const problems: string[] = [];

  beforeAll(async () => {
    harness = await startHarness(env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    // No script errors and no Content-Security-Policy violations on the page.
    expect(problems).toEqual([]);
  });

  return {
    get harness() {
      return harness;
    },
    async open(options, expected) {
      if (options || !context) {
        await context?.close();
        context = await browser.newContext(options);
        problems.length = 0;
      }
      return watchPage(await context.newPage(), problems, expected);
    },
    forgive(pattern) {
      const kept = problems.filter((p) => !pattern.test(p));
      problems.splice(0, problems.length, ...kept);
    },
  };
}
