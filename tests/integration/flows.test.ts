import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { createRouter } from '../../knowledge/routing/index.js';
import { createTicketService, type TicketService } from '../../src/core/tickets.js';
import { createBotEngine } from '../../src/bot/engine.js';
import type { Conversation, InboundMessage } from '../../src/domain/conversation.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Reply } from '../../src/domain/message.js';
import { DEFAULT_TICKET_POLICY, type Ticket } from '../../src/domain/ticket.js';
import { generate as generateTrackingCode, isValid as isValidTrackingCode } from '../../src/domain/tracking-code.js';
import { addWorkingDays, type WorkingCalendar } from '../../src/domain/working-days.js';
import type { AgencyRouter } from '../../src/ports/knowledge.js';
import { systemClock } from '../../src/ports/clock.js';
import type { ConversationEngine } from '../../src/ports/conversation-engine.js';
import type { Store } from '../../src/ports/store.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { buildFlowServices } from '../../src/system/flow-services.js';
import { flowHandoff } from './flow-handoff.js';
import type { RunningSystem } from '../../src/system/index.js';
import { consoleCall, consoleLogin, openWebchatConversation, type ConsoleSignIn } from './console-client.js';
import { eventually } from './helpers.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * The flows through the real Botkit engine, the real brain and the embedded store: no HTTP, no queue.
 * Each `say` is one citizen message; what comes back is what the channel would send.
 */
let brain: Brain;
let router: AgencyRouter;
let calendar: WorkingCalendar;
let store: Store;
let dataDir: string;
let engine: ConversationEngine;
let tickets: TicketService;
let seq = 0;

beforeAll(() => {
  brain = loadBrain();
  router = createRouter({ catalog: loadCatalog(), brain });
  calendar = loadHolidayCalendar().calendar;
});

