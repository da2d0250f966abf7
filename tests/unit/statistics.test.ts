import { describe, expect, it } from 'vitest';
import { computeStatistics, statisticsCsv, STATS_FIGURES, type StatisticsDeps, type StatsRow } from '../../src/core/statistics.js';
import { vi as viCopy } from '../../src/domain/copy/vi.js';
import type { InboundMessage } from '../../src/domain/conversation.js';
import type { HandoffRecord, PhoneCall } from '../../src/domain/handoff.js';
import type { Ticket } from '../../src/domain/ticket.js';

/**
 * computeStatistics over in-memory lists (the repositories' range queries are the store contract's
 * business): the hotline's figures, the floor of answeredByAssistant, what staff see, averages per row,
 * and the CSV's agency names and number formats.
 */

const at = (local: string): Date => new Date(`${local}+07:00`);

function message(conversationId: string, receivedAt: Date, kind: InboundMessage['kind'] = 'message'): InboundMessage {
  return { id: `${conversationId}:${receivedAt.getTime()}:${kind}`, conversationId, externalId: 'x', seq: 1, kind, status: 'done', receivedAt };
}

function ticket(conversationId: string, agencyId: string, createdAt: Date): Ticket {
  return { id: `t-${conversationId}`, code: 'AAAA-BBBBB', agencyId, conversationId, createdAt, status: 'assigned' } as unknown as Ticket;
}

let n = 0;
function stretch(channel: HandoffRecord['channel'], fields: Partial<HandoffRecord> & Pick<HandoffRecord, 'requestedAt'>): HandoffRecord {
  n += 1;
  return { id: `h${n}`, conversationId: `${channel}:acct:u${n}`, channel, team: 'hotline', reason: 'requested', reoffers: 0, ...fields };
}

function call(id: string, receivedAt: Date, ticketCode?: string): PhoneCall {
  return { id, operatorId: 'op', question: 'q', receivedAt, ...(ticketCode ? { ticketCode } : {}) };
}

function deps(data: { inbound?: InboundMessage[]; tickets?: Ticket[]; handoffs?: HandoffRecord[]; calls?: PhoneCall[] }, withHotline = true): StatisticsDeps {
  const between = <T>(items: T[], date: (t: T) => Date) => async (from: Date, to: Date) => items.filter((i) => date(i) >= from && date(i) < to);
  return {
    inbound: { listReceivedBetween: between(data.inbound ?? [], (m) => m.receivedAt) },
    tickets: {
      find: async (q) =>
        (data.tickets ?? []).filter((t) => (!q.createdFrom || t.createdAt >= q.createdFrom) && (!q.createdBefore || t.createdAt < q.createdBefore) && (q.agencyId === undefined || t.agencyId === q.agencyId)),
    },
    ...(withHotline && {
      handoffs: { listRequestedBetween: between(data.handoffs ?? [], (h) => h.requestedAt) },
      calls: { listBetween: between(data.calls ?? [], (c) => c.receivedAt) },
    }),
  };
}

const zero = Object.fromEntries(STATS_FIGURES.map((f) => [f, f.endsWith('Avg') ? null : 0])) as Omit<StatsRow, 'month' | 'agencyId' | 'channel'>;

