import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  type Actor,
  type ActorKind,
  type NewTicket,
  type Ticket,
  type TicketAction,
  type TicketStatus,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  availableActions,
  createTicket,
  findForAsker,
  isAsker,
  phoneLast4,
  transition,
} from '../../src/domain/ticket.js';
import { generate } from '../../src/domain/tracking-code.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** Monday 9/3/2026 10:00 in Hà Nội. */
const T0 = new Date('2026-03-09T10:00:00+07:00');
const DUE = new Date(T0.getTime() + 2 * DAY);
const at = (ms: number): Date => new Date(T0.getTime() + ms);
/** The new deadline a reopen sets. */
const REOPENED_DUE = new Date(DUE.getTime() + 10 * DAY);

const citizen: Actor = { kind: 'citizen' };
const system: Actor = { kind: 'system' };
const staff: Actor = { kind: 'staff', id: 'staff-so-xay-dung-1' };
const coordinator: Actor = { kind: 'coordinator', id: 'desk-1022-op-2' };
const ACTORS: Record<ActorKind, Actor> = { citizen, system, staff, coordinator };

const CODE = generate();

function newTicket(overrides: Partial<NewTicket> = {}): NewTicket {
  return {
    id: 'tk-1',
    code: CODE,
    kind: 'question',
    agencyId: 'desk-1022',
    conversationId: 'zalo:oa-1:user-42',
    question: 'Xin hỏi thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ cần những gì?',
    consent: { forward: true, publish: false },
    contact: { name: 'Nguyễn Văn A', phone: '0912 345 678' },
    dueAt: DUE,
    at: T0,
    ...overrides,
  };
}

/** Who takes each action in the matrix, and with what; written out here, not read from the module. */
const ACT: Record<TicketAction, { actor: Actor; options: object }> = {
  assign: { actor: coordinator, options: { agencyId: 'so-xay-dung' } },
  reroute: { actor: coordinator, options: { agencyId: 'so-tai-nguyen-moi-truong' } },
  return: { actor: staff, options: { reason: 'Không thuộc thẩm quyền của Sở' } },
  answer: { actor: staff, options: { text: 'Hồ sơ gồm đơn đề nghị cấp phép và bản vẽ thiết kế.' } },
  deliver: { actor: system, options: { outboundId: 'out-9' } },
  failDelivery: { actor: system, options: { error: 'CHANNEL.SEND_REJECTED' } },
  close: { actor: citizen, options: {} },
  markOverdue: { actor: system, options: {} },
  reopen: { actor: citizen, options: { dueAt: REOPENED_DUE, reason: 'Chưa rõ lệ phí' } },
};

/** Applies an action the matrix way (untyped options, as they would come from an HTTP body). */
function act(ticket: Ticket, action: TicketAction, when: Date, actor = ACT[action].actor, options: object = ACT[action].options): Ticket {
  return (transition as (t: Ticket, a: TicketAction, ac: Actor, w: Date, o?: object) => Ticket)(ticket, action, actor, when, options);
}

/** A ticket brought to each status through allowed transitions only. */
function ticketIn(status: TicketStatus): Ticket {
  const received = createTicket(newTicket());
  const assigned = () => act(received, 'assign', at(1 * HOUR));
  const answered = () => act(assigned(), 'answer', at(2 * HOUR));
  const delivered = () => act(answered(), 'deliver', at(3 * HOUR));
  switch (status) {
    case 'received':
      return received;
    case 'assigned':
      return assigned();
    case 'returned':
      return act(assigned(), 'return', at(2 * HOUR));
    case 'answered':
      return answered();
    case 'delivered':
      return delivered();
    case 'closed':
      return act(delivered(), 'close', at(4 * HOUR));
    case 'overdue':
      return act(assigned(), 'markOverdue', new Date(DUE.getTime() + HOUR));
    case 'reopened':
      return act(delivered(), 'reopen', at(DAY));
  }
}

