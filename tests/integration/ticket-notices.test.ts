import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/domain/message.js';
import type { Actor, Ticket } from '../../src/domain/ticket.js';
import { localDateOf } from '../../src/domain/working-days.js';
import type { Clock } from '../../src/ports/clock.js';
import type { RunningSystem } from '../../src/system/index.js';
import { selectStore } from '../../src/system/store.js';
import { FakeGraph } from '../fakes/messenger/fake-graph.js';
import { MessengerWebhookDriver } from '../fakes/messenger/webhook-driver.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { consoleCall, consoleLogin } from './console-client.js';
import { eventually } from './helpers.js';
import { CHEAP_SCRYPT, startTestSystem, testConfig } from './test-system.js';

/**
 * Ticket settings from configuration, with the real system (startSystem) and nothing of ours mocked:
 * due days set in the environment change a new ticket's due date; FB_ACCOUNT_UPDATE_TAG lets an
 * answer reach a Messenger citizen silent for more than 24 h (fake Graph API); ZALO_ANSWER_TEMPLATE_ID
 * makes an answer held by Zalo's closed 7-day window send ONE template message (fake Zalo API), while
 * the answer itself waits for the citizen's next message.
 */

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const PASSWORD = 'mật khẩu thử nghiệm 1022';
const STAFF: Actor = { kind: 'staff', id: 'staff-notices' };
const QUESTION = 'xin cấp phép bay flycam chụp ảnh cưới ở bờ biển';
const ANSWER = 'Việc bay flycam cần giấy phép của Bộ Quốc phòng; bạn nộp hồ sơ tại Cục Tác chiến.';
const TEMPLATE_ID = '412345';

let dataDir: string;
let system: RunningSystem | undefined;
/** Added to the real time by the system's clock: lets a test make the citizen "silent for days". */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

async function start(env: Record<string, string>, options: { clock?: Clock } = {}): Promise<RunningSystem> {
  system = await startTestSystem(dataDir, env, { passwordParams: CHEAP_SCRYPT, clock: options.clock ?? clock });
  return system;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ticket-notices-'));
  offsetMs = 0;
});

