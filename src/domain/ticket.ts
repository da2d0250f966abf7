import { timingSafeEqual } from 'node:crypto';
import { AppError } from './errors.js';
import { isValid as isValidTrackingCode, normalize as normalizeTrackingCode } from './tracking-code.js';

/**
 * Tickets: questions and feedback the assistant routes to the responsible agency (Open311's service
 * request, Chatwoot's display id as the tracking code). Pure rules only: the store persists tickets,
 * the use cases decide when to call these functions and compute due dates (working-days.ts).
 *
 * Status flow (TRANSITIONS is the source of truth):
 *   received ─assign→ assigned ─answer→ answered ─deliver→ delivered ─close→ closed
 *   assigned ─return→ returned (wrong agency: back to the coordinator) ─assign→ assigned
 *   received | returned | assigned | overdue ─reroute→ assigned (another agency)
 *   received | assigned | reopened ─markOverdue→ overdue ─answer→ answered
 *   answered ─close→ closed (answer undeliverable); answered ─failDelivery→ answered
 *   delivered | closed ─reopen→ reopened (within the window) ─answer→ answered
 *
 * Every change appends one event to the timeline; nothing in the timeline is ever edited, so the
 * ticket's history (who did what and when) is the audit trail provincial reports are built from.
 *
 * Personal data. Proof of being the asker is the same conversation (channel identity) or the last
 * four digits of the phone number the citizen gave. A ticket stores those four digits for the proof,
 * and the full number only when the citizen asked to be called back (`callbackPhone`); lookups never
 * compare more than the last four. The tracking code alone opens nothing (`findForAsker`).
 */

export type TicketKind = 'question' | 'feedback';

export type TicketStatus = 'received' | 'assigned' | 'returned' | 'answered' | 'delivered' | 'closed' | 'overdue' | 'reopened';

export const TICKET_STATUSES: readonly TicketStatus[] = ['received', 'assigned', 'returned', 'answered', 'delivered', 'closed', 'overdue', 'reopened'];

/** Statuses in which the ticket's answer is the agency's current word to the citizen (not after a reopen). */
export const ANSWER_VISIBLE_STATUSES: ReadonlySet<TicketStatus> = new Set(['answered', 'delivered', 'closed']);

/** Who acted: the citizen, the system (scheduler, delivery worker, auto-routing), agency staff, or the 1022 coordinator desk. */
export type ActorKind = 'citizen' | 'system' | 'staff' | 'coordinator';

export interface Actor {
  kind: ActorKind;
  /** Staff or coordinator user id; absent for the citizen (the conversation says who) and the system. */
  id?: string;
}

export type TicketAction = 'assign' | 'reroute' | 'return' | 'answer' | 'deliver' | 'failDelivery' | 'close' | 'markOverdue' | 'reopen';

export const TICKET_ACTIONS: readonly TicketAction[] = ['assign', 'reroute', 'return', 'answer', 'deliver', 'failDelivery', 'close', 'markOverdue', 'reopen'];

/**
 * Timeline entries that are not status changes: `create` is the first event of every ticket, `remind`
 * the system's note that the agency was reminded of a coming deadline (recordReminder).
 */
export type TimelineNote = 'create' | 'remind';

/** One line of the append-only history. */
export interface TimelineEvent {
  at: Date;
  actor: Actor;
  action: TicketAction | TimelineNote;
  from?: TicketStatus;
  to?: TicketStatus;
  /** Return reason, reopen reason, close note or delivery error code; never the answer text. */
  note?: string;
  /** The agency the ticket went to, on create, assign and reroute. */
  agencyId?: string;
}

/** What the citizen agreed to when the flow offered to route the question. */
export interface TicketConsent {
  /** The question (and contact, if given) may be sent to the agency. A ticket needs it. */
  forward: boolean;
  /** The question and answer may be published on the portal without personal data. */
  publish: boolean;
}