/** Every allowed status → action pair, with the resulting status (issue 4). */
const ALLOWED: Record<string, TicketStatus> = {
  'received assign': 'assigned',
  'returned assign': 'assigned',
  'received reroute': 'assigned',
  'returned reroute': 'assigned',
  'assigned reroute': 'assigned',
  'overdue reroute': 'assigned',
  'assigned return': 'returned',
  'assigned answer': 'answered',
  'overdue answer': 'answered',
  'reopened answer': 'answered',
  'answered deliver': 'delivered',
  'answered failDelivery': 'answered',
  'answered close': 'closed',
  'delivered close': 'closed',
  'received markOverdue': 'overdue',
  'assigned markOverdue': 'overdue',
  'reopened markOverdue': 'overdue',
  'delivered reopen': 'reopened',
  'closed reopen': 'reopened',
};

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('createTicket', () => {
  it('When a question is routed, then the ticket is received with one create event and the due date given', () => {
    // Act
    const ticket = createTicket(newTicket({ procedureId: 'cap-giay-phep-xay-dung' }));

    // Assert
    expect(ticket).toMatchObject({ status: 'received', code: CODE, kind: 'question', agencyId: 'desk-1022', dueAt: DUE, createdAt: T0, updatedAt: T0 });
    expect(ticket.procedureId).toBe('cap-giay-phep-xay-dung');
    expect(ticket.timeline).toEqual([{ at: T0, actor: citizen, action: 'create', to: 'received', agencyId: 'desk-1022' }]);
  });

  it('When the citizen gives a phone without asking for a call-back, then only its last four digits are stored', () => {
    const ticket = createTicket(newTicket());
    expect(ticket.contact).toEqual({ name: 'Nguyễn Văn A', phoneLast4: '5678' });
    expect(JSON.stringify(ticket)).not.toContain('0912');
  });

  it('When the citizen asks to be called back, then the full phone is kept for the call as well', () => {
    const ticket = createTicket(newTicket({ contact: { phone: '+84 912 345 678', callback: true } }));
    expect(ticket.contact).toEqual({ phoneLast4: '5678', callbackPhone: '+84 912 345 678' });
  });

  it('When the code is given in another layout, then the canonical form is stored', () => {
    expect(createTicket(newTicket({ code: CODE.toLowerCase().replace('-', ' ') })).code).toBe(CODE);
  });

  it('When there is no contact, then the ticket has no contact field', () => {
    expect(createTicket(newTicket({ contact: undefined })).contact).toBeUndefined();
  });

  it('When feedback names a place, then it is kept; a question with a place is refused', () => {
    expect(createTicket(newTicket({ kind: 'feedback', place: 'Ngõ 12 đường Trần Phú, phường Hà Đông' })).place).toBe('Ngõ 12 đường Trần Phú, phường Hà Đông');
    expect(thrown(() => createTicket(newTicket({ place: 'Hà Đông' })))).toMatchObject({ code: 'TICKET.INPUT_INVALID', details: { field: 'place' } });
  });

  it.each([
    ['consent.forward', { consent: { forward: false, publish: true } }],
    ['question', { question: '   ' }],
    ['code', { code: 'K7QX-3M2PQ' }],
    ['contact.phone', { contact: { phone: '12' } }],
    ['dueAt', { dueAt: T0 }],
    ['at', { at: new Date(Number.NaN) }],
    ['agencyId', { agencyId: '' }],
  ])('When %s is missing or bad, then TICKET.INPUT_INVALID names it', (field, overrides) => {
    const error = thrown(() => createTicket(newTicket(overrides as Partial<NewTicket>)));
    expect(error).toMatchObject({ code: 'TICKET.INPUT_INVALID', httpStatus: 400, details: { field } });
  });
});

describe('transition: the status machine', () => {
  const cases = TICKET_STATUSES.flatMap((status) => TICKET_ACTIONS.map((action) => [status, action] as const));

  it('When the matrix is listed, then it covers every status and action', () => {
    expect(cases).toHaveLength(8 * 9);
    expect(new Set(TICKET_STATUSES)).toEqual(new Set(['received', 'assigned', 'returned', 'answered', 'delivered', 'closed', 'overdue', 'reopened']));
  });

  it.each(cases.filter(([s, a]) => `${s} ${a}` in ALLOWED))('When a %s ticket gets %s, then it moves on and the event is appended', (status, action) => {
    // Arrange
    const before = ticketIn(status);
    // After every deadline a ticket in the matrix can have (a reopened one's included), within the reopen window
    const when = action === 'markOverdue' ? new Date(REOPENED_DUE.getTime() + HOUR) : new Date(DUE.getTime() + 2 * HOUR);

    // Act
    const after = act(before, action, when);

    // Assert
    expect(after.status).toBe(ALLOWED[`${status} ${action}`]);
    expect(after.updatedAt).toBe(when);
    expect(after.timeline).toHaveLength(before.timeline.length + 1);
    expect(after.timeline.slice(0, -1)).toEqual(before.timeline);
    expect(after.timeline.at(-1)).toMatchObject({ at: when, actor: ACT[action].actor, action, from: status, to: after.status });
  });

  it.each(cases.filter(([s, a]) => !(`${s} ${a}` in ALLOWED)))('When a %s ticket gets %s, then TICKET.INVALID_TRANSITION is thrown', (status, action) => {
    const before = ticketIn(status);
    const error = thrown(() => act(before, action, new Date(DUE.getTime() + 2 * HOUR)));
    expect(error).toMatchObject({ code: 'TICKET.INVALID_TRANSITION', httpStatus: 409, details: { status, action } });
  });

  it('When available actions are asked for, then they are exactly the allowed pairs', () => {
    for (const status of TICKET_STATUSES) {
      const expected = TICKET_ACTIONS.filter((a) => `${status} ${a}` in ALLOWED);
      expect(availableActions(status)).toEqual(expected);
    }
    expect(availableActions('assigned', 'staff')).toEqual(['return', 'answer']);
    expect(availableActions('assigned', 'coordinator')).toEqual(['reroute', 'answer']);
  });
});

