import type { InboundMessage } from '../domain/conversation.js';
import { AppError } from '../domain/errors.js';
import type { ChannelKind } from '../domain/message.js';
import type { Ticket, TicketStatus } from '../domain/ticket.js';
import type { HandoffRepo, InboundRepo, PhoneCallRepo, TicketRepo } from '../ports/store.js';

/**
 * Statistics for provincial reports and the hotline (a contact centre): per month (Asia/Ho_Chi_Minh,
 * UTC+7 all year), per agency and per channel. Every figure is computed from what the store holds;
 * nothing is counted at write time.
 *
 * Definitions (also in the README, "Statistics"):
 *   - questions: citizen messages (inbound of kind `message` or `postback`; follow/unfollow and `echo`
 *     (what staff or the bot sent, echoed by the platform) are not questions) received in the month, by
 *     the channel of their conversation (`channel:account:user`); plus the hotline calls recorded in the
 *     month, on channel `phone` (a call is a question).
 *   - routed: tickets created in the month (the question went to an agency), by the ticket's current
 *     agency and the channel of its conversation. A ticket opened from a call (conversation
 *     `phone:hotline:<callId>`) is on channel `phone`; the call itself adds nothing to `routed` (its
 *     ticket counts once, as a ticket).
 *   - handledByOperators: operator stretches (handoff records) requested in the month that an operator,
 *     or staff answering from the platform's own inbox, was assigned (assignedAt set), by the channel of
 *     the conversation.
 *   - answeredByAssistant: questions − routed − handledByOperators, per month and channel (never below
 *     0): every citizen message whose conversation neither opened a ticket for it nor went to an
 *     operator counts as answered by the assistant's flows (procedure answers, menus, follow-ups). An
 *     approximation: the turns that collected a ticket's consent and phone, or asked for an operator,
 *     also count here. Always 0 on channel `phone` (operators answer calls).
 *   - answeredOnTime / answeredLate: of the tickets created in the month (a cohort), those with an
 *     answer that is not reopened, by the answer's `onTime` flag (answered by the due instant in force).
 *   - open: of the tickets created in the month, those still waiting for an answer now (received,
 *     assigned, returned, overdue, reopened).
 *   - calls: hotline calls recorded in the month (channel `phone`).
 *   - closed: operator requests of the month that found the hotline closed (out of hours, or nobody
 *     online): outcome `closed`, never queued.
 *   The contact-centre figures below are computed on the operator stretches requested in the month that
 *   joined the queue (queuedAt set; takeovers and staff answering outside never queue):
 *   - queued: how many joined the queue.
 *   - abandoned: those that ended without an operator: the citizen left the queue (`abandoned`) or
 *     nobody claimed it in time (`unclaimed`).
 *   - waitSecondsAvg: mean of assignedAt − queuedAt (the first pick-up) over those picked up.
 *   - firstResponseSecondsAvg: mean of firstReplyAt − assignedAt over those the operator replied to.
 *   - handlingSecondsAvg: mean of endedAt − assignedAt over those resolved (handed back by an operator).
 *   - csatAvg / csatCount: mean of the citizens' ratings (1–5) and how many gave one.
 *   Averages are not additive: each row's is computed from the records that row covers (never by
 *   averaging other rows); null when the row has none. Seconds are whole (rounded), csatAvg has one
 *   decimal.
 * Inbound messages, calls and operator stretches carry no agency, so their figures appear only on rows
 * whose agencyId is null when grouping by agency; ticket figures appear on the agency rows.
 */

export type StatsDimension = 'month' | 'agency' | 'channel';
export const STATS_DIMENSIONS: readonly StatsDimension[] = ['month', 'agency', 'channel'];

/** Every figure, in the CSV's column order (the earlier columns first, unchanged; the hotline's after). */
export const STATS_FIGURES = [
  'questions',
  'answeredByAssistant',
  'routed',
  'answeredOnTime',
  'answeredLate',
  'open',
  'handledByOperators',
  'calls',
  'queued',
  'abandoned',
  'closed',
  'waitSecondsAvg',
  'firstResponseSecondsAvg',
  'handlingSecondsAvg',
  'csatAvg',
  'csatCount',
] as const;

/** Figures that are averages (not additive; null when the row has no record to average). */
export const STATS_AVERAGES = ['waitSecondsAvg', 'firstResponseSecondsAvg', 'handlingSecondsAvg', 'csatAvg'] as const;
export type StatsAverage = (typeof STATS_AVERAGES)[number];

/** Figures that are counts (additive across rows): every other one. */
export type StatsCount = Exclude<(typeof STATS_FIGURES)[number], StatsAverage>;
export const STATS_COUNTS = STATS_FIGURES.filter((f): f is StatsCount => !(STATS_AVERAGES as readonly string[]).includes(f));
export type StatsFigure = (typeof STATS_FIGURES)[number];

/** The channel of phone calls recorded by hotline operators, and of the tickets opened from them. */
export const PHONE_CHANNEL = 'phone';

