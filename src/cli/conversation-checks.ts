import { z } from 'zod';
import type { Locale } from '../domain/locale.js';
import type { Reply, ReplyTag } from '../domain/message.js';
import { procedurePayload } from '../domain/payloads.js';
import type { FollowUpTopic } from '../domain/procedure.js';
import type { TicketStatus } from '../domain/ticket.js';

/**
 * The multi-turn evaluation's format and checks, without I/O (the runner, `eval-conversations.ts`,
 * drives the real system; the unit tests call these directly). Format and classes:
 * knowledge/eval/conversations/README.md.
 */

/** Every ReplyTag, checked against the domain type by the compiler (a new tag fails to typecheck here). */
const TAGS: Record<ReplyTag, true> = {
  answer: true,
  clarify: true,
  confirm: true,
  'small-talk': true,
  repair: true,
  contact: true,
  outside: true,
  concern: true,
  language: true,
  offer: true,
  consent: true,
  place: true,
  publish: true,
  name: true,
  phone: true,
  'ticket-opened': true,
  'operator-requested': true,
  handoff: true,
  csat: true,
  tickets: true,
  'track-proof': true,
  'reopen-prompt': true,
  reopened: true,
  closed: true,
  refusal: true,
  greeting: true,
  help: true,
  'ask-prompt': true,
  news: true,
  'out-of-scope': true,
  error: true,
};
export const REPLY_TAGS = Object.keys(TAGS) as ReplyTag[];

const TOPICS: Record<FollowUpTopic, true> = {
  documents: true,
  fee: true,
  time: true,
  place: true,
  legal: true,
  online: true,
  steps: true,
  result: true,
  conditions: true,
  forms: true,
  contact: true,
};
const TICKET_STATUSES: Record<TicketStatus, true> = {
  received: true,
  assigned: true,
  returned: true,
  answered: true,
  delivered: true,
  closed: true,
  overdue: true,
  reopened: true,
};
const LOCALES: Record<Locale, true> = { vi: true, km: true, en: true };

/** The classes of issue 9 a conversation exercises (README.md describes each). */
export const CONVERSATION_CLASSES = [
  'followup',
  'topic-switch',
  'two-procedures',
  'clarify-pick',
  'small-talk',
  'repair',
  'abbreviation',
  'person-request',
  'person-lookalike',
  'contact',
  'outside',
  'complaint',
  'agency-request',
  'ticket-flow',
  'reopen',
  'tracking',
  'language',
] as const;
export type ConversationClass = (typeof CONVERSATION_CLASSES)[number];

/** How the citizen writes: with diacritics, without, or both / teencode within one conversation. */
export const VARIANTS = ['accented', 'unaccented', 'mixed'] as const;
export type Variant = (typeof VARIANTS)[number];

const keys = <T extends string>(record: Record<T, true>) => Object.keys(record) as [T, ...T[]];
const tagSchema = z.enum(keys(TAGS));
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

const baseExpectSchema = z
  .object({
    /** One reply of the step has this tag (or one of these). */
    tag: oneOrMany(tagSchema),
    /** No reply of the step has any of these tags. */
    notTag: oneOrMany(tagSchema),
    /** The matching reply is about this procedure (`$optionN`: the N-th option of the last clarification). */
    procedure: z.string().min(1),
    /** The matching reply is about one of these procedures. */
    procedureAny: z.array(z.string().min(1)).min(1),
    /** The matching reply is about one of these procedures, or offers one of them among its options. */
    about: z.array(z.string().min(1)).min(1),
    /** The matching reply answers this aspect (or one of these). */
    topic: oneOrMany(z.enum(keys(TOPICS))),
    /** The matching reply offers all of these procedures (clarification options). */
    options: z.array(z.string().min(1)).min(1),
    /** The matching reply is written in this language (a reply without a locale counts as Vietnamese). */
    locale: z.enum(keys(LOCALES)),
    /** Every one of these procedures is answered, confirmed or offered by some reply of the step. */
    covers: z.array(z.string().min(1)).min(1),
    /** Button payloads the step's replies must show (`{code}`: the conversation's tracking code). */
    buttons: z.array(z.string().min(1)).min(1),
    /** Text the step's replies must contain (case-insensitive). */
    textIncludes: oneOrMany(z.string().min(1)),
    /** Text the step's replies must not contain (case-insensitive). */
    textExcludes: oneOrMany(z.string().min(1)),
    /** The status of the conversation's newest ticket after the step. */
    ticketStatus: z.enum(keys(TICKET_STATUSES)),
  })
  .partial()
  .strict();
