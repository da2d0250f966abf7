/**
 * A province's year of tickets, built with the domain's own rules (createTicket, transition,
 * recordReminder), so every seeded ticket is one the real use cases could have produced: routed and
 * assigned on receipt, reminded the working day before its deadline, marked overdue when late,
 * answered by the agency's staff, delivered (or held, or failed) by the system, closed or reopened by
 * the citizen within the window, sometimes returned by staff and rerouted by the coordinator.
 *
 * Deterministic for a seed: the same run builds the same tickets.
 */
import { createHash } from 'node:crypto';
import { reminderStart } from '../../src/core/ticket-deadlines.js';
import type { ChannelKind } from '../../src/domain/message.js';
import {
  type Actor,
  createTicket,
  DEFAULT_TICKET_POLICY,
  recordReminder,
  REMINDABLE_STATUSES,
  type Ticket,
  type TicketKind,
  transition,
} from '../../src/domain/ticket.js';
import { generate as generateTrackingCode, type RandomInt } from '../../src/domain/tracking-code.js';
import { addWorkingDays, weekdayOf, type WorkingCalendar } from '../../src/domain/working-days.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const VN_OFFSET = 7 * HOUR;

const SYSTEM: Actor = { kind: 'system' };
const CITIZEN: Actor = { kind: 'citizen' };
const COORDINATOR: Actor = { kind: 'coordinator', id: 'acc-coordinator-1' };
const staffOf = (agencyId: string): Actor => ({ kind: 'staff', id: `acc-staff-${agencyId}` });

/** One question or feedback with the agency the real router sends it to (routed once per distinct text). */
export interface RoutedSample {
  kind: TicketKind;
  question: string;
  place?: string;
  agencyId: string;
  reason: string;
}

export interface SeedOptions {
  count: number;
  months: number;
  /** The bench's "now": every seeded event happens before it. */
  now: Date;
  calendar: WorkingCalendar;
  random: () => number;
  samples: readonly RoutedSample[];
  agencyIds: readonly string[];
  /**
   * Unanswered tickets past their deadline that the sweep has not marked yet (as after the sweep was
   * stopped for a while): the busy sweep's work. Tickets due soon are then not reminded either.
   */
  backlogDue: number;
  /** Tracking codes already taken (the seed adds its own). */
  codes: Set<string>;
}

export interface Citizen {
  conversationId: string;
  channel: ChannelKind;
  /** The phone the citizen gave, if any (lookups by its last four digits). */
  phone?: string;
}

export interface SeedResult {
  tickets: Ticket[];
  citizens: Citizen[];
  /** How many seeded tickets the busy sweep should mark overdue / remind. */
  expectedOverdue: number;
}

/** Channel mix of a province: Zalo first, then the portal widget, then Messenger. */
const CHANNELS: ReadonlyArray<[ChannelKind, string, number]> = [
  ['zalo', 'oa-1022', 0.6],
  ['webchat', 'portal', 0.25],
  ['messenger', 'page-1022', 0.15],
];

