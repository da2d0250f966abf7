import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBrain, type Brain } from '../../../knowledge/brain/index.js';
import { loadHolidayCalendar } from '../../../knowledge/calendar/holidays.js';
import { loadCatalog, type Catalog } from '../../../knowledge/catalog/load.js';
import { createRouter, type Router } from '../../../knowledge/routing/index.js';
import type { DeliveryJob } from '../../../src/core/queues.js';
import { createTicketService, type OpenTicketInput, type TicketService } from '../../../src/core/tickets.js';
import { AppError } from '../../../src/domain/errors.js';
import type { ChannelKind } from '../../../src/domain/message.js';
import type { Actor, Ticket } from '../../../src/domain/ticket.js';
import { generate, isValid as isValidTrackingCode, type RandomInt } from '../../../src/domain/tracking-code.js';
import { endOfLocalDay, type WorkingCalendar } from '../../../src/domain/working-days.js';
import type { Clock } from '../../../src/ports/clock.js';
import type { JobOptions, JobQueue } from '../../../src/ports/queue.js';
import type { Store } from '../../../src/ports/store.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import { seeded } from '../../seeded-random.js';

/**
 * The ticket use cases against the embedded store (temp dir), the shipped router and holiday calendar.
 * Delivery queues are recorded, not run: what matters here is that an answer is stored as an outbound
 * `update` for the ticket's conversation and a delivery run is queued for it, as for any reply.
 */
let catalog: Catalog;
let brain: Brain;
let router: Router;
let calendar: WorkingCalendar;
let store: Store;
let jobs: Array<{ channel: ChannelKind; data: DeliveryJob; options?: JobOptions }>;

/** Monday 9 March 2026, 10:00 in Hà Nội: no holiday in the following weeks. */
const MONDAY = new Date('2026-03-09T10:00:00+07:00');
const CONVERSATION = 'zalo:oa-1:user-42';
const staff: Actor = { kind: 'staff', id: 'staff-1' };

function frozen(at: Date): Clock {
  return { now: () => new Date(at) };
}

function service(options: { clock?: Clock; random?: RandomInt } = {}): TicketService {
  const deliveries = (channel: ChannelKind): JobQueue<DeliveryJob> => ({
    name: `outbound-${channel}`,
    add: async (_name, data, opts) => {
      jobs.push({ channel, data, ...(opts ? { options: opts } : {}) });
    },
  });
  return createTicketService({
    store,
    router,
    calendar,
    clock: options.clock ?? frozen(MONDAY),
    deliveries,
    answerNotice: (t) => ({ text: `Trả lời cho ${t.code}: ${t.answer?.text}` }),
    ...(options.random ? { random: options.random } : {}),
  });
}

const question = (overrides: Partial<OpenTicketInput> = {}): OpenTicketInput => ({
  conversationId: CONVERSATION,
  kind: 'question',
  question: 'Tôi muốn hỏi về việc cấp phép bay flycam chụp ảnh cưới ở bờ biển',
  consent: { forward: true, publish: false },
  ...overrides,
});

beforeAll(() => {
  catalog = loadCatalog();
  brain = loadBrain();
  router = createRouter({ catalog, brain });
  calendar = loadHolidayCalendar().calendar;
});

beforeEach(async () => {
  store = createMemoryStore();
  await store.init();
  jobs = [];
});