async function newEngine(): Promise<ConversationEngine> {
  // No delivery worker here: answers are not part of these flows (tests/integration/tickets.test.ts).
  const deliveries = () => ({ name: 'outbound-test', add: async () => {} });
  tickets = createTicketService({ store, router, calendar, clock: systemClock, deliveries, answerNotice: (t) => ({ text: t.answer?.text ?? '' }) });
  return createBotEngine({ dialogState: store.dialogState, services: buildFlowServices({ knowledge: brain, store, copy: vi, clock: systemClock, tickets, handoff: flowHandoff(store) }) });
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flows-'));
  store = createNedbStore({ dataDir });
  await store.init();
  engine = await newEngine();
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A citizen's conversation: on Zalo for users named `zalo-…`, else on the web widget. */
function conversation(user: string): Conversation {
  const now = new Date();
  const [channel, accountId] = user.startsWith('zalo-') ? (['zalo', 'oa-test'] as const) : (['webchat', 'portal'] as const);
  return { id: `${channel}:${accountId}:${user}`, contactId: `c-${user}`, channel, accountId, userId: user, handoff: { status: 'bot', rev: 0 }, lastInboundAt: now, createdAt: now, updatedAt: now };
}

async function say(user: string, text: string, options: { payload?: boolean; via?: ConversationEngine } = {}): Promise<Reply[]> {
  seq++;
  const message: InboundMessage = {
    id: `webchat:m${seq}`,
    conversationId: conversation(user).id,
    externalId: `m${seq}`,
    seq,
    kind: options.payload ? 'postback' : 'message',
    ...(options.payload ? { payload: text } : { text }),
    status: 'received',
    receivedAt: new Date(),
  };
  const { id, contactId, channel, accountId, userId } = conversation(user);
  const stored = await store.conversations.getOrOpen({ id, contactId, channel, accountId, userId, at: new Date() });
  return (options.via ?? engine).handleTurn({ conversation: stored, message });
}

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n');

describe('flows', () => {
  it('greets with the menu', async () => {
    const replies = await say('u1', 'xin chào');
    expect(texts(replies)).toBe(vi.bot.greeting);
    expect(replies[0]!.buttons!.map((b) => b.payload)).toEqual(['menu:ask', 'req:agency', 'req:operator', 'menu:help']);
  });

  it('answers a procedure, then follow-ups about the same procedure from dialog state', async () => {
    const first = await say('u1', 'làm giấy khai sinh cho con');
    expect(texts(first)).toContain('Đăng ký khai sinh');
    expect(first[0]!.buttons!.map((b) => b.payload)).toContain('topic:fee');
    const fee = await say('u1', 'lệ phí bao nhiêu?');
    expect(texts(fee)).toContain('Đăng ký khai sinh');
    expect(texts(fee)).toContain(vi.answers.labels.fee);
    const docs = await say('u1', 'topic:documents', { payload: true });
    expect(texts(docs)).toContain('Giấy chứng sinh');
  });

  it('switches procedure when the citizen names another one', async () => {
    await say('u1', 'đăng ký kết hôn');
    const replies = await say('u1', 'còn đăng ký tạm trú thì sao');
    expect(texts(replies)).toContain('Đăng ký tạm trú');
  });

  it('offers clarification buttons and answers the chosen one, also when chosen by number', async () => {
    const replies = await say('u1', 'cấp lại');
    const buttons = replies.flatMap((r) => r.buttons ?? []);
    expect(buttons.length).toBeGreaterThan(2);
    expect(buttons.slice(0, -1).every((b) => b.payload.startsWith('proc:'))).toBe(true);
    // Every clarification ends with "none of these".
    expect(buttons.at(-1)).toEqual({ title: vi.bot.talk.noneButton, payload: 'req:none' });
    expect(replies.at(-1)!.meta).toMatchObject({ tag: 'clarify', options: buttons.slice(0, -1).map((b) => b.payload.slice('proc:'.length)), locale: 'vi' });
    const chosen = await say('u1', '2');
    const id = buttons[1]!.payload.slice('proc:'.length);
    expect(texts(chosen)).toContain(brain.getProcedure(id)!.name);
  });

  it('opens a ticket when the brain cannot answer: consent, publish, name and phone skipped, then the tracking code', async () => {
    const question = 'xin cấp phép bay flycam chụp ảnh cưới';
    const offer = await say('u1', question);
    expect(offer[0]!.buttons!.map((b) => b.payload)).toEqual(['req:agency', 'req:operator', 'req:rephrase']);

    const consent = await say('u1', 'req:agency', { payload: true });
    expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(question));
    expect(consent[0]!.buttons!.map((b) => b.payload)).toEqual(['ans:yes', 'ans:no']);

    const publish = await say('u1', 'ans:yes', { payload: true });
    expect(texts(publish)).toBe(vi.bot.tickets.publishPrompt);
    expect(publish[0]!.buttons!.map((b) => b.payload)).toEqual(['ans:yes', 'ans:no']);

    const name = await say('u1', 'ans:no', { payload: true });
    expect(texts(name)).toBe(vi.bot.tickets.namePrompt);
    expect(name[0]!.buttons!.map((b) => b.payload)).toEqual(['ans:skip']);

    const phone = await say('u1', 'ans:skip', { payload: true });
    expect(texts(phone)).toBe(vi.bot.tickets.phonePrompt);
    expect(phone[0]!.buttons!.map((b) => b.payload)).toEqual(['ans:skip']);

    const done = await say('u1', 'ans:skip', { payload: true });
    const [ticket, ...others] = await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 });
    expect(others).toHaveLength(0);
    expect(ticket).toMatchObject({ kind: 'question', status: 'assigned', question, consent: { forward: true, publish: false } });
    expect(ticket!.contact).toBeUndefined();
    expect(isValidTrackingCode(ticket!.code)).toBe(true);
    const agency = brain.listAgencies().find((a) => a.id === ticket!.agencyId)!;
    const due = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(ticket!.dueAt);
    expect(texts(done)).toBe(vi.bot.tickets.opened({ code: ticket!.code, agencyName: agency.name, dueDate: due, callback: false }));
    expect(texts(done)).toContain(`mã tra cứu ${ticket!.code}`);
    expect(done[0]!.buttons!.map((b) => b.payload)).toContain('menu:ask');

    const tracked = await say('u1', 'tra cứu câu hỏi của tôi');
    expect(texts(tracked)).toBe(vi.bot.tickets.list([{ code: ticket!.code, status: vi.bot.tickets.statuses.assigned, dueDate: due }]));
    // Another citizen sees none of it.
    expect(texts(await say('u2', 'tra cứu câu hỏi của tôi'))).toBe(vi.bot.tickets.none);
    expect(await store.handoffs.listByConversation(conversation('u1').id, 10)).toHaveLength(0);
  });

  it('asks for the question when the citizen picks "send to an agency" from the menu, and takes typed answers, a name and a call-back phone', async () => {
    expect(texts(await say('u1', 'req:agency', { payload: true }))).toBe(vi.bot.tickets.questionPrompt);
    const question = 'Đường vào trường học ở thôn 3 bị sạt lở, ai phụ trách sửa?';
    expect(texts(await say('u1', question))).toBe(vi.bot.tickets.consentPrompt(question));
    expect(texts(await say('u1', 'Đồng ý'))).toBe(vi.bot.tickets.publishPrompt);
    expect(texts(await say('u1', 'có'))).toBe(vi.bot.tickets.namePrompt);
    // A number is not a name (the phone comes next); the step is asked again.
    const notAName = await say('u1', '0912 345 678');
    expect(texts(notAName)).toBe(`${vi.bot.tickets.nameInvalid}\n${vi.bot.tickets.namePrompt}`);
    expect(texts(await say('u1', '  Nguyễn   Thị Bích  '))).toBe(vi.bot.tickets.phonePrompt);
    const retry = await say('u1', '0912 34');
    expect(texts(retry)).toContain(vi.bot.tickets.phoneInvalid);
    const done = await say('u1', 'số của tôi là 0912 345 678');
    expect(texts(done)).toContain('mã tra cứu');
    const [ticket] = await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 });
    expect(ticket).toMatchObject({ question, consent: { forward: true, publish: true }, contact: { name: 'Nguyễn Thị Bích', phoneLast4: '5678', callbackPhone: '0912 345 678' } });
  });

  it('skips the name when the citizen types "bỏ qua", and leaves the dialog for a question typed instead of a name', async () => {
    await say('u1', 'xin cấp phép bay flycam chụp ảnh cưới');
    await say('u1', 'req:agency', { payload: true });
    await say('u1', 'ans:yes', { payload: true });
    expect(texts(await say('u1', 'ans:no', { payload: true }))).toBe(vi.bot.tickets.namePrompt);
    expect(texts(await say('u1', 'bỏ qua'))).toBe(vi.bot.tickets.phonePrompt);
    await say('u1', 'ans:skip', { payload: true });
    const [ticket] = await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 });
    expect(ticket!.contact).toBeUndefined();

    await say('u2', 'xin cấp phép bay flycam chụp ảnh cưới');
    await say('u2', 'req:agency', { payload: true });
    await say('u2', 'ans:yes', { payload: true });
    await say('u2', 'ans:no', { payload: true });
    const moved = await say('u2', 'đăng ký kết hôn cần giấy tờ gì?');
    expect(texts(moved)).toContain('Đăng ký kết hôn');
    expect(await store.tickets.find({ conversationId: conversation('u2').id, limit: 10 })).toHaveLength(0);
  });

  it('asks where the problem is for feedback, refuses a reply that is no place, and repeats the place when the ticket opens', async () => {
    const report = 'Đèn đường ở thôn 3 bị hỏng cả tháng nay, không ai sửa';
    expect(texts(await say('u1', report))).toBe(vi.bot.feedbackOffer);
    expect(texts(await say('u1', 'req:agency', { payload: true }))).toBe(vi.bot.tickets.consentPrompt(report, 'feedback'));
    const place = await say('u1', 'ans:yes', { payload: true });
    expect(texts(place)).toBe(vi.bot.tickets.placePrompt);
    expect(place[0]!.buttons).toBeUndefined();
    expect(texts(await say('u1', 'có'))).toBe(`${vi.bot.tickets.placeInvalid}\n${vi.bot.tickets.placePrompt}`);
    // A place may read like a procedure question to the brain: it is still the place.
    expect(texts(await say('u1', '  đường Lê Lợi, phường 2,   gần chợ '))).toBe(vi.bot.tickets.publishPrompt);
    expect(texts(await say('u1', 'ans:no', { payload: true }))).toBe(vi.bot.tickets.namePrompt);
    expect(texts(await say('u1', 'ans:skip', { payload: true }))).toBe(vi.bot.tickets.phonePrompt);
    const done = await say('u1', 'ans:skip', { payload: true });
    const [ticket] = await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 });
    expect(ticket).toMatchObject({ kind: 'feedback', question: report, place: 'đường Lê Lợi, phường 2, gần chợ', status: 'assigned' });
    expect(texts(done)).toContain('"đường Lê Lợi, phường 2, gần chợ"');
    expect(texts(done)).toContain(`mã tra cứu ${ticket!.code}`);
  });

  it('leaves the place step for a message that is clearly something else', async () => {
    await say('u1', 'Rác thải đổ trộm ở bờ sông gây ô nhiễm');
    await say('u1', 'req:agency', { payload: true });
    expect(texts(await say('u1', 'ans:yes', { payload: true }))).toBe(vi.bot.tickets.placePrompt);
    expect(texts(await say('u1', 'xin chào'))).toBe(vi.bot.greeting);
    expect(await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 })).toHaveLength(0);
  });

  it("sends a question asked from a procedure's dialog to that procedure's agency", async () => {
    const procedure = brain.getProcedure('dang-ky-ket-hon')!;
    expect(texts(await say('u1', 'đăng ký kết hôn'))).toContain(procedure.name);
    expect(texts(await say('u1', 'req:agency', { payload: true }))).toBe(vi.bot.tickets.questionPromptAbout(procedure.name));
    const question = 'Vợ tôi là người nước ngoài thì nộp hồ sơ ở đâu?';
    expect(texts(await say('u1', question))).toBe(vi.bot.tickets.consentPrompt(question));
    await say('u1', 'ans:yes', { payload: true });
    await say('u1', 'ans:no', { payload: true });
    await say('u1', 'ans:skip', { payload: true });
    await say('u1', 'ans:skip', { payload: true });
    const [ticket] = await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 });
    expect(ticket).toMatchObject({ kind: 'question', question, procedureId: procedure.id, agencyId: procedure.agencyId });
  });

  it('opens no ticket when the citizen does not consent to forwarding', async () => {
    await say('u1', 'xin cấp phép bay flycam chụp ảnh cưới');
    await say('u1', 'req:agency', { payload: true });
    const declined = await say('u1', 'ans:no', { payload: true });
    expect(texts(declined)).toBe(vi.bot.tickets.consentDeclined);
    expect(await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 })).toHaveLength(0);
    expect(texts(await say('u1', 'tra cứu câu hỏi'))).toBe(vi.bot.tickets.none);
  });

  it('leaves the request dialog when the citizen asks something else instead of answering', async () => {
    await say('u1', 'xin cấp phép bay flycam chụp ảnh cưới');
    await say('u1', 'req:agency', { payload: true });
    const replies = await say('u1', 'đăng ký kết hôn');
    expect(texts(replies)).toContain('Đăng ký kết hôn');
    expect(await store.tickets.find({ conversationId: conversation('u1').id, limit: 10 })).toHaveLength(0);
  });

  it('offers to leave the question or be called back when no operator can be reached', async () => {
    await say('u1', 'xin cấp phép bay flycam chụp ảnh cưới');
    const done = await say('u1', 'req:operator', { payload: true });
    expect(texts(done)).toBe(vi.bot.handoff.nobodyOnline);
    expect(done[0]!.buttons?.map((b) => b.payload)).toEqual(['req:agency', 'req:callback']);
  });

  it('keeps each citizen\'s dialog apart', async () => {
    await say('a', 'đăng ký kết hôn');
    await say('b', 'cấp hộ chiếu');
    expect(texts(await say('a', 'mấy ngày thì có?'))).toContain('Đăng ký kết hôn');
    expect(texts(await say('b', 'mấy ngày thì có?'))).toContain('hộ chiếu');
  });

  it('continues a dialog on a new engine over the same store (a restart, or another worker)', async () => {
    await say('u1', 'đăng ký thường trú');
    const restarted = await newEngine();
    const replies = await say('u1', 'cần giấy tờ gì', { via: restarted });
    expect(texts(replies)).toContain('Đăng ký thường trú');
    expect(texts(replies)).toContain(vi.answers.labels.documents);
  });

  it('answers other intents honestly', async () => {
    expect(texts(await say('u1', 'đăng ký nhận tin tức của tỉnh'))).toBe(vi.bot.news.unavailable);
    expect(texts(await say('u2', 'hôm nay thời tiết thế nào'))).toBe(vi.bot.outOfScope);
    const handoff = await say('u3', 'cho tôi gặp tổng đài viên');
    expect(texts(handoff)).toBe(vi.bot.handoff.nobodyOnline);
    expect(await store.handoffs.listByConversation(conversation('u3').id, 10)).toMatchObject([{ reason: 'requested', outcome: 'closed', question: 'cho tôi gặp tổng đài viên' }]);
  });

  describe('a tracking code typed in chat', () => {
    async function openFor(user: string, contact?: { name?: string; phone?: string }) {
      return tickets.openTicket({
        conversationId: conversation(user).id,
        kind: 'question',
        question: 'xin cấp phép bay flycam chụp ảnh cưới',
        consent: { forward: true, publish: false },
        ...(contact ? { contact } : {}),
      });
    }
    /** What a code not found from this conversation gets: "not found" and the offer to give the phone's last 4 digits. */
    const offer = (code: string) => `${vi.bot.tickets.notFound(code)}\n\n${vi.bot.tickets.phoneProofOffer}`;
    const otherCode = (code: string) => {
      let unknown = generateTrackingCode();
      while (unknown === code) unknown = generateTrackingCode();
      return unknown;
    };
    const dueOf = (at: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
    const agencyNameOf = (id: string) => brain.listAgencies().find((a) => a.id === id)!.name;

    it('shows the citizen their own ticket: status, agency, due date, and the answer once there is one', async () => {
      const ticket = await openFor('u1');
      const details = { code: ticket.code, status: vi.bot.tickets.statuses.assigned, agencyName: agencyNameOf(ticket.agencyId), dueDate: dueOf(ticket.dueAt) };
      const replies = await say('u1', ticket.code);
      expect(texts(replies)).toBe(vi.bot.tickets.detail(details));
      expect(replies[0]!.buttons!.map((b) => b.payload)).toContain('menu:ask');
      // However it is typed: lower case, inside a sentence, split by a space.
      const [head, tail] = ticket.code.toLowerCase().split('-') as [string, string];
      expect(texts(await say('u1', `tra cứu mã ${head}-${tail} giúp tôi`))).toBe(vi.bot.tickets.detail(details));
      expect(texts(await say('u1', `tra cứu ${head} ${tail}`))).toBe(vi.bot.tickets.detail(details));

      await tickets.answer(ticket.id, { kind: 'staff', id: 'staff-1' }, 'Bạn liên hệ Bộ Quốc phòng để xin phép bay.');
      expect(texts(await say('u1', ticket.code))).toBe(
        vi.bot.tickets.detail({ ...details, status: vi.bot.tickets.statuses.answered, answer: 'Bạn liên hệ Bộ Quốc phòng để xin phép bay.' }),
      );
    });

    it("answers someone else's code exactly like an unknown one, never confirming it exists", async () => {
      const ticket = await openFor('u1');
      const unknown = otherCode(ticket.code);
      const others = texts(await say('u2', ticket.code));
      const nobodys = texts(await say('u2', unknown));
      expect(others).toBe(offer(ticket.code));
      expect(nobodys).toBe(offer(unknown));
      expect(others.replace(ticket.code, 'CODE')).toBe(nobodys.replace(unknown, 'CODE'));
      expect(others).not.toContain(ticket.question);
      expect(others).not.toContain(agencyNameOf(ticket.agencyId));
    });

    it('says a code with a wrong check symbol looks mistyped', async () => {
      const ticket = await openFor('u1');
      // Swapping two different symbols is always caught by the check symbol.
      const [head, tail] = ticket.code.split('-') as [string, string];
      const swapped = head[0] !== head[1] ? `${head[1]}${head[0]}${head.slice(2)}-${tail}` : `${head}-${tail[1]}${tail[0]}${tail.slice(2)}`;
      expect(isValidTrackingCode(swapped)).toBe(false);
      expect(texts(await say('u1', swapped))).toBe(vi.bot.tickets.codeInvalid(swapped));
    });

    describe('asked from another channel, with the last 4 digits of the phone number given', () => {
      const PHONE = '0912 345 678';

      it('shows the ticket asked on the web widget to a citizen on Zalo who gives the code and the right digits', async () => {
        const ticket = await openFor('w1', { name: 'Nguyễn Thị Bích', phone: PHONE });
        const offered = await say('zalo-1', ticket.code);
        expect(texts(offered)).toBe(offer(ticket.code));
        expect(offered.at(-1)!.buttons!.map((b) => b.payload)).toEqual(['ans:skip']);
        const written: string[] = [];
        const write = store.dialogState.write.bind(store.dialogState);
        store.dialogState.write = async (items) => {
          written.push(JSON.stringify(items));
          return write(items);
        };
        const shown = await say('zalo-1', '5678');
        store.dialogState.write = write;
        // The digits are never kept in the dialog's state.
        expect(written.length).toBeGreaterThan(0);
        expect(written.join('\n')).not.toContain('5678');
        expect(texts(shown)).toBe(vi.bot.tickets.detail({ code: ticket.code, status: vi.bot.tickets.statuses.assigned, agencyName: agencyNameOf(ticket.agencyId), dueDate: dueOf(ticket.dueAt) }));
        expect(shown[0]!.buttons!.map((b) => b.payload)).toContain('menu:ask');
        for (const secret of ['Bích', '0912', '345 678', ticket.question]) expect(texts(shown)).not.toContain(secret);
        // The whole number, typed with its spaces, proves it as well.
        await say('zalo-1', ticket.code);
        expect(texts(await say('zalo-1', PHONE))).toContain(`mã tra cứu ${ticket.code}:`);
      });

      it('answers wrong digits exactly like an unknown code with digits, and offers the digits the same way for both', async () => {
        const ticket = await openFor('w1', { phone: PHONE });
        const unknown = otherCode(ticket.code);
        const existing = await say('zalo-2', ticket.code);
        const nobodys = await say('zalo-3', unknown);
        expect(texts(existing).replace(ticket.code, 'CODE')).toBe(texts(nobodys).replace(unknown, 'CODE'));
        expect(existing.map((r) => r.buttons)).toEqual(nobodys.map((r) => r.buttons));

        const wrong = await say('zalo-2', '1234');
        const unknownWithDigits = await say('zalo-3', '5678');
        expect(texts(wrong)).toBe(vi.bot.tickets.phoneNotFound(ticket.code));
        expect(texts(unknownWithDigits)).toBe(vi.bot.tickets.phoneNotFound(unknown));
        expect(texts(wrong).replace(ticket.code, 'CODE')).toBe(texts(unknownWithDigits).replace(unknown, 'CODE'));
        expect(wrong.map((r) => r.buttons)).toEqual(unknownWithDigits.map((r) => r.buttons));
        expect(texts(wrong)).not.toContain(agencyNameOf(ticket.agencyId));
        // A ticket without a phone number cannot be proved with digits at all.
        const noPhone = await openFor('w2');
        await say('zalo-3', noPhone.code);
        expect(texts(await say('zalo-3', '5678'))).toBe(vi.bot.tickets.phoneNotFound(noPhone.code));
      });

      it('refuses digits after too many failed attempts per conversation and per code, without checking them (even the right ones)', async () => {
        const ticket = await openFor('w1', { phone: PHONE });
        const attempt = async (user: string, digits: string) => {
          expect(texts(await say(user, ticket.code))).toBe(offer(ticket.code));
          return texts(await say(user, digits));
        };
        // 5 failures from one conversation: its sixth attempt is refused, right digits or not.
        for (let i = 0; i < 5; i += 1) expect(await attempt('zalo-4', `000${i}`)).toBe(vi.bot.tickets.phoneNotFound(ticket.code));
        expect(await attempt('zalo-4', '5678')).toBe(vi.bot.tickets.phoneLookupLimited);
        // So is an unknown code from that conversation: the refusal says nothing about the code.
        const unknown = otherCode(ticket.code);
        await say('zalo-4', unknown);
        expect(texts(await say('zalo-4', '5678'))).toBe(vi.bot.tickets.phoneLookupLimited);
        // Another conversation still may (a success resets nothing)…
        expect(await attempt('zalo-5', '5678')).toContain(`mã tra cứu ${ticket.code}:`);
        // …until the code itself has had 10 failures, from whichever conversations.
        for (let i = 0; i < 5; i += 1) expect(await attempt('zalo-5', `111${i}`)).toBe(vi.bot.tickets.phoneNotFound(ticket.code));
        expect(await attempt('zalo-6', '5678')).toBe(vi.bot.tickets.phoneLookupLimited);
        // The conversation's own lookup (its channel identity) is not limited.
        expect(texts(await say('w1', ticket.code))).toContain(`mã tra cứu ${ticket.code}:`);
      });

      it('leaves the digits step for anything that is not 4 digits, and ends it politely on "Bỏ qua"', async () => {
        const ticket = await openFor('w1', { phone: PHONE });
        await say('zalo-7', ticket.code);
        expect(texts(await say('zalo-7', 'xin chào'))).toBe(vi.bot.greeting);
        // Out of the dialog, 4 digits are no lookup.
        expect(texts(await say('zalo-7', '5678'))).not.toContain(ticket.code);

        await say('zalo-7', ticket.code);
        expect(texts(await say('zalo-7', 'đăng ký kết hôn cần giấy tờ gì?'))).toContain('Đăng ký kết hôn');

        await say('zalo-7', ticket.code);
        const unknown = otherCode(ticket.code);
        expect(texts(await say('zalo-7', `tra cứu ${unknown}`))).toBe(offer(unknown));
        expect(texts(await say('zalo-7', 'ans:skip', { payload: true }))).toBe(vi.bot.tickets.phoneProofSkipped);

        await say('zalo-7', ticket.code);
        const skipped = await say('zalo-7', 'Bỏ qua');
        expect(texts(skipped)).toBe(vi.bot.tickets.phoneProofSkipped);
        expect(skipped[0]!.buttons!.map((b) => b.payload)).toContain('menu:ask');
        expect(texts(await say('zalo-7', '5678'))).not.toContain(ticket.code);
      });
    });
  });
});

