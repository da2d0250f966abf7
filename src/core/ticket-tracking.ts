import type { WidgetLookupCopy } from '../domain/copy/types.js';
import { AppError } from '../domain/errors.js';
import { ANSWER_VISIBLE_STATUSES, type AskerProof, type Ticket, type TicketKind, type TicketStatus } from '../domain/ticket.js';
import { parse as parseTrackingCode } from '../domain/tracking-code.js';
import { localDateOf, type LocalDate } from '../domain/working-days.js';
import type { FailureLimiter, LimitPolicy } from '../ports/limiter.js';
import type { TicketService } from './tickets.js';

/**
 * Tracking a ticket by its code outside the chat (the widget's "Tra cứu" form, POST
 * /api/v1/tickets/lookup): anyone holding the code AND proof of being the asker sees where the ticket
 * stands; the code alone reveals nothing.
 *
 * Proof is the conversation the question came from (the caller derives it from a verified channel
 * session, never from the request body) or the last four digits of the phone number the citizen gave.
 * A mistyped code is `TICKET.CODE_INVALID`; an unknown code and a wrong proof are the same
 * `TICKET.NOT_FOUND`. Four digits are only 10,000 guesses, so failed lookups are counted per client
 * address and, for phone proofs, per code (default 10 per 15 minutes each, sliding window, by the
 * injected FailureLimiters: memory in embedded mode, Redis in production). The per-code count is the
 * one the chat's phone proof uses too (src/system/flow-services.ts): 10 failures in total, from either
 * path, lock the code for phone proofs on both. Past either limit lookups are refused with
 * `TICKET.LOOKUP_RATE_LIMITED` before the store is read. Successes reset nothing, so an attacker cannot
 * clear their count by looking up their own ticket. Error messages are the citizen's (Vietnamese) copy.
 *
 * The view (`trackingView`) is built field by field from what the asker may read: never the question,
 * the contact name or phone, the conversation id, staff ids, or internal notes (return reasons,
 * routing notes, delivery error codes).
 */

/** Failed lookups allowed per client address within the window (the lookup API). */
export const DEFAULT_LOOKUP_LIMIT: Readonly<LimitPolicy> = Object.freeze({ max: 10, windowMs: 15 * 60_000 });

/**
 * Failed phone-digit proofs allowed per tracking code within the window, the lookup API's and the
 * chat's together (one limiter named `proof`, keyed by proofLimitKey).
 */
export const DEFAULT_PROOF_LIMIT: Readonly<LimitPolicy> = Object.freeze({ max: 10, windowMs: 15 * 60_000 });

/** The shared per-code counter's key: the canonical tracking code (`K7QX-3M2PC`), however it was typed. */
export function proofLimitKey(canonicalCode: string): string {
  return canonicalCode;
}

export interface TrackingAnswer {
  text: string;
  /** Local date (Vietnam), `YYYY-MM-DD`. */
  answeredDate: LocalDate;
  /** Name of the agency that answered. */
  agency: string;
}

export interface TrackingEvent {
  /** ISO 8601 instant. */
  at: string;
  /** What happened, in the citizen's language. */
  event: string;
}

export interface TrackingView {
  code: string;
  kind: TicketKind;
  status: TicketStatus;
  statusText: string;
  agencyName: string;
  /** Local dates (Vietnam), `YYYY-MM-DD`. */
  receivedDate: LocalDate;
  dueDate: LocalDate;
  answer?: TrackingAnswer;
  /** Where the problem is (feedback only), as the citizen gave it. */
  place?: string;
  history: TrackingEvent[];
}

export interface TrackingViewDeps {
  agencyName: (agencyId: string) => string;
  copy: TrackingCopy;
}

