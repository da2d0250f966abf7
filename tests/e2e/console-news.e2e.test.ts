import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { vi } from '../../src/domain/copy/vi.js';
import type { NewsTopic } from '../../src/domain/news.js';
import type { RunningSystem } from '../../src/system/index.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { openWebchatConversation } from '../integration/console-client.js';
import { CHEAP_SCRYPT, startTestSystem } from '../integration/test-system.js';
import { axeViolations } from './axe.js';
import { launchChromium, watchPage } from './browser.js';

/**
 * The console's news pages (issue 12 item 7) in real headless Chromium, against the whole system in
 * embedded mode (startTestSystem, as the other console e2e files) with a fake Zalo OA that answers the
 * Article endpoints, and Zalo broadcasts configured (NEWS_ZALO_BROADCAST_CITIES, NEWS_ZALO_COVER_URL):
 * a coordinator writes an item (the per-channel preview follows the typing, lengths against limits, an
 * API validation error lands beside its field), publishes it, finds it in the list, opens its delivery
 * report and CSV, broadcasts it as a Zalo Article after a confirmation (state and steps followed to
 * `done`); schedules another (Vietnam time in the form, UTC to the API; a time the API refuses as past
 * said beside the field) and cancels it; an item's page loads by its id; staff read without any write
 * control; axe finds nothing on the views. The wording is copy.console.news of the copy module (every
 * key the page names is checked by tests/unit/console-copy.test.ts).
 *
 * Nothing is timed: each step waits for a condition (expect.poll, waitFor). Quiet hours are off, so the
 * fan-out to the subscribed witness conversation happens at any hour.
 */

const C = vi.console;
/** The news views' copy. */
const N = C.news;
const PASSWORD = 'mat-khau-bien-tap-tin-1022';
const COORDINATOR = 'dieuphoi.tin';
const STAFF = 'canbo.tin';
const TOPIC = 'Thiên tai – Thời tiết';
const COVER = 'https://1022.example.gov.vn/anh/bia-tin.png';
const WAIT = { timeout: 45_000, interval: 150 };
/** Requests the tests make fail on purpose (the signed-out /auth/me, API validation, an unknown item, the simulated 409). */
const EXPECTED_ERRORS = /status of (400|401|404|409)/;

let system: RunningSystem;
let zalo: FakeZalo;
let dataDir: string;
let browser: Browser;
let topics: NewsTopic[];
let context: BrowserContext | undefined;
const problems: string[] = [];

/** The copy's text at `path` (below `news`), `{name}` placeholders filled. */
function n(path: string, vars: Record<string, string | number> = {}): string {
  const value = path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined), N);
  if (typeof value !== 'string') throw new Error(`no news copy at ${path}`);
  return value.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'console-news-e2e-'));
  zalo = await new FakeZalo({ articleProcessingPolls: 1 }).start();
  system = await startTestSystem(
    dataDir,
    { ...zalo.env(), NEWS_ZALO_BROADCAST_CITIES: '58', NEWS_ZALO_COVER_URL: COVER, NEWS_QUIET_HOURS: 'off', NEWS_DAILY_CAP: '20' },
    { passwordParams: CHEAP_SCRYPT },
  );
  await system.auth.createAccount({ username: COORDINATOR, displayName: 'Điều phối tin tức', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: STAFF, displayName: 'Cán bộ Sở Tư pháp', role: 'staff', agencyId: 'so-tu-phap', password: PASSWORD });
  topics = system.news.subscriptions.topics();
  // A widget conversation subscribed to the topic: the item's fan-out has someone to reach.
  const witness = await openWebchatConversation(system.store, 'nhan-chung-tin-console');
  await system.news.subscriptions.subscribe(witness, topicId(TOPIC));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await system?.stop();
  await zalo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  // No script errors and no Content-Security-Policy violations.
  expect(problems).toEqual([]);
});

function topicId(name: string): string {
  const topic = topics.find((t) => t.name === name);
  if (!topic) throw new Error(`no news topic "${name}"`);
  return topic.id;
}