export interface StatsRow extends Record<StatsCount, number>, Record<StatsAverage, number | null> {
  /** `YYYY-MM`; null when not grouped by month. */
  month: string | null;
  /** null when not grouped by agency, and on the rows of inbound, call and operator figures (they have no agency). */
  agencyId: string | null;
  /** null when not grouped by channel; `phone` for hotline calls and the tickets opened from them. */
  channel: ChannelKind | typeof PHONE_CHANNEL | string | null;
}

export interface StatisticsQuery {
  /** First month, `YYYY-MM`. */
  from: string;
  /** Last month, inclusive, `YYYY-MM`. */
  to: string;
  groupBy?: readonly StatsDimension[];
  /** Only this agency's ticket rows (staff); inbound, call and operator figures are then left out. */
  agencyId?: string;
}

export interface StatisticsDeps {
  inbound: Pick<InboundRepo, 'listReceivedBetween'>;
  tickets: Pick<TicketRepo, 'find'>;
  /** The operator stretches (contact-centre figures); pass the store's. Absent: no operator figures. */
  handoffs?: Pick<HandoffRepo, 'listRequestedBetween'>;
  /** The hotline calls (channel `phone`); pass the store's. Absent: no call figures. */
  calls?: Pick<PhoneCallRepo, 'listBetween'>;
}

/** Longest period one request may cover. */
export const STATS_MAX_MONTHS = 36;
/** Safety cap on tickets read for one report. */
const TICKET_READ_LIMIT = 500_000;
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;
const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const OPEN_STATUSES: ReadonlySet<TicketStatus> = new Set(['received', 'assigned', 'returned', 'overdue', 'reopened']);

/** Parses `YYYY-MM` into a month index (year*12 + month-1), or throws 400 HTTP.BAD_REQUEST. */
export function parseMonth(value: string, field: string): number {
  const m = MONTH_RE.exec(value);
  if (!m) throw new AppError('HTTP.BAD_REQUEST', `${field} must be a month YYYY-MM`, { details: { fields: [field] } });
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** The instant a month (index from parseMonth) begins in Hà Nội. */
export function monthStart(index: number): Date {
  return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1) - VN_OFFSET_MS);
}