export interface TicketContact {
  name?: string;
  /** Last four digits of the phone the citizen gave: proof of being the asker. */
  phoneLast4?: string;
  /** The full phone number, kept only when the citizen asked to be called back. */
  callbackPhone?: string;
}

export interface TicketAnswer {
  text: string;
  at: Date;
  by: Actor;
  /** Answered by the due instant in force then: the figure reports publish per agency. */
  onTime: boolean;
}

/** Whether the latest answer reached the citizen on their channel. */
export interface TicketDelivery {
  /** `held`: a platform window is closed; it goes out at the citizen's next interaction. */
  status: 'pending' | 'held' | 'sent' | 'failed';
  at: Date;
  /** The outbound message that carried the answer. */
  outboundId?: string;
  /** Error code of a failed delivery (e.g. CHANNEL.SEND_REJECTED), never message text. */
  error?: string;
  /** The one notice sent outside the platform's window while the answer was held (a Zalo template message). */
  notice?: TicketDeliveryNotice;
}

/**
 * A short notice that reached (or tried to reach) the citizen while the answer was held: at most one
 * per answer. `pending` = claimed and being sent; it stays so if the process died mid-send, and is
 * never sent again (at most once, not at least once).
 */
export interface TicketDeliveryNotice {
  status: 'pending' | 'sent' | 'failed';
  at: Date;
  /** Platform message id of a sent notice. */
  externalId?: string;
  /** Error code of a failed notice (e.g. CHANNEL.PERMANENT), never message text. */
  error?: string;
}

export interface Ticket {
  id: string;
  /** Tracking code in canonical form (tracking-code.ts), the form lookups normalize to. */
  code: string;
  kind: TicketKind;
  status: TicketStatus;
  /** The agency responsible now (for `returned`: the one that sent it back to the coordinator). */
  agencyId: string;
  /** The conversation (one channel identity) the question came from and the answer goes back to. */
  conversationId: string;
  question: string;
  /** Where the problem is, for feedback (phản ánh): a street, a commune, a landmark. */
  place?: string;
  consent: TicketConsent;
  contact?: TicketContact;
  procedureId?: string;
  dueAt: Date;
  createdAt: Date;
  updatedAt: Date;
  answer?: TicketAnswer;
  delivery?: TicketDelivery;
  /** First time the ticket was marked overdue; kept afterwards, for reports. */
  overdueAt?: Date;
  /** Last time the agency was reminded of the coming deadline (recordReminder); the inbox shows it. */
  remindedAt?: Date;
  timeline: readonly TimelineEvent[];
}

/** Defaults the README states; the province overrides them in configuration. */
export const DEFAULT_TICKET_POLICY = {
  /** Working days to answer, counted as working-days.ts counts (the day of receipt does not count). */
  dueWorkingDays: { question: 5, feedback: 10 } satisfies Record<TicketKind, number>,
  /** Calendar days after delivery during which the citizen may reopen the ticket. */
  reopenWindowDays: 7,
} as const;

/** Statuses each action starts from, and where it leads. */
export const TRANSITIONS: Readonly<Record<TicketAction, { from: readonly TicketStatus[]; to: TicketStatus }>> = {
  assign: { from: ['received', 'returned'], to: 'assigned' },
  // Also from overdue: an overdue ticket that sits with the wrong agency (or none) must be movable.
  reroute: { from: ['received', 'returned', 'assigned', 'overdue'], to: 'assigned' },
  return: { from: ['assigned'], to: 'returned' },
  answer: { from: ['assigned', 'overdue', 'reopened'], to: 'answered' },
  deliver: { from: ['answered'], to: 'delivered' },
  failDelivery: { from: ['answered'], to: 'answered' },
  close: { from: ['answered', 'delivered'], to: 'closed' },
  markOverdue: { from: ['received', 'assigned', 'reopened'], to: 'overdue' },
  reopen: { from: ['delivered', 'closed'], to: 'reopened' },
};

