import { maskPii, redactPersonalData, type Redaction, type RedactionOptions } from './pii.js';

/**
 * Public Q&A entries (issue 4): an answered ticket the citizen agreed to publish (`consent.publish`)
 * and an editor approved becomes a question and answer anyone may read, with personal data removed.
 * Pure rules only: publishing.ts decides who may publish and when.
 *
 * Personal data. Both texts are redacted (pii.ts redactPersonalData) when the entry is built, whatever
 * the editor typed: phone, ID and e-mail always; names (the ticket's contact name, self-introductions,
 * names after a form of address) and street addresses of private persons as well as rules can find
 * them. The question is the citizen's words, so any house address goes; the answer is the agency's,
 * where "số 12 đường Lê Lợi" is usually an office, so only residential forms go. The coordinator sees
 * the same redaction as a preview (redactForPublication) and may edit it before publishing. The entry
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

/** How published text is redacted: the placeholders (copy) and the names the ticket knows. */
export interface PublicationRedaction {
  placeholders: RedactionOptions['placeholders'];
  names?: readonly string[];
}

/** Line breaks and runs of spaces normalized, NFC, trimmed. */
export function normalizePublishedText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/[ \t]+/g, ' ').trim();
}

/** The question and answer as they would be published, with what was removed (the coordinator's preview). */
export function redactForPublication(texts: { question: string; answer: string }, redaction: PublicationRedaction): { question: Redaction; answer: Redaction; removed: number } {
  const names = redaction.names ?? [];
  const question = redactPersonalData(normalizePublishedText(texts.question), { placeholders: redaction.placeholders, names, addresses: 'all' });
  const answer = redactPersonalData(normalizePublishedText(texts.answer), { placeholders: redaction.placeholders, names, addresses: 'residential' });
  const total = (r: Redaction): number => Object.values(r.removed).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return { question, answer, removed: total(question) + total(answer) };
}

/**
 * Builds the entry, redacting personal data in both texts (redactForPublication) and normalizing
 * whitespace. Without `redaction` only phone, ID and e-mail are masked (maskPii), as in logs.
 */
export function buildPublication(input: NewPublication, redaction?: PublicationRedaction): PublishedAnswer {
  const field = input.field?.trim();
  const texts = redaction
    ? (({ question, answer }) => ({ question: question.text, answer: answer.text }))(redactForPublication(input, redaction))
    : { question: maskPii(normalizePublishedText(input.question)), answer: maskPii(normalizePublishedText(input.answer)) };
  return {
    id: publicationId(input.ticketId),
    ticketId: input.ticketId,
    ...(field ? { field } : {}),
    agencyId: input.agencyId,
    question: texts.question,
    answer: texts.answer,
    publishedAt: input.publishedAt,
    approvedBy: input.approvedBy,
  };
}
