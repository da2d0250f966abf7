import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AXE_TAGS, axeViolations } from './axe.js';
import { launchChromium, waitInPage, watchPage } from './browser.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { buildPublication } from '../../src/domain/publication.js';
import type { RunningSystem } from '../../src/system/index.js';
import { startTestSystem } from '../integration/test-system.js';

/**
 * The public Q&A page (/hoi-dap) in real headless Chromium against the whole system in embedded mode:
 * the portal's masthead and navigation, fields with counts, the GET search (accents ignored, no
 * JavaScript needed), dates in Vietnam time as dd/mm/yyyy, landmarks, headings and labels, the widget
 * embedded, and no horizontal overflow on a 360 px phone. Browser-side code is passed as strings.
 */

const QA = copy.qa;
let system: RunningSystem;
let dataDir: string;
let browser: Browser;
let context: BrowserContext | undefined;
let problems: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qa-page-e2e-'));
  system = await startTestSystem(dataDir);
  const agencyId = 'so-tu-phap';
  const entries = [
    // 18:30 UTC on 30/11 is already 01/12 in Vietnam.
    { ticketId: 'e2e-1', field: 'Hộ tịch', question: 'Đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn cần giấy tờ gì?', answer: 'Cần giấy chứng sinh và văn bản thừa nhận cha con.\n\nNộp tại UBND cấp xã.', at: '2026-11-30T18:30:00Z' },
    { ticketId: 'e2e-2', field: 'Hộ tịch', question: 'Trích lục khai tử bản sao lấy ở đâu?', answer: 'Tại UBND cấp xã nơi đã đăng ký khai tử.', at: '2026-11-20T03:00:00Z' },
    { ticketId: 'e2e-3', field: 'Cấp, quản lý căn cước', question: `Tôi là Trần Văn Bình, làm lại căn cước ${'rất '.repeat(30)}gấp thì nộp ở đâu? https://dichvucong.gov.vn/p/home/dvc-trang-chu.html?vi=thu-tuc-cap-lai-the-can-cuoc-cho-cong-dan-rat-dai`, answer: 'Tại Công an cấp xã hoặc trực tuyến qua VNeID.', at: '2026-10-02T10:00:00Z' },
  ];
  for (const e of entries) {
    await system.store.publications.upsert(
      buildPublication({ ticketId: e.ticketId, agencyId, field: e.field, question: e.question, answer: e.answer, publishedAt: new Date(e.at), approvedBy: 'coordinator-e2e' }, { placeholders: QA.redacted }),
    );
  }
  browser = await launchChromium();
}, 120_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function open(path: string, viewport = { width: 1280, height: 860 }, javaScript = true): Promise<Page> {
  context = await browser.newContext({ viewport, locale: 'vi-VN', javaScriptEnabled: javaScript, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  problems = [];
  const page = watchPage(await context.newPage(), problems);
  const response = await page.goto(`${system.url!}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

const overflow = (page: Page): Promise<{ scroll: number; client: number }> =>
  page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })') as Promise<{ scroll: number; client: number }>;

describe('/hoi-dap in Chromium', () => {
  it('When a citizen opens it, then it has the portal header, navigation, fields with counts, dated entries in Vietnam time, landmarks and the widget', async () => {
    const page = await open('/hoi-dap');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    expect(await page.locator('header.masthead').count()).toBe(1);
    const nav = page.getByRole('navigation', { name: QA.nav.label });
    expect(await nav.getByRole('link', { name: QA.nav.home }).getAttribute('href')).toBe('/');
    expect(await nav.getByRole('link', { name: QA.nav.qa }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: QA.nav.lookup }).getAttribute('data-troly1022-lookup')).toBe('');
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('contentinfo').count()).toBe(1);
    expect(await page.getByRole('search').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(QA.title);

    const topics = page.getByRole('navigation', { name: QA.topics.title });
    expect((await topics.getByRole('link').allTextContents()).map((t) => t.trim())).toEqual([
      `${QA.topics.all} (${QA.topics.count(3)})`,
      `Cấp, quản lý căn cước (${QA.topics.count(1)})`,
      `Hộ tịch (${QA.topics.count(2)})`,
    ]);
    expect(await page.getByRole('heading', { level: 2, name: 'Hộ tịch' }).count()).toBe(1);
    expect(await page.getByRole('heading', { level: 3 }).count()).toBe(3);

    // Fields in Vietnamese order, newest first inside a field; 30/11 18:30 UTC is 01/12 in Vietnam.
    expect(await page.locator('.qa-date time').allTextContents()).toEqual(['02/10/2026', '01/12/2026', '20/11/2026']);
    expect(await page.locator('.qa-date time').first().getAttribute('datetime')).toBe('2026-10-02');
    // The answer's paragraphs and the redacted name.
    expect(await page.locator('.qa-answer p').count()).toBeGreaterThanOrEqual(4);
    expect(await page.content()).not.toContain('Trần Văn Bình');
    expect(await page.content()).toContain(QA.redacted.name);

    // The widget is embedded like on the portal (axe looks inside its shadow root), and its buttons open it.
    await waitInPage(page, '!!document.getElementById("troly1022-widget")');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('main').getByRole('button', { name: QA.askButton }).click();
    await waitInPage(page, '(() => { const h = document.getElementById("troly1022-widget"); return !!(h && h.shadowRoot && h.shadowRoot.querySelector("textarea")); })()');
    // Once the panel's opening animation is over (axe measures colours).
    await page.evaluate(`Promise.all(document.getElementById('troly1022-widget').shadowRoot.getAnimations().map((a) => a.finished)).then(() => true)`);
    expect(await axeViolations(page, AXE_TAGS.filter((t) => t !== 'best-practice'))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('When the search form is used without JavaScript, then it searches on the server, accents ignored, and keeps the words', async () => {
    const page = await open('/hoi-dap', { width: 1280, height: 860 }, false);
    await page.getByLabel(QA.search.label).fill('ket hon');
    await Promise.all([page.waitForURL(/\?q=ket\+hon/), page.getByRole('button', { name: QA.search.submit, exact: true }).click()]);
    expect(await page.locator('.qa-entry').count()).toBe(1);
    expect(await page.locator('.qa-entry h3').textContent()).toContain('chưa đăng ký kết hôn');
    expect(await page.locator('.qa-summary').textContent()).toContain('Tìm thấy 1 câu hỏi cho "ket hon"');
    expect(await page.getByLabel(QA.search.label).inputValue()).toBe('ket hon');

    // A field's link keeps the search; "all" clears it.
    await page.getByRole('link', { name: /^Hộ tịch/ }).click();
    expect(new URL(page.url()).searchParams.get('field')).toBe('Hộ tịch');
    expect(new URL(page.url()).searchParams.get('q')).toBe('ket hon');
    await page.getByLabel(QA.search.label).fill('');
    await page.getByRole('button', { name: QA.search.submit, exact: true }).click();
    await page.waitForLoadState();
    expect(await page.locator('.qa-entry').count()).toBe(2);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(QA.titleField('Hộ tịch'));

    await page.goto(`${system.url!}/hoi-dap?q=${encodeURIComponent('xe buýt')}`);
    expect(await page.locator('.qa-entry').count()).toBe(0);
    expect(await page.locator('.qa-empty').textContent()).toBe(QA.noResults);
  });

  it('When opened on a 360 px phone, then nothing overflows sideways, text has margins and touch targets are large enough', async () => {
    const page = await open('/hoi-dap', { width: 360, height: 740 });
    await waitInPage(page, '!!document.getElementById("troly1022-widget")');
    const { scroll, client } = await overflow(page);
    expect(client).toBe(360);
    expect(scroll).toBeLessThanOrEqual(360);
    const margins = (await page.evaluate(`(() => {
      const r = document.querySelector('.qa-entry h3').getBoundingClientRect();
      return { left: r.left, right: window.innerWidth - r.right };
    })()`)) as { left: number; right: number };
    expect(margins.left).toBeGreaterThanOrEqual(12);
    expect(margins.right).toBeGreaterThanOrEqual(12);
    const small = (await page.evaluate(`[...document.querySelectorAll('.qa-topics a, .qa-search input, .qa-search button')]
      .map((el) => el.getBoundingClientRect()).filter((r) => r.height < 44).length`)) as number;
    expect(small).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    const search = await open(`/hoi-dap?q=${encodeURIComponent('căn cước')}`, { width: 360, height: 740 });
    expect(await search.locator('.qa-entry').count()).toBe(1);
    expect((await overflow(search)).scroll).toBeLessThanOrEqual(360);
    expect(await axeViolations(search)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