/**
 * Who may take each action. Routing is the coordinator's (or the routing table's, as `system`);
 * only agency staff can say "not ours"; deliveries and deadlines are the system's; the citizen can
 * close or reopen their own ticket, and the coordinator can do so for a citizen who phoned 1022.
 */
export const ACTION_ACTORS: Readonly<Record<TicketAction, readonly ActorKind[]>> = {
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

/** Options each action takes; required ones are checked at run time too (they come from HTTP bodies). */
export interface TransitionOptions {
  /** Keeps the current agency when absent; `dueAt` replaces the deadline when the policy restarts it. */
  assign: { agencyId?: string; dueAt?: Date; note?: string };
  reroute: { agencyId: string; dueAt?: Date; note?: string };
  return: { reason: string };
  answer: { text: string };
  deliver: { outboundId?: string };
  failDelivery: { error: string };
  close: { note?: string };
  markOverdue: Record<never, never>;
  /** `dueAt` is the new deadline for the agency; `reopenWindowDays` comes from configuration. */
  reopen: { dueAt: Date; reopenWindowDays?: number; reason?: string };
}

type OptionsArg<A extends TicketAction> = object extends TransitionOptions[A] ? [options?: TransitionOptions[A]] : [options: TransitionOptions[A]];

const DAY_MS = 24 * 60 * 60 * 1000;

function invalidInput(field: string, message: string): AppError {
  return new AppError('TICKET.INPUT_INVALID', message, { details: { field } });
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidInput(field, `${field} must be a non-empty text.`);
  return value.trim();
}

function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalidInput(field, `${field} must be a valid date.`);
  return value;
}

/** Last four digits of a phone number as the citizen typed it (spaces, dots, +84…), if it has at least 9 digits. */
export function phoneLast4(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 9 && digits.length <= 15 ? digits.slice(-4) : undefined;
}

export interface NewTicket {
  id: string;
  code: string;
  kind: TicketKind;
  agencyId: string;
  conversationId: string;
  question: string;
  place?: string;
  consent: TicketConsent;
  /** `phone` is reduced to its last four digits unless `callback` is true. */
  contact?: { name?: string; phone?: string; callback?: boolean };
  procedureId?: string;
  /** Computed by the caller with addWorkingDays(at, policy.dueWorkingDays[kind], calendar). */
  dueAt: Date;
  at: Date;
  /** Who created it: the citizen through a flow (default) or the coordinator for a hotline call. */
  actor?: Actor;
}

/** A new ticket in status `received`, with its `create` event. Throws `TICKET.INPUT_INVALID`. */
export function createTicket(input: NewTicket): Ticket {
  const at = requireDate(input.at, 'at');
  const dueAt = requireDate(input.dueAt, 'dueAt');
  if (dueAt.getTime() <= at.getTime()) throw invalidInput('dueAt', 'The due date must be after receipt.');
  const code = normalizeTrackingCode(input.code);
  if (code === undefined || !isValidTrackingCode(code)) throw invalidInput('code', 'The tracking code is not valid.');
  if (!input.consent.forward) throw invalidInput('consent.forward', 'A ticket needs the citizen\'s consent to forward the question.');
  if (input.place !== undefined && input.kind !== 'feedback') throw invalidInput('place', 'Only feedback has a place.');

  const contact: TicketContact = {};
  if (input.contact?.name?.trim()) contact.name = input.contact.name.trim();
  if (input.contact?.phone !== undefined) {
    const last4 = phoneLast4(input.contact.phone);
    if (last4 === undefined) throw invalidInput('contact.phone', 'The phone number is not valid.');
    contact.phoneLast4 = last4;
    if (input.contact.callback) contact.callbackPhone = input.contact.phone.trim();
  }
  const actor = input.actor ?? { kind: 'citizen' };
  const agencyId = requireText(input.agencyId, 'agencyId');
  return {
    id: requireText(input.id, 'id'),
    code,
    kind: input.kind,
    status: 'received',
    agencyId,
    conversationId: requireText(input.conversationId, 'conversationId'),
    question: requireText(input.question, 'question'),
    ...(input.place !== undefined && { place: requireText(input.place, 'place') }),
    consent: { ...input.consent },
    ...(Object.keys(contact).length > 0 && { contact }),
    ...(input.procedureId !== undefined && { procedureId: input.procedureId }),
    dueAt,
    createdAt: at,
    updatedAt: at,
    timeline: [{ at, actor, action: 'create', to: 'received', agencyId }],
  };
}