describe('computeStatistics: the hotline', () => {
  const data = {
    inbound: [
      message('webchat:acct:a', at('2026-05-02T08:00:00')),
      message('webchat:acct:b', at('2026-05-02T08:00:00'), 'postback'),
      message('webchat:acct:c', at('2026-05-02T08:00:00'), 'echo'),
      message('webchat:acct:d', at('2026-05-02T08:00:00'), 'follow'),
      message('zalo:acct:z', at('2026-05-02T08:00:00')),
    ],
    tickets: [ticket('webchat:acct:a', 'so-tu-phap', at('2026-05-02T09:00:00')), ticket('phone:hotline:c2', 'so-tu-phap', at('2026-05-03T09:00:00'))],
    handoffs: [
      // Zalo: two stretches with an operator for one question: answeredByAssistant stays at 0.
      stretch('zalo', { requestedAt: at('2026-05-02T09:00:00'), queuedAt: at('2026-05-02T09:00:00'), assignedAt: at('2026-05-02T09:00:10'), firstReplyAt: at('2026-05-02T09:00:11'), endedAt: at('2026-05-02T09:01:10'), outcome: 'resolved', csat: 3 }),
      stretch('zalo', { requestedAt: at('2026-05-02T10:00:00'), queuedAt: at('2026-05-02T10:00:00'), assignedAt: at('2026-05-02T10:00:21'), outcome: 'resolved', endedAt: at('2026-05-02T10:00:21'), csat: 4 }),
      // A clock that went backwards and a rating outside 1–5 are left out of the averages.
      stretch('zalo', { requestedAt: at('2026-05-03T10:00:00'), queuedAt: at('2026-05-03T10:00:00'), assignedAt: at('2026-05-03T09:59:00'), csat: 9 }),
      // External: handled by staff outside, never queued.
      stretch('webchat', { reason: 'external', requestedAt: at('2026-05-04T10:00:00'), assignedAt: at('2026-05-04T10:00:00'), firstReplyAt: at('2026-05-04T10:00:00'), outcome: 'external-ended', endedAt: at('2026-05-04T11:00:00') }),
      stretch('webchat', { requestedAt: at('2026-05-04T22:00:00'), outcome: 'closed', endedAt: at('2026-05-04T22:00:00') }),
    ],
    calls: [call('c1', at('2026-05-03T08:00:00')), call('c2', at('2026-05-03T08:30:00'), 'AAAA-BBBBB')],
  };

  it('counts calls as phone questions, the ticket opened from a call once, and subtracts operator stretches from the assistant', async () => {
    const rows = await computeStatistics(deps(data), { from: '2026-05', to: '2026-05', groupBy: ['channel'] });
    expect(rows).toEqual([
      { month: null, agencyId: null, channel: 'phone', ...zero, questions: 2, calls: 2, routed: 1, open: 1 },
      // 2 questions (message, postback; not the echo nor the follow) − 1 ticket − 1 stretch = 0
      { month: null, agencyId: null, channel: 'webchat', ...zero, questions: 2, answeredByAssistant: 0, routed: 1, open: 1, handledByOperators: 1, closed: 1 },
      // (10 + 21) / 2 = 15.5 → 16; one first reply (1 s); handled (60 + 0) / 2 = 30; csat (3 + 4) / 2 = 3.5
      { month: null, agencyId: null, channel: 'zalo', ...zero, questions: 1, answeredByAssistant: 0, handledByOperators: 3, queued: 3, waitSecondsAvg: 16, firstResponseSecondsAvg: 1, handlingSecondsAvg: 30, csatAvg: 3.5, csatCount: 2 },
    ]);
  });

  it('leaves calls and operator figures out for staff (their agency only)', async () => {
    const rows = await computeStatistics(deps(data), { from: '2026-05', to: '2026-05', agencyId: 'so-tu-phap' });
    expect(rows).toEqual([
      { month: '2026-05', agencyId: 'so-tu-phap', channel: 'phone', ...zero, routed: 1, open: 1 },
      { month: '2026-05', agencyId: 'so-tu-phap', channel: 'webchat', ...zero, routed: 1, open: 1 },
    ]);
  });

  it('still answers without the hotline repositories (no call or operator figures: webchat 2 − 1, zalo 1 − 0)', async () => {
    const rows = await computeStatistics(deps(data, false), { from: '2026-05', to: '2026-05', groupBy: ['month'] });
    expect(rows).toEqual([{ month: '2026-05', agencyId: null, channel: null, ...zero, questions: 3, answeredByAssistant: 2, routed: 2, open: 2 }]);
  });
});

describe('statisticsCsv', () => {
  const row: StatsRow = { month: '2026-05', agencyId: 'ubnd-cap-xa', channel: 'zalo', ...zero, routed: 2, waitSecondsAvg: 16, csatAvg: 4.3, csatCount: 3 };

  it('writes the agency name (quoted when it holds a comma), empty cells for averages of nothing', () => {
    const text = statisticsCsv([row, { ...row, agencyId: null }], viCopy.stats, { agencyName: (id) => (id === 'ubnd-cap-xa' ? 'Ủy ban nhân dân cấp xã (xã, phường)' : id) });
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]!.split(',')).toHaveLength(3 + STATS_FIGURES.length);
    expect(lines[1]).toBe('2026-05,"Ủy ban nhân dân cấp xã (xã, phường)",zalo,0,0,2,0,0,0,0,0,0,0,0,16,,,4.3,3');
    expect(lines[2]).toBe('2026-05,,zalo,0,0,2,0,0,0,0,0,0,0,0,16,,,4.3,3');
  });

  it('falls back to the agency id without a directory', () => {
    expect(statisticsCsv([row], viCopy.stats).split('\r\n')[1]).toMatch(/^2026-05,ubnd-cap-xa,zalo,/);
  });
});
