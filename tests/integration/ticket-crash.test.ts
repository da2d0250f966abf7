import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { vi } from '../../src/domain/copy/vi.js';
import { createLogger } from '../../src/logging/logger.js';
import { systemClock } from '../../src/ports/clock.js';
import { selectStore } from '../../src/system/store.js';
import { buildConsoleAuth } from '../../src/system/index.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { consoleCall, consoleLogin, type ConsoleSignIn } from './console-client.js';
import { childEnvironment, deleteRedisKeys, redisBaseUrl, startChildSystem, waitFor, type ChildSystem } from './system-harness.js';
import { CHEAP_SCRYPT, testConfig } from './test-system.js';

/**
 * Issue 4, "a hard kill in the middle of the ticket loop": the system runs in a child process
 * (scripts/run-system.ts) on the embedded store in a temporary DATA_DIR, with the in-process queue
 * runner or with BullMQ on the real Redis, as crash-safety.test.ts runs it for chat replies. A citizen
 * opens a ticket in Zalo chat; the agency's staff answer it in the inbox API while the fake Zalo API
 * HOLDS every send; once the answer's send is in flight the child gets SIGKILL. The held request is
 * dropped with its connection (never delivered). The child is started again on the same DATA_DIR (and
 * Redis prefix): the citizen receives the answer exactly once (counted at the fake) and the ticket
 * ends `delivered` with one deliver event on its timeline.
 *
 * The kill is before the platform answered, the window at-least-once delivery closes; the instant
 * between the platform's answer and our store recording it cannot be made exactly-once (see
 * crash-safety.test.ts), so it is not exercised here.
 */

const PASSWORD = 'mật khẩu thử nghiệm 1022';
const QUESTION = 'xin cấp phép bay flycam chụp ảnh cưới';
const ANSWER = 'Việc bay flycam cần giấy phép của Bộ Quốc phòng; bạn nộp hồ sơ tại Cục Tác chiến, Bộ Tổng Tham mưu.';
/** With BullMQ the dead process's delivery lease must run out first (LEASE_TTL_MS, 10 s). */
const RECOVERY_DEADLINE_MS = 90_000;

/**
 * Accounts written to DATA_DIR before the first start (the embedded store is one process's files): the
 * coordinator and one staff account per agency of the catalog, `canbo.<agency id>`.
 */
async function seedAccounts(dataDir: string): Promise<void> {
  const config = testConfig(dataDir);
  const store = await selectStore(config);
  await store.init();
  try {
    const auth = buildConsoleAuth(store, systemClock, createLogger(config), CHEAP_SCRYPT);
    await auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
    for (const agency of loadCatalog(config.catalogDir).directory.agencies) {
      await auth.createAccount({ username: `canbo.${agency.id}`, displayName: `Cán bộ ${agency.id}`, role: 'staff', agencyId: agency.id, password: PASSWORD });
    }
  } finally {
    await store.close();
  }
}

