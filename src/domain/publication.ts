import { maskPii } from './pii.js';

/**
 * Public Q&A entries (issue 4): an answered ticket the citizen agreed to publish (`consent.publish`)
 * and an editor approved becomes a question and answer anyone may read, with personal data removed.
 * Pure rules only: publishing.ts decides who may publish and when.
 *
 * Personal data. Both texts are masked with maskPii when the entry is built, whatever the editor
 * typed, so a phone number, ID number or e-mail address never reaches the public page. Names and
 * addresses cannot be masked reliably: the editor's edited text is where they are removed. The entry
 * keeps no conversation id, contact or tracking code: only the ticket id, for unpublishing.
 */
export interface PublishedAnswer {
  id: string;
  /** The ticket it came from (one entry per ticket). */
  ticketId: string;
  /** The field (lĩnh vực) the public page groups by, from the ticket's procedure; absent = "other". */
  field?: string;
  /** The agency whose answer this is: named when the assistant reuses it. */
  agencyId: string;
  question: string;
  answer: string;
  publishedAt: Date;
  /** The editor (coordinator account id) who approved it. */
  approvedBy: string;
}

export const PUBLISHED_QUESTION_MAX = 2000;
export const PUBLISHED_ANSWER_MAX = 4000;

/** Deterministic: one entry per ticket, so publishing twice replaces rather than duplicates. */
export function publicationId(ticketId: string): string {
  return `qa:${ticketId}`;
}

/** What an editor approves; the entry's id follows from the ticket (publicationId). */
export type NewPublication = Omit<PublishedAnswer, 'id'>;

/** Builds the entry, masking personal data in both texts and normalizing whitespace. */
export function buildPublication(input: NewPublication): PublishedAnswer {
  const clean = (text: string): string => maskPii(text.replace(/\r\n?/g, '\n').replace(/[ \t]+/g, ' ').trim());
  const field = input.field?.trim();
  return {
    id: publicationId(input.ticketId),
    ticketId: input.ticketId,
    ...(field ? { field } : {}),
    agencyId: input.agencyId,
    question: clean(input.question),
    answer: clean(input.answer),
    publishedAt: input.publishedAt,
    approvedBy: input.approvedBy,
  };
}
