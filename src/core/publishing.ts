import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { foldVietnamese } from '../domain/pii.js';
import {
  buildPublication,
  normalizePublishedText,
  publicationId,
  redactForPublication,
  PUBLISHED_ANSWER_MAX,
  PUBLISHED_QUESTION_MAX,
  type PublicationRedaction,
  type PublishedAnswer,
} from '../domain/publication.js';
import type { Ticket, TicketStatus } from '../domain/ticket.js';
import type { AuditLog } from '../ports/audit.js';
import type { EventBus } from '../ports/events.js';
import type { Clock } from '../ports/clock.js';
import type { PublicationRepo, TicketRepo } from '../ports/store.js';
import { hasRole } from './console-auth.js';

/**
 * Publishing (issue 4, issue 9): with the citizen's consent (`consent.publish`) and an editor's
 * approval, an answered ticket becomes a public Q&A entry. The editor is the 1022 coordinator desk;
 * staff and admins may not publish (AUTH.FORBIDDEN).
 *
 * Personal data is removed by default: `preview` gives the coordinator the question and answer as they
 * would be published (names, phones, ID numbers, e-mails and private addresses replaced, the ticket's
 * contact name included); they may edit it, and whatever they send is redacted again server-side
 * (buildPublication), so nothing the rules can find is ever published. Publishing again replaces the
 * entry; unpublishing removes it. Both are written to the audit log (who, which ticket, when; never the
 * texts). The public side (`browsePublic`, `listPublic`) needs no account: topics by field with counts
 * and an accent-insensitive search over the published texts.
 */

export const PUBLISHABLE_STATUSES: readonly TicketStatus[] = ['answered', 'delivered', 'closed'];

/** Entries the public page searches and counts at most (a few are approved a day). */
export const PUBLIC_SCAN_MAX = 5000;

export interface PublishEdits {
  /** The editor's edited question; the ticket's question when absent. */
  question?: string;
  /** The editor's edited answer; the ticket's answer when absent. */
  answer?: string;
  /** Overrides the field (lĩnh vực) taken from the ticket's procedure. */
  field?: string;
}

export interface PublishingDeps {
  tickets: Pick<TicketRepo, 'get'>;
  publications: PublicationRepo;
  clock: Clock;
  /** What replaces each kind of personal data (copy: `qa.redacted`). */
  placeholders: PublicationRedaction['placeholders'];
  /** Publish and unpublish are recorded here. */
  audit: AuditLog;
  /** The field (lĩnh vực) of a procedure id, for grouping; undefined when unknown. */
  fieldOf?: (procedureId: string) => string | undefined;
  /** Where `publications.changed` is published after every publish/unpublish. */
  events: Pick<EventBus, 'publish'>;
}

/** What the coordinator sees before publishing (GET …/publication). */
export interface PublicationPreview {
  ticketId: string;
  /** Why it cannot be published now; absent when it can. */
  blocker?: 'no-consent' | 'not-answered';
  /** The text to publish: the redacted ticket when not published, else the published entry's text. Absent with a blocker. */
  draft?: { question: string; answer: string; field?: string; removed: number };
  /** The public entry, when there is one. */
  published?: PublishedAnswer;
}

export interface PublicQuery {
  /** Only this field's entries; `null` = entries without a field. */
  field?: string | null;
  /** Search words, accents and case ignored; every word must start a word of the entry. */
  q?: string;
  limit: number;
}

export interface PublicBrowse {
  entries: PublishedAnswer[];
  /** Entries matching the query (before `limit`). */
  total: number;
  /** Every field with its number of entries (the whole list, not the search), `null` = no field. */
  fields: Array<{ field: string | null; count: number }>;
}