afterEach(async () => {
  await store.close();
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
}

describe('opening a ticket', () => {
  it('stores it assigned, with a valid tracking code and a received → assigned timeline', async () => {
    const ticket = await service().openTicket(question());
    expect(isValidTrackingCode(ticket.code)).toBe(true);
    expect(ticket.status).toBe('assigned');
    expect(ticket.timeline.map((e) => [e.action, e.actor.kind, e.from, e.to])).toEqual([
      ['create', 'citizen', undefined, 'received'],
      ['assign', 'system', 'received', 'assigned'],
    ]);
    expect(ticket.updatedAt.getTime()).toBeGreaterThan(ticket.createdAt.getTime());
    expect(await store.tickets.get(ticket.id)).toEqual(ticket);
    expect(await store.tickets.getByCode(ticket.code)).toEqual(ticket);
  });

  it('gives every ticket its own code', async () => {
    const tickets = service();
    const codes = new Set<string>();
    for (let i = 0; i < 25; i += 1) codes.add((await tickets.openTicket(question({ conversationId: `webchat:portal:v${i}` }))).code);
    expect(codes.size).toBe(25);
  });

  it('draws another code when the first one is taken', async () => {
    const first = await service({ random: seeded(7) }).openTicket(question());
    expect(first.code).toBe(generate(seeded(7)));
    // Same random sequence: the first draw collides with the stored ticket, the second one is used.
    const second = await service({ random: seeded(7) }).openTicket(question({ conversationId: 'webchat:portal:other' }));
    expect(second.code).not.toBe(first.code);
    expect(isValidTrackingCode(second.code)).toBe(true);
  });

  it("routes a question about a known procedure to that procedure's agency", async () => {
    const procedure = catalog.procedures.find((p) => p.level === 'tinh' && p.agencyId !== router.coordinatorId)!;
    const hinted = await service().openTicket(question({ procedureId: procedure.id }));
    expect(hinted.agencyId).toBe(procedure.agencyId);
    expect(hinted.procedureId).toBe(procedure.id);
    const birth = catalog.procedures.find((p) => p.id === 'dang-ky-khai-sinh')!;
    const asked = await service().openTicket(question({ question: 'Cho hỏi đăng ký khai sinh cho con cần giấy tờ gì?' }));
    expect(asked.agencyId).toBe(birth.agencyId);
  });

  it('counts the due date in working days per kind (the day of receipt does not count)', async () => {
    const q = await service().openTicket(question());
    expect(q.dueAt).toEqual(endOfLocalDay('2026-03-16'));
    const feedback = await service().openTicket(question({ kind: 'feedback', question: 'Đèn đường ở thôn 3 bị hỏng cả tháng nay', place: 'thôn 3' }));
    expect(feedback.dueAt).toEqual(endOfLocalDay('2026-03-23'));
    // Friday before Tết 2026 (14–22 February off): five working days end on Friday 27 February.
    const beforeTet = await service({ clock: frozen(new Date('2026-02-13T16:00:00+07:00')) }).openTicket(question({ conversationId: 'webchat:portal:tet' }));
    expect(beforeTet.dueAt).toEqual(endOfLocalDay('2026-02-27'));
  });

  it('returns the same ticket for a replayed turn (same request id)', async () => {
    const tickets = service();
    const first = await tickets.openTicket(question({ requestId: 'zalo:msg-1' }));
    const again = await tickets.openTicket(question({ requestId: 'zalo:msg-1' }));
    expect(again).toEqual(first);
    expect(await store.tickets.find({ conversationId: CONVERSATION, limit: 10 })).toHaveLength(1);
  });

  it('refuses a ticket without consent to forward', async () => {
    await expectCode(service().openTicket(question({ consent: { forward: false, publish: false } })), 'TICKET.INPUT_INVALID');
  });
});

describe('looking a ticket up', () => {
  let ticket: Ticket;
  beforeEach(async () => {
    ticket = await service().openTicket(question({ contact: { phone: '0912 345 678' } }));
  });

  it('finds it with the code and the same conversation, however the code is typed', async () => {
    const tickets = service();
    expect((await tickets.lookup(ticket.code, { conversationId: CONVERSATION })).id).toBe(ticket.id);
    const sloppy = ` ${ticket.code.toLowerCase().replace('-', ' ').replace(/0/g, 'o')} `;
    expect((await tickets.lookup(sloppy, { conversationId: CONVERSATION })).id).toBe(ticket.id);
  });

  it('finds it with the code and the last four digits of the phone given', async () => {
    expect((await service().lookup(ticket.code, { phoneLast4: '5678' })).id).toBe(ticket.id);
  });

  it('says NOT_FOUND for a wrong proof and for an unknown code alike, CODE_INVALID for a typo', async () => {
    const tickets = service();
    await expectCode(tickets.lookup(ticket.code, { conversationId: 'zalo:oa-1:someone-else' }), 'TICKET.NOT_FOUND');
    await expectCode(tickets.lookup(ticket.code, { phoneLast4: '0000' }), 'TICKET.NOT_FOUND');
    let unknown = generate();
    while (unknown === ticket.code) unknown = generate();
    await expectCode(tickets.lookup(unknown, { conversationId: CONVERSATION }), 'TICKET.NOT_FOUND');
    const typo = ticket.code.slice(0, -1) + (ticket.code.endsWith('A') ? 'B' : 'A');
    await expectCode(tickets.lookup(typo, { conversationId: CONVERSATION }), 'TICKET.CODE_INVALID');
  });

  it("lists a conversation's tickets, newest first, and no one else's", async () => {
    const later = await service({ clock: frozen(new Date(MONDAY.getTime() + 60_000)) }).openTicket(question({ question: 'Câu hỏi thứ hai về đất đai' }));
    await service().openTicket(question({ conversationId: 'webchat:portal:other' }));
    expect((await service().listForConversation(CONVERSATION)).map((t) => t.id)).toEqual([later.id, ticket.id]);
  });
});

describe('answering a ticket', () => {
  async function openWithConversation(): Promise<Ticket> {
    await store.conversations.getOrOpen({ id: CONVERSATION, contactId: 'c-42', channel: 'zalo', accountId: 'oa-1', userId: 'user-42', at: MONDAY });
    return service().openTicket(question());
  }

  it('records the answer and queues it to the same conversation as an update', async () => {
    const opened = await openWithConversation();
    const answered = await service().answer(opened.id, staff, 'Việc bay flycam cần xin phép Bộ Quốc phòng.');
    const outboundId = `ticket:${opened.id}:answer:1`;

    expect(answered.status).toBe('answered');
    expect(answered.answer).toMatchObject({ text: 'Việc bay flycam cần xin phép Bộ Quốc phòng.', by: staff, onTime: true });
    expect(answered.delivery).toMatchObject({ status: 'pending', outboundId });
    expect(answered.timeline.at(-1)).toMatchObject({ action: 'answer', actor: staff, from: 'assigned', to: 'answered' });
    // The clock did not move: updatedAt still grows, so the optimistic replace and the timeline stay ordered.
    expect(answered.updatedAt.getTime()).toBe(opened.updatedAt.getTime() + 1);
    expect(await store.tickets.get(opened.id)).toEqual(answered);

    expect(await store.outbound.get(outboundId)).toMatchObject({
      id: outboundId,
      conversationId: CONVERSATION,
      ticketId: opened.id,
      purpose: 'update',
      status: 'pending',
      attempts: 0,
      reply: { text: `Trả lời cho ${opened.code}: Việc bay flycam cần xin phép Bộ Quốc phòng.` },
    });
    expect(jobs).toEqual([{ channel: 'zalo', data: { conversationId: CONVERSATION }, options: expect.objectContaining({ jobId: `deliver:${CONVERSATION}:${outboundId}` }) }]);
  });

  it('refuses a second answer, and an answer from the citizen', async () => {
    const opened = await openWithConversation();
    await expectCode(service().answer(opened.id, { kind: 'citizen' }, 'Tự trả lời'), 'AUTH.FORBIDDEN');
    await service().answer(opened.id, staff, 'Trả lời lần một.');
    await expectCode(service().answer(opened.id, staff, 'Trả lời lần hai.'), 'TICKET.INVALID_TRANSITION');
    expect(jobs).toHaveLength(1);
  });

  it('records a failed delivery when the conversation no longer exists', async () => {
    const opened = await service().openTicket(question({ conversationId: 'zalo:oa-1:gone' }));
    const result = await service().answer(opened.id, staff, 'Trả lời.');
    expect(result.status).toBe('answered');
    expect(result.delivery).toMatchObject({ status: 'failed', error: 'CHANNEL.SEND_REJECTED' });
    expect(jobs).toHaveLength(0);
  });

  it('says NOT_FOUND for an unknown ticket id', async () => {
    await expectCode(service().answer('no-such-ticket', staff, 'Trả lời.'), 'TICKET.NOT_FOUND');
  });

  it('completes an answer whose outbound message was lost in a crash when the same answer is given again', async () => {
    const opened = await openWithConversation();
    // The process dies after the ticket is saved answered and before its message is stored.
    const crashing = createTicketService({
      store: {
        tickets: store.tickets,
        conversations: store.conversations,
        outbound: new Proxy(store.outbound, {
          get: (target, key) => (key === 'insert' ? () => Promise.reject(new Error('crash')) : Reflect.get(target, key, target).bind(target)),
        }),
      },
      router,
      calendar,
      clock: frozen(MONDAY),
      deliveries: () => ({ name: 'never', add: async () => {} }),
      answerNotice: (t) => ({ text: `Trả lời cho ${t.code}: ${t.answer?.text}` }),
    });
    await expect(crashing.answer(opened.id, staff, 'Trả lời.')).rejects.toThrow('crash');
    const outboundId = `ticket:${opened.id}:answer:1`;
    expect(await store.outbound.get(outboundId)).toBeUndefined();

    const retried = await service().answer(opened.id, staff, 'Trả lời.');
    expect(retried.timeline.filter((e) => e.action === 'answer')).toHaveLength(1);
    expect(await store.outbound.get(outboundId)).toMatchObject({ ticketId: opened.id, status: 'pending', reply: { text: `Trả lời cho ${opened.code}: Trả lời.` } });
    expect(jobs).toHaveLength(1);
    // Given once more, it changes nothing (the message is already stored, the run deduplicated by id).
    expect(await service().answer(opened.id, staff, 'Trả lời.')).toEqual(retried);
    // Another answer, or the same text by someone else, is still refused.
    await expectCode(service().answer(opened.id, staff, 'Trả lời khác.'), 'TICKET.INVALID_TRANSITION');
    await expectCode(service().answer(opened.id, { kind: 'staff', id: 'staff-2' }, 'Trả lời.'), 'TICKET.INVALID_TRANSITION');
  });
});

describe('recording the delivery of an answer', () => {
  async function answered(): Promise<Ticket> {
    await store.conversations.getOrOpen({ id: CONVERSATION, contactId: 'c-42', channel: 'zalo', accountId: 'oa-1', userId: 'user-42', at: MONDAY });
    const opened = await service().openTicket(question());
    return service().answer(opened.id, staff, 'Trả lời.');
  }
  const later = (minutes: number) => new Date(MONDAY.getTime() + minutes * 60_000);

  it('delivers the ticket when its message is sent, with a system event on the timeline', async () => {
    const ticket = await answered();
    const outboundId = ticket.delivery!.outboundId!;
    const delivered = await service().recordDelivery(ticket.id, 'sent', later(1), { outboundId });
    expect(delivered.status).toBe('delivered');
    expect(delivered.delivery).toEqual({ status: 'sent', at: later(1), outboundId });
    expect(delivered.timeline.at(-1)).toMatchObject({ action: 'deliver', actor: { kind: 'system' }, from: 'answered', to: 'delivered', at: later(1) });
    expect(await store.tickets.get(ticket.id)).toEqual(delivered);
    // A repeated report changes nothing.
    expect(await service().recordDelivery(ticket.id, 'sent', later(2), { outboundId })).toEqual(delivered);
  });

  it('keeps a held answer answered, and delivers it when it is sent later', async () => {
    const ticket = await answered();
    const outboundId = ticket.delivery!.outboundId!;
    const held = await service().recordDelivery(ticket.id, 'held', later(1), { outboundId });
    expect(held.status).toBe('answered');
    expect(held.delivery).toMatchObject({ status: 'held', at: later(1), outboundId });
    expect(held.timeline).toEqual(ticket.timeline);
    const delivered = await service().recordDelivery(ticket.id, 'sent', later(60), { outboundId });
    expect(delivered.status).toBe('delivered');
    expect(delivered.timeline.at(-1)).toMatchObject({ action: 'deliver', at: later(60) });
  });

  it('records a refused message as failDelivery with its error code, once', async () => {
    const ticket = await answered();
    const outboundId = ticket.delivery!.outboundId!;
    const failed = await service().recordDelivery(ticket.id, 'failed', later(1), { outboundId, error: 'CHANNEL.PERMANENT' });
    expect(failed.status).toBe('answered');
    expect(failed.delivery).toMatchObject({ status: 'failed', error: 'CHANNEL.PERMANENT', outboundId });
    expect(failed.timeline.at(-1)).toMatchObject({ action: 'failDelivery', note: 'CHANNEL.PERMANENT' });
    expect(await service().recordDelivery(ticket.id, 'failed', later(2), { outboundId, error: 'CHANNEL.PERMANENT' })).toEqual(failed);
  });

  it("ignores the outcome of a message that is not the ticket's latest answer", async () => {
    const ticket = await answered();
    expect(await service().recordDelivery(ticket.id, 'sent', later(1), { outboundId: 'ticket:other:answer:1' })).toEqual(ticket);
  });
});

describe('the asker closing or reopening an answered ticket', () => {
  const later = (days: number) => new Date(MONDAY.getTime() + days * 24 * 60 * 60 * 1000);
  const proof = { conversationId: CONVERSATION };

  /** A ticket answered and delivered on MONDAY (ten minutes after opening). */
  async function delivered(): Promise<Ticket> {
    await store.conversations.getOrOpen({ id: CONVERSATION, contactId: 'c-42', channel: 'zalo', accountId: 'oa-1', userId: 'user-42', at: MONDAY });
    const opened = await service().openTicket(question());
    const answered = await service().answer(opened.id, staff, 'Trả lời.');
    return service().recordDelivery(opened.id, 'sent', new Date(MONDAY.getTime() + 10 * 60_000), { outboundId: answered.delivery!.outboundId! });
  }

  it('closes it as the citizen; closing again changes nothing', async () => {
    const ticket = await delivered();
    const closed = await service({ clock: frozen(later(1)) }).closeByAsker(ticket.code.toLowerCase(), proof);
    expect(closed.status).toBe('closed');
    expect(closed.timeline.at(-1)).toMatchObject({ action: 'close', actor: { kind: 'citizen' }, from: 'delivered', to: 'closed', at: later(1) });
    expect(await store.tickets.get(ticket.id)).toEqual(closed);
    expect(await service({ clock: frozen(later(2)) }).closeByAsker(ticket.code, proof)).toEqual(closed);
  });

  it('reopens it for the same agency with the reason and a new deadline in working days, once per reason', async () => {
    const ticket = await delivered();
    // Wednesday 11 March: five working days end on Wednesday 18 March.
    const tickets = service({ clock: frozen(later(2)) });
    expect((await tickets.checkReopenByAsker(ticket.code, proof)).id).toBe(ticket.id);
    expect(await store.tickets.get(ticket.id)).toEqual(ticket);
    const reopened = await tickets.reopenByAsker(ticket.code, proof, '  Chưa rõ lệ phí  ');
    expect(reopened).toMatchObject({ status: 'reopened', agencyId: ticket.agencyId, dueAt: endOfLocalDay('2026-03-18') });
    expect(reopened.timeline.at(-1)).toMatchObject({ action: 'reopen', actor: { kind: 'citizen' }, from: 'delivered', to: 'reopened', note: 'Chưa rõ lệ phí' });
    // The same turn replayed: nothing more.
    expect(await tickets.reopenByAsker(ticket.code, proof, 'Chưa rõ lệ phí')).toEqual(reopened);
    // A reopened ticket cannot be closed by the citizen until it is answered again.
    await expectCode(tickets.closeByAsker(ticket.code, proof), 'TICKET.INVALID_TRANSITION');
  });

  it("uses the policy's reopen window, and refuses a ticket not yet answered", async () => {
    const ticket = await delivered();
    await expectCode(service({ clock: frozen(later(8)) }).checkReopenByAsker(ticket.code, proof), 'TICKET.REOPEN_WINDOW_PASSED');
    await expectCode(service({ clock: frozen(later(8)) }).reopenByAsker(ticket.code, proof, 'Chưa rõ'), 'TICKET.REOPEN_WINDOW_PASSED');
    const generous = createTicketService({
      store,
      router,
      calendar,
      clock: frozen(later(8)),
      deliveries: () => ({ name: 'never', add: async () => {} }),
      answerNotice: () => ({ text: '' }),
      policy: { dueWorkingDays: { question: 2, feedback: 3 }, reopenWindowDays: 10 },
    });
    // Tuesday 17 March + two working days: Thursday 19 March.
    expect(await generous.reopenByAsker(ticket.code, proof, 'Chưa rõ')).toMatchObject({ status: 'reopened', dueAt: endOfLocalDay('2026-03-19') });

    const waiting = await service().openTicket(question({ question: 'Câu hỏi chưa có trả lời' }));
    await expectCode(service().checkReopenByAsker(waiting.code, proof), 'TICKET.INVALID_TRANSITION');
    await expectCode(service().closeByAsker(waiting.code, proof), 'TICKET.INVALID_TRANSITION');
  });

  it("changes nothing for someone else's conversation: the same NOT_FOUND as an unknown code", async () => {
    const ticket = await delivered();
    const other = { conversationId: 'zalo:oa-1:someone-else' };
    await expectCode(service().closeByAsker(ticket.code, other), 'TICKET.NOT_FOUND');
    await expectCode(service().checkReopenByAsker(ticket.code, other), 'TICKET.NOT_FOUND');
    await expectCode(service().reopenByAsker(ticket.code, other, 'Chưa rõ'), 'TICKET.NOT_FOUND');
    expect(await store.tickets.get(ticket.id)).toEqual(ticket);
  });
});

describe('routing a feedback', () => {
  it('routes with the place as well as the question', async () => {
    const vague = 'Có vấn đề cần xử lý';
    expect(router.route(vague, { kind: 'feedback' }).agencyId).toBe(router.coordinatorId);
    const ticket = await service().openTicket(question({ kind: 'feedback', question: vague, place: 'đường Quốc lộ 1A' }));
    expect(ticket).toMatchObject({ kind: 'feedback', question: vague, place: 'đường Quốc lộ 1A' });
    expect(ticket.agencyId).toBe(router.route(`${vague}\n${ticket.place}`, { kind: 'feedback' }).agencyId);
    expect(ticket.agencyId).not.toBe(router.coordinatorId);
  });
});
