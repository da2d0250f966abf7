import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Clock } from '../../src/ports/clock.js';
import type { RunningSystem } from '../../src/system/index.js';
import { FakeGraph } from '../fakes/messenger/fake-graph.js';
import { MessengerWebhookDriver } from '../fakes/messenger/webhook-driver.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { consoleCall, consoleLogin, type ConsoleSignIn } from './console-client.js';
import { eventually } from './helpers.js';
import { CHEAP_SCRYPT, fakePlatformsEnv, startTestSystem } from './test-system.js';

/**
 * The live handoff end to end (issue 11), nothing of ours mocked: citizens on Zalo and Messenger write
 * to the fake platforms' webhooks, hotline operators work through the operator API, and every notice and
 * reply must arrive at the fake platform, which enforces its windows. The sweep (unclaimed, re-offers)
 * is run directly at a moved clock instead of waiting for its 15-second schedule.
 */

const PASSWORD = 'mat-khau-tong-dai-1022';
let zalo: FakeZalo;
let graph: FakeGraph;
let system: RunningSystem;
let zaloDriver: ZaloWebhookDriver;
let fbDriver: MessengerWebhookDriver;
let dataDir: string;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let base: string;

async function start(env: Record<string, string> = {}, handoff: Parameters<typeof startTestSystem>[2] = {}): Promise<void> {
  system = await startTestSystem(
    dataDir,
    {
      ...fakePlatformsEnv(zalo, graph),
      OPERATOR_HOURS: '24/7',
      ...env,
    },
    { clock, passwordParams: CHEAP_SCRYPT, ...handoff },
  );
  base = system.url!;
  zalo.webhookUrl = `${base}/webhooks/zalo`;
  zaloDriver = new ZaloWebhookDriver({ url: `${base}/webhooks/zalo`, appId: zalo.appId, oaId: zalo.oaId, oaSecretKey: zalo.oaSecretKey });
  fbDriver = new MessengerWebhookDriver({ url: `${base}/webhooks/messenger`, appSecret: graph.appSecret, pageId: graph.pageId });
}

beforeEach(async () => {
  offsetMs = 0;
  dataDir = mkdtempSync(join(tmpdir(), 'handoff-'));
  zalo = await new FakeZalo().start();
  graph = await new FakeGraph().start();
});

afterEach(async () => {
  await system?.stop();
  await zalo.stop();
  await graph.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const zaloTexts = (userId: string) => zalo.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: string }).text ?? ''));
const fbTexts = (psid: string) =>
  graph.sent.filter((m) => m.psid === psid).map((m) => String((m.message as { text?: string; attachment?: { payload?: { text?: string } } }).text ?? (m.message as { attachment?: { payload?: { text?: string } } }).attachment?.payload?.text ?? ''));
const zaloConversation = (userId: string) => conversationKey('zalo', zalo.oaId, userId);

async function operator(username: string, displayName: string, role: 'operator' | 'coordinator' | 'staff' = 'operator'): Promise<ConsoleSignIn> {
  await system.auth.createAccount({ username, displayName, role, password: PASSWORD, ...(role === 'staff' ? { agencyId: 'so-tu-phap' } : {}) });
  return consoleLogin(base, username, PASSWORD);
}

async function call<T = Record<string, unknown>>(who: ConsoleSignIn, method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const response = await consoleCall(base, method, `/operator${path}`, body, who);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return (text ? JSON.parse(text) : {}) as T;
}

const online = (who: ConsoleSignIn) => call(who, 'POST', '/presence', { status: 'online' });
const id = encodeURIComponent;

async function citizenSays(userId: string, text: string): Promise<void> {
  expect((await zaloDriver.deliver(zaloDriver.text(userId, text))).status).toBe(200);
}