describe('transition: who may act', () => {
  const ALLOWED_ACTORS: Record<TicketAction, ActorKind[]> = {
    assign: ['coordinator', 'system'],
    reroute: ['coordinator'],
    return: ['staff'],
    answer: ['staff', 'coordinator'],
    deliver: ['system'],
    failDelivery: ['system'],
    close: ['citizen', 'coordinator', 'system'],
    markOverdue: ['system'],
    reopen: ['citizen', 'coordinator'],
  };
  const FROM: Record<TicketAction, TicketStatus> = {
    assign: 'received',
    reroute: 'assigned',
    return: 'assigned',
    answer: 'assigned',
    deliver: 'answered',
    failDelivery: 'answered',
    close: 'delivered',
    markOverdue: 'assigned',
    reopen: 'delivered',
  };
  const pairs = TICKET_ACTIONS.flatMap((action) => (Object.keys(ACTORS) as ActorKind[]).map((kind) => [action, kind] as const));

  it.each(pairs)('When %s is taken by a %s, then it is allowed only for the right actor', (action, kind) => {
    const ticket = ticketIn(FROM[action]);
    const run = () => act(ticket, action, new Date(DUE.getTime() + 2 * HOUR), ACTORS[kind]);
    if (ALLOWED_ACTORS[action].includes(kind)) expect(run().timeline.at(-1)?.actor).toEqual(ACTORS[kind]);
    else expect(thrown(run)).toMatchObject({ code: 'AUTH.FORBIDDEN', details: { action, actor: kind } });
  });
});