afterEach(async () => {
  await system?.stop();
  system = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const ticketOf = async (sys: RunningSystem, id: string): Promise<Ticket> => (await sys.store.tickets.get(id))!;

/* ---------------------------------------------------------------------------------------------- */

describe('ticket deadlines from configuration', () => {
  // Monday 2 March 2026, 09:00 in Vietnam: no holiday in the following two weeks.
  const MONDAY = new Date('2026-03-02T09:00:00+07:00');
  const frozen: Clock = { now: () => new Date(MONDAY) };

  it('gives a new question the configured number of working days, feedback keeping its default', async () => {
    const sys = await start({ TICKET_DUE_DAYS_QUESTION: '2' }, { clock: frozen });
    const question = await sys.tickets.openTicket({ conversationId: 'webchat:portal:due-days', kind: 'question', question: QUESTION, consent: { forward: true, publish: false } });
    const feedback = await sys.tickets.openTicket({
      conversationId: 'webchat:portal:due-days',
      kind: 'feedback',
      question: 'Đèn đường hỏng nhiều ngày chưa được sửa',
      place: 'đường Trần Phú',
      consent: { forward: true, publish: false },
    });
    // Monday + 2 working days = Wednesday; feedback: + 10 working days = Monday two weeks later.
    expect(localDateOf(question.dueAt)).toBe('2026-03-04');
    expect(localDateOf(feedback.dueAt)).toBe('2026-03-16');
  });

  it('uses the README default (5 working days) when nothing is configured', async () => {
    const sys = await start({}, { clock: frozen });
    const question = await sys.tickets.openTicket({ conversationId: 'webchat:portal:due-default', kind: 'question', question: QUESTION, consent: { forward: true, publish: false } });
    expect(localDateOf(question.dueAt)).toBe('2026-03-09');
  });
});

/* ---------------------------------------------------------------------------------------------- */

describe('Messenger ACCOUNT_UPDATE for ticket answers (FB_ACCOUNT_UPDATE_TAG)', () => {
  let graph: FakeGraph;

  beforeEach(async () => {
    graph = await new FakeGraph().start();
  });

  afterEach(async () => {
    await system?.stop();
    system = undefined;
    await graph.stop();
  });

  async function startMessenger(extra: Record<string, string>): Promise<{ sys: RunningSystem; driver: MessengerWebhookDriver }> {
    const sys = await start({
      FB_APP_SECRET: graph.appSecret,
      FB_PAGE_ACCESS_TOKEN: graph.pageAccessToken,
      FB_VERIFY_TOKEN: 'xac-minh-1022',
      GRAPH_API_BASE: graph.base,
      GRAPH_API_VERSION: graph.version,
      ...extra,
    });
    return { sys, driver: new MessengerWebhookDriver({ url: `${sys.url}/webhooks/messenger`, appSecret: graph.appSecret, pageId: graph.pageId }) };
  }

  /** A citizen who wrote once (and got the bot's reply), with a ticket answered 30 h after that message. */
  async function answeredAfterSilence(sys: RunningSystem, driver: MessengerWebhookDriver): Promise<{ psid: string; ticket: Ticket; sentBefore: number }> {
    const psid = MessengerWebhookDriver.newPsid();
    graph.interact(psid);
    expect((await driver.deliver(driver.envelope(driver.text(psid, 'thủ tục đăng ký kết hôn')))).status).toBe(200);
    await eventually(() => expect(graph.sent.some((m) => m.psid === psid)).toBe(true));
    const conversationId = conversationKey('messenger', graph.pageId, psid);
    await eventually(async () => expect((await sys.store.outbound.listWithStatus(conversationId, 'pending')).length).toBe(0));
    expect(await sys.store.conversations.get(conversationId)).toBeDefined();

    const opened = await sys.tickets.openTicket({ conversationId, kind: 'question', question: QUESTION, consent: { forward: true, publish: false } });
    // The citizen's last message is now 30 hours old, for us and for Meta.
    const silentSince = Date.now() - 30 * HOUR;
    await sys.store.conversations.update(conversationId, { lastInboundAt: new Date(silentSince) });
    graph.interact(psid, graph.now() - 30 * HOUR);

    const sentBefore = graph.sent.filter((m) => m.psid === psid).length;
    const ticket = await sys.tickets.answer(opened.id, STAFF, ANSWER);
    return { psid, ticket, sentBefore };
  }

  it('with the flag on, sends the answer with MESSAGE_TAG + ACCOUNT_UPDATE and the ticket shows it delivered', async () => {
    const { sys, driver } = await startMessenger({ FB_ACCOUNT_UPDATE_TAG: 'true' });
    const { psid, ticket } = await answeredAfterSilence(sys, driver);

    await eventually(async () => expect((await ticketOf(sys, ticket.id)).status).toBe('delivered'));
    const delivered = await ticketOf(sys, ticket.id);
    expect(delivered.delivery).toMatchObject({ status: 'sent', outboundId: ticket.delivery!.outboundId });
    const answer = graph.sent.filter((m) => m.psid === psid).at(-1)!;
    expect(answer).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' });
    expect(JSON.stringify(answer.message)).toContain(ticket.code);
    const request = graph.requestsTo().filter((r) => (r.json as { recipient?: { id?: string } } | undefined)?.recipient?.id === psid).at(-1)!;
    expect(request.json).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' });
  });

  it('with the flag off (the default), holds the answer: nothing reaches Meta', async () => {
    const { sys, driver } = await startMessenger({});
    const { psid, ticket, sentBefore } = await answeredAfterSilence(sys, driver);

    await eventually(async () => expect((await ticketOf(sys, ticket.id)).delivery?.status).toBe('held'));
    expect((await ticketOf(sys, ticket.id)).status).toBe('answered');
    expect(await sys.store.outbound.get(ticket.delivery!.outboundId!)).toMatchObject({ status: 'held', error: { code: 'CHANNEL.WINDOW' } });
    expect(graph.sent.filter((m) => m.psid === psid)).toHaveLength(sentBefore);
  });
});

/* ---------------------------------------------------------------------------------------------- */

describe('Zalo template notice while the 7-day window is closed (ZALO_ANSWER_TEMPLATE_ID)', () => {
  let zalo: FakeZalo;
  let env: Record<string, string>;

  beforeEach(async () => {
    zalo = await new FakeZalo({ templates: { [TEMPLATE_ID]: ['ma_ho_so', 'co_quan', 'ngay_tra_loi'] } }).start();
    env = zalo.env();
  });

  afterEach(async () => {
    await system?.stop();
    system = undefined;
    await zalo.stop();
  });

  async function startZalo(extra: Record<string, string>): Promise<{ sys: RunningSystem; driver: ZaloWebhookDriver }> {
    const sys = await start({ ...env, ...extra });
    zalo.webhookUrl = `${sys.url}/webhooks/zalo`;
    const driver = new ZaloWebhookDriver({ url: `${sys.url}/webhooks/zalo`, appId: zalo.appId, oaId: zalo.oaId, oaSecretKey: zalo.oaSecretKey, now: () => clock.now().getTime() });
    return { sys, driver };
  }

  const textsTo = (userId: string) => zalo.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: unknown }).text ?? ''));
  const templatesTo = (userId: string) => zalo.requestsTo('/v3.0/oa/message/template').filter((r) => (r.json as { user_id?: string } | undefined)?.user_id === userId);

  /** A citizen who wrote once (bot replied), then stayed silent for 8 days; the agency answers their ticket now. */
  async function answeredAfterAWeek(sys: RunningSystem, driver: ZaloWebhookDriver): Promise<{ citizen: string; ticket: Ticket }> {
    const citizen = bigId();
    expect((await driver.deliver(driver.text(citizen, 'thủ tục đăng ký kết hôn'))).status).toBe(200);
    await eventually(() => expect(textsTo(citizen).length).toBeGreaterThan(0));
    const conversationId = conversationKey('zalo', zalo.oaId, citizen);
    const opened = await sys.tickets.openTicket({ conversationId, kind: 'question', question: QUESTION, consent: { forward: true, publish: false } });

    offsetMs += 8 * DAY;
    zalo.windowClosed.add(citizen); // Zalo's view: no interaction for more than 7 days (-230)
    const ticket = await sys.tickets.answer(opened.id, STAFF, ANSWER);
    return { citizen, ticket };
  }

  it('sends one template message, keeps the answer held, and delivers it when the citizen writes', async () => {
    const { sys, driver } = await startZalo({ ZALO_ANSWER_TEMPLATE_ID: TEMPLATE_ID });
    const { citizen, ticket } = await answeredAfterAWeek(sys, driver);
    const outboundId = ticket.delivery!.outboundId!;
    const repliesBefore = textsTo(citizen).length;

    await eventually(async () => expect((await ticketOf(sys, ticket.id)).delivery?.notice?.status).toBe('sent'));
    const held = await ticketOf(sys, ticket.id);
    expect(held.status).toBe('answered');
    expect(held.delivery).toMatchObject({ status: 'held', outboundId, notice: { status: 'sent', externalId: zalo.sentTemplates[0]!.messageId } });
    expect(await sys.store.outbound.get(outboundId)).toMatchObject({ status: 'held', error: { platformCode: -230 } });
    expect(textsTo(citizen)).toHaveLength(repliesBefore);

    // Exactly one request, carrying the OA token and the configured template's data.
    const [request, ...more] = templatesTo(citizen);
    expect(more).toHaveLength(0);
    expect(request!.headers['access_token']).toBeTruthy();
    const [y, m, d] = localDateOf(held.answer!.at).split('-');
    expect(request!.json).toEqual({
      user_id: citizen,
      template_id: TEMPLATE_ID,
      template_data: { ma_ho_so: ticket.code, co_quan: expect.any(String), ngay_tra_loi: `${d}/${m}/${y}` },
    });
    expect((request!.json as { template_data: { co_quan: string } }).template_data.co_quan.length).toBeGreaterThan(0);
    expect(request!.response).toMatchObject({ error: 0 });

    // The console API shows the notice to the agency's staff.
    const username = `canbo.${randomUUID().slice(0, 8)}`;
    await sys.auth.createAccount({ username, displayName: 'Cán bộ', role: 'staff', agencyId: held.agencyId, password: PASSWORD });
    const staff = await consoleLogin(sys.url!, username, PASSWORD);
    const view = await consoleCall(sys.url!, 'GET', `/inbox/tickets/${encodeURIComponent(ticket.id)}`, undefined, staff);
    expect(view.status).toBe(200);
    expect(((await view.json()) as { ticket: { delivery?: unknown } }).ticket.delivery).toMatchObject({ status: 'held', notice: { status: 'sent' } });

    // The citizen writes: the held answer goes out first, and the ticket is delivered.
    zalo.windowClosed.delete(citizen);
    expect((await driver.deliver(driver.text(citizen, 'cảm ơn'))).status).toBe(200);
    await eventually(async () => expect((await ticketOf(sys, ticket.id)).status).toBe('delivered'));
    await eventually(() => expect(textsTo(citizen).length).toBeGreaterThanOrEqual(repliesBefore + 2));
    const afterWrite = textsTo(citizen).slice(repliesBefore);
    expect(afterWrite[0]).toContain(ANSWER);
    expect(afterWrite[0]).toContain(ticket.code);
    const delivered = await ticketOf(sys, ticket.id);
    expect(delivered.delivery).toMatchObject({ status: 'sent', outboundId, notice: { status: 'sent' } });
    expect(templatesTo(citizen)).toHaveLength(1);
  });

  it('sends the notice at most once per answer, also when the held answer is tried again after a restart', async () => {
    const first = await startZalo({ ZALO_ANSWER_TEMPLATE_ID: TEMPLATE_ID });
    const { citizen, ticket } = await answeredAfterAWeek(first.sys, first.driver);
    const outboundId = ticket.delivery!.outboundId!;
    await eventually(async () => expect((await ticketOf(first.sys, ticket.id)).delivery?.notice?.status).toBe('sent'));
    await first.sys.stop();
    system = undefined;

    // As if the held answer had not been recorded: the restart queues it again, Zalo refuses again.
    const store = await selectStore(testConfig(dataDir));
    await store.init();
    await store.outbound.update(outboundId, { status: 'pending' });
    await store.close();
    const attemptsBefore = zalo.requestsTo('/v3.0/oa/message/cs').filter((r) => (r.json as { recipient?: { user_id?: string } }).recipient?.user_id === citizen).length;

    const second = await startZalo({ ZALO_ANSWER_TEMPLATE_ID: TEMPLATE_ID });
    await eventually(() =>
      expect(zalo.requestsTo('/v3.0/oa/message/cs').filter((r) => (r.json as { recipient?: { user_id?: string } }).recipient?.user_id === citizen).length).toBeGreaterThan(attemptsBefore),
    );
    await eventually(async () => expect((await second.sys.store.outbound.get(outboundId))?.status).toBe('held'));
    await new Promise((r) => setTimeout(r, 300));
    expect(templatesTo(citizen)).toHaveLength(1);
    expect((await ticketOf(second.sys, ticket.id)).delivery).toMatchObject({ status: 'held', notice: { status: 'sent' } });
  });

  it('records a refused template as a failed notice, without retrying it, and the answer stays held', async () => {
    const { sys, driver } = await startZalo({ ZALO_ANSWER_TEMPLATE_ID: '999999' }); // not approved at the fake
    const { citizen, ticket } = await answeredAfterAWeek(sys, driver);

    await eventually(async () => expect((await ticketOf(sys, ticket.id)).delivery?.notice?.status).toBe('failed'));
    expect((await ticketOf(sys, ticket.id)).delivery).toMatchObject({ status: 'held', notice: { status: 'failed', error: 'CHANNEL.PERMANENT' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(templatesTo(citizen)).toHaveLength(1);
    expect(zalo.sentTemplates).toHaveLength(0);
  });

  it('sends nothing without a configured template', async () => {
    const { sys, driver } = await startZalo({});
    const { citizen, ticket } = await answeredAfterAWeek(sys, driver);

    await eventually(async () => expect((await ticketOf(sys, ticket.id)).delivery?.status).toBe('held'));
    await new Promise((r) => setTimeout(r, 300));
    expect(templatesTo(citizen)).toHaveLength(0);
    expect((await ticketOf(sys, ticket.id)).delivery?.notice).toBeUndefined();
  });
});