/** Actions that could apply to a ticket in this status (the console shows these as buttons). */
export function availableActions(status: TicketStatus, actor?: ActorKind): TicketAction[] {
  return TICKET_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(status) && (actor === undefined || ACTION_ACTORS[a].includes(actor)));
}

/**
 * Applies one action: returns a new ticket with the status changed and one event appended; the
 * input is not modified. Throws `TICKET.INVALID_TRANSITION` when the status does not allow the
 * action (or a ticket is marked overdue before its due date), `AUTH.FORBIDDEN` when this kind of
 * actor may not take it, `TICKET.REOPEN_WINDOW_PASSED` for a late reopen, `TICKET.INPUT_INVALID`
 * for missing or bad options.
 */
export function transition<A extends TicketAction>(ticket: Ticket, action: A, actor: Actor, at: Date, ...[options]: OptionsArg<A>): Ticket {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(ticket.status)) {
    throw new AppError('TICKET.INVALID_TRANSITION', `A ${ticket.status} ticket cannot ${action}.`, {
      details: { ticketId: ticket.id, status: ticket.status, action },
    });
  }
  if (!ACTION_ACTORS[action].includes(actor.kind)) {
    throw new AppError('AUTH.FORBIDDEN', `A ${actor.kind} may not ${action} a ticket.`, { details: { ticketId: ticket.id, action, actor: actor.kind } });
  }
  requireDate(at, 'at');
  const opts: Readonly<Record<string, unknown>> = options ?? {};
  const next: Ticket = { ...ticket, status: rule.to, updatedAt: at };
  const event: TimelineEvent = { at, actor, action, from: ticket.status, to: rule.to };

  switch (action) {
    case 'assign':
    case 'reroute': {
      const agencyId = opts.agencyId === undefined && action === 'assign' ? ticket.agencyId : requireText(opts.agencyId, 'agencyId');
      if (action === 'reroute' && agencyId === ticket.agencyId) throw invalidInput('agencyId', 'Rerouting needs another agency.');
      next.agencyId = agencyId;
      event.agencyId = agencyId;
      if (opts.dueAt !== undefined) next.dueAt = requireDate(opts.dueAt, 'dueAt');
      if (opts.note !== undefined) event.note = requireText(opts.note, 'note');
      break;
    }
    case 'return':
      event.note = requireText(opts.reason, 'reason');
      break;
    case 'answer':
      next.answer = { text: requireText(opts.text, 'text'), at, by: actor, onTime: at.getTime() <= ticket.dueAt.getTime() };
      next.delivery = { status: 'pending', at };
      break;
    case 'deliver':
      next.delivery = {
        status: 'sent',
        at,
        ...(typeof opts.outboundId === 'string' && { outboundId: opts.outboundId }),
        // The window notice sent while the answer was held stays on record.
        ...(ticket.delivery?.notice !== undefined && { notice: ticket.delivery.notice }),
      };
      break;
    case 'failDelivery':
      event.note = requireText(opts.error, 'error');
      next.delivery = { ...ticket.delivery, status: 'failed', at, error: event.note };
      break;
    case 'close':
      if (opts.note !== undefined) event.note = requireText(opts.note, 'note');
      break;
    case 'markOverdue':
      if (at.getTime() <= ticket.dueAt.getTime()) {
        throw new AppError('TICKET.INVALID_TRANSITION', 'The ticket is not yet due.', {
          details: { ticketId: ticket.id, status: ticket.status, action, reason: 'not-due' },
        });
      }
      next.overdueAt = ticket.overdueAt ?? at;
      break;
    case 'reopen': {
      checkReopenWindow(ticket, at, opts.reopenWindowDays ?? DEFAULT_TICKET_POLICY.reopenWindowDays);
      const dueAt = requireDate(opts.dueAt, 'dueAt');
      if (dueAt.getTime() <= at.getTime()) throw invalidInput('dueAt', 'The new due date must be after the reopening.');
      next.dueAt = dueAt;
      if (opts.reason !== undefined) event.note = requireText(opts.reason, 'reason');
      break;
    }
  }
  next.timeline = [...ticket.timeline, event];
  return next;
}

