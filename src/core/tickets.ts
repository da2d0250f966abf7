import { createHash, randomUUID } from 'node:crypto';
import type { OutboundRecord } from '../domain/conversation.js';
import { AppError } from '../domain/errors.js';
import type { ChannelKind, Reply } from '../domain/message.js';
import {
  type Actor,
  type AskerProof,
  createTicket,
  DEFAULT_TICKET_POLICY,
  findForAsker,
  type Ticket,
  type TicketKind,
  transition,
} from '../domain/ticket.js';
import { generate as generateTrackingCode, parse as parseTrackingCode, type RandomInt } from '../domain/tracking-code.js';
import { addWorkingDays, type WorkingCalendar } from '../domain/working-days.js';
import type { Clock } from '../ports/clock.js';
import type { AgencyRouter } from '../ports/knowledge.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store, TicketRepo } from '../ports/store.js';
import { queueDelivery, type DeliveryJob } from './queues.js';

/**
 * Tickets as use cases (DESIGN.md "ask-an-agency"): a question the bot could not answer goes to the
 * responsible agency with a tracking code and a deadline in working days; the agency's answer goes
 * back to the citizen on the conversation it came from, through the same outbound queue as any reply
 * (so platform windows and held delivery apply), and is recorded on the ticket. The rules live in
 * domain/ticket.ts; this module adds routing, deadlines, codes and persistence.
 */

export interface TicketPolicy {
  /** Working days each kind of ticket has to be answered in (also the new deadline after a reopen). */
  dueWorkingDays: Readonly<Record<TicketKind, number>>;
  /** Calendar days after delivery during which the citizen may reopen the ticket. */
  reopenWindowDays: number;
}

export interface TicketServiceDeps {
  store: Pick<Store, 'tickets' | 'outbound' | 'conversations'>;
  router: AgencyRouter;
  calendar: WorkingCalendar;
  clock: Clock;
  policy?: TicketPolicy;
  /** The per-channel delivery queues the turn worker uses, so an answer is delivered like any reply. */
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  /** The message that carries an agency's answer to the citizen (its wording is copy, not core). */
  answerNotice: (ticket: Ticket) => Reply;
  /** Tracking-code randomness; node:crypto by default, seeded in tests. */
  random?: RandomInt;
}

export interface OpenTicketInput {
  conversationId: string;
  kind: TicketKind;
  question: string;
  /** Where the problem is (feedback only). */
  place?: string;
  consent: { forward: boolean; publish: boolean };
  contact?: { name?: string; phone?: string; callback?: boolean };
  /** The procedure under discussion: its agency wins over the classifier. */
  procedureId?: string;
  /**
   * The inbound message whose turn opens the ticket: the ticket id is derived from it, so a turn
   * replayed after a crash returns the ticket already opened instead of opening a second one.
   */
  requestId?: string;
}

/** Tracking-code draws before giving up; a collision among 31⁸ codes is already rare. */
const CODE_ATTEMPTS = 5;
/** Optimistic-concurrency retries when someone else changed the ticket between read and write. */
const REPLACE_ATTEMPTS = 5;
const SYSTEM: Actor = { kind: 'system' };
/** The asker, acting from their own conversation (the proof was checked by the lookup). */
const CITIZEN: Actor = { kind: 'citizen' };

/** An instant strictly after `previous`: timeline order and optimistic `replace` need `updatedAt` to grow. */
function after(now: Date, previous: Date): Date {
  return new Date(Math.max(now.getTime(), previous.getTime() + 1));
}

/**
 * Reads, changes and writes one ticket under optimistic concurrency: a concurrent change makes the
 * write fail, and the change is applied again to the fresh version (or refused by its rules). A
 * change that returns the ticket it was given writes nothing. `when` is when the change happened; it
 * is moved past `updatedAt` if needed. Shared by the ticket service and the deadline sweep.
 */
export async function updateTicket(
  tickets: Pick<TicketRepo, 'get' | 'replace'>,
  ticketId: string,
  change: (ticket: Ticket, at: Date) => Ticket,
  when: Date,
): Promise<Ticket> {
  for (let i = 0; i < REPLACE_ATTEMPTS; i += 1) {
    const current = await tickets.get(ticketId);
    if (!current) throw new AppError('TICKET.NOT_FOUND', 'No ticket with this id.', { details: { ticketId } });
    const next = change(current, after(when, current.updatedAt));
    if (next === current) return current;
    if (await tickets.replace(next, current.updatedAt)) return next;
  }
  throw new Error(`ticket ${ticketId} kept changing; gave up after ${REPLACE_ATTEMPTS} attempts`);
}