/** `YYYY-MM` of an instant in Hà Nội. */
export function monthOf(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The channel part of a conversation id (`channel:account:user`). */
export function channelOf(conversationId: string): string {
  const colon = conversationId.indexOf(':');
  return colon === -1 ? 'unknown' : conversationId.slice(0, colon);
}

function isQuestion(m: InboundMessage): boolean {
  return m.kind === 'message' || m.kind === 'postback';
}

/** Seconds from `from` to `to`, or undefined when either is missing or the order is impossible (clock skew). */
function secondsBetween(from: Date | undefined, to: Date | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = to.getTime() - from.getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

function isCsat(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 && value <= 5;
}

/** A row and the sums behind its averages (an average is computed from the row's own records). */
interface Accumulator {
  row: StatsRow;
  sums: Record<StatsAverage, { total: number; n: number }>;
}

const AVERAGE_DECIMALS: Readonly<Record<StatsAverage, number>> = { waitSecondsAvg: 0, firstResponseSecondsAvg: 0, handlingSecondsAvg: 0, csatAvg: 1 };

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export async function computeStatistics(deps: StatisticsDeps, query: StatisticsQuery): Promise<StatsRow[]> {
  const first = parseMonth(query.from, 'from');
  const last = parseMonth(query.to, 'to');
  if (last < first) throw new AppError('HTTP.BAD_REQUEST', '`to` is before `from`', { details: { fields: ['to'] } });
  if (last - first + 1 > STATS_MAX_MONTHS) {
    throw new AppError('HTTP.BAD_REQUEST', `At most ${STATS_MAX_MONTHS} months per request`, { details: { fields: ['from', 'to'] } });
  }
  const groupBy = new Set(query.groupBy ?? STATS_DIMENSIONS);
  const start = monthStart(first);
  const end = monthStart(last + 1);

  const rows = new Map<string, Accumulator>();
  const row = (month: string, agencyId: string | null, channel: string): Accumulator => {
    const key = {
      month: groupBy.has('month') ? month : null,
      agencyId: groupBy.has('agency') ? agencyId : null,
      channel: groupBy.has('channel') ? channel : null,
    };
    const id = JSON.stringify([key.month, key.agencyId, key.channel]);
    let found = rows.get(id);
    if (!found) {
      const counts = Object.fromEntries(STATS_COUNTS.map((f) => [f, 0])) as Record<StatsCount, number>;
      const averages = Object.fromEntries(STATS_AVERAGES.map((f) => [f, null])) as Record<StatsAverage, number | null>;
      const sums = Object.fromEntries(STATS_AVERAGES.map((f) => [f, { total: 0, n: 0 }])) as Accumulator['sums'];
      rows.set(id, (found = { row: { ...key, ...counts, ...averages }, sums }));
    }
    return found;
  };
  const add = (acc: Accumulator, figure: StatsAverage, value: number | undefined): void => {
    if (value === undefined) return;
    acc.sums[figure].total += value;
    acc.sums[figure].n += 1;
  };
  /** Per month and channel (any agency): what is taken off the questions to leave the assistant's answers. */
  const notByAssistant = new Map<string, number>();
  const subtract = (mc: string): void => {
    notByAssistant.set(mc, (notByAssistant.get(mc) ?? 0) + 1);
  };

  const tickets: Ticket[] = await deps.tickets.find({
    createdFrom: start,
    createdBefore: end,
    limit: TICKET_READ_LIMIT,
    ...(query.agencyId !== undefined && { agencyId: query.agencyId }),
  });
  for (const t of tickets) {
    const month = monthOf(t.createdAt);
    const channel = channelOf(t.conversationId);
    const r = row(month, t.agencyId, channel).row;
    r.routed++;
    if (OPEN_STATUSES.has(t.status)) r.open++;
    else if (t.answer) {
      if (t.answer.onTime) r.answeredOnTime++;
      else r.answeredLate++;
    }
    subtract(`${month}|${channel}`);
  }

  if (query.agencyId === undefined) {
    const [inbound, handoffs, calls] = await Promise.all([
      deps.inbound.listReceivedBetween(start, end),
      deps.handoffs?.listRequestedBetween(start, end) ?? [],
      deps.calls?.listBetween(start, end) ?? [],
    ]);

    for (const h of handoffs) {
      // Only a stretch that was picked up, queued or found the hotline closed counts in anything.
      if (!h.assignedAt && !h.queuedAt && h.outcome !== 'closed') continue;
      const month = monthOf(h.requestedAt);
      const acc = row(month, null, h.channel);
      const r = acc.row;
      if (h.assignedAt) {
        r.handledByOperators++;
        subtract(`${month}|${h.channel}`);
      }
      if (h.outcome === 'closed') r.closed++;
      if (!h.queuedAt) continue;
      r.queued++;
      if (h.outcome === 'abandoned' || h.outcome === 'unclaimed') r.abandoned++;
      add(acc, 'waitSecondsAvg', secondsBetween(h.queuedAt, h.assignedAt));
      add(acc, 'firstResponseSecondsAvg', secondsBetween(h.assignedAt, h.firstReplyAt));
      if (h.outcome === 'resolved') add(acc, 'handlingSecondsAvg', secondsBetween(h.assignedAt, h.endedAt));
      if (isCsat(h.csat)) {
        r.csatCount++;
        add(acc, 'csatAvg', h.csat);
      }
    }

    const questions = new Map<string, number>();
    const ask = (mc: string): void => {
      questions.set(mc, (questions.get(mc) ?? 0) + 1);
    };
    for (const m of inbound) {
      if (isQuestion(m)) ask(`${monthOf(m.receivedAt)}|${channelOf(m.conversationId)}`);
    }
    for (const c of calls) {
      const month = monthOf(c.receivedAt);
      row(month, null, PHONE_CHANNEL).row.calls++;
      ask(`${month}|${PHONE_CHANNEL}`);
    }
    for (const [mc, count] of questions) {
      const [month, channel] = mc.split('|') as [string, string];
      const r = row(month, null, channel).row;
      r.questions += count;
      // Operators answer the hotline: none of its questions is the assistant's.
      if (channel !== PHONE_CHANNEL) r.answeredByAssistant += Math.max(0, count - (notByAssistant.get(mc) ?? 0));
    }
  }

  for (const { row: r, sums } of rows.values()) {
    for (const f of STATS_AVERAGES) r[f] = sums[f].n === 0 ? null : roundTo(sums[f].total / sums[f].n, AVERAGE_DECIMALS[f]);
  }
  const cmp = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  return [...rows.values()].map((a) => a.row).sort((a, b) => cmp(a.month, b.month) || cmp(a.agencyId, b.agencyId) || cmp(a.channel, b.channel));
}

/** One CSV field (RFC 4180), with a leading quote on values a spreadsheet would run as a formula. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export interface StatisticsCsvOptions {
  /** The agency's name for its id (the agency directory); the id itself when absent. */
  agencyName?: (agencyId: string) => string;
}

/**
 * The CSV export: UTF-8 with a BOM (Excel), CRLF line ends, the header row from the copy, agencies by
 * name, an empty cell for a dimension not grouped by, no agency, or an average with nothing to average.
 */
export function statisticsCsv(rows: readonly StatsRow[], labels: Record<'month' | 'agency' | 'channel' | StatsFigure, string>, options: StatisticsCsvOptions = {}): string {
  const name = options.agencyName ?? ((id: string) => id);
  const header = [labels.month, labels.agency, labels.channel, ...STATS_FIGURES.map((f) => labels[f])];
  const lines = [header, ...rows.map((r) => [r.month, r.agencyId === null ? null : name(r.agencyId), r.channel, ...STATS_FIGURES.map((f) => r[f])])];
  return '\uFEFF' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The statistics use case bound to the store: `computeStatistics({ from, to, groupBy })`. */
export function createStatistics(deps: StatisticsDeps) {
  return {
    computeStatistics: (query: StatisticsQuery): Promise<StatsRow[]> => computeStatistics(deps, query),
  };
}
export type Statistics = ReturnType<typeof createStatistics>;