describe('live handoff to hotline operators', () => {
  it('queues a Zalo citizen who asks for a person, routes them to an operator, keeps the bot silent, and hands back with a rating', async () => {
    await start();
    const lan = await operator('lan', 'Lan');
    await online(lan);
    const citizen = bigId();
    await citizenSays(citizen, 'cho tôi gặp tổng đài viên');
    // An operator is free: taken at once, no queue notice.
    await eventually(() => expect(zaloTexts(citizen)).toEqual([copy.bot.handoff.assigned('Lan')]));
    const conversationId = zaloConversation(citizen);
    const { items } = await call<{ items: { id: string; status: string; mine: boolean; assigneeName: string }[] }>(lan, 'GET', '/conversations?status=assigned&mine=true');
    expect(items).toEqual([expect.objectContaining({ id: conversationId, status: 'assigned', mine: true, assigneeName: 'Lan' })]);

    // Ten messages while a person holds it: none answered by the bot, none lost.
    for (let i = 0; i < 10; i += 1) await citizenSays(citizen, i === 0 ? 'đăng ký kết hôn cần giấy tờ gì' : `tin nhắn số ${i}`);
    await eventually(async () => {
      const transcript = await call<{ items: { kind: string; text?: string }[] }>(lan, 'GET', `/conversations/${id(conversationId)}/messages`);
      expect(transcript.items.filter((m) => m.kind === 'citizen')).toHaveLength(11);
    });
    expect(zaloTexts(citizen)).toHaveLength(1);

    // The brain's suggestion for the last procedure question, a private note, and a reply.
    const suggestions = await call<{ items: { procedureId: string; name: string; text: string }[] }>(lan, 'GET', `/conversations/${id(conversationId)}/suggestions`);
    expect(Array.isArray(suggestions.items)).toBe(true);
    await call(lan, 'POST', `/conversations/${id(conversationId)}/messages`, { text: 'Người dân hỏi kết hôn, đã hướng dẫn.', private: true }, 201);
    await call(lan, 'POST', `/conversations/${id(conversationId)}/messages`, { text: 'Chào anh, anh cần giấy tờ gì ạ?' }, 201);
    await eventually(() => expect(zaloTexts(citizen).at(-1)).toBe('Chào anh, anh cần giấy tờ gì ạ?'));
    expect(zaloTexts(citizen).join('\n')).not.toContain('đã hướng dẫn');

    // Hand back: the assistant says it is the assistant again, asks for a rating, and answers again.
    await call(lan, 'POST', `/conversations/${id(conversationId)}/resolve`, { summary: 'Đã hướng dẫn hồ sơ kết hôn' });
    await eventually(() => expect(zaloTexts(citizen)).toHaveLength(4));
    expect(zaloTexts(citizen)[2]).toBe(copy.bot.handoff.backToAssistant);
    expect(zaloTexts(citizen)[3]).toContain(copy.bot.handoff.csatPrompt);
    const [stretch] = await system.store.handoffs.listByConversation(conversationId, 1);
    expect(stretch).toMatchObject({ reason: 'requested', outcome: 'resolved', summary: 'Đã hướng dẫn hồ sơ kết hôn', assigneeId: expect.any(String) });
    expect(stretch!.firstReplyAt).toBeInstanceOf(Date);
    // Zalo shows buttons as numbered options: "5" picks the fifth rating.
    await citizenSays(citizen, '5');
    await eventually(async () => expect((await system.store.handoffs.get(stretch!.id))?.csat).toBe(5));
    await citizenSays(citizen, 'đăng ký tạm trú ở đâu');
    await eventually(() => expect(zaloTexts(citizen).at(-1)).toContain('Đăng ký tạm trú'));

    // Every operator action is audited with actor and time; the transcript keeps the note and each move.
    const audit = await system.store.audit.list({ targetId: conversationId, limit: 20 });
    expect(audit.map((a) => a.action).sort()).toEqual(['conversation.note', 'conversation.reply', 'conversation.resolve']);
    const transcript = await call<{ items: { kind: string; event?: string; text?: string }[] }>(lan, 'GET', `/conversations/${id(conversationId)}/messages`);
    expect(transcript.items.filter((m) => m.kind === 'event').map((m) => m.event)).toEqual(['request', 'route', 'resolve']);
    expect(transcript.items.find((m) => m.kind === 'note')?.text).toBe('Người dân hỏi kết hôn, đã hướng dẫn.');
  });

  it('round-robins between two operators, lets one claim from the queue under capacity, and refuses illegal moves', async () => {
    await start({ OPERATOR_CAPACITY: '1' });
    const lan = await operator('lan', 'Lan');
    const minh = await operator('minh', 'Minh');
    await online(lan);
    await online(minh);
    const [a, b, c] = [bigId(), bigId(), bigId()];
    for (const user of [a, b]) await citizenSays(user, 'gặp nhân viên');
    await eventually(() => expect([zaloTexts(a).length, zaloTexts(b).length]).toEqual([1, 1]));
    const names = [a, b].map((u) => zaloTexts(u)[0]);
    expect(names.sort()).toEqual([copy.bot.handoff.assigned('Lan'), copy.bot.handoff.assigned('Minh')].sort());

    // Both operators are at capacity: the third waits, told their place (Zalo shows "never mind" as a numbered option).
    await citizenSays(c, 'cho gặp người thật');
    await eventually(() => expect(zaloTexts(c)).toHaveLength(1));
    expect(zaloTexts(c)[0]).toContain(`1. ${copy.bot.handoff.leaveButton}`);
    expect(zaloTexts(c)[0]).toMatch(/^Tôi đã chuyển cuộc trò chuyện cho tổng đài viên 1022\. Bạn đang ở vị trí thứ 1 trong hàng chờ, thời gian chờ dự kiến khoảng \d+ phút/);
    const queued = await call<{ items: { id: string; position: number }[] }>(lan, 'GET', '/conversations?status=queued');
    expect(queued.items).toEqual([expect.objectContaining({ id: zaloConversation(c), position: 1 })]);
    // Resolving a queued conversation is not a legal move; an agency's staff may not use the operator API.
    const refused = await consoleCall(base, 'POST', `/operator/conversations/${id(zaloConversation(c))}/resolve`, {}, lan);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe('HANDOFF.ILLEGAL_TRANSITION');
    const staff = await operator('canbo', 'Cán bộ', 'staff');
    expect((await consoleCall(base, 'GET', '/operator/conversations', undefined, staff)).status).toBe(403);

    // Lan claims the waiting one directly (a claim is not bound by routing's capacity).
    await call(lan, 'POST', `/conversations/${id(zaloConversation(c))}/assign`);
    await eventually(() => expect(zaloTexts(c).at(-1)).toBe(copy.bot.handoff.assigned('Lan')));
    // Minh may not reply to Lan's conversation before taking it over.
    const notMine = await consoleCall(base, 'POST', `/operator/conversations/${id(zaloConversation(c))}/messages`, { text: 'xin chào' }, minh);
    expect(notMine.status).toBe(403);
  });

  it('re-offers a conversation whose operator does not reply in time, and returns one nobody claims to the bot with the offer', async () => {
    await start({ OPERATOR_CAPACITY: '1' });
    const lan = await operator('lan', 'Lan');
    const minh = await operator('minh', 'Minh');
    await online(lan);
    const [a, b, c] = [bigId(), bigId(), bigId()];
    await citizenSays(a, 'gặp tổng đài viên');
    await eventually(() => expect(zaloTexts(a).at(-1)).toBe(copy.bot.handoff.assigned('Lan')));
    await online(minh);

    // Lan never replies to a: after the first-reply limit (2 minutes) it goes back to the queue and on to Minh.
    offsetMs = 3 * 60_000;
    await online(lan);
    await online(minh);
    expect((await system.handoff.routing.sweep(clock.now())).reoffered).toBe(1);
    await eventually(() => expect(zaloTexts(a).at(-1)).toBe(copy.bot.handoff.assigned('Minh')));
    const [stretchA] = await system.store.handoffs.listByConversation(zaloConversation(a), 1);
    expect(stretchA!.reoffers).toBe(1);

    // Both operators full: c waits past the claim limit (10 minutes), is told so with the alternatives, and the bot answers again.
    await citizenSays(b, 'gặp tổng đài viên');
    await eventually(() => expect(zaloTexts(b).at(-1)).toBe(copy.bot.handoff.assigned('Lan')));
    await citizenSays(c, 'gặp tổng đài viên');
    await eventually(() => expect(zaloTexts(c)).toHaveLength(1));
    offsetMs = 14 * 60_000;
    await online(lan);
    await online(minh);
    expect((await system.handoff.routing.sweep(clock.now())).unclaimed).toBe(1);
    await eventually(() => expect(zaloTexts(c).at(-1)).toContain(copy.bot.handoff.unclaimed(10)));
    expect(zaloTexts(c).at(-1)).toContain(`2. ${copy.bot.handoff.offerButtons.callback}`);
    const [stretchC] = await system.store.handoffs.listByConversation(zaloConversation(c), 1);
    expect(stretchC).toMatchObject({ outcome: 'unclaimed' });
    await citizenSays(c, 'đăng ký tạm trú ở đâu');
    await eventually(() => expect(zaloTexts(c).at(-1)).toContain('Đăng ký tạm trú'));
  });

  it('tells a citizen at once when the hotline is closed (23:00 on a public holiday) or nobody is online, with the alternatives', async () => {
    await start({ OPERATOR_HOURS: 'mon-fri 07:30-11:30,13:30-17:00' });
    // 2 September 2026, 23:00 in Vietnam: a holiday, at night.
    offsetMs = Date.parse('2026-09-02T16:00:00Z') - Date.now();
    const night = bigId();
    await citizenSays(night, 'tôi muốn nói chuyện với người');
    await eventually(() => expect(zaloTexts(night).at(-1)).toContain('Hiện ngoài giờ làm việc của tổng đài viên 1022 (7:30–11:30 và 13:30–17:00'));
    expect(zaloTexts(night).at(-1)).toContain('07:30 03/09/2026');
    const [closed] = await system.store.handoffs.listByConversation(zaloConversation(night), 1);
    expect(closed).toMatchObject({ outcome: 'closed', reason: 'requested' });
    expect((await system.store.conversations.get(zaloConversation(night)))?.handoff?.status).toBe('bot');

    // A working Thursday at 09:00, nobody online.
    offsetMs = Date.parse('2026-09-03T02:00:00Z') - Date.now();
    const day = bigId();
    await citizenSays(day, 'gặp tổng đài viên');
    await eventually(() => expect(zaloTexts(day).at(-1)).toContain(copy.bot.handoff.nobodyOnline));
  });

  it('gives a Messenger conversation to staff who answer from Meta Business Suite, pauses the bot, and resumes it with the disclosure', async () => {
    await start({ FB_APP_ID: '1234567890' });
    const psid = MessengerWebhookDriver.newPsid();
    graph.interact(psid);
    expect((await fbDriver.deliver(fbDriver.envelope(fbDriver.text(psid, 'đăng ký kết hôn cần giấy tờ gì')))).status).toBe(200);
    await eventually(() => expect(fbTexts(psid).join('\n')).toContain('Đăng ký kết hôn'));
    // Staff type in the Page Inbox: Meta echoes it with the Page Inbox's app id.
    const echo = fbDriver.envelope({ sender: { id: graph.pageId }, recipient: { id: psid }, timestamp: Date.now(), message: { mid: `m_staff_${Date.now()}`, is_echo: true, app_id: 263902037430900, text: 'Chào bạn, tôi là cán bộ tỉnh.' } });
    expect((await fbDriver.deliver(echo)).status).toBe(200);
    const conversationId = conversationKey('messenger', graph.pageId, psid);
    await eventually(async () => expect((await system.store.conversations.get(conversationId))?.handoff).toMatchObject({ status: 'assigned', assigneeId: 'external' }));
    const before = fbTexts(psid).length;
    expect((await fbDriver.deliver(fbDriver.envelope(fbDriver.text(psid, 'cảm ơn anh, vậy nộp ở đâu')))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(fbTexts(psid)).toHaveLength(before);

    // Our own app's echo is not staff: with the pause over, the bot answers, saying first it is the assistant again.
    offsetMs = 31 * 60_000;
    await system.handoff.routing.sweep(clock.now());
    expect((await system.store.conversations.get(conversationId))?.handoff?.status).toBe('bot');
    graph.interact(psid);
    expect((await fbDriver.deliver(fbDriver.envelope(fbDriver.text(psid, 'đăng ký tạm trú ở đâu')))).status).toBe(200);
    await eventually(() => expect(fbTexts(psid).slice(before)).toEqual([copy.bot.handoff.backToAssistant, expect.stringContaining('Đăng ký tạm trú')]));
  });

  it('tells our own Zalo echoes from staff answering in the OA admin: only staff take the conversation, and an operator can take it over', async () => {
    await start();
    zalo.echoSends = true;
    const citizen = bigId();
    const conversationId = zaloConversation(citizen);
    await citizenSays(citizen, 'đăng ký kết hôn cần giấy tờ gì');
    await eventually(() => expect(zaloTexts(citizen).join('\n')).toContain('Đăng ký kết hôn'));
    await zalo.echoesSettled();
    // The echo of our own answer changed nothing.
    await eventually(async () => expect((await system.store.inbound.listByConversation(conversationId, 10)).filter((m) => m.kind === 'echo' && m.status === 'done')).toHaveLength(1));
    expect((await system.store.conversations.get(conversationId))?.handoff?.status).toBe('bot');

    // Staff type in the OA admin: the conversation is theirs and the bot stays silent.
    await zalo.staffSend(citizen, 'Chào anh, cán bộ 1022 đây ạ.');
    await eventually(async () => expect((await system.store.conversations.get(conversationId))?.handoff).toMatchObject({ status: 'assigned', assigneeId: 'external' }));
    const before = zaloTexts(citizen).length;
    await citizenSays(citizen, 'dạ vâng, vậy nộp ở đâu ạ');
    await eventually(async () => expect((await system.store.inbound.listByConversation(conversationId, 20)).every((m) => m.status === 'done')).toBe(true));
    expect(zaloTexts(citizen)).toHaveLength(before);

    // A hotline operator takes it over in the console; the transcript shows staff's message.
    const lan = await operator('lan', 'Lan');
    await call(lan, 'POST', `/conversations/${id(conversationId)}/assign`);
    const transcript = await call<{ items: { kind: string; text?: string; event?: string }[] }>(lan, 'GET', `/conversations/${id(conversationId)}/messages`);
    expect(transcript.items.filter((m) => m.kind === 'staff').map((m) => m.text)).toEqual(['Chào anh, cán bộ 1022 đây ạ.']);
    expect(transcript.items.filter((m) => m.kind === 'event').map((m) => m.event)).toEqual(['external', 'takeover']);
    expect((await system.store.audit.list({ targetId: conversationId, limit: 5 })).map((a) => a.action)).toEqual(['conversation.takeover']);
  });

  it('answers Messenger after 24 h with HUMAN_AGENT, refuses a Zalo reply after 7 days, and converts that conversation to a ticket instead', async () => {
    await start();
    let lan = await operator('lan', 'Lan');
    await online(lan);
    const psid = MessengerWebhookDriver.newPsid();
    graph.interact(psid);
    expect((await fbDriver.deliver(fbDriver.envelope(fbDriver.text(psid, 'cho tôi gặp tổng đài viên')))).status).toBe(200);
    const fbConversation = conversationKey('messenger', graph.pageId, psid);
    await eventually(async () => expect((await system.store.conversations.get(fbConversation))?.handoff?.status).toBe('assigned'));
    offsetMs = 30 * 3600_000;
    graph.advanceTime(offsetMs);
    // A console session lasts a working day: sign in again the next day.
    lan = await consoleLogin(base, 'lan', PASSWORD);
    const { conversation } = await call<{ conversation: { window: { canReply: boolean; tag?: string } } }>(lan, 'GET', `/conversations/${id(fbConversation)}`);
    expect(conversation.window).toMatchObject({ canReply: true, tag: 'HUMAN_AGENT' });
    await call(lan, 'POST', `/conversations/${id(fbConversation)}/messages`, { text: 'Chào bạn, tôi trả lời muộn.' }, 201);
    await eventually(() => expect(graph.sent.filter((m) => m.psid === psid).at(-1)).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }));

    const citizen = bigId();
    offsetMs = 0;
    await citizenSays(citizen, 'gặp tổng đài viên');
    const zaloConv = zaloConversation(citizen);
    await eventually(async () => expect((await system.store.conversations.get(zaloConv))?.handoff?.status).toBe('assigned'));
    offsetMs = 8 * 24 * 3600_000;
    lan = await consoleLogin(base, 'lan', PASSWORD);
    const late = await consoleCall(base, 'POST', `/operator/conversations/${id(zaloConv)}/messages`, { text: 'Xin lỗi đã để chờ lâu.' }, lan);
    expect(late.status).toBe(409);
    expect(((await late.json()) as { code: string }).code).toBe('HANDOFF.WINDOW_CLOSED');
    const { ticket } = await call<{ ticket: { code: string; agencyName: string } }>(lan, 'POST', `/conversations/${id(zaloConv)}/ticket`, { question: 'Người dân cần được hướng dẫn thủ tục' }, 201);
    const stored = await system.store.tickets.getByCode(ticket.code);
    expect(stored?.question).toContain('Người dân cần được hướng dẫn thủ tục');
    expect(stored?.question).toContain('Người dân: gặp tổng đài viên');
    expect((await system.store.conversations.get(zaloConv))?.handoff?.status).toBe('bot');
  });

  it('brings a person for an emergency (after the emergency numbers), a denunciation, and a second question in a row without an answer', async () => {
    await start();
    const lan = await operator('lan', 'Lan');
    await online(lan);
    const [fire, bribe, lost] = [bigId(), bigId(), bigId()];
    await citizenSays(fire, 'nhà tôi đang cháy cứu với');
    await eventually(() => expect(zaloTexts(fire)).toEqual([copy.bot.emergency, copy.bot.handoff.assigned('Lan')]));
    await citizenSays(bribe, 'tôi muốn tố cáo cán bộ xã vòi tiền khi làm giấy tờ');
    await eventually(() => expect(zaloTexts(bribe).at(-1)).toBe(copy.bot.handoff.assigned('Lan')));

    await citizenSays(lost, 'xin cấp phép bay flycam chụp ảnh cưới');
    await eventually(() => expect(zaloTexts(lost)).toHaveLength(1));
    expect(zaloTexts(lost)[0]).toContain(copy.bot.fallbackOffer);
    await citizenSays(lost, 'thủ tục đăng ký nuôi chim yến trong nhà phố');
    await eventually(() => expect(zaloTexts(lost).at(-1)).toBe(copy.bot.handoff.assigned('Lan')));
    const reasons = await Promise.all([fire, bribe, lost].map(async (u) => (await system.store.handoffs.listByConversation(zaloConversation(u), 1))[0]?.reason));
    expect(reasons).toEqual(['sensitive', 'sensitive', 'fallbacks']);
  });

  it('offers the alternatives beside a long wait, and a citizen who takes one leaves the queue for the bot to take it up', async () => {
    await start({ OPERATOR_CAPACITY: '1' });
    const lan = await operator('lan', 'Lan');
    await online(lan);
    const citizens = [bigId(), bigId(), bigId(), bigId()];
    for (const user of citizens) {
      await citizenSays(user, 'gặp tổng đài viên');
      await eventually(() => expect(zaloTexts(user)).toHaveLength(1));
    }
    // One operator, one place, the default handle time (6 minutes): the third in the queue waits 18 minutes.
    const last = citizens[3]!;
    expect(zaloTexts(citizens[1]!)[0]).not.toContain(copy.bot.handoff.longWait);
    expect(zaloTexts(last)[0]).toContain(copy.bot.handoff.queued({ position: 3, waitMinutes: 18 }));
    expect(zaloTexts(last)[0]).toContain(copy.bot.handoff.longWait);
    expect(zaloTexts(last)[0]).toContain(`2. ${copy.bot.handoff.offerButtons.agency}`);
    // "2" on Zalo picks "send the question to an agency": out of the queue, and the bot asks for the question.
    await citizenSays(last, '2');
    await eventually(() => expect(zaloTexts(last)).toHaveLength(2));
    expect(zaloTexts(last)[1]).toContain(copy.bot.tickets.questionPrompt);
    expect((await system.store.conversations.get(zaloConversation(last)))?.handoff?.status).toBe('bot');
    expect((await system.store.handoffs.listByConversation(zaloConversation(last), 1))[0]).toMatchObject({ outcome: 'abandoned' });
  });

  it('records a phone call sent to an agency, with the tracking code to read to the caller, masked in the list', async () => {
    await start();
    const lan = await operator('lan', 'Lan');
    const { call: recorded } = await call<{ call: { id: string; ticket: { code: string; agencyName: string; dueDate: string } } }>(
      lan,
      'POST',
      '/calls',
      { question: 'Hỏi về cấp lại giấy khai sinh bị mất', callbackPhone: '0912345678', toAgency: true, durationSeconds: 240 },
      201,
    );
    expect(recorded.ticket.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{5}$/);
    const ticket = await system.store.tickets.getByCode(recorded.ticket.code);
    expect(ticket?.conversationId).toBe(`phone:hotline:${recorded.id}`);
    const { items } = await call<{ items: { callbackPhone?: string; ticketCode?: string }[] }>(lan, 'GET', '/calls');
    expect(items[0]).toMatchObject({ ticketCode: recorded.ticket.code });
    expect(items[0]!.callbackPhone).not.toContain('12345678');
    expect((await system.store.audit.list({ targetId: recorded.id, limit: 5 })).map((a) => a.action)).toEqual(['call.record']);
  });
});