export interface Publishing {
  preview(account: Account, ticketId: string): Promise<PublicationPreview>;
  publish(account: Account, ticketId: string, edits?: PublishEdits): Promise<PublishedAnswer>;
  unpublish(account: Account, ticketId: string): Promise<void>;
  /** The public list, newest first; `field` narrows to one field, `q` searches. */
  listPublic(query: PublicQuery): Promise<PublishedAnswer[]>;
  /** The public list with its total and the field counts (the /hoi-dap page). */
  browsePublic(query: PublicQuery): Promise<PublicBrowse>;
  /**
   * Applies today's redaction to every stored entry (entries published before it keep names, e.g. an
   * unedited question starting "Tôi là Nguyễn Văn A"); rewrites only the entries it changes, keeping
   * their date and approver. Idempotent; returns how many entries changed.
   */
  redactStored(): Promise<number>;
}

/** Why a ticket cannot be published now, or undefined when it can. */
export function publishBlocker(ticket: Pick<Ticket, 'status' | 'consent' | 'answer'>): 'no-consent' | 'not-answered' | undefined {
  if (!ticket.consent.publish) return 'no-consent';
  if (!PUBLISHABLE_STATUSES.includes(ticket.status) || !ticket.answer) return 'not-answered';
  return undefined;
}

/** The search words of a query: folded, split on anything but letters and digits. */
export function searchTerms(q: string | undefined): string[] {
  if (q === undefined) return [];
  return foldVietnamese(q)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 12);
}