/** Statuses in which the agency still has to answer and may be reminded of the deadline. */
export const REMINDABLE_STATUSES: readonly TicketStatus[] = ['assigned', 'reopened'];

/**
 * Notes on the timeline that the agency was reminded of the coming deadline (a `remind` event by the
 * system, no status change) and stamps `remindedAt`. Throws `TICKET.INVALID_TRANSITION` outside
 * REMINDABLE_STATUSES or once the ticket is due. Whether a reminder is due is the caller's rule.
 */
export function recordReminder(ticket: Ticket, at: Date): Ticket {
  requireDate(at, 'at');
  if (!REMINDABLE_STATUSES.includes(ticket.status) || at.getTime() > ticket.dueAt.getTime()) {
    throw new AppError('TICKET.INVALID_TRANSITION', `A ${ticket.status} ticket cannot be reminded.`, {
      details: { ticketId: ticket.id, status: ticket.status, action: 'remind' },
    });
  }
  const event: TimelineEvent = { at, actor: { kind: 'system' }, action: 'remind', note: `due ${ticket.dueAt.toISOString()}` };
  return { ...ticket, remindedAt: at, updatedAt: at, timeline: [...ticket.timeline, event] };
}

/**
 * The window runs from delivery of the answer, or from the answer itself when it was never
 * delivered (the ticket was closed after a failed delivery and the citizen read it by looking up).
 */
function checkReopenWindow(ticket: Ticket, at: Date, windowDays: unknown): void {
  if (typeof windowDays !== 'number' || !Number.isInteger(windowDays) || windowDays < 0) throw invalidInput('reopenWindowDays', 'The reopen window must be a whole number of days.');
  const since = ticket.delivery?.status === 'sent' ? ticket.delivery.at : ticket.answer?.at;
  if (since === undefined || at.getTime() - since.getTime() > windowDays * DAY_MS) {
    throw new AppError('TICKET.REOPEN_WINDOW_PASSED', `Tickets can be reopened within ${windowDays} days of the answer.`, {
      details: { ticketId: ticket.id, windowDays },
    });
  }
}

/** Proof of being the asker: the same conversation, or the last four digits of the phone given. */
export type AskerProof = { conversationId: string } | { phoneLast4: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the proof matches the ticket. Phone proofs compare only the last four digits of what was typed. */
export function isAsker(ticket: Ticket, proof: AskerProof): boolean {
  if ('conversationId' in proof) return sameSecret(proof.conversationId, ticket.conversationId);
  const typed = proof.phoneLast4.replace(/\D/g, '');
  const stored = ticket.contact?.phoneLast4;
  return typed.length >= 4 && stored !== undefined && sameSecret(typed.slice(-4), stored);
}

/**
 * The ticket for a lookup by code, only for its asker. An unknown code and a failed proof both throw
 * the same `TICKET.NOT_FOUND`, so trying codes reveals neither personal data nor which codes exist.
 * (Rate-limit failed proofs in the caller: four digits are 10,000 guesses.)
 */
export function findForAsker(ticket: Ticket | undefined, proof: AskerProof): Ticket {
  if (ticket === undefined || !isAsker(ticket, proof)) {
    throw new AppError('TICKET.NOT_FOUND', 'No ticket with this code for this asker.');
  }
  return ticket;
}
