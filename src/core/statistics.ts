import type { InboundMessage } from '../domain/conversation.js';
import { AppError } from '../domain/errors.js';
import type { ChannelKind } from '../domain/message.js';
import type { Ticket, TicketStatus } from '../domain/ticket.js';
import type { InboundRepo, TicketRepo } from '../ports/store.js';

/**
 * Statistics for provincial reports: per month (Asia/Ho_Chi_Minh, UTC+7 all year), per agency and per
 * channel. Every figure is computed from what the store holds; nothing is counted at write time.
 *
 * Definitions (also in the README, "Statistics"):
 *   - questions: citizen messages (inbound of kind `message` or `postback`; follow/unfollow are not
 *     questions) received in the month, by the channel of their conversation (`channel:account:user`).
 *   - routed: tickets created in the month (the question went to an agency), by the ticket's current
 *     agency and the channel of its conversation.
 *   - answeredByAssistant: questions − routed, per month and channel (never below 0): every citizen
 *     message whose conversation did not open a ticket for it counts as answered by the assistant's
 *     flows (procedure answers, menus, follow-ups). An approximation: the turns that collected a
 *     ticket's consent and phone also count here, and operator requests are not subtracted.
 *   - answeredOnTime / answeredLate: of the tickets created in the month (a cohort), those with an
 *     answer that is not reopened, by the answer's `onTime` flag (answered by the due instant in force).
 *   - open: of the tickets created in the month, those still waiting for an answer now (received,
 *     assigned, returned, overdue, reopened).
 * Inbound messages carry no agency, so `questions` and `answeredByAssistant` appear only on rows whose
 * agencyId is null when grouping by agency; ticket figures appear on the agency rows.
 */

export type StatsDimension = 'month' | 'agency' | 'channel';
export const STATS_DIMENSIONS: readonly StatsDimension[] = ['month', 'agency', 'channel'];

export const STATS_FIGURES = ['questions', 'answeredByAssistant', 'routed', 'answeredOnTime', 'answeredLate', 'open'] as const;
export type StatsFigure = (typeof STATS_FIGURES)[number];

export interface StatsRow extends Record<StatsFigure, number> {
  /** `YYYY-MM`; null when not grouped by month. */
  month: string | null;
  /** null when not grouped by agency, and on the rows of inbound figures (messages have no agency). */
  agencyId: string | null;
  /** null when not grouped by channel. */
  channel: ChannelKind | string | null;
}

export interface StatisticsQuery {
  /** First month, `YYYY-MM`. */
  from: string;
  /** Last month, inclusive, `YYYY-MM`. */
  to: string;
  groupBy?: readonly StatsDimension[];
  /** Only this agency's ticket rows (staff); inbound figures are then left out. */
  agencyId?: string;
}

export interface StatisticsDeps {
  inbound: Pick<InboundRepo, 'listReceivedBetween'>;
  tickets: Pick<TicketRepo, 'find'>;
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

  const rows = new Map<string, StatsRow>();
  const row = (month: string, agencyId: string | null, channel: string): StatsRow => {
    const key: StatsRow = {
      month: groupBy.has('month') ? month : null,
      agencyId: groupBy.has('agency') ? agencyId : null,
      channel: groupBy.has('channel') ? channel : null,
      questions: 0,
      answeredByAssistant: 0,
      routed: 0,
      answeredOnTime: 0,
      answeredLate: 0,
      open: 0,
    };
    const id = JSON.stringify([key.month, key.agencyId, key.channel]);
    let found = rows.get(id);
    if (!found) rows.set(id, (found = key));
    return found;
  };

  const tickets: Ticket[] = await deps.tickets.find({
    createdFrom: start,
    createdBefore: end,
    limit: TICKET_READ_LIMIT,
    ...(query.agencyId !== undefined && { agencyId: query.agencyId }),
  });
  /** Tickets per month and channel (any agency), subtracted from the questions. */
  const routedByMonthChannel = new Map<string, number>();
  for (const t of tickets) {
    const month = monthOf(t.createdAt);
    const channel = channelOf(t.conversationId);
    const r = row(month, t.agencyId, channel);
    r.routed++;
    if (OPEN_STATUSES.has(t.status)) r.open++;
    else if (t.answer) {
      if (t.answer.onTime) r.answeredOnTime++;
      else r.answeredLate++;
    }
    const mc = `${month}|${channel}`;
    routedByMonthChannel.set(mc, (routedByMonthChannel.get(mc) ?? 0) + 1);
  }

  if (query.agencyId === undefined) {
    const questions = new Map<string, number>();
    for (const m of await deps.inbound.listReceivedBetween(start, end)) {
      if (!isQuestion(m)) continue;
      const mc = `${monthOf(m.receivedAt)}|${channelOf(m.conversationId)}`;
      questions.set(mc, (questions.get(mc) ?? 0) + 1);
    }
    for (const [mc, count] of questions) {
      const [month, channel] = mc.split('|') as [string, string];
      const r = row(month, null, channel);
      r.questions += count;
      r.answeredByAssistant += Math.max(0, count - (routedByMonthChannel.get(mc) ?? 0));
    }
  }

  const cmp = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  return [...rows.values()].sort((a, b) => cmp(a.month, b.month) || cmp(a.agencyId, b.agencyId) || cmp(a.channel, b.channel));
}

/** One CSV field (RFC 4180), with a leading quote on values a spreadsheet would run as a formula. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV export: UTF-8 with a BOM (Excel), CRLF line ends, the header row from the copy. */
export function statisticsCsv(rows: readonly StatsRow[], labels: Record<'month' | 'agency' | 'channel' | StatsFigure, string>): string {
  const header = [labels.month, labels.agency, labels.channel, ...STATS_FIGURES.map((f) => labels[f])];
  const lines = [header, ...rows.map((r) => [r.month, r.agencyId, r.channel, ...STATS_FIGURES.map((f) => r[f])])];
  return '\uFEFF' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The statistics use case bound to the store: `computeStatistics({ from, to, groupBy })`. */
export function createStatistics(deps: StatisticsDeps) {
  return {
    computeStatistics: (query: StatisticsQuery): Promise<StatsRow[]> => computeStatistics(deps, query),
  };
}
export type Statistics = ReturnType<typeof createStatistics>;
