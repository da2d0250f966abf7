import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import {
  availableActions,
  type Actor,
  type ActorKind,
  type Ticket,
  type TicketAction,
  type TicketAnswer,
  type TicketKind,
  type TicketStatus,
  type TimelineEvent,
  transition,
} from '../domain/ticket.js';
import type { Clock } from '../ports/clock.js';
import type { TicketRepo } from '../ports/store.js';
import { canSeeTicket } from './console-auth.js';
import type { TicketService } from './tickets.js';

/**
 * The agency inbox: what the console's signed-in users may list, read and do with tickets.
 *
 * Visibility follows canSeeTicket (staff: their agency's tickets; coordinators and admins: all). A
 * ticket the account may not see is `TICKET.NOT_FOUND`, exactly like an unknown id, so ids of other
 * agencies' tickets are never confirmed. Views carry what the desk needs and no more: the question
 * text, never the conversation id (the citizen's channel identity) nor the last four phone digits
 * (the asker's proof); the contact name and callback number only for staff of the responsible agency,
 * who make the call. Agencies travel by id and by their directory name (`agencyName`), for people to read.
 *
 * Actions: answer (staff of the agency, coordinator), return (staff: wrong agency, back to the
 * coordinator), reroute (coordinator). The rules are domain/ticket.ts's; a status that does not allow
 * the action is `TICKET.INVALID_TRANSITION`, a role that may not take it `AUTH.FORBIDDEN`.
 */

export interface TicketInboxDeps {
  tickets: Pick<TicketRepo, 'get' | 'find' | 'replace'>;
  /** The answer use case: records it and queues it to the citizen's channel. */
  service: Pick<TicketService, 'answer'>;
  clock: Clock;
  /** Whether an agency id is in the directory (reroute targets); any non-empty id when absent. */
  agencyExists?: (agencyId: string) => boolean;
  /** An agency's name from the directory; the id itself for an agency no longer listed. */
  agencyName: (agencyId: string) => string;
  /** The agency directory (the console's reroute choices). */
  listAgencies: () => ReadonlyArray<{ id: string; name: string }>;
}

/** One agency of the directory as the console offers it. */
export interface InboxAgency {
  id: string;
  name: string;
}

export interface InboxQuery {
  status?: TicketStatus[];
  /** Coordinators and admins only: one agency's tickets. Ignored for staff (always their own). */
  agencyId?: string;
  limit: number;
}

/** One ticket as the inbox lists it. */
export interface InboxTicket {
  id: string;
  code: string;
  kind: TicketKind;
  status: TicketStatus;
  agencyId: string;
  /** The responsible agency's name (its id if the directory no longer lists it). */
  agencyName: string;
  question: string;
  /** Where the problem is (feedback). */
  place?: string;
  /** For a reopened ticket: what the citizen said is still unclear in the answer (their latest reopen). */
  reopenReason?: string;
  procedureId?: string;
  /** The citizen agreed to publication of question and answer (without personal data). */
  publishConsent: boolean;
  /** The citizen asked to be called back. */
  callbackRequested: boolean;
  /** Only for staff of the responsible agency. */
  contact?: { name?: string; callbackPhone?: string };
  dueAt: string;
  createdAt: string;
  updatedAt: string;
  overdueAt?: string;
  /** When the agency was last reminded of the coming deadline (the deadline sweep). */
  remindedAt?: string;
  delivery?: {
    status: 'pending' | 'held' | 'sent' | 'failed';
    at: string;
    error?: string;
    /** The one notice sent outside the platform's window while the answer was held (Zalo template). */
    notice?: { status: 'pending' | 'sent' | 'failed'; at: string; error?: string };
  };
}

/** One ticket with its history and what the reader may do next. */
export interface InboxTicketDetail extends InboxTicket {
  answer?: { text: string; at: string; by: Actor; onTime: boolean };
  timeline: Array<{
    at: string;
    actor: Actor;
    action: TimelineEvent['action'];
    from?: TicketStatus;
    to?: TicketStatus;
    note?: string;
    agencyId?: string;
    /** With agencyId: that agency's name (its id if the directory no longer lists it). */
    agencyName?: string;
  }>;
  /** Actions the domain allows now for the reader's role (the console's buttons). */
  actions: TicketAction[];
}

/** The ticket actor a console account acts as; admins are read-only in the inbox. */
export function actorOf(account: Pick<Account, 'id' | 'role'>): Actor | undefined {
  if (account.role === 'staff' || account.role === 'coordinator') return { kind: account.role satisfies ActorKind, id: account.id };
  return undefined;
}

