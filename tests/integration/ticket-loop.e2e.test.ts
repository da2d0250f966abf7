import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from '../../src/domain/copy/vi.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { consoleCall, consoleLogin } from './console-client.js';
import { eventually } from './helpers.js';
import { answerNoticeOnZalo, zaloCitizens } from './zalo-citizen.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * The ask-an-agency loop end to end with nothing of ours mocked: a citizen on Zalo (the fake Zalo API,
 * signed webhooks) asks what the brain cannot answer and sends it to an agency; staff of the routed
 * agency sign in and answer through the inbox API over HTTP; the answer reaches the citizen at the fake
 * and the ticket records it delivered, also when Zalo's 7-day window was closed at answer time.
 */

const PASSWORD = 'mật khẩu thử nghiệm 1022';
const QUESTION = 'xin cấp phép bay flycam chụp ảnh cưới';
const ANSWER = 'Việc bay flycam cần giấy phép của Bộ Quốc phòng; bạn nộp hồ sơ tại Cục Tác chiến, Bộ Tổng Tham mưu.';

let fake: FakeZalo;
let system: RunningSystem;
let driver: ZaloWebhookDriver;
let dataDir: string;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ticket-loop-e2e-'));
  fake = await new FakeZalo().start();
  system = await startTestSystem(dataDir, fake.env(), { passwordParams: CHEAP_SCRYPT });
  fake.webhookUrl = `${system.url}/webhooks/zalo`;
  driver = new ZaloWebhookDriver({ url: `${system.url}/webhooks/zalo`, appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey });
}, 60_000);

afterEach(async () => {
  await system.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const { textsTo, write, askAnAgency: ask } = zaloCitizens(() => fake, () => driver);
const askAnAgency = (citizen: string) => ask(citizen, QUESTION);

async function ticketOf(code: string): Promise<Ticket> {
  const ticket = await system.store.tickets.getByCode(code);
  expect(ticket).toBeDefined();
  return ticket!;
}

/** Staff of the ticket's agency sign in on the console API and answer it. */
async function answerAsStaff(ticket: Ticket): Promise<void> {
  const username = `canbo.${randomUUID().slice(0, 8)}`;
  await system.auth.createAccount({ username, displayName: 'Cán bộ tiếp nhận', role: 'staff', agencyId: ticket.agencyId, password: PASSWORD });
  const staff = await consoleLogin(system.url!, username, PASSWORD);

  const inbox = await consoleCall(system.url!, 'GET', '/inbox/tickets', undefined, staff);
  expect(inbox.status).toBe(200);
  expect(JSON.stringify(await inbox.json())).toContain(ticket.code);

  const answered = await consoleCall(system.url!, 'POST', `/inbox/tickets/${encodeURIComponent(ticket.id)}/answer`, { text: ANSWER }, staff);
  expect(answered.status).toBe(200);
}

const notice = (code: string, agencyName: string) => answerNoticeOnZalo(code, agencyName, ANSWER);

describe('ask an agency, end to end on Zalo', () => {
  it('takes an unanswerable question to the agency and its answer back to the citizen', async () => {
    const citizen = bigId();
    const { code, agencyName } = await askAnAgency(citizen);
    const ticket = await ticketOf(code);
    expect(ticket).toMatchObject({ status: 'assigned', conversationId: `zalo:${fake.oaId}:${citizen}`, question: QUESTION, consent: { forward: true, publish: false } });
    expect(ticket.contact).toBeUndefined();

    const before = textsTo(citizen).length;
    await answerAsStaff(ticket);
    await eventually(() => expect(textsTo(citizen).slice(before)).toEqual([notice(code, agencyName)]));
    await eventually(async () => expect((await ticketOf(code)).status).toBe('delivered'));

    const tracked = await write(citizen, 'tra cứu câu hỏi');
    expect(tracked).toContain(`mã ${code}: ${vi.bot.tickets.statuses.delivered}`);
    const looked = await write(citizen, code);
    expect(looked).toContain(vi.bot.tickets.statuses.delivered);
    expect(looked).toContain(ANSWER);
  });

  it('lets the citizen reopen the answered ticket by typing the number of "still unclear"', async () => {
    const citizen = bigId();
    const { code, agencyName } = await askAnAgency(citizen);
    const before = textsTo(citizen).length;
    await answerAsStaff(await ticketOf(code));
    await eventually(() => expect(textsTo(citizen).slice(before)).toEqual([notice(code, agencyName)]));
    await eventually(async () => expect((await ticketOf(code)).status).toBe('delivered'));

    // "2" picks from the answer's own options (sent by the delivery worker, not by a chat turn).
    expect(await write(citizen, '2')).toContain(vi.bot.tickets.reopenPrompt(code));
    await write(citizen, 'Tôi chưa rõ cần nộp bản sao hay bản chính');
    const reopened = await ticketOf(code);
    expect(reopened.status).toBe('reopened');
    expect(reopened.timeline.at(-1)).toMatchObject({ action: 'reopen', actor: { kind: 'citizen' } });
  });

  it('holds the answer while the Zalo window is closed and delivers it at the citizen\'s next message', async () => {
    const citizen = bigId();
    const { code, agencyName } = await askAnAgency(citizen);
    const ticket = await ticketOf(code);

    fake.windowClosed.add(citizen);
    const before = textsTo(citizen).length;
    await answerAsStaff(ticket);
    await eventually(async () => expect((await ticketOf(code)).delivery?.status).toBe('held'));
    expect((await ticketOf(code)).status).toBe('answered');
    expect(textsTo(citizen)).toHaveLength(before);

    fake.windowClosed.delete(citizen);
    expect((await driver.deliver(driver.text(citizen, 'tra cứu câu hỏi'))).status).toBe(200);
    await eventually(() => expect(textsTo(citizen).length).toBe(before + 2));
    const [answer, reply] = textsTo(citizen).slice(before);
    expect(answer).toBe(notice(code, agencyName));
    expect(reply).toContain(`mã ${code}:`);
    await eventually(async () => expect((await ticketOf(code)).status).toBe('delivered'));
  });
});
