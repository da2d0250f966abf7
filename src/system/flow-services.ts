import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { answerButtons } from '../../flows/buttons.js';
import { renderAnswer } from '../../knowledge/answers/answer.js';
import { renderFollowUp, renderProcedureAnswer } from '../../knowledge/answers/render.js';
import { DEFAULT_HOLIDAYS_FILE, loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { loadCatalog, type Catalog } from '../../knowledge/catalog/load.js';
import { createRouter } from '../../knowledge/routing/index.js';
import type { DeliveryJob } from '../core/receive-inbound.js';
import { proofLimitKey } from '../core/ticket-tracking.js';
import { createTicketService, type TicketPolicy, type TicketService } from '../core/tickets.js';
import type { Copy } from '../domain/copy/types.js';
import { AppError } from '../domain/errors.js';
import { DEFAULT_TICKET_POLICY, type AskerProof, type Ticket, type TicketStatus } from '../domain/ticket.js';
import { normalize as normalizeTrackingCode } from '../domain/tracking-code.js';
import { localDateOf } from '../domain/working-days.js';
import type { ChannelKind } from '../domain/message.js';
import type { Clock } from '../ports/clock.js';
import type { FlowServices, TicketChange, TicketLookup } from '../ports/flow-services.js';
import type { KnowledgeSearch } from '../ports/knowledge.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { memoryLimiters, type SystemLimiters } from './coordination.js';
import type { PublishedAnswers } from './published-answers.js';

/** Statuses in which the ticket's answer is the agency's current word to the citizen. */
const ANSWERED: ReadonlySet<TicketStatus> = new Set(['answered', 'delivered', 'closed']);

/** Unambiguous characters for references citizens may read out over the phone (no 0/O, 1/I/L). */
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function reference(): string {
  const bytes = randomBytes(6);
  return `YC-${[...bytes].map((b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]).join('')}`;
}

/** The flows' window on the world: the brain, the renderers, tickets and the store's request log. */
export function createFlowServices(deps: {
  knowledge: KnowledgeSearch;
  store: Store;
  copy: Copy;
  clock: Clock;
  tickets: TicketService;
  /** Agencies' published answers (issue 4); without it no published answer is ever reused. */
  published?: Pick<PublishedAnswers, 'find'>;
  /**
   * Failed phone-digit lookups per conversation (one citizen guessing) and per code (many guessing one
   * code; shared with the lookup API): the system's limiters (src/system/coordination.ts), or
   * in-memory ones of these services alone when absent.
   */
  limiters?: Pick<SystemLimiters, 'proofByConversation' | 'proofByCode'>;
}): FlowServices {
  const { knowledge, copy } = deps;
  const { proofByConversation, proofByCode } = deps.limiters ?? memoryLimiters(deps.clock);
  const agencyName = agencyNames(knowledge);
  const dueDate = (at: Date) => copy.bot.tickets.formatDate(localDateOf(at));
  const withProcedure = (id: string, render: (p: NonNullable<ReturnType<KnowledgeSearch['getProcedure']>>) => string) => {
    const procedure = knowledge.getProcedure(id);
    return procedure ? render(procedure) : copy.answers.noCurrentProcedure;
  };
  const services: FlowServices = {
    copy,
    ask: (question, context) => knowledge.ask(question, context),
    getProcedure: (id) => knowledge.getProcedure(id),
    answerText: (result) => renderAnswer(result, copy.answers),
    async publishedAnswer(question) {
      const match = await deps.published?.find(question);
      if (!match) return undefined;
      const { entry } = match;
      return { text: copy.bot.publishedAnswer({ agencyName: agencyName(entry.agencyId), question: entry.question, answer: entry.answer }) };
    },
    procedureText: (id) => withProcedure(id, (p) => renderProcedureAnswer(p, copy.answers)),
    followUpText: (id, topic) => withProcedure(id, (p) => renderFollowUp(p, topic, copy.answers)),
    procedureLink(id) {
      const p = knowledge.getProcedure(id);
      return p?.onlineUrl && p.onlineLevel !== 'khong' ? { title: copy.answers.onlineLinkTitle, url: p.onlineUrl } : undefined;
    },
    async requestOperator({ conversationId, question, procedureId }) {
      const id = reference();
      await deps.store.requests.insert({ id, conversationId, kind: 'operator', question, ...(procedureId ? { procedureId } : {}), createdAt: deps.clock.now() });
      return id;
    },
    async openTicket({ conversationId, requestId, kind, question, place, procedureId, publish, name, phone }) {
      const contact = name || phone ? { ...(name ? { name } : {}), ...(phone ? { phone, callback: true } : {}) } : undefined;
      const ticket = await deps.tickets.openTicket({
        conversationId,
        ...(requestId ? { requestId } : {}),
        kind,
        question,
        ...(kind === 'feedback' && place ? { place } : {}),
        ...(procedureId ? { procedureId } : {}),
        consent: { forward: true, publish },
        ...(contact ? { contact } : {}),
      });
      return { code: ticket.code, agencyName: agencyName(ticket.agencyId), dueDate: dueDate(ticket.dueAt) };
    },
    async trackTickets(conversationId) {
      const tickets = await deps.tickets.listForConversation(conversationId);
      return tickets.map((t) => ({ code: t.code, status: copy.bot.tickets.statuses[t.status], dueDate: dueDate(t.dueAt) }));
    },
    lookupTicket: (code, conversationId) => lookupWith(code, { conversationId }),
    async lookupTicketByPhone(code, last4, conversationId) {
      // Nothing here is logged: neither the code nor the digits.
      const codeKey = proofLimitKey(normalizeTrackingCode(code) ?? code);
      const [byConversation, byCode] = await Promise.all([proofByConversation.check(conversationId), proofByCode.check(codeKey)]);
      if (!byConversation.allowed || !byCode.allowed) return { outcome: 'limited' };
      // Successes reset nothing: looking up one's own ticket must not clear a guesser's count.
      const found: TicketLookup = /^\d{4}$/.test(last4) ? await lookupWith(code, { phoneLast4: last4 }) : { outcome: 'not-found' };
      if (found.outcome !== 'found') await Promise.all([proofByConversation.fail(conversationId), proofByCode.fail(codeKey)]);
      return found;
    },
    closeTicket: (code, conversationId) => ticketChange(code, () => deps.tickets.closeByAsker(code, { conversationId })),
    checkReopenTicket: (code, conversationId) => ticketChange(code, () => deps.tickets.checkReopenByAsker(code, { conversationId })),
    reopenTicket: ({ code, conversationId, reason }) => ticketChange(code, () => deps.tickets.reopenByAsker(code, { conversationId }, reason)),
  };
  return services;

  /** One ticket for its asker, as the citizen reads it (never the question, a name or a phone). */
  async function lookupWith(code: string, proof: AskerProof): Promise<TicketLookup> {
    let ticket: Ticket;
    try {
      ticket = await deps.tickets.lookup(code, proof);
    } catch (err) {
      if (err instanceof AppError && err.code === 'TICKET.CODE_INVALID') return { outcome: 'invalid' };
      if (err instanceof AppError && err.code === 'TICKET.NOT_FOUND') return { outcome: 'not-found' };
      throw err;
    }
    const answer = ticket.answer && ANSWERED.has(ticket.status) ? ticket.answer.text : undefined;
    return {
      outcome: 'found',
      ticket: {
        code: ticket.code,
        status: copy.bot.tickets.statuses[ticket.status],
        dueDate: dueDate(ticket.dueAt),
        agencyName: agencyName(ticket.agencyId),
        ...(answer !== undefined ? { answer } : {}),
      },
    };
  }

  /** A citizen's close or reopen, its refusals turned into outcomes the flows word. */
  async function ticketChange(code: string, change: () => Promise<Ticket>): Promise<TicketChange> {
    let ticket: Ticket;
    try {
      ticket = await change();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      switch (err.code) {
        case 'TICKET.CODE_INVALID':
          return { outcome: 'invalid' };
        case 'TICKET.NOT_FOUND':
          return { outcome: 'not-found' };
        case 'TICKET.REOPEN_WINDOW_PASSED':
          return { outcome: 'window-passed', code, windowDays: Number(err.details?.['windowDays'] ?? 0) };
        case 'TICKET.INVALID_TRANSITION': {
          const status = err.details?.['status'] as TicketStatus | undefined;
          return { outcome: 'unavailable', code, status: status ? copy.bot.tickets.statuses[status] : '' };
        }
        default:
          throw err;
      }
    }
    return { outcome: 'done', code: ticket.code, agencyName: agencyName(ticket.agencyId), dueDate: dueDate(ticket.dueAt) };
  }
}

/** Agency names by id from the directory, falling back to the id for an agency no longer listed. */
export function agencyNames(knowledge: Pick<KnowledgeSearch, 'listAgencies'>): (id: string) => string {
  const names = new Map(knowledge.listAgencies().map((a) => [a.id, a.name]));
  return (id) => names.get(id) ?? id;
}

/**
 * The ticket use cases over the data folder's routing table and holiday calendar (the shipped ones when
 * the folder has none), routing with the brain so a question about a known procedure goes to its agency.
 */
export function buildTicketService(deps: {
  catalogDir: string;
  /** The catalog already loaded from catalogDir, to avoid loading it twice. */
  catalog?: Catalog;
  knowledge: KnowledgeSearch;
  store: Store;
  clock: Clock;
  copy: Copy;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  /** Deadlines and the reopen window (configuration); DEFAULT_TICKET_POLICY when absent. */
  policy?: TicketPolicy;
}): TicketService {
  const router = createRouter({ catalog: deps.catalog ?? loadCatalog(deps.catalogDir), brain: deps.knowledge, dataDir: deps.catalogDir });
  const holidays = join(deps.catalogDir, 'holidays.vi.json');
  const { calendar } = loadHolidayCalendar(existsSync(holidays) ? holidays : DEFAULT_HOLIDAYS_FILE);
  const agencyName = agencyNames(deps.knowledge);
  return createTicketService({
    store: deps.store,
    router,
    calendar,
    clock: deps.clock,
    deliveries: deps.deliveries,
    ...(deps.policy ? { policy: deps.policy } : {}),
    // The answer carries the asker's two choices: "that answers it" (close) and "still unclear" (reopen).
    answerNotice: (t) => ({
      text: deps.copy.bot.tickets.answerNotice({
        code: t.code,
        agencyName: agencyName(t.agencyId),
        answer: t.answer?.text ?? '',
        reopenWindowDays: (deps.policy ?? DEFAULT_TICKET_POLICY).reopenWindowDays,
      }),
      buttons: answerButtons(deps.copy, t.code),
    }),
  });
}