/** Staff of the agency responsible for the ticket now. */
function isResponsibleStaff(account: Pick<Account, 'role' | 'agencyId' | 'disabled'>, ticket: Pick<Ticket, 'agencyId'>): boolean {
  return !account.disabled && account.role === 'staff' && account.agencyId !== undefined && account.agencyId === ticket.agencyId;
}

/** Without a directory, an agency is named by its id. */
const idAsName = (agencyId: string): string => agencyId;

export function toInboxTicket(ticket: Ticket, account: Pick<Account, 'role' | 'agencyId' | 'disabled'>, agencyName: (agencyId: string) => string = idAsName): InboxTicket {
  const reopen = ticket.status === 'reopened' ? ticket.timeline.findLast((e) => e.action === 'reopen') : undefined;
  const view: InboxTicket = {
    id: ticket.id,
    code: ticket.code,
    kind: ticket.kind,
    status: ticket.status,
    agencyId: ticket.agencyId,
    agencyName: agencyName(ticket.agencyId),
    question: ticket.question,
    ...(ticket.place !== undefined && { place: ticket.place }),
    ...(reopen?.note !== undefined && { reopenReason: reopen.note }),
    ...(ticket.procedureId !== undefined && { procedureId: ticket.procedureId }),
    publishConsent: ticket.consent.publish,
    callbackRequested: ticket.contact?.callbackPhone !== undefined,
    dueAt: ticket.dueAt.toISOString(),
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    ...(ticket.overdueAt !== undefined && { overdueAt: ticket.overdueAt.toISOString() }),
    ...(ticket.remindedAt !== undefined && { remindedAt: ticket.remindedAt.toISOString() }),
    ...(ticket.delivery !== undefined && {
      delivery: {
        status: ticket.delivery.status,
        at: ticket.delivery.at.toISOString(),
        ...(ticket.delivery.error !== undefined && { error: ticket.delivery.error }),
        ...(ticket.delivery.notice !== undefined && {
          notice: {
            status: ticket.delivery.notice.status,
            at: ticket.delivery.notice.at.toISOString(),
            ...(ticket.delivery.notice.error !== undefined && { error: ticket.delivery.notice.error }),
          },
        }),
      },
    }),
  };
  if (isResponsibleStaff(account, ticket) && ticket.contact) {
    const contact: { name?: string; callbackPhone?: string } = {};
    if (ticket.contact.name !== undefined) contact.name = ticket.contact.name;
    if (ticket.contact.callbackPhone !== undefined) contact.callbackPhone = ticket.contact.callbackPhone;
    if (Object.keys(contact).length > 0) view.contact = contact;
  }
  return view;
}

function answerView(answer: TicketAnswer): NonNullable<InboxTicketDetail['answer']> {
  return { text: answer.text, at: answer.at.toISOString(), by: { ...answer.by }, onTime: answer.onTime };
}

export function toInboxTicketDetail(
  ticket: Ticket,
  account: Pick<Account, 'id' | 'role' | 'agencyId' | 'disabled'>,
  agencyName: (agencyId: string) => string = idAsName,
): InboxTicketDetail {
  const actor = actorOf(account);
  return {
    ...toInboxTicket(ticket, account, agencyName),
    ...(ticket.answer !== undefined && { answer: answerView(ticket.answer) }),
    timeline: ticket.timeline.map((e) => ({
      at: e.at.toISOString(),
      actor: { ...e.actor },
      action: e.action,
      ...(e.from !== undefined && { from: e.from }),
      ...(e.to !== undefined && { to: e.to }),
      ...(e.note !== undefined && { note: e.note }),
      ...(e.agencyId !== undefined && { agencyId: e.agencyId, agencyName: agencyName(e.agencyId) }),
    })),
    actions: actor ? availableActions(ticket.status, actor.kind) : [],
  };
}

/** Optimistic-concurrency retries, as in tickets.ts. */
const REPLACE_ATTEMPTS = 5;

function notFound(): AppError {
  return new AppError('TICKET.NOT_FOUND', 'No ticket with this id.');
}

function requireActor(account: Account, ...kinds: ActorKind[]): Actor {
  const actor = actorOf(account);
  if (!actor || !kinds.includes(actor.kind)) {
    throw new AppError('AUTH.FORBIDDEN', 'Your role may not do this', { details: { role: account.role } });
  }
  return actor;
}

