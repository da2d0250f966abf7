import { copyFor as copyForLocale } from '../domain/copy/index.js';
import { formatVietnamDate } from '../domain/dates.js';
import type { Copy } from '../domain/copy/types.js';
import type { OperatorRequestOutcome } from '../domain/handoff.js';
import type { Agency } from '../domain/procedure.js';
import { AppError } from '../domain/errors.js';
import { ANSWER_VISIBLE_STATUSES, type AskerProof, type Ticket, type TicketStatus } from '../domain/ticket.js';
import { normalize as normalizeTrackingCode } from '../domain/tracking-code.js';
import { localDateOf } from '../domain/working-days.js';
import type { Clock } from '../ports/clock.js';
import type { FlowServices, NewsServices, TicketChange, TicketLookup } from '../ports/flow-services.js';
import type { AnswerRenderer, KnowledgeSearch, PublishedAnswerSource } from '../ports/knowledge.js';
import type { FailureLimiter, LimitPolicy } from '../ports/limiter.js';
import type { Store } from '../ports/store.js';
import { agencyNames } from './agency-names.js';
import type { NewsSubscriptions } from './news-subscriptions.js';
import { proofLimitKey } from './ticket-tracking.js';
import type { TicketService } from './tickets.js';

/** Failed phone-digit proofs in chat allowed per conversation (one citizen guessing); per code: DEFAULT_PROOF_LIMIT. */
export const PROOF_PER_CONVERSATION_LIMIT: Readonly<LimitPolicy> = Object.freeze({ max: 5, windowMs: 15 * 60_000 });

export interface FlowServicesDeps {
  knowledge: KnowledgeSearch;
  /** The answer texts in the copy's language (knowledge/answers, bound by the composition root). */
  render: AnswerRenderer;
  store: Pick<Store, 'conversations' | 'outbound'>;
  /**
   * Live handoff to hotline operators (core/handoff-routing.ts, handoff-citizen.ts); without it (tests of
   * the flows alone) nobody is ever online.
   */
  handoff?: {
    request(input: Parameters<FlowServices['requestOperator']>[0]): Promise<OperatorRequestOutcome>;
    rate(conversationId: string, handoffId: string, rating: number): Promise<boolean>;
  };
  copy: Copy;
  /** The copy in another language (Khmer, English); the domain's translations (domain/copy) unless given. */
  copyFor?: FlowServices['copyFor'];
  clock: Clock;
  tickets: TicketService;
  /** Agencies' published answers (issue 4); without it no published answer is ever reused. */
  published?: PublishedAnswerSource;
  /**
   * Failed phone-digit lookups per conversation (one citizen guessing) and per code (many guessing one
   * code; shared with the lookup API, proofLimitKey).
   */
  limiters: { proofByConversation: FailureLimiter; proofByCode: FailureLimiter };
  /**
   * Citizens' news subscriptions (core/news-subscriptions.ts, with the province's topics); without it
   * nothing reads as a news command and news requests get the honest "not available yet".
   */
  news?: NewsSubscriptions;
}

/** How many items "tin mới" shows. */
export const NEWS_LATEST_LIMIT = 5;

/**
 * The flows' window on the world (ports/flow-services.ts): the brain, the answer texts, published
 * answers, tickets and the request log, with the rules the flows rely on: the phone-digit proof
 * throttles, the operators' queue, and ticket refusals turned into outcomes the flows word.
 */
