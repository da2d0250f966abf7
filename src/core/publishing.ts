import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { buildPublication, publicationId, PUBLISHED_ANSWER_MAX, PUBLISHED_QUESTION_MAX, type PublishedAnswer } from '../domain/publication.js';
import type { Ticket, TicketStatus } from '../domain/ticket.js';
import type { EventBus } from '../ports/events.js';
import type { Clock } from '../ports/clock.js';
import type { PublicationRepo, TicketRepo } from '../ports/store.js';
import { hasRole } from './console-auth.js';

/**
 * Publishing (issue 4): with the citizen's consent (`consent.publish`) and an editor's approval, an
 * answered ticket becomes a public Q&A entry. The editor is the 1022 coordinator desk; staff and admins
 * may not publish (AUTH.FORBIDDEN). The editor may rewrite the question and the answer (removing names
 * and addresses, which cannot be masked automatically); whatever they send, phone, ID and e-mail are
 * masked again here (buildPublication), server-side. Publishing again replaces the entry; unpublishing
 * removes it. The public side (`listPublic`) needs no account and returns masked text only.
 */

export const PUBLISHABLE_STATUSES: readonly TicketStatus[] = ['answered', 'delivered', 'closed'];

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
  /** The field (lĩnh vực) of a procedure id, for grouping; undefined when unknown. */
  fieldOf?: (procedureId: string) => string | undefined;
  /** Where `publications.changed` is published after every publish/unpublish. */
  events: Pick<EventBus, 'publish'>;
}

export interface Publishing {
  publish(account: Account, ticketId: string, edits?: PublishEdits): Promise<PublishedAnswer>;
  unpublish(account: Account, ticketId: string): Promise<void>;
  /** The public list, newest first; `field` narrows to one field. */
  listPublic(query: { field?: string; limit: number }): Promise<PublishedAnswer[]>;
}

/** Why a ticket cannot be published now, or undefined when it can. */
export function publishBlocker(ticket: Pick<Ticket, 'status' | 'consent' | 'answer'>): 'no-consent' | 'not-answered' | undefined {
  if (!ticket.consent.publish) return 'no-consent';
  if (!PUBLISHABLE_STATUSES.includes(ticket.status) || !ticket.answer) return 'not-answered';
  return undefined;
}

export function createPublishing(deps: PublishingDeps): Publishing {
  function requireEditor(account: Account): void {
    if (!hasRole(account, 'coordinator')) {
      throw new AppError('AUTH.FORBIDDEN', 'Only the coordinator desk may publish answers', { details: { role: account.role } });
    }
  }

  return {
    async publish(account, ticketId, edits = {}) {
      requireEditor(account);
      const ticket = await deps.tickets.get(ticketId);
      if (!ticket) throw new AppError('TICKET.NOT_FOUND', 'No ticket with this id.');
      const blocker = publishBlocker(ticket);
      if (blocker || !ticket.answer) throw new AppError('PUBLISH.NOT_ALLOWED', 'This ticket cannot be published', { details: { reason: blocker ?? 'not-answered' } });
      const question = (edits.question ?? ticket.question).trim();
      const answer = (edits.answer ?? ticket.answer.text).trim();
      if (question === '' || answer === '' || question.length > PUBLISHED_QUESTION_MAX || answer.length > PUBLISHED_ANSWER_MAX) {
        throw new AppError('TICKET.INPUT_INVALID', 'The published question and answer must be non-empty and not too long', { details: { field: 'text' } });
      }
      const field = edits.field ?? (ticket.procedureId ? deps.fieldOf?.(ticket.procedureId) : undefined);
      const entry = buildPublication({
        ticketId: ticket.id,
        agencyId: ticket.agencyId,
        question,
        answer,
        publishedAt: deps.clock.now(),
        approvedBy: account.id,
        ...(field !== undefined ? { field } : {}),
      });
      await deps.publications.upsert(entry);
      await deps.events.publish('publications.changed', { at: entry.publishedAt });
      return entry;
    },

    async unpublish(account, ticketId) {
      requireEditor(account);
      if (!(await deps.publications.remove(publicationId(ticketId)))) {
        throw new AppError('PUBLISH.NOT_FOUND', 'No public entry for this ticket.');
      }
      await deps.events.publish('publications.changed', { at: deps.clock.now() });
    },

    async listPublic(query) {
      return deps.publications.list({ limit: query.limit, ...(query.field !== undefined ? { field: query.field } : {}) });
    },
  };
}