/** What the asker may see of their ticket. Pure; the history omits reminders and delivery failures. */
export function trackingView(ticket: Ticket, deps: TrackingViewDeps): TrackingView {
  const { events } = deps.copy;
  const withAgency = (template: string, agencyId: string | undefined): string =>
    template.replace('{agency}', agencyId === undefined ? '' : deps.agencyName(agencyId)).trim();
  const history: TrackingEvent[] = [];
  let agencyId: string | undefined;
  for (const e of ticket.timeline) {
    let text: string | undefined;
    switch (e.action) {
      case 'create':
        agencyId = e.agencyId ?? agencyId;
        text = events.received;
        break;
      case 'assign':
      case 'reroute':
        agencyId = e.agencyId ?? agencyId;
        text = withAgency(events.forwarded, agencyId);
        break;
      case 'return':
        text = events.returned; // the reason is the agency's internal note: never shown
        break;
      case 'answer':
        text = withAgency(events.answered, agencyId ?? ticket.agencyId);
        break;
      case 'deliver':
        text = events.delivered;
        break;
      case 'close':
        text = events.closed;
        break;
      case 'markOverdue':
        text = events.overdue;
        break;
      case 'reopen':
        text = events.reopened;
        break;
      case 'failDelivery':
      case 'remind':
        break;
    }
    if (text !== undefined) history.push({ at: e.at.toISOString(), event: text });
  }
  const answer = ticket.answer && ANSWER_VISIBLE_STATUSES.has(ticket.status) ? ticket.answer : undefined;
  return {
    code: ticket.code,
    kind: ticket.kind,
    status: ticket.status,
    statusText: deps.copy.statuses[ticket.status],
    agencyName: deps.agencyName(ticket.agencyId),
    receivedDate: localDateOf(ticket.createdAt),
    dueDate: localDateOf(ticket.dueAt),
    ...(answer ? { answer: { text: answer.text, answeredDate: localDateOf(answer.at), agency: deps.agencyName(ticket.agencyId) } } : {}),
    ...(ticket.place !== undefined ? { place: ticket.place } : {}),
    history,
  };
}

export interface TrackRequest {
  /** As the citizen typed it. */
  code: string;
  /** Four digits (the caller checked the shape). */
  phoneLast4?: string;
  /** The conversation of a verified channel session (e.g. the widget's signed token). */
  conversationId?: string;
  /** Client address, for the failed-lookup limiter. */
  ip?: string;
}

/** The lookup form's texts, with the statuses as the chat's tracking words them. */
export type TrackingCopy = WidgetLookupCopy & { statuses: Record<TicketStatus, string> };

export interface TicketTrackingDeps {
  lookup: TicketService['lookup'];
  agencyName: (agencyId: string) => string;
  copy: TrackingCopy;
  /**
   * Failed lookups per client address (DEFAULT_LOOKUP_LIMIT), and failed phone proofs per code
   * (DEFAULT_PROOF_LIMIT; the chat's limiter, shared).
   */
  failures: { byAddress: FailureLimiter; proofByCode: FailureLimiter };
}

export interface TicketTracking {
  /**
   * The view of the ticket for its asker. Throws TICKET.CODE_INVALID, TICKET.PROOF_REQUIRED,
   * TICKET.LOOKUP_RATE_LIMITED (details.retryAfterSeconds) or TICKET.NOT_FOUND, with Vietnamese messages.
   */
  track(request: TrackRequest): Promise<TrackingView>;
}

export function createTicketTracking(deps: TicketTrackingDeps): TicketTracking {
  const { byAddress, proofByCode } = deps.failures;
  const { copy } = deps;

  return {
    async track(request) {
      let code: string;
      try {
        code = parseTrackingCode(request.code);
      } catch (err) {
        if (err instanceof AppError) throw new AppError('TICKET.CODE_INVALID', copy.codeInvalid, { details: err.details ?? {} });
        throw err;
      }
      const proofs: AskerProof[] = [];
      if (request.conversationId !== undefined) proofs.push({ conversationId: request.conversationId });
      if (request.phoneLast4 !== undefined) proofs.push({ phoneLast4: request.phoneLast4 });
      if (proofs.length === 0) throw new AppError('TICKET.PROOF_REQUIRED', copy.proofRequired);

      const ipKey = request.ip ?? '-';
      const withPhone = request.phoneLast4 !== undefined;
      const [address, byCode] = await Promise.all([byAddress.check(ipKey), withPhone ? proofByCode.check(proofLimitKey(code)) : undefined]);
      const retryAfterSeconds = Math.max(address.retryAfterSec, byCode?.retryAfterSec ?? 0);
      if (retryAfterSeconds > 0) {
        throw new AppError('TICKET.LOOKUP_RATE_LIMITED', copy.rateLimited, { details: { retryAfterSeconds } });
      }

      for (const proof of proofs) {
        try {
          const ticket = await deps.lookup(code, proof);
          return trackingView(ticket, { agencyName: deps.agencyName, copy });
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'TICKET.NOT_FOUND')) throw err;
        }
      }
      await Promise.all([byAddress.fail(ipKey), withPhone ? proofByCode.fail(proofLimitKey(code)) : undefined]);
      throw new AppError('TICKET.NOT_FOUND', copy.notFound);
    },
  };
}