const focusedId = (page: Page) => page.evaluate('document.activeElement ? document.activeElement.id : ""') as Promise<string>;
const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();

/** Signs in on /console in a fresh browser context. */
async function signIn(username: string): Promise<Page> {
  await context?.close();
  problems.length = 0;
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Europe/Paris' });
  const page = watchPage(await context.newPage(), problems, EXPECTED_ERRORS);
  await page.goto(`${system.url}/console`);
  await page.getByLabel(C.login.username).fill(username);
  await page.getByLabel(C.login.password).fill(PASSWORD);
  await page.getByRole('button', { name: C.login.submit }).click();
  await page.locator('#list-view').waitFor();
  return page;
}

/** Opens the news view from the navigation (coordinators) and waits for focus on its heading. */
async function openNews(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: n('nav'), exact: true }).click();
  await page.locator('#news-view').waitFor();
  await expect.poll(() => focusedId(page), WAIT).toBe('news-title');
}

/** The Vietnam wall-clock time `days` from now at 09:30, as a datetime-local value and as the API's UTC. */
function vietnamMorning(days: number): { local: string; iso: string } {
  const vnNow = new Date(Date.now() + 7 * 3600_000);
  const day = new Date(Date.UTC(vnNow.getUTCFullYear(), vnNow.getUTCMonth(), vnNow.getUTCDate() + days, 9, 30));
  return { local: day.toISOString().slice(0, 16), iso: new Date(day.getTime() - 7 * 3600_000).toISOString() };
}