/**
 * Issue 9's conversations as a citizen types them, on the real brain (tests/integration/conversation-flows.test.ts
 * checks the same behaviours with a scripted brain): accented and unaccented, each reply's meta says
 * what it is, and nothing is sent to an agency or an operator without the citizen's explicit choice.
 */
describe('issue 9 on the real brain: conversations that follow the citizen', () => {
  const tagsOf = (replies: Reply[]) => replies.map((r) => r.meta?.tag);
  async function nothingOpened(user: string): Promise<void> {
    expect(await store.tickets.find({ conversationId: conversation(user).id, limit: 10 })).toHaveLength(0);
    expect(await store.handoffs.listByConversation(conversation(user).id, 10)).toHaveLength(0);
  }

  for (const followUp of ['nộp online được không', 'nop online duoc khong', 'nộp trực tuyến được không', 'làm online được không']) {
    it(`keeps "đăng ký thường trú" for "${followUp}"`, async () => {
      await say('i9a', 'đăng ký thường trú');
      const replies = await say('i9a', followUp);
      expect(replies.at(-1)!.meta).toMatchObject({ tag: 'answer', procedureId: 'dang-ky-thuong-tru', topic: 'online' });
      await nothingOpened('i9a');
    });
  }

  for (const followUp of ['mất bao lâu', 'mat bao lau']) {
    it(`reads "${followUp}" after a lost driving licence as the processing time, not "lost"`, async () => {
      await say('i9b', 'cấp lại giấy phép lái xe bị mất');
      const replies = await say('i9b', followUp);
      expect(replies.at(-1)!.meta).toMatchObject({ tag: 'answer', procedureId: 'cap-lai-giay-phep-lai-xe-bi-mat', topic: 'time' });
    });
  }

  for (const [text, tag] of [
    ['cảm ơn', 'small-talk'],
    ['cam on', 'small-talk'],
    ['ok', 'small-talk'],
    ['bot ngu quá', 'small-talk'],
    ['bot ngu qua', 'small-talk'],
    ['chưa hiểu', 'repair'],
    ['chua hieu', 'repair'],
    ['How do I register a birth?', 'language'],
    ['សួស្តី', 'language'],
  ] as const) {
    it(`answers "${text}" with ${tag}, opening nothing`, async () => {
      expect(tagsOf(await say('i9c', text))).toEqual([tag]);
      await say('i9c', 'đăng ký kết hôn');
      expect(tagsOf(await say('i9c', text))).toEqual([tag]);
      await nothingOpened('i9c');
    });
  }

  for (const no of ['không phải', 'khong phai', 'sai rồi']) {
    it(`offers repair for "${no}" after an answer and after a clarification, never an operator request`, async () => {
      await say('i9d', 'đăng ký kết hôn');
      expect(tagsOf(await say('i9d', no))).toEqual(['repair']);
      await say('i9d', 'cấp lại');
      expect(tagsOf(await say('i9d', no))).toEqual(['repair']);
      await nothingOpened('i9d');
    });
  }

  for (const text of ['đăng ký khai sinh liên hệ ai', 'dang ky khai sinh lien he ai']) {
    it(`answers "${text}" from the agency directory`, async () => {
      const replies = await say('i9e', text);
      expect(replies.at(-1)!.meta).toMatchObject({ tag: 'contact', procedureId: 'dang-ky-khai-sinh' });
      await nothingOpened('i9e');
    });
  }

  for (const text of ['thủ tục ly hôn', 'thu tuc ly hon']) {
    it(`points "${text}" to the court, not to marriage procedures`, async () => {
      const replies = await say('i9f', text);
      expect(replies[0]!.meta).toMatchObject({ tag: 'outside' });
      expect(replies[0]!.buttons!.map((b) => b.payload)).toEqual(['req:agency', 'menu:ask']);
      await nothingOpened('i9f');
    });
  }

  for (const text of ['con tôi bị đuổi học vô lý', 'con toi bi duoi hoc vo ly']) {
    it(`offers to send "${text}" on as a complaint, never lists tickets`, async () => {
      const replies = await say('i9g', text);
      expect(texts(replies)).toBe(vi.bot.feedbackOffer);
      expect(replies[0]!.meta).toMatchObject({ tag: 'offer' });
      await nothingOpened('i9g');
    });
  }

  for (const text of ['tôi muốn gửi câu hỏi cho cơ quan', 'toi muon gui cau hoi cho co quan']) {
    it(`starts the agency request for "${text}", never lists tickets`, async () => {
      const replies = await say('i9h', text);
      expect(texts(replies)).toBe(vi.bot.tickets.questionPrompt);
      await nothingOpened('i9h');
    });
  }
});