/** Agency names in Vietnamese alphabetical order (Đ after D, tones after the bare letter). */
const byVietnameseName = new Intl.Collator('vi');

export function createTicketInbox(deps: TicketInboxDeps) {
  const detail = (ticket: Ticket, account: Account): InboxTicketDetail => toInboxTicketDetail(ticket, account, deps.agencyName);

  /** The ticket if the account may see it; otherwise the same NOT_FOUND as an unknown id. */
  async function visible(account: Account, ticketId: string): Promise<Ticket> {
    const ticket = await deps.tickets.get(ticketId);
    if (!ticket || !canSeeTicket(account, ticket)) throw notFound();
    return ticket;
  }

  /** Applies one domain transition under optimistic concurrency, re-checking visibility on each read. */
  async function change(account: Account, ticketId: string, apply: (ticket: Ticket, at: Date) => Ticket): Promise<Ticket> {
    for (let i = 0; i < REPLACE_ATTEMPTS; i += 1) {
      const current = await visible(account, ticketId);
      const at = new Date(Math.max(deps.clock.now().getTime(), current.updatedAt.getTime() + 1));
      const next = apply(current, at);
      if (await deps.tickets.replace(next, current.updatedAt)) return next;
    }
    throw new Error(`ticket ${ticketId} kept changing; gave up after ${REPLACE_ATTEMPTS} attempts`);
  }

  return {
    /** Newest first; staff get only their agency's tickets whatever the query says. */
    async list(account: Account, query: InboxQuery): Promise<InboxTicket[]> {
      // Operators work the hotline's conversations, not agencies' tickets (they see a citizen's tickets in the conversation).
      if (account.disabled || account.role === 'operator') return [];
      let agencyId: string | undefined;
      if (account.role === 'staff') {
        if (!account.agencyId) return [];
        agencyId = account.agencyId;
      } else {
        agencyId = query.agencyId;
      }
      const found = await deps.tickets.find({
        ...(agencyId !== undefined && { agencyId }),
        ...(query.status !== undefined && query.status.length > 0 && { status: query.status }),
        limit: query.limit,
      });
      return found.filter((t) => canSeeTicket(account, t)).map((t) => toInboxTicket(t, account, deps.agencyName));
    },

    async get(account: Account, ticketId: string): Promise<InboxTicketDetail> {
      return detail(await visible(account, ticketId), account);
    },

    /** The whole agency directory, by name in Vietnamese order: the same for every signed-in reader. */
    listAgencies(): InboxAgency[] {
      return deps
        .listAgencies()
        .map((a) => ({ id: a.id, name: a.name }))
        .sort((a, b) => byVietnameseName.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    /** Staff of the agency or a coordinator: the ticket becomes answered and the answer is queued to the citizen. */
    async answer(account: Account, ticketId: string, text: string): Promise<InboxTicketDetail> {
      const actor = requireActor(account, 'staff', 'coordinator');
      const ticket = await visible(account, ticketId);
      // Refuse early with the domain's error, before the service records anything.
      transition(ticket, 'answer', actor, new Date(Math.max(deps.clock.now().getTime(), ticket.updatedAt.getTime() + 1)), { text });
      const answered = await deps.service.answer(ticket.id, actor, text);
      return detail(answered, account);
    },

    /** Staff: not their agency's question; back to the coordinator with a reason. */
    async returnToCoordinator(account: Account, ticketId: string, reason: string): Promise<InboxTicketDetail> {
      const actor = requireActor(account, 'staff');
      const returned = await change(account, ticketId, (t, at) => transition(t, 'return', actor, at, { reason }));
      return detail(returned, account);
    },

    /** Coordinator: hands the ticket to another agency. */
    async reroute(account: Account, ticketId: string, agencyId: string, note?: string): Promise<InboxTicketDetail> {
      const actor = requireActor(account, 'coordinator');
      if (deps.agencyExists && !deps.agencyExists(agencyId)) {
        throw new AppError('TICKET.INPUT_INVALID', 'Unknown agency.', { details: { field: 'agencyId' } });
      }
      const rerouted = await change(account, ticketId, (t, at) =>
        transition(t, 'reroute', actor, at, { agencyId, ...(note !== undefined && { note }) }),
      );
      return detail(rerouted, account);
    },
  };
}

export type TicketInbox = ReturnType<typeof createTicketInbox>;