describe('console news pages', () => {
  it('reads its wording from copy.console.news like the rest of the console: no staged copy is left', async () => {
    const pages = new URL('../../src/http/console-pages/', import.meta.url);
    const js = await readFile(new URL('console.js', pages), 'utf8');
    const html = await readFile(new URL('index.html', pages), 'utf8');
    expect(js).not.toMatch(/\bn(t|pick)\(|loadNewsCopy|news-copy/);
    expect(html).not.toMatch(/data-news-copy|news-copy/);
    expect(existsSync(new URL('news-copy.json', pages))).toBe(false);
    // The news views' keys are data-copy keys (checked against copy.console with the others).
    expect([...html.matchAll(/\sdata-copy="news\.[\w.]+"/g)].length).toBeGreaterThan(50);
    const served = await fetch(`${system.url}/console/copy.json`);
    expect(((await served.json()) as { copy: { news: unknown } }).copy.news).toEqual(N);
    expect((await fetch(`${system.url}/console/assets/news-copy.json`)).status).toBe(404);
  });

  let published = '';

  it('a coordinator writes an item with a live preview, publishes it, finds it, reads its report and broadcasts it once', { timeout: 180_000 }, async () => {
    const page = await signIn(COORDINATOR);
    await openNews(page);
    await expect.poll(() => page.locator('#nav-news').getAttribute('aria-current')).toBe('page');
    await expect.poll(() => text(page, '#news-preview-status')).toBe(n('preview.waiting'));

    // The preview follows the typing: title and topic are enough, the summary lengthens the chat text.
    published = `Cảnh báo mưa lớn ${Date.now()}`;
    await page.getByLabel(n('form.titleLabel'), { exact: true }).fill(published);
    await page.getByRole('group', { name: n('form.topicsLegend') }).getByRole('checkbox', { name: TOPIC }).check();
    await page.locator('#news-preview-body').waitFor();
    await expect.poll(() => text(page, '#pv-zalo-text'), WAIT).toContain(published);
    const first = await text(page, '#pv-zalo-len');
    expect(first).toMatch(/^\d+\/2000 /);
    await page.getByLabel(n('form.summaryLabel'), { exact: true }).fill('Từ đêm nay đến sáng mai, các xã ven biển có mưa to, đề phòng ngập úng và sạt lở.');
    await expect.poll(() => text(page, '#pv-zalo-len'), WAIT).not.toBe(first);
    await expect.poll(() => text(page, '#pv-zalo-text'), WAIT).toContain('đề phòng ngập úng');
    expect(await text(page, '#pv-messenger-len')).toMatch(/^\d+\/2000 /);
    expect(await text(page, '#pv-webpush-title-text')).toBe(published);
    expect(await text(page, '#pv-article-title-len')).toBe(n('preview.length', { length: [...published].length, limit: 150 }));

    // Over Zalo's article title limit: the length turns into a warning.
    const long = `${published} ${'rất dài '.repeat(20)}`.trim();
    await page.getByLabel(n('form.titleLabel'), { exact: true }).fill(long);
    await expect.poll(() => page.locator('#pv-article-title-len').getAttribute('class'), WAIT).toContain('over');
    expect(await text(page, '#pv-article-title-len')).toContain(n('preview.overCut', { over: [...long].length - 150 }));
    await page.getByLabel(n('form.titleLabel'), { exact: true }).fill(published);
    await expect.poll(() => page.locator('#pv-article-title-len').getAttribute('class'), WAIT).not.toContain('over');

    // Critical urgency, and the Khmer and English versions (collapsed until opened; fields carry their language).
    await page.getByRole('radio', { name: n('form.critical') }).check();
    await page.locator('#news-versions summary').click();
    const km = page.locator('#news-f-km-title');
    expect(await km.getAttribute('lang')).toBe('km');
    expect(await page.locator('#news-f-en-title').getAttribute('lang')).toBe('en');
    await km.fill('ការព្រមានភ្លៀងធ្លាក់ខ្លាំង');
    await page.locator('#news-f-en-title').fill('Heavy rain warning');
    await expect.poll(() => text(page, '#pv-versions'), WAIT).toBe(n('preview.versions', { km: n('preview.kmYes'), en: n('preview.enYes') }));

    // The API's validation error shows beside its field, the keyboard on that field.
    await page.getByLabel(n('form.linkLabel')).fill('ftp://1022.example.gov.vn/tin');
    await page.getByRole('button', { name: n('form.publishNow'), exact: true }).click();
    await expect.poll(() => text(page, '#news-err-link'), WAIT).toBe(n('form.errors.link'));
    expect(await page.locator('#news-f-link').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => focusedId(page)).toBe('news-f-link');
    expect(await text(page, '#notice')).toBe(n('form.invalid'));
    expect(await page.locator('#news-list').getByText(published).count()).toBe(0);

    // Fixed, published now: said in the live region, shown, listed under "Đã đăng".
    await page.getByLabel(n('form.linkLabel')).fill('https://1022.example.gov.vn/tin/mua-lon');
    await page.getByRole('button', { name: n('form.publishNow'), exact: true }).click();
    const done = n('form.published', { title: published });
    await expect.poll(() => text(page, '#news-done'), WAIT).toBe(done);
    await expect.poll(() => text(page, '#live'), WAIT).toBe(done);
    expect(await page.locator('#news-err-link').isHidden()).toBe(true);
    expect(await page.getByLabel(n('form.titleLabel'), { exact: true }).inputValue()).toBe('');
    expect(await page.getByRole('tab', { name: n('list.published') }).getAttribute('aria-selected')).toBe('true');
    const row = page.locator('#news-list a', { hasText: published });
    await row.waitFor();
    expect(await row.textContent()).toContain(n('list.source', { source: n('list.sourceEditor') }));
    expect(await row.textContent()).toContain(n('list.topics', { topics: TOPIC }));
    expect(await row.textContent()).toContain(n('list.critical'));

    // The item: its facts, its report (the witness subscriber reached), the CSV.
    await row.click();
    await page.locator('#news-item-view').waitFor();
    await expect.poll(() => focusedId(page), WAIT).toBe('news-item-title');
    expect(await text(page, '#news-item-title')).toBe(published);
    expect(await text(page, '#ni-urgency')).toBe(n('item.urgencies.critical'));
    expect(await text(page, '#ni-versions')).toContain('Heavy rain warning');
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: n('report.refresh') }).click();
        return text(page, '#nr-total');
      }, { timeout: 45_000, interval: 500 })
      .toBe(n('report.total', { count: 1 }));
    const byStatus = page.getByRole('table', { name: n('report.byStatusCaption') });
    expect(await byStatus.getByRole('row').count()).toBe(6);
    await page.getByRole('table', { name: n('report.byChannelCaption') }).waitFor();
    const csvHref = await page.getByRole('link', { name: n('report.csv') }).getAttribute('href');
    const csv = await page.request.get(`${system.url}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);

    // Broadcast: a confirmation first (Escape keeps nothing sent, focus back on the button).
    const open = page.getByRole('button', { name: n('broadcast.button') });
    await expect.poll(() => text(page, '#nb-state'), WAIT).toBe(n('broadcast.none'));
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: n('broadcast.dialogTitle') });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(n('broadcast.dialogText', { title: published }));
    expect(await dialog.textContent()).toContain(n('broadcast.dialogOnce'));
    await expect.poll(() => focusedId(page)).toBe('nbd-cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedId(page)).toBe('news-broadcast-open');
    expect(zalo.broadcasts).toHaveLength(0);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: n('broadcast.confirm') }).click();
    // Polled while under way, until done; the steps listed, the state said, the button gone.
    await expect.poll(() => text(page, '#nb-state'), WAIT).toBe(n('broadcast.state', { state: n('broadcast.states.done') }));
    await expect.poll(() => text(page, '#live'), WAIT).toBe(n('broadcast.changed', { state: n('broadcast.states.done') }));
    expect(await page.locator('#nb-steps li').count()).toBeGreaterThanOrEqual(3);
    expect(await text(page, '#nb-steps')).toContain(n('broadcast.stepNames.broadcast'));
    expect(await text(page, '#nb-requested')).toContain(COORDINATOR);
    expect(await open.isHidden()).toBe(true);
    expect(zalo.broadcasts).toHaveLength(1);
  });

  it('keyboard only: a coordinator writes and publishes with Tab, Space and Enter, then opens the item', { timeout: 90_000 }, async () => {
    const page = await signIn(COORDINATOR);
    await openNews(page);
    const title = `Thủ tục cấp đổi căn cước ${Date.now()}`;
    /** Presses Tab (Shift+Tab with `back`) until the element with `id` has focus. */
    const tabTo = async (id: string, back = false) => {
      for (let i = 0; i < 60 && (await focusedId(page)) !== id; i++) await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      expect(await focusedId(page)).toBe(id);
    };
    await tabTo('news-f-title');
    await page.keyboard.type(title);
    // Enter in a one-line field does not publish: only the buttons do.
    await page.keyboard.press('Enter');
    await tabTo(`news-topic-${topicId('Thủ tục mới')}`);
    await page.keyboard.press('Space');
    expect(await page.locator(`#news-topic-${topicId('Thủ tục mới')}`).isChecked()).toBe(true);
    expect(await page.locator('#news-list a', { hasText: title }).count()).toBe(0);
    await tabTo('news-publish-now');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, '#live'), WAIT).toBe(n('form.published', { title }));
    const link = page.locator('#news-list a', { hasText: title });
    await link.waitFor();
    await tabTo('news-tab-published');
    const itemId = await link.getAttribute('data-id');
    const focusedItem = () => page.evaluate('document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.id || "" : ""') as Promise<string>;
    for (let i = 0; i < 60 && (await focusedItem()) !== itemId; i++) await page.keyboard.press('Tab');
    expect(await focusedItem()).toBe(itemId);
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedId(page), WAIT).toBe('news-item-title');
    expect(await text(page, '#news-item-title')).toBe(title);
  });

  it('a refused broadcast (Zalo not configured) is said beside the button', { timeout: 90_000 }, async () => {
    // This system has broadcasts configured; an unconfigured one answers 409 NEWS.BROADCAST_UNCONFIGURED,
    // simulated here at the browser's network layer for a second published item.
    const page = await signIn(COORDINATOR);
    await openNews(page);
    const title = `Tuyển dụng viên chức ${Date.now()}`;
    await page.getByLabel(n('form.titleLabel'), { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Tuyển dụng' }).check();
    await page.getByRole('button', { name: n('form.publishNow'), exact: true }).click();
    await page.locator('#news-list a', { hasText: title }).click();
    await expect.poll(() => focusedId(page), WAIT).toBe('news-item-title');
    await page.route('**/api/v1/news/items/*/broadcast', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'NEWS.BROADCAST_UNCONFIGURED', message: 'Zalo broadcasts are not set up on this system.' } }) })
        : route.continue(),
    );
    await page.getByRole('button', { name: n('broadcast.button') }).click();
    await page.getByRole('dialog').getByRole('button', { name: n('broadcast.confirm') }).click();
    await expect.poll(() => text(page, '#nb-refused'), WAIT).toBe(N.errors['NEWS.BROADCAST_UNCONFIGURED']);
    expect(await page.locator('#nb-refused').getAttribute('role')).toBe('alert');
    await expect.poll(() => text(page, '#nb-state'), WAIT).toBe(n('broadcast.none'));
    expect(zalo.broadcasts).toHaveLength(1);
  });

  it('a coordinator schedules an item in Vietnam time and cancels it', { timeout: 120_000 }, async () => {
    const page = await signIn(COORDINATOR);
    await openNews(page);
    const title = `Lịch tiêm chủng mở rộng ${Date.now()}`;
    await page.getByLabel(n('form.titleLabel'), { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Y tế' }).check();

    // "Hẹn giờ đăng" without a time: the form says so beside the field.
    const schedule = page.getByRole('button', { name: n('form.schedule'), exact: true });
    await schedule.click();
    await expect.poll(() => text(page, '#news-err-publishAt')).toBe(n('form.errors.publishAtMissing'));
    await expect.poll(() => focusedId(page)).toBe('news-f-publish-at');

    const when = vietnamMorning(2);
    await page.getByLabel(n('form.publishAtLabel')).fill(when.local);

    // A time the API refuses as past (a browser clock behind the server's: simulated by sending the time
    // as 10 minutes ago): its 400 NEWS.INPUT_INVALID, field publishAt, is said beside the time field.
    const ITEMS = '**/api/v1/news/items';
    await page.route(ITEMS, (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      const body = { ...(request.postDataJSON() as Record<string, unknown>), publishAt: new Date(Date.now() - 10 * 60_000).toISOString() };
      return route.continue({ postData: JSON.stringify(body) });
    });
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/news/items');
    await schedule.click();
    const refusal = await refused;
    expect(refusal.status()).toBe(400);
    expect(await refusal.json()).toMatchObject({ code: 'NEWS.INPUT_INVALID', field: 'publishAt' });
    await expect.poll(() => text(page, '#news-err-publishAt'), WAIT).toBe(n('form.errors.publishAtPast'));
    expect(await page.locator('#news-f-publish-at').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => focusedId(page)).toBe('news-f-publish-at');
    expect(await text(page, '#notice')).toBe(n('form.invalid'));
    await page.unroute(ITEMS);

    await schedule.click();
    await expect.poll(() => page.locator('#news-err-publishAt').isHidden(), WAIT).toBe(true);
    await expect.poll(() => text(page, '#news-done'), WAIT).toContain(title);
    const scheduledTab = page.getByRole('tab', { name: n('list.scheduled') });
    await expect.poll(() => scheduledTab.getAttribute('aria-selected')).toBe('true');
    const row = page.locator('#news-list a', { hasText: title });
    await row.waitFor();
    // Shown in Vietnam time (the browser is in Paris), sent to the API as UTC.
    expect(await row.textContent()).toContain('09:30');
    const scheduledText = await text(page, '#news-done');
    expect(scheduledText).toBe(n('form.scheduled', { title, date: `09:30 ${when.local.slice(8, 10)}/${when.local.slice(5, 7)}/${when.local.slice(0, 4)}` }));
    await expect.poll(() => text(page, '#live'), WAIT).toBe(scheduledText);
    const listed = (await (await page.request.get(`${system.url}/api/v1/news/items?status=scheduled`)).json()) as { items: { title: string; publishedAt: string; status: string }[] };
    const item = listed.items.find((i) => i.title === title)!;
    expect(item.status).toBe('scheduled');
    expect(new Date(item.publishedAt).toISOString()).toBe(when.iso);

    // The tabs work from the keyboard (arrows move and select).
    await scheduledTab.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByRole('tab', { name: n('list.published') }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => focusedId(page)).toBe('news-tab-published');
    await expect.poll(() => text(page, '#live'), WAIT).toMatch(new RegExp(`^${n('list.published')}: \\d+`));
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focusedId(page)).toBe('news-tab-scheduled');
    await row.waitFor();
    // A reload of an unchanged list keeps its rows: a click pressed while it lands still opens the item.
    const shown = await row.elementHandle();
    const reloaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/news/items' && new URL(r.url()).searchParams.get('status') === 'scheduled');
    await scheduledTab.click();
    await reloaded;
    await expect.poll(() => text(page, '#live'), WAIT).toMatch(new RegExp(`^${n('list.scheduled')}: \\d+`));
    expect(await shown!.evaluate((a) => a.isConnected)).toBe(true);

    // Its page: no report yet, no broadcast before publication; "Hủy hẹn giờ" removes it.
    await row.click();
    await expect.poll(() => focusedId(page), WAIT).toBe('news-item-title');
    expect(await page.locator('#news-report').isHidden()).toBe(true);
    // The broadcast panel is filled by its own request: waited for, as a busy machine answers it late.
    await expect.poll(() => text(page, '#nb-state'), WAIT).toBe(n('broadcast.scheduledNote'));
    expect(await page.getByRole('button', { name: n('broadcast.button') }).count()).toBe(0);
    await page.getByRole('button', { name: n('item.cancelLabel', { title }) }).click();
    await page.locator('#news-view').waitFor();
    const cancelled = n('item.cancelled', { title });
    await expect.poll(() => text(page, '#news-done'), WAIT).toBe(cancelled);
    await expect.poll(() => text(page, '#live'), WAIT).toBe(cancelled);
    await expect.poll(() => focusedId(page)).toBe('news-title');
    await expect.poll(() => page.locator('#news-list a', { hasText: title }).count(), WAIT).toBe(0);
    const after = (await (await page.request.get(`${system.url}/api/v1/news/items?status=scheduled`)).json()) as { items: { title: string }[] };
    expect(after.items.some((i) => i.title === title)).toBe(false);
  });

  it("an item's page loads the item by its id (GET /news/items/{id}); an unknown id says so", { timeout: 90_000 }, async () => {
    const page = await signIn(STAFF);
    const listed = (await (await page.request.get(`${system.url}/api/v1/news/items?status=published`)).json()) as { items: { id: string; title: string }[] };
    const item = listed.items.find((i) => i.title === published)!;
    const newsRequests: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/v1/news/items')) newsRequests.push(url.pathname + url.search);
    });
    // Straight to the item (a link followed from elsewhere): no list has been loaded on this page.
    await page.evaluate(`location.hash = '#news/${item.id}'`);
    await expect.poll(() => focusedId(page), WAIT).toBe('news-item-title');
    expect(await text(page, '#news-item-title')).toBe(published);
    expect(await text(page, '#ni-status')).toBe(n('item.statuses.published'));
    await expect.poll(() => text(page, '#nr-total'), WAIT).toBe(n('report.total', { count: 1 }));
    expect(newsRequests).toContain(`/api/v1/news/items/${item.id}`);
    expect(newsRequests.filter((r) => r.includes('?status='))).toEqual([]);

    // An id with no item (404 NEWS.NOT_FOUND): the heading says so, no report or broadcast, no error notice.
    await page.evaluate(`location.hash = '#news/00000000-0000-4000-8000-000000000000'`);
    await expect.poll(() => text(page, '#news-item-title'), WAIT).toBe(n('item.notFound'));
    await expect.poll(() => focusedId(page), WAIT).toBe('news-item-title');
    expect(await page.locator('#news-item-facts').isHidden()).toBe(true);
    expect(await page.locator('#news-report').isHidden()).toBe(true);
    expect(await page.locator('#news-broadcast').isHidden()).toBe(true);
    expect(await page.locator('#notice').isHidden()).toBe(true);
  });

  it('staff read the news and reports, with no write form, cancel or broadcast control', { timeout: 90_000 }, async () => {
    const page = await signIn(STAFF);
    expect(await page.locator('#nav').isHidden()).toBe(true);
    await page.getByRole('link', { name: n('staffLink') }).click();
    await page.locator('#news-view').waitFor();
    await expect.poll(() => focusedId(page), WAIT).toBe('news-title');
    expect(await page.locator('#news-compose').isHidden()).toBe(true);
    expect(await page.locator('form#news-form').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: n('form.publishNow') }).count()).toBe(0);
    expect(await text(page, '#news-readonly')).toBe(n('readOnly'));
    const row = page.locator('#news-list a', { hasText: published });
    await row.waitFor();
    await row.click();
    await expect.poll(() => focusedId(page), WAIT).toBe('news-item-title');
    await expect.poll(() => text(page, '#nr-total'), WAIT).toBe(n('report.total', { count: 1 }));
    await expect.poll(() => text(page, '#nb-state'), WAIT).toBe(n('broadcast.state', { state: n('broadcast.states.done') }));
    expect(await page.getByRole('button', { name: n('broadcast.button') }).count()).toBe(0);
    expect(await page.locator('#news-cancel').isHidden()).toBe(true);
    // Back to the list, and from there to the staff member's tickets.
    await page.getByRole('link', { name: n('item.back') }).click();
    await expect.poll(() => focusedId(page), WAIT).toBe('news-title');
    await page.getByRole('link', { name: n('backToTickets') }).click();
    await expect.poll(() => focusedId(page), WAIT).toBe('list-title');
  });

  it('axe finds no violations on the news views (form with preview and errors, item, dialog, staff)', { timeout: 120_000 }, async () => {
    const page = await signIn(COORDINATOR);
    await openNews(page);
    await page.getByLabel(n('form.titleLabel'), { exact: true }).fill('Thông báo lịch tiếp công dân');
    await page.getByRole('checkbox', { name: 'Thủ tục mới' }).check();
    await page.locator('#news-versions summary').click();
    await page.locator('#news-preview-body').waitFor();
    await expect.poll(() => text(page, '#news-preview-status'), WAIT).toBe(n('preview.ready'));
    await page.getByRole('button', { name: n('form.schedule'), exact: true }).click();
    await page.locator('#news-err-publishAt').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.locator('#news-list a', { hasText: published }).click();
    await expect.poll(() => text(page, '#nr-total'), WAIT).toBe(n('report.total', { count: 1 }));
    await page.locator('#nb-steps li').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const staff = await signIn(STAFF);
    await staff.getByRole('link', { name: n('staffLink') }).click();
    await staff.locator('#news-list a', { hasText: published }).waitFor();
    expect(await axeViolations(staff)).toEqual([]);
  });

  it('the confirmation dialog passes axe too', { timeout: 90_000 }, async () => {
    const page = await signIn(COORDINATOR);
    await openNews(page);
    const title = `Giáo dục ${Date.now()}`;
    await page.getByLabel(n('form.titleLabel'), { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Giáo dục' }).check();
    await page.getByRole('button', { name: n('form.publishNow'), exact: true }).click();
    await page.locator('#news-list a', { hasText: title }).click();
    await page.getByRole('button', { name: n('broadcast.button') }).click();
    await page.getByRole('dialog', { name: n('broadcast.dialogTitle') }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: n('broadcast.cancel') }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });
});