/** Whether every term starts a word of the entry's question, answer or field (accents and case ignored). */
export function matchesSearch(entry: Pick<PublishedAnswer, 'question' | 'answer' | 'field'>, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const haystack = foldVietnamese(`${entry.question}\n${entry.answer}\n${entry.field ?? ''}`);
  return terms.every((term) => new RegExp(`(?<![\\p{L}\\p{N}])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'u').test(haystack));
}

export function createPublishing(deps: PublishingDeps): Publishing {
  function requireEditor(account: Account): void {
    if (account.disabled || !hasRole(account, 'coordinator')) {
      throw new AppError('AUTH.FORBIDDEN', 'Only the coordinator desk may publish answers', { details: { role: account.role } });
    }
  }

  async function ticketOf(ticketId: string): Promise<Ticket> {
    const ticket = await deps.tickets.get(ticketId);
    if (!ticket) throw new AppError('TICKET.NOT_FOUND', 'No ticket with this id.');
    return ticket;
  }

  /** The ticket's contact name: removed wherever it appears, also unaccented or alone as a given name. */
  const redactionFor = (ticket: Ticket): PublicationRedaction => ({
    placeholders: deps.placeholders,
    names: ticket.contact?.name ? [ticket.contact.name] : [],
  });

  const fieldFor = (ticket: Ticket): string | undefined => (ticket.procedureId ? deps.fieldOf?.(ticket.procedureId) : undefined);

  async function browse(query: PublicQuery): Promise<PublicBrowse> {
    const all = await deps.publications.list({ limit: PUBLIC_SCAN_MAX });
    const counts = new Map<string | null, number>();
    for (const e of all) counts.set(e.field ?? null, (counts.get(e.field ?? null) ?? 0) + 1);
    const terms = searchTerms(query.q);
    const matching = all.filter((e) => (query.field === undefined || (e.field ?? null) === query.field) && matchesSearch(e, terms));
    return {
      entries: matching.slice(0, query.limit),
      total: matching.length,
      fields: [...counts].map(([field, count]) => ({ field, count })),
    };
  }

  return {
    async preview(account, ticketId) {
      requireEditor(account);
      const ticket = await ticketOf(ticketId);
      const published = await deps.publications.get(publicationId(ticket.id));
      const blocker = publishBlocker(ticket);
      const preview: PublicationPreview = { ticketId: ticket.id, ...(blocker && { blocker }), ...(published && { published }) };
      if (blocker || !ticket.answer) return preview;
      if (published) {
        return { ...preview, draft: { question: published.question, answer: published.answer, ...(published.field !== undefined && { field: published.field }), removed: 0 } };
      }
      const redacted = redactForPublication({ question: ticket.question, answer: ticket.answer.text }, redactionFor(ticket));
      const field = fieldFor(ticket);
      return { ...preview, draft: { question: redacted.question.text, answer: redacted.answer.text, ...(field !== undefined && { field }), removed: redacted.removed } };
    },

    async publish(account, ticketId, edits = {}) {
      requireEditor(account);
      const ticket = await ticketOf(ticketId);
      const blocker = publishBlocker(ticket);
      if (blocker || !ticket.answer) throw new AppError('PUBLISH.NOT_ALLOWED', 'This ticket cannot be published', { details: { reason: blocker ?? 'not-answered' } });
      const question = (edits.question ?? ticket.question).trim();
      const answer = (edits.answer ?? ticket.answer.text).trim();
      if (question === '' || answer === '' || question.length > PUBLISHED_QUESTION_MAX || answer.length > PUBLISHED_ANSWER_MAX) {
        throw new AppError('TICKET.INPUT_INVALID', 'The published question and answer must be non-empty and not too long', { details: { field: 'text' } });
      }
      const field = edits.field ?? fieldFor(ticket);
      const before = await deps.publications.get(publicationId(ticket.id));
      const entry = buildPublication(
        {
          ticketId: ticket.id,
          agencyId: ticket.agencyId,
          question,
          answer,
          publishedAt: deps.clock.now(),
          approvedBy: account.id,
          ...(field !== undefined ? { field } : {}),
        },
        redactionFor(ticket),
      );
      await deps.publications.upsert(entry);
      // Edited = differs from both the ticket's text and the redacted draft the console showed.
      const draft = redactForPublication({ question: ticket.question, answer: ticket.answer.text }, redactionFor(ticket));
      const edited = (sent: string | undefined, original: string, drafted: string): boolean =>
        sent !== undefined && normalizePublishedText(sent) !== normalizePublishedText(original) && normalizePublishedText(sent) !== drafted;
      await deps.audit.record({
        action: 'publication.publish',
        actor: { id: account.id, username: account.username },
        target: { kind: 'ticket', id: ticket.id, code: ticket.code },
        at: entry.publishedAt,
        details: {
          republished: before !== undefined,
          editedQuestion: edited(edits.question, ticket.question, draft.question.text),
          editedAnswer: edited(edits.answer, ticket.answer.text, draft.answer.text),
          ...(entry.field !== undefined && { field: entry.field }),
        },
      });
      await deps.events.publish('publications.changed', { at: entry.publishedAt });
      return entry;
    },

    async unpublish(account, ticketId) {
      requireEditor(account);
      const ticket = await deps.tickets.get(ticketId);
      if (!(await deps.publications.remove(publicationId(ticketId)))) {
        throw new AppError('PUBLISH.NOT_FOUND', 'No public entry for this ticket.');
      }
      const at = deps.clock.now();
      await deps.audit.record({
        action: 'publication.unpublish',
        actor: { id: account.id, username: account.username },
        target: { kind: 'ticket', id: ticketId, code: ticket?.code ?? '' },
        at,
      });
      await deps.events.publish('publications.changed', { at });
    },

    async listPublic(query) {
      if (query.q === undefined || searchTerms(query.q).length === 0) {
        return deps.publications.list({ limit: query.limit, ...(query.field !== undefined ? { field: query.field } : {}) });
      }
      return (await browse(query)).entries;
    },

    browsePublic: browse,

    async redactStored() {
      let changed = 0;
      for (const entry of await deps.publications.list({ limit: PUBLIC_SCAN_MAX })) {
        const ticket = await deps.tickets.get(entry.ticketId);
        const names = ticket?.contact?.name ? [ticket.contact.name] : [];
        const redacted = redactForPublication(entry, { placeholders: deps.placeholders, names });
        if (redacted.question.text === entry.question && redacted.answer.text === entry.answer) continue;
        await deps.publications.upsert({ ...entry, question: redacted.question.text, answer: redacted.answer.text });
        changed += 1;
      }
      if (changed > 0) await deps.events.publish('publications.changed', { at: deps.clock.now() });
      return changed;
    },
  };
}