function ticketIdFor(requestId: string | undefined): string {
  if (requestId === undefined) return randomUUID();
  return `t-${createHash('sha256').update(`ticket:${requestId}`).digest('base64url').slice(0, 22)}`;
}

/** Builds the ticket use cases over the store, the agency router and the working-day calendar. */
export function createTicketService(deps: TicketServiceDeps) {
  const policy: TicketPolicy = deps.policy ?? DEFAULT_TICKET_POLICY;

  async function unusedCode(): Promise<string> {
    for (let i = 0; i < CODE_ATTEMPTS; i += 1) {
      const code = generateTrackingCode(deps.random);
      if (!(await deps.store.tickets.getByCode(code))) return code;
    }
    throw new Error(`no unused tracking code after ${CODE_ATTEMPTS} draws`);
  }

  /** updateTicket over this service's store and clock. */
  function update(ticketId: string, change: (ticket: Ticket, at: Date) => Ticket, when?: Date): Promise<Ticket> {
    return updateTicket(deps.store.tickets, ticketId, change, when ?? deps.clock.now());
  }

  /** The ticket for its asker by tracking code (see `lookup`). */
  async function askersTicket(code: string, proof: AskerProof): Promise<Ticket> {
    return findForAsker(await deps.store.tickets.getByCode(parseTrackingCode(code)), proof);
  }

  /** The citizen's reopen at `at`: a new deadline in working days for the ticket's kind, within the policy's window. */
  function reopenedByCitizen(ticket: Ticket, at: Date, reason?: string): Ticket {
    const dueAt = addWorkingDays(at, policy.dueWorkingDays[ticket.kind], deps.calendar);
    return transition(ticket, 'reopen', CITIZEN, at, { dueAt, reopenWindowDays: policy.reopenWindowDays, ...(reason !== undefined ? { reason } : {}) });
  }

  /** Stores the outbound message carrying the ticket's answer (insert-if-absent) and queues its delivery. */
  async function sendAnswer(answered: Ticket, outboundId: string): Promise<Ticket> {
    const conversation = await deps.store.conversations.get(answered.conversationId);
    if (!conversation) {
      return update(answered.id, (ticket, at) =>
        ticket.status === 'answered' && ticket.delivery?.outboundId === outboundId && ticket.delivery.status !== 'failed'
          ? transition(ticket, 'failDelivery', SYSTEM, at, { error: 'CHANNEL.SEND_REJECTED' })
          : ticket,
      );
    }
    const record: OutboundRecord = {
      id: outboundId,
      conversationId: conversation.id,
      ticketId: answered.id,
      reply: deps.answerNotice(answered),
      purpose: 'update',
      status: 'pending',
      attempts: 0,
      createdAt: deps.clock.now(),
    };
    await deps.store.outbound.insert(record);
    await queueDelivery(deps.deliveries(conversation.channel), conversation.id, outboundId);
    return answered;
  }

  /** The same answer by the same person, already recorded: a retry of `answer` (e.g. after a crash). */
  function isSameAnswer(ticket: Ticket, actor: Actor, text: string): boolean {
    const by = ticket.answer?.by;
    return (
      ticket.status === 'answered' &&
      ticket.delivery?.outboundId !== undefined &&
      ticket.answer?.text === text &&
      by?.kind === actor.kind &&
      (by as { id?: string }).id === (actor as { id?: string }).id
    );
  }

  const service = {
    /**
     * Routes the question (the procedure's agency first), gives it a deadline in working days and an
     * unused tracking code, and stores it received and assigned to that agency (`create` by the
     * citizen, `assign` by the system), in one insert.
     */
    async openTicket(input: OpenTicketInput): Promise<Ticket> {
      const id = ticketIdFor(input.requestId);
      if (input.requestId !== undefined) {
        const existing = await deps.store.tickets.get(id);
        if (existing) return existing;
      }
      // A feedback's place often names the commune or district, which helps find the agency.
      const routed = input.place !== undefined ? `${input.question}\n${input.place}` : input.question;
      const decision = deps.router.route(routed, { kind: input.kind, ...(input.procedureId ? { procedureId: input.procedureId } : {}) });
      const now = deps.clock.now();
      const dueAt = addWorkingDays(now, policy.dueWorkingDays[input.kind], deps.calendar);
      for (let i = 0; i < CODE_ATTEMPTS; i += 1) {
        const received = createTicket({
          id,
          code: await unusedCode(),
          kind: input.kind,
          agencyId: decision.agencyId,
          conversationId: input.conversationId,
          question: input.question,
          ...(input.place !== undefined ? { place: input.place } : {}),
          consent: input.consent,
          ...(input.contact ? { contact: input.contact } : {}),
          ...(input.procedureId !== undefined ? { procedureId: input.procedureId } : {}),
          dueAt,
          at: now,
        });
        const assigned = transition(received, 'assign', SYSTEM, after(now, now), { note: `routed by ${decision.reason}` });
        try {
          await deps.store.tickets.insert(assigned);
          return assigned;
        } catch (err) {
          // Another ticket took the code between the check and the insert: draw again. Anything else
          // (including a replayed turn that inserted this id meanwhile) is decided by re-reading.
          const byId = await deps.store.tickets.get(id);
          if (byId) return byId;
          if (!(await deps.store.tickets.getByCode(assigned.code))) throw err;
        }
      }
      throw new Error(`no unused tracking code after ${CODE_ATTEMPTS} inserts`);
    },

    /**
     * The ticket for a citizen who gives its code and proof of being the asker (same conversation, or
     * the last four digits of the phone they gave). The code is normalized first (case, dashes,
     * look-alikes); a mistyped code is `TICKET.CODE_INVALID`, an unknown code or a wrong proof the
     * same `TICKET.NOT_FOUND`.
     */
    async lookup(code: string, proof: AskerProof): Promise<Ticket> {
      return askersTicket(code, proof);
    },

    /**
     * The asker's "that answers it" (the close button under an answer): the ticket, found by code with
     * the proof of being the asker as `lookup` does, is closed by the citizen. Closing a closed ticket
     * changes nothing (a second tap); a ticket still waiting for an answer is `TICKET.INVALID_TRANSITION`.
     */
    async closeByAsker(code: string, proof: AskerProof): Promise<Ticket> {
      const found = await askersTicket(code, proof);
      return update(found.id, (ticket, at) => (ticket.status === 'closed' ? ticket : transition(ticket, 'close', CITIZEN, at)));
    },

    /**
     * Whether the asker may reopen the ticket now: the ticket when they may, otherwise the error
     * `reopenByAsker` would throw (`TICKET.NOT_FOUND`, `TICKET.REOPEN_WINDOW_PASSED`,
     * `TICKET.INVALID_TRANSITION`). Writes nothing; the chat asks it before asking what is unclear.
     */
    async checkReopenByAsker(code: string, proof: AskerProof): Promise<Ticket> {
      const found = await askersTicket(code, proof);
      reopenedByCitizen(found, after(deps.clock.now(), found.updatedAt));
      return found;
    },

    /**
     * The asker's "still unclear" with what is unclear: the ticket goes back to the same agency as
     * `reopened`, with a new deadline in working days for its kind, within the policy's reopen window
     * (`TICKET.REOPEN_WINDOW_PASSED` after it). The same reopen replayed (a turn retried after a
     * crash) returns the ticket as it is.
     */
    async reopenByAsker(code: string, proof: AskerProof, reason: string): Promise<Ticket> {
      const found = await askersTicket(code, proof);
      return update(found.id, (ticket, at) => {
        const last = ticket.timeline.at(-1);
        if (ticket.status === 'reopened' && last?.action === 'reopen' && last.actor.kind === 'citizen' && last.note === reason.trim()) return ticket;
        return reopenedByCitizen(ticket, at, reason);
      });
    },

    /** The tickets opened from this conversation, newest first: what "tra cứu" shows the citizen. */
    listForConversation(conversationId: string, limit = 10): Promise<Ticket[]> {
      return deps.store.tickets.find({ conversationId, limit });
    },

    /**
     * Records the agency's answer and sends it to the citizen: the ticket becomes `answered` with its
     * delivery pending on a deterministic outbound record (one per answer, so a re-answer after a
     * reopen is a new message), then that record is stored (insert-if-absent) and the conversation
     * gets a delivery run. The same answer given again (a retry after a crash between the two writes)
     * completes the pair instead of being refused. The outbound worker sends it within the channel's
     * rules and reports the outcome to `recordDelivery`.
     */
    async answer(ticketId: string, actor: Actor, text: string): Promise<Ticket> {
      let outboundId = '';
      const answered = await update(ticketId, (ticket, at) => {
        if (isSameAnswer(ticket, actor, text)) {
          outboundId = ticket.delivery!.outboundId!;
          return ticket;
        }
        const answers = ticket.timeline.filter((e) => e.action === 'answer').length;
        outboundId = `ticket:${ticket.id}:answer:${answers + 1}`;
        const next = transition(ticket, 'answer', actor, at, { text });
        return { ...next, delivery: { status: 'pending', at, outboundId } };
      });
      return sendAnswer(answered, outboundId);
    },

    /**
     * Completes what a crash can leave half done between two writes (run at start-up, before the
     * workers): an answered ticket whose answer message was never stored gets it stored and queued;
     * one whose message was sent, held or failed without the ticket hearing of it gets that outcome
     * recorded. A message still pending is left to the delivery run the start-up queues. Returns how
     * many tickets it repaired.
     */
    async reconcileDeliveries(limit = 1_000): Promise<number> {
      let repaired = 0;
      for (const ticket of await deps.store.tickets.find({ status: ['answered'], limit })) {
        const delivery = ticket.delivery;
        if (!delivery?.outboundId || (delivery.status !== 'pending' && delivery.status !== 'held')) continue;
        const record = await deps.store.outbound.get(delivery.outboundId);
        if (!record) {
          if (delivery.status !== 'pending') continue;
          await sendAnswer(ticket, delivery.outboundId);
        } else if (record.status === 'pending' || record.status === 'sending' || record.status === delivery.status) {
          continue;
        } else {
          const outboundId = delivery.outboundId;
          await service.recordDelivery(ticket.id, record.status, record.sentAt ?? deps.clock.now(), { outboundId, ...(record.error ? { error: record.error.code } : {}) });
        }
        repaired += 1;
      }
      return repaired;
    },

    /**
     * Records what became of the answer's message (the delivery worker's report): `sent` delivers the
     * ticket, `held` (a closed platform window) marks its delivery held until the citizen's next
     * interaction, `failed` records `failDelivery` with the error code. Outcomes for another message
     * than the ticket's latest answer, or repeated ones, change nothing.
     */
    async recordDelivery(
      ticketId: string,
      outcome: 'sent' | 'held' | 'failed',
      at: Date,
      options: { outboundId?: string; error?: string } = {},
    ): Promise<Ticket> {
      return update(
        ticketId,
        (ticket, when) => {
          const delivery = ticket.delivery;
          if (ticket.status !== 'answered' || !delivery) return ticket;
          if (options.outboundId !== undefined && delivery.outboundId !== options.outboundId) return ticket;
          const outboundId = options.outboundId ?? delivery.outboundId;
          switch (outcome) {
            case 'sent':
              return transition(ticket, 'deliver', SYSTEM, when, outboundId !== undefined ? { outboundId } : {});
            case 'held':
              if (delivery.status !== 'pending') return ticket;
              return { ...ticket, updatedAt: when, delivery: { ...delivery, status: 'held', at: when } };
            case 'failed':
              if (delivery.status === 'failed') return ticket;
              return transition(ticket, 'failDelivery', SYSTEM, when, { error: options.error ?? 'CHANNEL.SEND_FAILED' });
          }
        },
        at,
      );
    },

    /**
     * Claims the one window notice of an answer held by a closed platform window: when the ticket's
     * latest answer is `outboundId`, still held, and has no notice yet, its delivery gets a `pending`
     * notice and the updated ticket is returned; otherwise (already claimed by a retry, another worker
     * or before a restart; delivered meanwhile; another answer) undefined. The optimistic-concurrency
     * write makes the claim exclusive, so at most one notice is sent per answer.
     */
    async claimWindowNotice(ticketId: string, outboundId: string, at: Date): Promise<Ticket | undefined> {
      let claimed = false;
      const ticket = await update(
        ticketId,
        (current, when) => {
          claimed = false;
          const delivery = current.delivery;
          if (current.status !== 'answered' || delivery?.status !== 'held' || delivery.outboundId !== outboundId || delivery.notice !== undefined) return current;
          claimed = true;
          return { ...current, updatedAt: when, delivery: { ...delivery, notice: { status: 'pending', at: when } } };
        },
        at,
      );
      return claimed ? ticket : undefined;
    },

    /**
     * Records what became of a claimed window notice (`sent` with the platform's message id, or
     * `failed` with an error code). Only a `pending` notice of that answer changes; the answer's own
     * delivery state is left as it is (it may have been delivered meanwhile).
     */
    async recordWindowNotice(
      ticketId: string,
      outboundId: string,
      result: { status: 'sent'; externalId?: string } | { status: 'failed'; error: string },
      at: Date,
    ): Promise<Ticket> {
      return update(
        ticketId,
        (current, when) => {
          const delivery = current.delivery;
          if (!delivery || delivery.outboundId !== outboundId || delivery.notice?.status !== 'pending') return current;
          const notice =
            result.status === 'sent'
              ? { status: 'sent' as const, at: when, ...(result.externalId ? { externalId: result.externalId } : {}) }
              : { status: 'failed' as const, at: when, error: result.error };
          return { ...current, updatedAt: when, delivery: { ...delivery, notice } };
        },
        at,
      );
    },
  };
  return service;
}

export type TicketService = ReturnType<typeof createTicketService>;
