import { isLocale, type Locale } from './locale.js';
import type { ReplyButton } from './message.js';
import type { FollowUpTopic } from './procedure.js';

/**
 * Button payloads the flows offer and recognize, and the ticket use cases put under an agency's answer.
 * They travel through every channel as plain strings (Messenger quick-reply payloads, Zalo query text,
 * widget button values), so they stay short.
 */
export const MENU_ASK = 'menu:ask';
export const MENU_HELP = 'menu:help';
export const REQUEST_AGENCY = 'req:agency';
export const REQUEST_OPERATOR = 'req:operator';
/** "Call me back" when no operator can be reached: the question goes to the hotline desk as a ticket with a phone number. */
export const REQUEST_CALLBACK = 'req:callback';
/** "Never mind" under the queue notice: the citizen leaves the operators' queue. */
export const HANDOFF_LEAVE = 'hand:leave';
export const handoffLeavePayload = () => HANDOFF_LEAVE;
/** The citizen's rating 1–5 after a human conversation, with the stretch it rates (`csat:3:<stretch id>`). */
export const csatPayload = (rating: number, handoffId: string) => `csat:${rating}:${handoffId}`;
export const REQUEST_REPHRASE = 'req:rephrase';
/** "None of these" under a clarification and "no" under a confirmation: leads to the repair offer. */
export const REQUEST_NONE = 'req:none';
/** Answers to the request dialog's yes/no questions and its optional phone step. */
export const ANSWER_YES = 'ans:yes';
export const ANSWER_NO = 'ans:no';
export const ANSWER_SKIP = 'ans:skip';

export const procedurePayload = (id: string) => `proc:${id}`;
/**
 * The asker's choices under an agency's answer, with the ticket's tracking code: `tk:close:K7QX-3M2PC`
 * ("that answers it") and `tk:reopen:K7QX-3M2PC` ("still unclear"). The code opens nothing by itself:
 * the flows act only on a ticket opened from the same conversation.
 */
export const ticketPayload = (action: TicketPayloadAction, code: string) => `tk:${action}:${code}`;
export type TicketPayloadAction = 'close' | 'reopen';

/** The asker's two choices under an agency's answer, titled in the citizen's language. */
export function ticketAnswerButtons(titles: { close: string; reopen: string }, code: string): ReplyButton[] {
  return [
    { title: titles.close, payload: ticketPayload('close', code) },
    { title: titles.reopen, payload: ticketPayload('reopen', code) },
  ];
}
export const topicPayload = (topic: FollowUpTopic) => `topic:${topic}`;
/** "Continue in Vietnamese" under a reply in another language (`lang:vi`). */
export const languagePayload = (locale: Locale) => `lang:${locale}`;

/**
 * Portal news (issue 12): subscribe to a topic (`news:sub:tuyen-dung`), stop one topic
 * (`news:unsub:tuyen-dung`) or every topic (`news:unsub`), the latest items (`news:latest`), the topic
 * menu (`news:menu`). A topic id is the accent-free slug of its name (domain/news.ts topicSlug).
 */
export const newsSubscribePayload = (topicId: string) => `news:sub:${topicId}`;
export const newsUnsubscribePayload = (topicId?: string) => (topicId === undefined ? 'news:unsub' : `news:unsub:${topicId}`);
export const NEWS_LATEST = 'news:latest';
export const NEWS_MENU = 'news:menu';
export type NewsPayloadAction = 'subscribe' | 'unsubscribe' | 'latest' | 'menu';

export type Payload =
  | { kind: 'procedure'; id: string }
  | { kind: 'topic'; topic: FollowUpTopic }
  | { kind: 'menu'; item: 'ask' | 'help' }
  | { kind: 'request'; item: 'agency' | 'operator' | 'callback' | 'rephrase' | 'none' }
  | { kind: 'handoff'; action: 'leave' }
  | { kind: 'csat'; rating: number; handoffId: string }
  | { kind: 'language'; locale: Locale }
  | { kind: 'answer'; item: 'yes' | 'no' | 'skip' }
  | { kind: 'ticket'; action: TicketPayloadAction; code: string }
  | { kind: 'news'; action: NewsPayloadAction; topicId?: string };

const TOPICS = new Set(['documents', 'fee', 'time', 'place', 'legal', 'online', 'steps', 'result', 'conditions', 'forms', 'contact']);

/** Reads a payload back; undefined for free text typed by the citizen. */
export function parsePayload(text: string | undefined): Payload | undefined {
  const ticket = /^tk:(close|reopen):([0-9A-Z]{4,6}-[0-9A-Z]{1,6})$/.exec(text?.trim() ?? '');
  if (ticket) return { kind: 'ticket', action: ticket[1] as TicketPayloadAction, code: ticket[2]! };
  const csat = /^csat:([1-5]):([A-Za-z0-9_:.-]{1,200})$/.exec(text?.trim() ?? '');
  if (csat) return { kind: 'csat', rating: Number(csat[1]), handoffId: csat[2]! };
  if (text?.trim() === HANDOFF_LEAVE) return { kind: 'handoff', action: 'leave' };
  const news = /^news:(?:(sub):([a-z0-9]+(?:-[a-z0-9]+)*)|(unsub)(?::([a-z0-9]+(?:-[a-z0-9]+)*))?|(latest|menu))$/.exec(text?.trim() ?? '');
  if (news) {
    if (news[1]) return { kind: 'news', action: 'subscribe', topicId: news[2]! };
    if (news[3]) return { kind: 'news', action: 'unsubscribe', ...(news[4] ? { topicId: news[4] } : {}) };
    return { kind: 'news', action: news[5] as 'latest' | 'menu' };
  }
  const m = /^(proc|topic|menu|req|ans|lang):([a-z0-9-]+)$/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  const [, kind, value] = m as unknown as [string, string, string];
  if (kind === 'proc') return { kind: 'procedure', id: value };
  if (kind === 'topic' && TOPICS.has(value)) return { kind: 'topic', topic: value as FollowUpTopic };
  if (kind === 'menu' && (value === 'ask' || value === 'help')) return { kind: 'menu', item: value };
  if (kind === 'req' && (value === 'agency' || value === 'operator' || value === 'callback' || value === 'rephrase' || value === 'none')) return { kind: 'request', item: value };
  if (kind === 'lang' && isLocale(value)) return { kind: 'language', locale: value };
  if (kind === 'ans' && (value === 'yes' || value === 'no' || value === 'skip')) return { kind: 'answer', item: value };
  return undefined;
}
