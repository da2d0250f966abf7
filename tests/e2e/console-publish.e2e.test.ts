import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { launchChromium, watchPage } from './browser.js';
import { vi } from '../../src/domain/copy/vi.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, startTestSystem } from '../integration/test-system.js';

/**
 * Publishing from the console (issue 9, item 8) in real headless Chromium: the coordinator opens an
 * answered ticket whose asker agreed to publication, sees the redacted draft (the citizen's name and
 * phone already gone), edits it, publishes it, finds it on /hoi-dap, and unpublishes it; staff see no
 * publish control; a ticket without consent says why it cannot be published.
 */

const C = vi.console;
const F = C.publishForm;
const R = vi.qa.redacted;
const PASSWORD = 'mat-khau-du-dai-1022';

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let consenting: Ticket;
let refusing: Ticket;

const fill = (text: string, vars: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'console-publish-e2e-'));
  system = await startTestSystem(dataDir, {}, { passwordParams: CHEAP_SCRYPT });
  const open = (visitor: string, question: string, publish: boolean, name?: string) =>
    system.tickets.openTicket({
      conversationId: conversationKey('webchat', 'portal', visitor),
      kind: 'question',
      question,
      consent: { forward: true, publish },
      ...(name !== undefined && { contact: { name } }),
      procedureId: 'dang-ky-khai-sinh',
    });
  consenting = await open('p1', 'Tôi tên là Phạm Thị Hoa, SĐT 0912 345 678. Khai sinh cho con ở xã khác được không?', true, 'Phạm Thị Hoa');
  refusing = await open('p2', 'Khai sinh quá hạn có bị phạt không?', false);
  const staffActor = { kind: 'coordinator' as const, id: 'seed' };
  await system.tickets.answer(consenting.id, staffActor, 'Chào chị Hoa, chị đăng ký tại UBND cấp xã nơi cư trú của cha hoặc mẹ.');
  await system.tickets.answer(refusing.id, staffActor, 'Có, theo Nghị định 82/2020/NĐ-CP.');
  await system.auth.createAccount({ username: 'dieuphoi.e2e', displayName: 'Điều phối 1022', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: 'canbo.e2e', displayName: 'Cán bộ', role: 'staff', agencyId: consenting.agencyId, password: PASSWORD });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await system?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function signIn(username: string, viewport = { width: 1100, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN' });
  contexts.push(ctx);
  const problems: string[] = [];
  const page = watchPage(await ctx.newPage(), problems, /status of 401/);
  await page.goto(`${system.url}/console`);
  await page.getByLabel(C.login.username).fill(username);
  await page.getByLabel(C.login.password).fill(PASSWORD);
  await page.getByRole('button', { name: C.login.submit }).click();
  await page.locator('#list-view').waitFor();
  return { page, problems };
}

async function openTicket(page: Page, ticket: Ticket): Promise<void> {
  await page.goto(`${system.url}/console#ticket/${encodeURIComponent(ticket.id)}`);
  await expect.poll(() => page.locator('#detail-title').textContent()).toBe(fill(C.detail.title, { code: ticket.code }));
  // The detail is filled before its publication is loaded, and shown only after that.
  await page.locator('#detail-view').waitFor();
}

describe('publishing from the console', () => {
  it('When the coordinator opens a consenting answered ticket, then the draft is redacted, editable, published to /hoi-dap and can be unpublished', async () => {
    const { page, problems } = await signIn('dieuphoi.e2e');
    await openTicket(page, consenting);
    const box = page.getByRole('region', { name: F.title });
    await box.waitFor();
    expect(await page.locator('#publish-status').textContent()).toBe(F.notPublished);
    expect(await page.getByLabel(F.question).inputValue()).toBe(`Tôi tên là ${R.name}, SĐT ${R.phone}. Khai sinh cho con ở xã khác được không?`);
    expect(await page.getByLabel(F.answer).inputValue()).toBe(`Chào chị ${R.name}, chị đăng ký tại UBND cấp xã nơi cư trú của cha hoặc mẹ.`);
    expect(await page.getByLabel(F.field).inputValue()).toBe('Hộ tịch');
    expect(await page.locator('#publish-removed').textContent()).toBe(fill(F.removed, { count: '3' }));
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel(F.question).fill('Khai sinh cho con ở xã khác nơi cư trú được không?');
    await page.getByRole('button', { name: F.submit, exact: true }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toBe(F.publishedDone);
    expect(await page.locator('#publish-status').textContent()).toMatch(/^Đang công khai từ .*\d{2}\/\d{2}\/\d{4}/);
    expect(await page.getByRole('button', { name: F.update }).count()).toBe(1);

    const qa = await (await fetch(`${system.url}/hoi-dap`)).text();
    expect(qa).toContain('Khai sinh cho con ở xã khác nơi cư trú được không?');
    expect(qa).not.toContain('Hoa');

    await page.getByRole('button', { name: F.unpublish }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toBe(F.unpublishedDone);
    expect(await page.locator('#publish-status').textContent()).toBe(F.notPublished);
    expect(await (await fetch(`${system.url}/hoi-dap`)).text()).toContain(vi.qa.empty);
    expect(problems).toEqual([]);
  });

  it('When the asker did not consent, then the coordinator is told why and gets no form; staff get no publish control at all', async () => {
    const coordinator = await signIn('dieuphoi.e2e');
    await openTicket(coordinator.page, refusing);
    await coordinator.page.locator('#publish-box').waitFor();
    expect(await coordinator.page.locator('#publish-status').textContent()).toBe(F.noConsent);
    expect(await coordinator.page.locator('#publish-form').isHidden()).toBe(true);

    const staff = await signIn('canbo.e2e');
    await openTicket(staff.page, consenting);
    expect(await staff.page.locator('#publish-box').isHidden()).toBe(true);
    expect(staff.problems).toEqual([]);
  });
});