/**
 * The same flows over the whole system (embedded store, in-process queues, the real app on an ephemeral
 * port): the agency reads tickets through the inbox API and answers them there; the answer reaches the
 * conversation through the delivery worker with its close/reopen buttons, which the citizen taps here.
 * The system's clock can be moved forward, to reopen on a later day or after the window.
 */
describe('with the whole system: the agency inbox, and the citizen closing or reopening an answered ticket', () => {
  const PASSWORD = 'mật khẩu thử nghiệm 1022';
  const DAY_MS = 24 * 60 * 60 * 1000;
  const ANSWER = 'Đăng ký khai sinh đúng hạn được miễn lệ phí.';
  let system: RunningSystem;
  let systemDir: string;
  let viaSystem: ConversationEngine;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const dueOf = (at: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
  const agencyNameOf = (id: string) => brain.listAgencies().find((a) => a.id === id)!.name;

  beforeAll(async () => {
    systemDir = mkdtempSync(join(tmpdir(), 'flows-system-'));
    system = await startTestSystem(systemDir, {}, { passwordParams: CHEAP_SCRYPT, clock });
    viaSystem = await createBotEngine({
      dialogState: system.store.dialogState,
      services: buildFlowServices({ knowledge: brain, store: system.store, copy: vi, clock, tickets: system.tickets }),
    });
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    rmSync(systemDir, { recursive: true, force: true });
  });

  afterEach(() => {
    offsetMs = 0;
  });

  const chat = (user: string, text: string, payload = false) => say(user, text, { via: viaSystem, payload });
  const ticketNow = async (id: string) => (await system.store.tickets.get(id))!;

  /** Staff of the agency, signed in on the console API (a new account each time: sessions follow the clock). */
  async function staffOf(agencyId: string): Promise<ConsoleSignIn> {
    const username = `canbo.${randomUUID().slice(0, 8)}`;
    await system.auth.createAccount({ username, displayName: 'Cán bộ tiếp nhận', role: 'staff', agencyId, password: PASSWORD });
    return consoleLogin(system.url!, username, PASSWORD);
  }

  async function inbox(path: string, who: ConsoleSignIn): Promise<Record<string, unknown>> {
    const response = await consoleCall(system.url!, 'GET', `/inbox${path}`, undefined, who);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  /** A question of `user`'s conversation, answered by staff over the inbox API and delivered to the conversation. */
  async function answeredFor(user: string): Promise<{ ticket: Ticket; notice: Reply }> {
    await openWebchatConversation(system.store, user);
    const opened = await system.tickets.openTicket({
      conversationId: conversation(user).id,
      kind: 'question',
      question: 'Đăng ký khai sinh cho con quá hạn có mất lệ phí không?',
      consent: { forward: true, publish: false },
      procedureId: 'dang-ky-khai-sinh',
    });
    const staff = await staffOf(opened.agencyId);
    const answered = await consoleCall(system.url!, 'POST', `/inbox/tickets/${encodeURIComponent(opened.id)}/answer`, { text: ANSWER }, staff);
    expect(answered.status).toBe(200);
    await eventually(async () => expect((await ticketNow(opened.id)).status).toBe('delivered'));
    const ticket = await ticketNow(opened.id);
    const record = await system.store.outbound.get(ticket.delivery!.outboundId!);
    return { ticket, notice: record!.reply };
  }

  it('keeps what each reply is (its meta) with the stored outbound record, and the language on the conversation, through the whole pipeline', async () => {
    const user = `meta-${randomUUID().slice(0, 8)}`;
    const id = conversation(user).id;
    const event = (externalId: string, text: string) => ({ channel: 'webchat' as const, externalId, userId: user, accountId: 'portal', kind: 'message' as const, text, timestamp: Date.now() });
    await system.receive(event(`${user}-1`, 'đăng ký khai sinh'));
    await eventually(async () => expect(await system.store.outbound.listByConversation(id, 10)).toHaveLength(1));
    await system.receive(event(`${user}-2`, 'How do I register a birth?'));
    await eventually(async () => expect(await system.store.outbound.listByConversation(id, 10)).toHaveLength(2));
    const [answer, language] = await system.store.outbound.listByConversation(id, 10);
    expect(answer!.reply.meta).toEqual({ tag: 'answer', procedureId: 'dang-ky-khai-sinh', locale: 'vi' });
    expect(language!.reply.meta).toEqual({ tag: 'language', locale: 'en' });
    expect((await system.store.conversations.get(id))!.locale).toBe('en');
  });

  it("shows a feedback's place and the citizen's name to the agency in the inbox API", async () => {
    const user = `fb-${randomUUID().slice(0, 8)}`;
    const report = 'Đèn đường ở thôn 3 bị hỏng cả tháng nay, không ai sửa';
    await chat(user, report);
    await chat(user, 'req:agency', true);
    expect(texts(await chat(user, 'ans:yes', true))).toBe(vi.bot.tickets.placePrompt);
    await chat(user, 'thôn 3, xã Hòa Bình, gần trường tiểu học');
    await chat(user, 'ans:no', true);
    expect(texts(await chat(user, 'Trần Văn Bình'))).toBe(vi.bot.tickets.phonePrompt);
    await chat(user, 'ans:skip', true);
    const [ticket] = await system.store.tickets.find({ conversationId: conversation(user).id, limit: 10 });
    expect(ticket).toMatchObject({ kind: 'feedback', question: report, place: 'thôn 3, xã Hòa Bình, gần trường tiểu học', contact: { name: 'Trần Văn Bình' } });

    const staff = await staffOf(ticket!.agencyId);
    const { tickets } = (await inbox('/tickets', staff)) as { tickets: Array<Record<string, unknown>> };
    expect(tickets.find((t) => t['id'] === ticket!.id)).toMatchObject({ kind: 'feedback', place: 'thôn 3, xã Hòa Bình, gần trường tiểu học', contact: { name: 'Trần Văn Bình' } });
    const detail = (await inbox(`/tickets/${encodeURIComponent(ticket!.id)}`, staff))['ticket'];
    expect(detail).toMatchObject({ place: 'thôn 3, xã Hòa Bình, gần trường tiểu học', question: report });
  });

  it('delivers the answer with close and reopen buttons; "still unclear" reopens it for the same agency with a new deadline', async () => {
    const user = `re-${randomUUID().slice(0, 8)}`;
    const { ticket, notice } = await answeredFor(user);
    expect(notice.text).toBe(
      vi.bot.tickets.answerNotice({ code: ticket.code, agencyName: agencyNameOf(ticket.agencyId), answer: ANSWER, reopenWindowDays: DEFAULT_TICKET_POLICY.reopenWindowDays }),
    );
    expect(notice.buttons).toEqual([
      { title: vi.bot.tickets.answerButtons.close, payload: `tk:close:${ticket.code}` },
      { title: vi.bot.tickets.answerButtons.reopen, payload: `tk:reopen:${ticket.code}` },
    ]);

    // Two days later, within the window.
    offsetMs = 2 * DAY_MS;
    expect(texts(await chat(user, `tk:reopen:${ticket.code}`, true))).toBe(vi.bot.tickets.reopenPrompt(ticket.code));
    const reason = 'Con tôi sinh ở nước ngoài thì có được miễn lệ phí không?';
    const expectedDue = addWorkingDays(clock.now(), DEFAULT_TICKET_POLICY.dueWorkingDays.question, calendar);
    const done = await chat(user, reason);
    const reopened = await ticketNow(ticket.id);
    expect(reopened.status).toBe('reopened');
    expect(reopened.agencyId).toBe(ticket.agencyId);
    expect(reopened.dueAt).toEqual(expectedDue);
    expect(reopened.dueAt.getTime()).toBeGreaterThan(ticket.dueAt.getTime());
    expect(reopened.timeline.at(-1)).toMatchObject({ action: 'reopen', actor: { kind: 'citizen' }, from: 'delivered', to: 'reopened', note: reason });
    expect(texts(done)).toBe(vi.bot.tickets.reopened({ code: ticket.code, agencyName: agencyNameOf(ticket.agencyId), dueDate: dueOf(expectedDue) }));

    // The agency finds it among its reopened tickets, with what is unclear, and may answer again.
    const staff = await staffOf(ticket.agencyId);
    const { tickets } = (await inbox('/tickets?status=reopened', staff)) as { tickets: Array<Record<string, unknown>> };
    expect(tickets.find((t) => t['id'] === ticket.id)).toMatchObject({ status: 'reopened', reopenReason: reason, dueAt: expectedDue.toISOString() });
    const detail = (await inbox(`/tickets/${encodeURIComponent(ticket.id)}`, staff))['ticket'] as { actions: string[]; timeline: unknown[] };
    expect(detail.actions).toContain('answer');
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'reopen', actor: { kind: 'citizen' }, note: reason });
  });

  it('says politely that a ticket can no longer be reopened after the window, and offers a new question', async () => {
    const user = `late-${randomUUID().slice(0, 8)}`;
    const { ticket } = await answeredFor(user);
    offsetMs = (DEFAULT_TICKET_POLICY.reopenWindowDays + 1) * DAY_MS;
    const refused = await chat(user, `tk:reopen:${ticket.code}`, true);
    expect(texts(refused)).toBe(vi.bot.tickets.reopenWindowPassed({ code: ticket.code, windowDays: DEFAULT_TICKET_POLICY.reopenWindowDays }));
    expect(refused[0]!.buttons![0]).toEqual({ title: vi.bot.tickets.newQuestionButton, payload: 'req:agency' });
    expect(await ticketNow(ticket.id)).toEqual(ticket);
    expect(texts(await chat(user, 'req:agency', true))).toBe(vi.bot.tickets.questionPrompt);
  });

  it('closes the ticket when the citizen taps "that answers it" (a second tap changes nothing)', async () => {
    const user = `close-${randomUUID().slice(0, 8)}`;
    const { ticket } = await answeredFor(user);
    expect(texts(await chat(user, `tk:close:${ticket.code}`, true))).toBe(vi.bot.tickets.closed(ticket.code));
    const closed = await ticketNow(ticket.id);
    expect(closed.status).toBe('closed');
    expect(closed.timeline.at(-1)).toMatchObject({ action: 'close', actor: { kind: 'citizen' }, from: 'delivered', to: 'closed' });
    expect(texts(await chat(user, `tk:close:${ticket.code}`, true))).toBe(vi.bot.tickets.closed(ticket.code));
    expect(await ticketNow(ticket.id)).toEqual(closed);
  });

  it("does nothing with a payload carrying another conversation's code but the usual not-found", async () => {
    const owner = `own-${randomUUID().slice(0, 8)}`;
    const { ticket } = await answeredFor(owner);
    const intruder = `x-${randomUUID().slice(0, 8)}`;
    expect(texts(await chat(intruder, `tk:reopen:${ticket.code}`, true))).toBe(vi.bot.tickets.notFound(ticket.code));
    expect(texts(await chat(intruder, 'Vẫn chưa rõ'))).not.toContain(ticket.code);
    expect(texts(await chat(intruder, `tk:close:${ticket.code}`, true))).toBe(vi.bot.tickets.notFound(ticket.code));
    expect(await ticketNow(ticket.id)).toEqual(ticket);
  });

  it('leaves the reopen dialog only by a button, reopening nothing; typing the code offers both choices again, so the reopen is never lost', async () => {
    const user = `away-${randomUUID().slice(0, 8)}`;
    const { ticket } = await answeredFor(user);
    const prompt = await chat(user, `tk:reopen:${ticket.code}`, true);
    expect(texts(prompt)).toBe(vi.bot.tickets.reopenPrompt(ticket.code));
    expect(prompt[0]!.meta).toMatchObject({ tag: 'reopen-prompt' });
    // The citizen may still close it instead.
    expect(prompt[0]!.buttons).toEqual([{ title: vi.bot.tickets.answerButtons.close, payload: `tk:close:${ticket.code}` }]);
    expect(texts(await chat(user, 'menu:help', true))).toBe(vi.bot.help);
    expect(await ticketNow(ticket.id)).toEqual(ticket);
    // The answer's choices come back with the tracking code.
    const lookup = await chat(user, ticket.code.toLowerCase());
    expect(lookup[0]!.buttons).toEqual([
      { title: vi.bot.tickets.answerButtons.close, payload: `tk:close:${ticket.code}` },
      { title: vi.bot.tickets.answerButtons.reopen, payload: `tk:reopen:${ticket.code}` },
    ]);
    expect(texts(await chat(user, '2'))).toBe(vi.bot.tickets.reopenPrompt(ticket.code));
  });

  for (const typed of ['chưa rõ', 'chua ro', 'à mà tôi vẫn chưa rõ câu trả lời']) {
    it(`brings the answer's two choices back when the citizen types "${typed}" after other messages`, async () => {
      const user = `unclear-${randomUUID().slice(0, 8)}`;
      const { ticket } = await answeredFor(user);
      await chat(user, 'cảm ơn');
      const again = await chat(user, typed);
      expect(again[0]!.meta).toMatchObject({ tag: 'tickets' });
      expect(again[0]!.buttons).toEqual([
        { title: vi.bot.tickets.answerButtons.close, payload: `tk:close:${ticket.code}` },
        { title: vi.bot.tickets.answerButtons.reopen, payload: `tk:reopen:${ticket.code}` },
      ]);
      expect(await system.store.handoffs.listByConversation(conversation(user).id, 10)).toHaveLength(0);
    });
  }

  it('takes whatever is typed in the reopen dialog as the reason, even a greeting or "liên hệ ai" (never an operator request)', async () => {
    const user = `why-${randomUUID().slice(0, 8)}`;
    const { ticket } = await answeredFor(user);
    offsetMs = 1 * DAY_MS;
    await chat(user, `tk:reopen:${ticket.code}`, true);
    const reason = 'Xin chào, vậy tôi cần liên hệ ai để hỏi thêm, gặp tổng đài viên được không?';
    const done = await chat(user, reason);
    expect(done[0]!.meta).toMatchObject({ tag: 'reopened' });
    const reopened = await ticketNow(ticket.id);
    expect(reopened.status).toBe('reopened');
    expect(reopened.timeline.at(-1)).toMatchObject({ action: 'reopen', note: reason });
    expect(await system.store.handoffs.listByConversation(conversation(user).id, 10)).toHaveLength(0);
  });
});