describe('transition: what each action records', () => {
  it('When the system assigns without naming an agency, then the routed agency is kept', () => {
    const ticket = act(createTicket(newTicket({ agencyId: 'so-xay-dung' })), 'assign', at(HOUR), system, {});
    expect(ticket.agencyId).toBe('so-xay-dung');
    expect(ticket.timeline.at(-1)).toMatchObject({ action: 'assign', agencyId: 'so-xay-dung' });
  });

  it('When an agency returns a ticket, then the reason is recorded and the coordinator can assign it elsewhere', () => {
    // Act
    const returned = ticketIn('returned');
    const reassigned = act(returned, 'assign', at(3 * HOUR), coordinator, { agencyId: 'so-tai-nguyen-moi-truong', note: 'Đất đai' });

    // Assert
    expect(returned.timeline.at(-1)).toMatchObject({ action: 'return', note: 'Không thuộc thẩm quyền của Sở', from: 'assigned', to: 'returned' });
    expect(reassigned).toMatchObject({ status: 'assigned', agencyId: 'so-tai-nguyen-moi-truong' });
    expect(reassigned.timeline.at(-1)).toMatchObject({ agencyId: 'so-tai-nguyen-moi-truong', note: 'Đất đai' });
  });

  it('When a return has no reason, then TICKET.INPUT_INVALID names the reason', () => {
    expect(thrown(() => act(ticketIn('assigned'), 'return', at(2 * HOUR), staff, { reason: ' ' }))).toMatchObject({
      code: 'TICKET.INPUT_INVALID',
      details: { field: 'reason' },
    });
  });

  it('When a reroute names the same agency or none, then it is refused', () => {
    const assigned = ticketIn('assigned');
    expect(thrown(() => act(assigned, 'reroute', at(2 * HOUR), coordinator, { agencyId: 'so-xay-dung' }))).toMatchObject({ code: 'TICKET.INPUT_INVALID' });
    expect(thrown(() => act(assigned, 'reroute', at(2 * HOUR), coordinator, {}))).toMatchObject({ details: { field: 'agencyId' } });
  });

  it('When a reroute restarts the deadline, then the new due date is set', () => {
    const dueAt = new Date(DUE.getTime() + 3 * DAY);
    expect(act(ticketIn('overdue'), 'reroute', new Date(DUE.getTime() + 2 * HOUR), coordinator, { agencyId: 'so-y-te', dueAt }).dueAt).toBe(dueAt);
  });

  it('When staff answer before and after the due date, then the answer records whether it was on time and awaits delivery', () => {
    // Act
    const early = act(ticketIn('assigned'), 'answer', at(2 * HOUR));
    const late = act(ticketIn('overdue'), 'answer', new Date(DUE.getTime() + DAY));

    // Assert
    expect(early.answer).toEqual({ text: 'Hồ sơ gồm đơn đề nghị cấp phép và bản vẽ thiết kế.', at: at(2 * HOUR), by: staff, onTime: true });
    expect(early.delivery).toEqual({ status: 'pending', at: at(2 * HOUR) });
    expect(late.answer?.onTime).toBe(false);
    expect(early.timeline.at(-1)?.note).toBeUndefined();
  });

  it('When an answer is empty, then it is refused', () => {
    expect(thrown(() => act(ticketIn('assigned'), 'answer', at(2 * HOUR), staff, { text: '' }))).toMatchObject({ details: { field: 'text' } });
  });

  it('When delivery fails and later succeeds, then the delivery state follows and the status stays answered until delivered', () => {
    // Act
    const failed = act(ticketIn('answered'), 'failDelivery', at(3 * HOUR));
    const delivered = act(failed, 'deliver', at(5 * HOUR));

    // Assert
    expect(failed).toMatchObject({ status: 'answered', delivery: { status: 'failed', at: at(3 * HOUR), error: 'CHANNEL.SEND_REJECTED' } });
    expect(failed.timeline.at(-1)).toMatchObject({ action: 'failDelivery', from: 'answered', to: 'answered', note: 'CHANNEL.SEND_REJECTED' });
    expect(delivered.delivery).toEqual({ status: 'sent', at: at(5 * HOUR), outboundId: 'out-9' });
  });

  it('When a ticket is marked overdue before its due date, then it is refused', () => {
    const error = thrown(() => act(ticketIn('assigned'), 'markOverdue', DUE));
    expect(error).toMatchObject({ code: 'TICKET.INVALID_TRANSITION', details: { reason: 'not-due' } });
  });

  it('When a ticket becomes overdue twice, then the first overdue time is kept', () => {
    const first = ticketIn('overdue');
    const again = act(act(first, 'reroute', new Date(DUE.getTime() + 2 * HOUR)), 'markOverdue', new Date(DUE.getTime() + 3 * HOUR));
    expect(first.overdueAt).toEqual(new Date(DUE.getTime() + HOUR));
    expect(again.overdueAt).toEqual(first.overdueAt);
  });

  it('When the citizen reopens within the window, then the ticket gets the new deadline and the reason', () => {
    const reopened = ticketIn('reopened');
    expect(reopened.dueAt).toEqual(REOPENED_DUE);
    expect(reopened.timeline.at(-1)).toMatchObject({ action: 'reopen', note: 'Chưa rõ lệ phí', from: 'delivered', to: 'reopened' });
  });

  it('When the citizen reopens after the window, then TICKET.REOPEN_WINDOW_PASSED is thrown', () => {
    // Delivered at T0 + 3 h; the default window is 7 days.
    const delivered = ticketIn('delivered');
    expect(act(delivered, 'reopen', at(3 * HOUR + 7 * DAY)).status).toBe('reopened');
    const error = thrown(() => act(delivered, 'reopen', at(3 * HOUR + 7 * DAY + 1)));
    expect(error).toMatchObject({ code: 'TICKET.REOPEN_WINDOW_PASSED', httpStatus: 409, details: { windowDays: 7 } });
  });

  it('When the province configures a shorter window, then it applies', () => {
    const options = { ...ACT.reopen.options, reopenWindowDays: 2 };
    expect(thrown(() => act(ticketIn('closed'), 'reopen', at(3 * DAY), citizen, options))).toMatchObject({ code: 'TICKET.REOPEN_WINDOW_PASSED' });
  });

  it('When a ticket was closed without delivery, then the window runs from the answer', () => {
    const closed = act(ticketIn('answered'), 'close', at(3 * HOUR), coordinator, { note: 'Không gửi được qua Zalo' });
    expect(closed.timeline.at(-1)).toMatchObject({ action: 'close', note: 'Không gửi được qua Zalo' });
    expect(act(closed, 'reopen', at(2 * HOUR + 7 * DAY)).status).toBe('reopened');
    expect(thrown(() => act(closed, 'reopen', at(2 * HOUR + 7 * DAY + 1))).code).toBe('TICKET.REOPEN_WINDOW_PASSED');
  });

  it('When a reopen has no new due date, then it is refused', () => {
    expect(thrown(() => act(ticketIn('delivered'), 'reopen', at(DAY), citizen, {}))).toMatchObject({ details: { field: 'dueAt' } });
  });
});