export type BaseExpect = z.infer<typeof baseExpectSchema>;

const expectSchema = baseExpectSchema.extend({
  /** The step passes when any one of these alternatives passes (the other keys must pass too). */
  anyOf: z.array(baseExpectSchema).min(2).optional(),
}).strict();
export type Expect = z.infer<typeof expectSchema>;

const stepCommon = {
  expect: expectSchema.optional(),
  /** This step must open a ticket, or record an operator request (every other step must open nothing). */
  opens: z.enum(['ticket', 'operator']).optional(),
  note: z.string().optional(),
};
const stepSchema = z.union([
  z.object({ say: z.string().min(1), ...stepCommon }).strict(),
  z.object({ tap: z.string().min(1), ...stepCommon }).strict(),
  /** Agency staff answer the conversation's newest ticket; checked against the answer message. */
  z.object({ agencyAnswer: z.string().min(1), ...stepCommon }).strict(),
]);
export type Step = z.infer<typeof stepSchema>;

/** The channel a conversation is played on: the web widget (default) or Zalo (text mode). */
export const CHANNELS = ['webchat', 'zalo'] as const;
export type Channel = (typeof CHANNELS)[number];

export const conversationSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    class: z.enum(CONVERSATION_CLASSES),
    variant: z.enum(VARIANTS),
    channel: z.enum(CHANNELS).optional(),
    note: z.string().optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type Conversation = z.infer<typeof conversationSchema>;

/**
 * Parses a JSONL set: one conversation per line (blank lines and lines starting with `//` skipped).
 * Throws with every bad line's number and reason, and on duplicate ids.
 */