export function createFlowServices(deps: FlowServicesDeps): FlowServices {
  const { knowledge, copy, render } = deps;
  const { proofByConversation, proofByCode } = deps.limiters;
  const agencyName = agencyNames(knowledge);
  const dueDate = (at: Date) => copy.bot.tickets.formatDate(localDateOf(at));
  const withProcedure = (id: string, render: (p: NonNullable<ReturnType<KnowledgeSearch['getProcedure']>>) => string) => {
    const procedure = knowledge.getProcedure(id);
    return procedure ? render(procedure) : copy.answers.noCurrentProcedure;
  };
  const services: FlowServices = {
    copy,
    copyFor: (locale) => (locale === copy.locale ? copy : (deps.copyFor ?? copyForLocale)(locale)),
    setLocale: (conversationId, locale) => deps.store.conversations.update(conversationId, { locale }),
    ask: (question, context) => knowledge.ask(question, context),
    getProcedure: (id) => knowledge.getProcedure(id),
    answerText: (result) => render.answer(result),
    async publishedAnswer(question) {
      const match = await deps.published?.find(question);
      if (!match) return undefined;
      const { entry } = match;
      return { text: copy.bot.publishedAnswer({ agencyName: agencyName(entry.agencyId), question: entry.question, answer: entry.answer }) };
    },
    procedureText: (id, place) => withProcedure(id, (p) => render.procedure(p, place)),
    followUpText: (id, topic, place, question) => withProcedure(id, (p) => render.followUp(p, topic, place, question)),
    agency: (id) => knowledge.listAgencies().find((a) => a.id === id),
    contactText({ entry, agencyId, procedureId, place }) {
      if (entry) {
        const { address, phone, email, website, hours } = entry;
        const office: Agency = { id: entry.id, name: entry.name, level: 'xa', fields: [], contacts: { address, phone, email, website, hours } };
        return render.contact(office);
      }
      const id = agencyId ?? (procedureId ? knowledge.getProcedure(procedureId)?.agencyId : undefined);
      const agency = id ? services.agency(id) : undefined;
      return agency ? render.contact(agency, place) : undefined;
    },
    procedureLink(id) {
      const p = knowledge.getProcedure(id);
      return p?.onlineUrl && p.onlineLevel !== 'khong' ? { title: copy.answers.onlineLinkTitle, url: p.onlineUrl } : undefined;
    },
    async requestOperator(input) {
      return deps.handoff ? deps.handoff.request(input) : { outcome: 'nobody-online' };
    },
    async lastReplyWasFallback(conversationId) {
      const latest = (await deps.store.outbound.listByConversation(conversationId, 1)).at(-1);
      return latest?.reply.meta?.fallback === true;
    },
    rateHandoff: (conversationId, handoffId, rating) => deps.handoff?.rate(conversationId, handoffId, rating) ?? Promise.resolve(false),
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
      return tickets.map((t) => ({
        code: t.code,
        status: copy.bot.tickets.statuses[t.status],
        dueDate: dueDate(t.dueAt),
        kind: t.kind,
        ...(awaitsAsker(t) ? { awaitingAsker: true } : {}),
      }));
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
    news: deps.news ? newsServices(deps.news) : NO_NEWS,
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
    const answer = ticket.answer && ANSWER_VISIBLE_STATUSES.has(ticket.status) ? ticket.answer.text : undefined;

    return {
      outcome: 'found',
      ticket: {
        code: ticket.code,
        status: copy.bot.tickets.statuses[ticket.status],
        dueDate: dueDate(ticket.dueAt),
        agencyName: agencyName(ticket.agencyId),
        kind: ticket.kind,
        ...(answer !== undefined ? { answer } : {}),
        ...(awaitsAsker(ticket) ? { awaitingAsker: true } : {}),
      },
    };
  }

  /** Whether the agency's answer awaits the asker's "that answers it" or "still unclear". */
  function awaitsAsker(ticket: Ticket): boolean {
    return ticket.answer !== undefined && (ticket.status === 'answered' || ticket.status === 'delivered');
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

/** Without a news service: nothing is a news command, no topic exists, nobody is subscribed. */
const NO_NEWS: NewsServices = {
  available: false,
  read: () => undefined,
  topics: () => [],
  subscribed: async () => [],
  subscribe: async () => ({ outcome: 'unknown-topic' }),
  unsubscribe: async () => ({ outcome: 'not-subscribed', remaining: [] }),
  latest: async () => ({ scope: 'all', items: [] }),
};

/** The news subscriptions as the flows see them: outcomes to word, dates as citizens write them. */
function newsServices(news: NewsSubscriptions): NewsServices {
  const topicsOf = (ids: readonly string[]) => news.topics().filter((t) => ids.includes(t.id));
  return {
    available: true,
    read: (text) => news.read(text),
    topics: () => news.topics(),
    subscribed: async (conversationId) => topicsOf((await news.subscription(conversationId))?.topics ?? []),
    async subscribe(conversationId, topicId) {
      const done = await news.subscribe(conversationId, topicId);
      if (!done) return { outcome: 'unknown-topic' };
      return { outcome: done.added ? 'subscribed' : 'already', topic: done.topic, topics: done.topics };
    },
    async unsubscribe(conversationId, topicId) {
      const done = await news.unsubscribe(conversationId, topicId);
      if (!done) return { outcome: 'unknown-topic', remaining: topicsOf((await news.subscription(conversationId))?.topics ?? []) };
      return { outcome: done.removed ? 'unsubscribed' : 'not-subscribed', ...(done.topic ? { topic: done.topic } : {}), remaining: done.remaining };
    },
    async latest(conversationId, topicId) {
      const topic = topicId === undefined ? undefined : news.topic(topicId);
      const { scope, items } = await news.latest(conversationId, NEWS_LATEST_LIMIT, topic?.id);
      return {
        scope,
        ...(topic ? { topic } : {}),
        items: items.map((i) => ({ title: i.title, date: formatVietnamDate(i.publishedAt), ...(i.link ? { link: i.link } : {}) })),
      };
    },
  };
}