async function crashWhileAnswering(mode: 'local' | 'bullmq'): Promise<void> {
  const fake = await new FakeZalo().start();
  const dataDir = mkdtempSync(join(tmpdir(), `ticket-crash-${mode}-`));
  const queuePrefix = `tcrash${randomUUID().slice(0, 8)}`;
  const redisUrl = mode === 'bullmq' ? redisBaseUrl() : undefined;
  let child: ChildSystem | undefined;
  try {
    await seedAccounts(dataDir);
    const env = childEnvironment(fake, fake.issueTokens(), {
      DATA_DIR: dataDir,
      SESSION_SECRET: randomUUID() + randomUUID(),
      ...(redisUrl ? { REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix, SEND_CLAIM_SECONDS: '5' } : {}),
    });
    const signing = { appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey };
    let driver!: ZaloWebhookDriver;
    const attach = (system: ChildSystem) => {
      fake.webhookUrl = `${system.url}/webhooks/zalo`;
      driver = new ZaloWebhookDriver({ ...signing, url: `${system.url}/webhooks/zalo` });
      return system;
    };
    child = attach(await startChildSystem(env));

    // The citizen asks something no procedure answers and sends it to an agency.
    const citizen = bigId();
    const textsTo = () => fake.sent.filter((m) => m.userId === citizen).map((m) => String((m.message as { text?: unknown }).text ?? ''));
    const write = async (text: string): Promise<string> => {
      const before = textsTo().length;
      expect((await driver.deliver(driver.text(citizen, text))).status).toBe(200);
      await waitFor(`a reply to "${text}"`, () => textsTo().length > before);
      return textsTo().slice(before).join('\n');
    };
    expect(await write(QUESTION)).toContain(vi.bot.fallbackOffer);
    expect(await write('1')).toContain(vi.bot.tickets.consentPrompt(QUESTION));
    expect(await write('1')).toContain(vi.bot.tickets.publishPrompt);
    // Then the optional questions (name, callback number…), each skipped with its first choice, "Bỏ qua".
    let opened = await write('2');
    for (let step = 0; step < 4 && !/mã tra cứu/.test(opened); step += 1) {
      expect(opened).toContain(vi.bot.tickets.skipButton);
      opened = await write('1');
    }
    const code = /mã tra cứu ([0-9A-Z]{4}-[0-9A-Z]{5})/.exec(opened)?.[1];
    expect(code, opened).toBeDefined();

    // The desk finds it; the responsible agency's staff answer it while Zalo holds every send.
    const coordinator = await consoleLogin(child.url, 'dieuphoi', PASSWORD);
    const listed = (await (await consoleCall(child.url, 'GET', '/inbox/tickets', undefined, coordinator)).json()) as { tickets: Array<{ id: string; code: string; agencyId: string; status: string }> };
    const ticket = listed.tickets.find((t) => t.code === code);
    expect(ticket).toMatchObject({ status: 'assigned' });
    const staff = await consoleLogin(child.url, `canbo.${ticket!.agencyId}`, PASSWORD);
    // The answer's message: the notice that carries the agency's text (its wording is the copy's).
    const notices = () => textsTo().filter((t) => t.includes(ANSWER)).length;
    const sentBefore = fake.sent.length;

    const hold = fake.holdSends();
    const answered = await consoleCall(child.url, 'POST', `/inbox/tickets/${encodeURIComponent(ticket!.id)}/answer`, { text: ANSWER }, staff);
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { ticket: { status: string } }).ticket.status).toBe('answered');
    await hold.whenHeld(1);

    // The answer's send is in flight: the process dies.
    await child.kill('SIGKILL');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor('the fake to drop the send it held', () => hold.discardedCount === hold.heldCount);
    hold.release();
    expect(hold.heldCount).toBeGreaterThan(0);
    expect(fake.sent.length).toBe(sentBefore);
    expect(notices()).toBe(0);

    // Started again on the same data (and Redis): the answer goes out and the ticket is delivered.
    child = attach(await startChildSystem(env));
    await waitFor('the answer at the citizen', () => notices() > 0, RECOVERY_DEADLINE_MS, 50);
    const again: ConsoleSignIn = await consoleLogin(child.url, `canbo.${ticket!.agencyId}`, PASSWORD);
    await waitFor(
      'the ticket delivered',
      async () => ((await (await consoleCall(child!.url, 'GET', `/inbox/tickets/${encodeURIComponent(ticket!.id)}`, undefined, again)).json()) as { ticket: { status: string } }).ticket.status === 'delivered',
      5_000,
      50,
    );
    // Stop cleanly: nothing can be sent after that.
    await child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });

    // At the platform: exactly one answer message, nothing else after the answer.
    expect(notices()).toBe(1);
    expect(textsTo().at(-1)).toContain(ANSWER);
    expect(textsTo().at(-1)).toContain(code);
    expect(fake.sent.length).toBe(sentBefore + 1);

    // In the store: delivered, one answer and one deliver event, one outbound message recorded as sent.
    const store = await selectStore(testConfig(dataDir));
    await store.init();
    try {
      const done = (await store.tickets.get(ticket!.id))!;
      expect(done.status).toBe('delivered');
      expect(done.timeline.map((e) => e.action)).toEqual(['create', 'assign', 'answer', 'deliver']);
      expect(done.delivery).toMatchObject({ status: 'sent' });
      const outbound = await store.outbound.listByConversation(`zalo:${fake.oaId}:${citizen}`, 100);
      const answers = outbound.filter((r) => r.ticketId === ticket!.id);
      expect(answers.map((r) => [r.status, r.attempts])).toEqual([['sent', 1]]);
      expect(answers[0]!.id).toBe(done.delivery!.outboundId);
      expect(outbound.every((r) => r.status === 'sent')).toBe(true);
    } finally {
      await store.close();
    }
  } finally {
    await child?.kill('SIGKILL');
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (redisUrl) await deleteRedisKeys(redisUrl, `${queuePrefix}:*`);
  }
}

describe('a hard kill while the agency answer is being sent', () => {
  it('delivers the answer exactly once after the restart (in-process queue runner)', async () => {
    await crashWhileAnswering('local');
  }, 240_000);

  it('delivers the answer exactly once after the restart (BullMQ on Redis)', async () => {
    await crashWhileAnswering('bullmq');
  }, 240_000);
});