describe('the timeline', () => {
  it('When a ticket goes through its whole life, then the timeline lists every step in order and the earlier ticket is untouched', () => {
    // Arrange: deep-freeze each step, so any mutation would throw
    const freeze = (t: Ticket): Ticket => Object.freeze({ ...t, timeline: Object.freeze([...t.timeline]) as Ticket['timeline'] });
    let ticket = freeze(createTicket(newTicket()));
    const first = ticket;
    const steps: [TicketAction, Date, Actor?, object?][] = [
      ['assign', at(HOUR)],
      ['return', at(2 * HOUR)],
      ['reroute', at(3 * HOUR)],
      ['answer', at(4 * HOUR)],
      ['deliver', at(5 * HOUR)],
      ['reopen', at(DAY)],
      ['markOverdue', new Date(REOPENED_DUE.getTime() + HOUR)],
      ['answer', new Date(REOPENED_DUE.getTime() + DAY)],
      ['deliver', new Date(REOPENED_DUE.getTime() + DAY + HOUR)],
      ['close', new Date(REOPENED_DUE.getTime() + 2 * DAY)],
    ];

    // Act
    for (const [action, when, actor, options] of steps) ticket = freeze(act(ticket, action, when, actor, options));

    // Assert
    expect(ticket.timeline.map((e) => `${e.action}:${e.from ?? ''}>${e.to}`)).toEqual([
      'create:>received',
      'assign:received>assigned',
      'return:assigned>returned',
      'reroute:returned>assigned',
      'answer:assigned>answered',
      'deliver:answered>delivered',
      'reopen:delivered>reopened',
      'markOverdue:reopened>overdue',
      'answer:overdue>answered',
      'deliver:answered>delivered',
      'close:delivered>closed',
    ]);
    expect(ticket.timeline.map((e) => e.at.getTime())).toEqual([...ticket.timeline.map((e) => e.at.getTime())].sort((a, b) => a - b));
    expect(first.timeline).toHaveLength(1);
    expect(first.status).toBe('received');
    expect(ticket.agencyId).toBe('so-tai-nguyen-moi-truong');
  });
});

describe('looking a ticket up', () => {
  const ticket = createTicket(newTicket());

  it('When the asker writes from the same conversation, then the ticket is found', () => {
    expect(findForAsker(ticket, { conversationId: 'zalo:oa-1:user-42' })).toBe(ticket);
  });

  it('When the asker gives the last four digits or the whole phone, then only the last four are compared', () => {
    expect(isAsker(ticket, { phoneLast4: '5678' })).toBe(true);
    expect(isAsker(ticket, { phoneLast4: '0987.65.5678' })).toBe(true);
    expect(isAsker(ticket, { phoneLast4: '5679' })).toBe(false);
    expect(isAsker(ticket, { phoneLast4: '678' })).toBe(false);
  });

  it('When the proof is wrong or the code unknown, then both give the same TICKET.NOT_FOUND', () => {
    // Act
    const wrongProof = thrown(() => findForAsker(ticket, { conversationId: 'messenger:page-1:psid-7' }));
    const unknown = thrown(() => findForAsker(undefined, { phoneLast4: '5678' }));

    // Assert
    expect(wrongProof).toMatchObject({ code: 'TICKET.NOT_FOUND', httpStatus: 404 });
    expect([unknown.code, unknown.message, unknown.details]).toEqual([wrongProof.code, wrongProof.message, wrongProof.details]);
  });

  it('When the ticket has no phone, then a phone proof never matches', () => {
    expect(isAsker(createTicket(newTicket({ contact: undefined })), { phoneLast4: '0000' })).toBe(false);
  });

  it('When phones are typed in Vietnamese formats, then the last four digits are extracted', () => {
    expect(phoneLast4('0912.345.678')).toBe('5678');
    expect(phoneLast4('(024) 3825 1234')).toBe('1234');
    expect(phoneLast4('5678')).toBeUndefined();
  });
});