export function seededRandomInt(random: () => number): RandomInt {
  return (max) => Math.min(max - 1, Math.floor(random() * max));
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function between(random: () => number, lo: number, hi: number): number {
  return lo + random() * (hi - lo);
}

/** Ids like the service's (`t-` + 22 base64url characters), but from the seed index. */
export function seededTicketId(label: string): string {
  return `t-${createHash('sha256').update(`bench:${label}`).digest('base64url').slice(0, 22)}`;
}

export function uniqueCode(randomInt: RandomInt, codes: Set<string>): string {
  for (;;) {
    const code = generateTrackingCode(randomInt);
    if (!codes.has(code)) {
      codes.add(code);
      return code;
    }
  }
}

export function newCitizen(random: () => number, index: number): Citizen {
  const r = random();
  let acc = 0;
  let chosen = CHANNELS[0]!;
  for (const c of CHANNELS) {
    acc += c[2];
    if (r < acc) {
      chosen = c;
      break;
    }
  }
  const [channel, accountId] = chosen;
  const userId = `u${(1_000_000_000 + index * 7919).toString(36)}${Math.floor(random() * 1e6).toString(36)}`;
  const withPhone = random() < 0.4;
  const phone = withPhone ? `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}` : undefined;
  return { conversationId: `${channel}:${accountId}:${userId}`, channel, ...(phone ? { phone } : {}) };
}

/** A receipt instant in the window: more on working days and in office hours, some in the evening. */
function receiptTime(random: () => number, from: number, to: number): number {
  for (;;) {
    const day = Math.floor(from / DAY + random() * ((to - from) / DAY));
    const localDay = new Date(day * DAY).toISOString().slice(0, 10);
    const weekend = weekdayOf(localDay) === 0 || weekdayOf(localDay) === 6;
    if (weekend && random() < 0.65) continue;
    const hour = random() < 0.8 ? between(random, 7, 17.5) : between(random, 17.5, 23);
    const t = day * DAY - VN_OFFSET + hour * HOUR;
    if (t >= from && t < to) return Math.floor(t);
  }
}

/** Applies the sweep's reminder if it would have happened before `until` (the ticket still remindable). */
function remindIfDue(t: Ticket, until: number, calendar: WorkingCalendar, random: () => number): Ticket {
  if (!REMINDABLE_STATUSES.includes(t.status)) return t;
  const from = reminderStart(t.dueAt, 1, calendar).getTime();
  const at = Math.max(from, t.updatedAt.getTime() + 1) + Math.floor(random() * 5 * MINUTE);
  if (at >= until || at > t.dueAt.getTime()) return t;
  return recordReminder(t, new Date(at));
}

/** The sweep's escalation, a few minutes after the deadline (the next 5-minute slot). */
function markOverdue(t: Ticket, random: () => number): Ticket {
  const at = Math.max(t.dueAt.getTime(), t.updatedAt.getTime()) + 1 + Math.floor(random() * 5 * MINUTE);
  return transition(t, 'markOverdue', SYSTEM, new Date(at));
}

/**
 * The open part of a ticket's life up to `now`: waiting for an answer until `answerAt`, with the
 * reminder and, when late, the escalation the sweep would have recorded. `sweepStopped` leaves both out.
 */
function waitUntil(t: Ticket, answerAt: number, now: number, calendar: WorkingCalendar, random: () => number, sweepStopped: boolean): Ticket {
  const until = Math.min(answerAt, now);
  if (sweepStopped) return t;
  let next = remindIfDue(t, until, calendar, random);
  if (until > next.dueAt.getTime() + 5 * MINUTE) next = markOverdue(next, random);
  return next;
}

/** Answer, delivery, close or reopen (and a second answer), as far as `now` allows. */
function answerAndAfter(t: Ticket, answerAt: number, now: number, opts: SeedOptions, random: () => number): Ticket {
  const at = Math.max(answerAt, t.updatedAt.getTime() + 1);
  let next = transition(t, 'answer', staffOf(t.agencyId), new Date(at), { text: `Trả lời của cơ quan cho phiếu ${t.code}: đề nghị công dân liên hệ bộ phận một cửa, mang theo giấy tờ tùy thân.` });
  const answers = next.timeline.filter((e) => e.action === 'answer').length;
  const outboundId = `ticket:${t.id}:answer:${answers}`;
  next = { ...next, delivery: { status: 'pending', at: new Date(at), outboundId } };

  const deliveredAt = at + Math.floor(between(random, 1_000, 90_000));
  if (deliveredAt >= now) return next; // still pending
  const fate = random();
  if (fate < 0.015) return transition(next, 'failDelivery', SYSTEM, new Date(deliveredAt), { error: 'CHANNEL.SEND_REJECTED' });
  if (fate < 0.04) return { ...next, updatedAt: new Date(deliveredAt), delivery: { status: 'held', at: new Date(deliveredAt), outboundId } };
  next = transition(next, 'deliver', SYSTEM, new Date(deliveredAt), { outboundId });

  const after = random();
  if (after < 0.05 && answers === 1) {
    // "Still unclear": reopened within the window, a new deadline, usually answered again.
    const reopenAt = deliveredAt + Math.floor(between(random, 2 * HOUR, 6 * DAY));
    if (reopenAt >= now) return next;
    const dueAt = addWorkingDays(new Date(reopenAt), DEFAULT_TICKET_POLICY.dueWorkingDays[t.kind], opts.calendar);
    next = transition(next, 'reopen', CITIZEN, new Date(reopenAt), { dueAt, reopenWindowDays: DEFAULT_TICKET_POLICY.reopenWindowDays, reason: 'Chưa rõ cần nộp bản sao hay bản chính.' });
    const again = reopenAt + Math.floor(between(random, 0.1, 0.8) * (dueAt.getTime() - reopenAt));
    next = waitUntil(next, again, now, opts.calendar, random, false);
    return again < now ? answerAndAfter(next, again, now, opts, random) : next;
  }
  if (after < 0.4) {
    const closeAt = deliveredAt + Math.floor(between(random, 5 * MINUTE, 3 * DAY));
    if (closeAt < now) next = transition(next, 'close', CITIZEN, new Date(closeAt));
  }
  return next;
}

/** A year (or `months`) of tickets, oldest first. */
export function seedTickets(opts: SeedOptions): SeedResult {
  const { random, calendar } = opts;
  const randomInt = seededRandomInt(random);
  const now = opts.now.getTime();
  const from = now - Math.round(opts.months * 30.44 * DAY);
  const citizens: Citizen[] = [];
  const tickets: Ticket[] = [];

  // About 1.25 tickets per citizen: some ask again, most once.
  const citizenCount = Math.max(1, Math.round(opts.count / 1.25));
  for (let i = 0; i < citizenCount; i += 1) citizens.push(newCitizen(random, i));

  const receipts = Array.from({ length: opts.count }, () => receiptTime(random, from, now - 10 * MINUTE)).sort((a, b) => a - b);
  const plans = receipts.map((received) => ({ received, sample: pick(random, opts.samples), citizen: pick(random, citizens) }));

  // The backlog: the unanswered tickets past due the stopped sweep has not marked, chosen among the
  // tickets due in the last months (the most recent ones first).
  const dueOf = (p: (typeof plans)[number]) => addWorkingDays(new Date(p.received), DEFAULT_TICKET_POLICY.dueWorkingDays[p.sample.kind], calendar).getTime();
  const pastDue = plans.map((p, i) => ({ i, due: dueOf(p) })).filter((x) => x.due < now);
  const backlog = new Set<number>();
  const recent = pastDue.slice(-Math.min(pastDue.length, Math.max(opts.backlogDue * 3, 1)));
  while (backlog.size < Math.min(opts.backlogDue, recent.length)) backlog.add(pick(random, recent).i);
  const sweepStopped = opts.backlogDue > 0;

  for (const [i, plan] of plans.entries()) {
    const { sample, citizen, received } = plan;
    const dueAt = addWorkingDays(new Date(received), DEFAULT_TICKET_POLICY.dueWorkingDays[sample.kind], calendar);
    const contact = citizen.phone ? { name: 'Nguyễn Văn A', phone: citizen.phone, callback: random() < 0.5 } : undefined;
    let t = createTicket({
      id: seededTicketId(`seed:${i}`),
      code: uniqueCode(randomInt, opts.codes),
      kind: sample.kind,
      agencyId: sample.agencyId,
      conversationId: citizen.conversationId,
      question: sample.question,
      ...(sample.place !== undefined ? { place: sample.place } : {}),
      consent: { forward: true, publish: random() < 0.6 },
      ...(contact ? { contact } : {}),
      dueAt,
      at: new Date(received),
    });
    t = transition(t, 'assign', SYSTEM, new Date(received + 1), { note: `routed by ${sample.reason}` });

    // Wrong agency now and then: staff return it, the coordinator reroutes it the same or next day.
    if (random() < 0.015) {
      const returnAt = received + Math.floor(between(random, HOUR, DAY));
      if (returnAt < now && returnAt < dueAt.getTime()) {
        t = transition(t, 'return', staffOf(t.agencyId), new Date(returnAt), { reason: 'Không thuộc thẩm quyền của đơn vị.' });
        const rerouteAt = returnAt + Math.floor(between(random, 30 * MINUTE, DAY));
        if (rerouteAt >= now) {
          tickets.push(t);
          continue;
        }
        const other = pick(random, opts.agencyIds.filter((a) => a !== t.agencyId));
        t = transition(t, 'reroute', COORDINATOR, new Date(rerouteAt), { agencyId: other, note: 'Chuyển đúng cơ quan.' });
      }
    }

    if (backlog.has(i)) {
      // Still waiting, past due, not yet marked (the sweep was stopped): the busy sweep marks it.
      tickets.push(t);
      continue;
    }
    // When the agency answers: most within the deadline, about 8 % late, 0.5 % never.
    const span = dueAt.getTime() - received;
    const lateness = random();
    const answerAt =
      lateness < 0.005 ? Number.POSITIVE_INFINITY : lateness < 0.085 ? dueAt.getTime() + Math.floor(between(random, HOUR, 8 * DAY)) : received + Math.floor(between(random, 0.05, 0.95) * span);
    t = waitUntil(t, answerAt, now, calendar, random, sweepStopped && dueAt.getTime() > now - DAY && dueAt.getTime() <= now + 14 * DAY);
    if (answerAt < now) t = answerAndAfter(t, answerAt, now, opts, random);
    tickets.push(t);
  }
  return { tickets, citizens, expectedOverdue: backlog.size };
}

/** Counts by a key, sorted by count. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}