export function parseConversations(text: string, source = 'set'): Conversation[] {
  const out: Conversation[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problems.push(`${source}:${index + 1}: not JSON (${(error as Error).message})`);
      return;
    }
    const parsed = conversationSchema.safeParse(json);
    if (!parsed.success) {
      problems.push(`${source}:${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return;
    }
    if (seen.has(parsed.data.id)) problems.push(`${source}:${index + 1}: duplicate id ${parsed.data.id}`);
    seen.add(parsed.data.id);
    out.push(parsed.data);
  });
  if (problems.length > 0) throw new Error(`invalid conversation set:\n${problems.join('\n')}`);
  return out;
}

/** What a conversation has established so far, for `$optionN`, `$none` and `{code}`. */
export interface ConversationContext {
  /** The options of the last clarification (meta.options), in order. */
  options?: string[];
  /** The tracking code of the newest ticket opened in the conversation. */
  code?: string;
}

/** What one step produced. */
export interface ObservedStep {
  /** The step's replies, in order (outbound records of its turn, or the agency's answer message). */
  replies: Reply[];
  /** The conversation's newest ticket's status after the step, if there is a ticket. */
  ticketStatus?: TicketStatus;
}

/** Replaces `{code}` with the conversation's tracking code. */
export function substitute(text: string, ctx: ConversationContext): string {
  return text.replace(/\{code\}/g, ctx.code ?? '{code}');
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const fold = (text: string): string => text.normalize('NFC').toLowerCase();

/** A procedure id, or `$optionN` resolved against the last clarification. */
function resolveProcedure(id: string, ctx: ConversationContext): { id?: string; problem?: string } {
  const ref = /^\$option(\d)$/.exec(id);
  if (!ref) return { id };
  const picked = ctx.options?.[Number(ref[1]) - 1];
  return picked ? { id: picked } : { problem: `${id}: no clarification with that many options before this step` };
}

/** Why `reply` does not satisfy the reply-level keys of `expect` (empty when it does). */
function replyMismatches(reply: Reply, expect: BaseExpect, ctx: ConversationContext): string[] {
  const meta = reply.meta;
  const problems: string[] = [];
  const tags = list(expect.tag);
  if (tags.length > 0 && !(meta && tags.includes(meta.tag))) problems.push(`tag ${tags.join('|')}`);
  if (expect.procedure !== undefined) {
    const resolved = resolveProcedure(expect.procedure, ctx);
    if (resolved.problem) problems.push(resolved.problem);
    else if (meta?.procedureId !== resolved.id) problems.push(`procedure ${resolved.id}`);
  }
  if (expect.procedureAny && !(meta?.procedureId && expect.procedureAny.includes(meta.procedureId))) problems.push(`procedure ${expect.procedureAny.join('|')}`);
  if (expect.about) {
    const about = [meta?.procedureId, ...(meta?.options ?? [])].filter((x): x is string => Boolean(x));
    if (!expect.about.some((id) => about.includes(id))) problems.push(`about ${expect.about.join('|')}`);
  }
  const topics = list(expect.topic);
  if (topics.length > 0 && !(meta?.topic && topics.includes(meta.topic))) problems.push(`topic ${topics.join('|')}`);
  if (expect.options) {
    const missing = expect.options.filter((id) => !(meta?.options ?? []).includes(id));
    if (missing.length > 0) problems.push(`options including ${missing.join(', ')}`);
  }
  if (expect.locale !== undefined && (meta?.locale ?? 'vi') !== expect.locale) problems.push(`locale ${expect.locale}`);
  return problems;
}

const REPLY_LEVEL: (keyof BaseExpect)[] = ['tag', 'procedure', 'procedureAny', 'about', 'topic', 'options', 'locale'];

/** Why the step does not satisfy one alternative (no anyOf); empty when it does. */
function baseMismatches(expect: BaseExpect, observed: ObservedStep, ctx: ConversationContext): string[] {
  const problems: string[] = [];
  const { replies } = observed;
  if (REPLY_LEVEL.some((k) => expect[k] !== undefined)) {
    const perReply = replies.map((r) => replyMismatches(r, expect, ctx));
    if (!perReply.some((p) => p.length === 0)) {
      // Report the reply that came closest, so the message says what was missing.
      const closest = perReply.reduce<string[] | undefined>((best, p) => (best === undefined || p.length < best.length ? p : best), undefined);
      problems.push(`no reply with ${(closest ?? replyMismatches({ text: '' }, expect, ctx)).join(', ')}`);
    }
  }
  const forbidden = list(expect.notTag);
  const bad = replies.filter((r) => r.meta && forbidden.includes(r.meta.tag)).map((r) => r.meta!.tag);
  if (bad.length > 0) problems.push(`forbidden tag ${[...new Set(bad)].join(', ')}`);
  for (const id of expect.covers ?? []) {
    const covered = replies.some((r) => r.meta?.procedureId === id || (r.meta?.options ?? []).includes(id));
    if (!covered) problems.push(`procedure ${id} neither answered nor offered`);
  }
  const payloads = replies.flatMap((r) => (r.buttons ?? []).map((b) => b.payload));
  for (const wanted of expect.buttons ?? []) {
    const payload = substitute(wanted, ctx);
    if (!payloads.includes(payload)) problems.push(`no button ${payload}`);
  }
  const text = fold(replies.map((r) => r.text).join('\n'));
  for (const wanted of list(expect.textIncludes)) if (!text.includes(fold(substitute(wanted, ctx)))) problems.push(`text without "${wanted}"`);
  for (const unwanted of list(expect.textExcludes)) if (text.includes(fold(substitute(unwanted, ctx)))) problems.push(`text with "${unwanted}"`);
  if (expect.ticketStatus !== undefined && observed.ticketStatus !== expect.ticketStatus) {
    problems.push(`ticket ${expect.ticketStatus} (is ${observed.ticketStatus ?? 'none'})`);
  }
  return problems;
}

/**
 * Why a step's outcome does not meet its expectation; empty when it does. Every step must produce at
 * least one reply. Reply-level keys (tag, procedure, procedureAny, about, topic, options, locale) must
 * hold for one and the same reply; the others hold for the step as a whole. With `anyOf`, one
 * alternative must hold besides the other keys.
 */
export function checkStep(expect: Expect | undefined, observed: ObservedStep, ctx: ConversationContext): string[] {
  if (observed.replies.length === 0) return ['no reply'];
  if (!expect) return [];
  const { anyOf, ...base } = expect;
  const problems = baseMismatches(base, observed, ctx);
  if (anyOf) {
    const alternatives = anyOf.map((alt) => baseMismatches(alt, observed, ctx));
    if (!alternatives.some((p) => p.length === 0)) problems.push(`none of anyOf: ${alternatives.map((p) => `[${p.join('; ')}]`).join(' or ')}`);
  }
  return problems;
}

/** What a step created in the store. */
export interface SideEffects {
  tickets: number;
  /** Requests for a person (handoff stretches, also when nobody could be reached). */
  operatorRequests: number;
}

/**
 * The global invariant: a step opens nothing unless it says `opens`; a step that says `opens: ticket`
 * opens a ticket (and no operator request), `opens: operator` records an operator request (and no ticket).
 */
export function checkSideEffects(opens: Step['opens'], created: SideEffects): string[] {
  const problems: string[] = [];
  if (opens === 'ticket' && created.tickets === 0) problems.push('no ticket opened');
  if (opens === 'operator' && created.operatorRequests === 0) problems.push('no operator request recorded');
  if (opens !== 'ticket' && created.tickets > 0) problems.push(`${created.tickets} ticket(s) opened`);
  if (opens !== 'operator' && created.operatorRequests > 0) problems.push(`${created.operatorRequests} operator request(s) recorded`);
  return problems;
}

/**
 * The payload a `tap` step sends, from the replies offered so far (newest first): `$optionN` is the N-th
 * procedure button of the newest clarification, `$none` its button that is not a procedure ("none of
 * these"); otherwise a button with exactly this payload, or with this title (case-insensitive). A button
 * that was never offered is an error: the citizen could not have tapped it.
 */
export function resolveTap(tap: string, offeredNewestFirst: Reply[], ctx: ConversationContext): { payload?: string; problem?: string } {
  const wanted = substitute(tap, ctx);
  const option = /^\$option(\d)$/.exec(wanted);
  if (option || wanted === '$none') {
    const clarify = offeredNewestFirst.find((r) => r.meta?.tag === 'clarify');
    if (!clarify) return { problem: `${wanted}: no clarification offered` };
    const buttons = clarify.buttons ?? [];
    if (option) {
      const id = clarify.meta?.options?.[Number(option[1]) - 1];
      const button = id ? buttons.find((b) => b.payload === procedurePayload(id)) : buttons.filter((b) => b.payload.startsWith('proc:'))[Number(option[1]) - 1];
      return button ? { payload: button.payload } : { problem: `${wanted}: the clarification has no such option` };
    }
    const none = buttons.find((b) => !b.payload.startsWith('proc:'));
    return none ? { payload: none.payload } : { problem: '$none: the clarification has no "none of these" button' };
  }
  const buttons = offeredNewestFirst.flatMap((r) => r.buttons ?? []);
  const byPayload = buttons.find((b) => b.payload === wanted);
  if (byPayload) return { payload: byPayload.payload };
  const byTitle = buttons.find((b) => fold(b.title.trim()) === fold(wanted.trim()));
  if (byTitle) return { payload: byTitle.payload };
  return { problem: `button "${wanted}" was not offered` };
}

/** One line per reply: tag, procedure, topic, options, locale, buttons, the start of the text. */
export function describeReplies(replies: Reply[]): string {
  if (replies.length === 0) return '(no reply)';
  return replies
    .map((r) => {
      const m = r.meta;
      const parts = [m ? m.tag : '(no meta)'];
      if (m?.procedureId) parts.push(`procedure=${m.procedureId}`);
      if (m?.topic) parts.push(`topic=${m.topic}`);
      if (m?.options?.length) parts.push(`options=[${m.options.join(', ')}]`);
      if (m?.locale && m.locale !== 'vi') parts.push(`locale=${m.locale}`);
      if (r.buttons?.length) parts.push(`buttons=[${r.buttons.map((b) => b.payload).join(', ')}]`);
      const text = r.text.replace(/\s+/g, ' ');
      parts.push(`"${text.length > 90 ? `${text.slice(0, 90)}…` : text}"`);
      return parts.join(' ');
    })
    .join('\n        ');
}

/** The result of one conversation. */
export interface ConversationResult {
  set: string;
  id: string;
  class: ConversationClass;
  variant: Variant;
  channel: Channel;
  passed: boolean;
  steps: number;
  /** The first step that failed (later steps are not run: they depend on it). */
  failure?: { step: number; input: string; problems: string[]; got: string };
}

export interface Tally {
  conversations: number;
  passing: number;
  share: number;
}

const tally = (results: ConversationResult[]): Tally => {
  const passing = results.filter((r) => r.passed).length;
  return { conversations: results.length, passing, share: results.length === 0 ? 0 : passing / results.length };
};

export interface SetSummary {
  total: Tally;
  byClass: Partial<Record<ConversationClass, Tally>>;
  byVariant: Partial<Record<Variant, Tally>>;
  byChannel: Partial<Record<Channel, Tally>>;
}

/** Per set: totals, per class, per variant and per channel. */
export function summarize(results: ConversationResult[]): Record<string, SetSummary> {
  const out: Record<string, SetSummary> = {};
  for (const set of [...new Set(results.map((r) => r.set))]) {
    const mine = results.filter((r) => r.set === set);
    const byClass: SetSummary['byClass'] = {};
    for (const c of CONVERSATION_CLASSES) {
      const of = mine.filter((r) => r.class === c);
      if (of.length > 0) byClass[c] = tally(of);
    }
    const byVariant: SetSummary['byVariant'] = {};
    for (const v of VARIANTS) {
      const of = mine.filter((r) => r.variant === v);
      if (of.length > 0) byVariant[v] = tally(of);
    }
    const byChannel: SetSummary['byChannel'] = {};
    for (const ch of CHANNELS) {
      const of = mine.filter((r) => r.channel === ch);
      if (of.length > 0) byChannel[ch] = tally(of);
    }
    out[set] = { total: tally(mine), byClass, byVariant, byChannel };
  }
  return out;
}

const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** The human-readable report: per set, a row per class, variant and channel, then the totals. */
export function formatSummary(summary: Record<string, SetSummary>): string {
  const lines: string[] = [];
  const row = (label: string, t: Tally) => `  ${label.padEnd(20)} ${String(t.conversations).padStart(5)} ${String(t.passing).padStart(7)} ${pct(t.share).padStart(8)}`;
  for (const [set, s] of Object.entries(summary)) {
    lines.push(`${set}:`, `  ${'class'.padEnd(20)} ${'convs'.padStart(5)} ${'passing'.padStart(7)} ${'share'.padStart(8)}`);
    for (const [c, t] of Object.entries(s.byClass)) lines.push(row(c, t));
    lines.push(`  ${'-'.repeat(43)}`);
    for (const [v, t] of Object.entries(s.byVariant)) lines.push(row(`(${v})`, t));
    for (const [ch, t] of Object.entries(s.byChannel)) lines.push(row(`[${ch}]`, t));
    lines.push(row('TOTAL', s.total), '');
  }
  return lines.join('\n');
}
