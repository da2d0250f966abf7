import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffRecord, PhoneCall } from '../../src/domain/handoff.js';
import type { ChannelKind, InboundEvent } from '../../src/domain/message.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { consoleLogin } from './console-client.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * Statistics over HTTP on the whole system in embedded mode: messages come in through the receiver and
 * tickets through the ticket service while a controlled clock says which month (Hà Nội time) it is;
 * one ticket is answered on time, one late, one stays open (March and April). May is the hotline's
 * month: operator stretches (handoff records) and recorded phone calls are written straight into the
 * store, with a ticket opened from a call (channel `phone`) and an echo that is no question. Every
 * report is read over HTTP with a coordinator's, an operator's or a staff member's session.
 */

const PASSWORD = 'mật khẩu thử nghiệm 1022';

let dataDir: string;
let system: RunningSystem;
let base: string;
let now = new Date('2026-03-10T09:00:00+07:00');
const clock = { now: (): Date => new Date(now) };

let onTime: Ticket;
let late: Ticket;
let coordinator: string;
let staffA: string;
let staffB: string;
let operator: string;
/** Tickets of May: from the web chat and a call (the onTime agency's procedure), from Messenger (the late one's). */
let mayWebchat: Ticket;
let mayPhone: Ticket;
let mayMessenger: Ticket;

let seq = 0;
function event(channel: ChannelKind, userId: string, kind: InboundEvent['kind'] = 'message'): InboundEvent {
  seq += 1;
  return { channel, externalId: `stats-${seq}`, userId, accountId: 'acct', kind, text: 'xin chào', timestamp: now.getTime() };
}


/** Signs in and keeps only the session cookie: the stats routes are GETs. */
const login = async (username: string) => (await consoleLogin(base, username, PASSWORD)).cookie;

function get(path: string, cookie?: string): Promise<Response> {
  return fetch(`${base}/api/v1${path}`, { headers: cookie ? { cookie } : {} });
}

interface Row {
  month: string | null;
  agencyId: string | null;
  channel: string | null;
  questions: number;
  answeredByAssistant: number;
  routed: number;
  answeredOnTime: number;
  answeredLate: number;
  open: number;
  handledByOperators: number;
  calls: number;
  queued: number;
  abandoned: number;
  closed: number;
  waitSecondsAvg: number | null;
  firstResponseSecondsAvg: number | null;
  handlingSecondsAvg: number | null;
  csatAvg: number | null;
  csatCount: number;
}

/** The report's order: month, then the agency-less (message) rows, then agencies, then channels. */
function byKey(r: Pick<Row, 'month' | 'agencyId' | 'channel'>): number {
  const agencies = [onTime.agencyId, late.agencyId].sort();
  return Number(r.month!.slice(5)) * 100 + (r.agencyId === null ? 0 : agencies.indexOf(r.agencyId) + 1) * 10 + (r.channel === 'messenger' ? 0 : 1);
}

const zero = {
  questions: 0,
  answeredByAssistant: 0,
  routed: 0,
  answeredOnTime: 0,
  answeredLate: 0,
  open: 0,
  handledByOperators: 0,
  calls: 0,
  queued: 0,
  abandoned: 0,
  closed: 0,
  waitSecondsAvg: null,
  firstResponseSecondsAvg: null,
  handlingSecondsAvg: null,
  csatAvg: null,
  csatCount: 0,
};

/** An instant in Hà Nội time on a day of May 2026 (`'04T09:00:00'`). */
const may = (dayTime: string): Date => new Date(`2026-05-${dayTime}+07:00`);

let handoffSeq = 0;
/** An operator stretch as the handoff service records it (channel from the conversation id). */
function stretch(conversationId: string, fields: Omit<HandoffRecord, 'id' | 'conversationId' | 'channel' | 'team' | 'reason' | 'reoffers'> & Partial<Pick<HandoffRecord, 'reason'>>): HandoffRecord {
  handoffSeq += 1;
  return { id: `handoff-${handoffSeq}`, conversationId, channel: conversationId.split(':')[0] as ChannelKind, team: 'hotline', reason: 'requested', reoffers: 0, ...fields };
}

function call(id: string, receivedAt: Date, ticketCode?: string): PhoneCall {
  return { id, operatorId: 'op-1', question: 'Làm lại căn cước mất bao lâu?', receivedAt, durationSeconds: 180, ...(ticketCode ? { ticketCode } : {}) };
}

/** Agency names as the console's directory gives them (GET /api/v1/inbox/agencies). */
let agencyNames: Map<string, string>;
/** A CSV field as the export writes it (quoted when it holds a comma or a quote). */
const csv = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const nameCell = (agencyId: string): string => csv(agencyNames.get(agencyId)!);

const STATS_HEADER = [
  'Tháng',
  'Cơ quan',
  'Kênh',
  'Câu hỏi tiếp nhận',
  'Trợ lý trả lời',
  'Chuyển cơ quan',
  'Trả lời đúng hạn',
  'Trả lời trễ hạn',
  'Chưa trả lời',
  'Tổng đài viên xử lý',
  'Cuộc gọi',
  'Vào hàng chờ',
  'Bỏ dở hoặc không ai nhận',
  'Ngoài giờ hoặc không có tổng đài viên',
  'Thời gian chờ trung bình (giây)',
  'Thời gian phản hồi đầu tiên trung bình (giây)',
  'Thời gian xử lý trung bình (giây)',
  'Điểm hài lòng trung bình (1–5)',
  'Số lượt đánh giá',
].join(',');

async function csvLines(path: string, cookie: string): Promise<string[]> {
  const response = await get(path, cookie);
  expect(response.status).toBe(200);
  return (await response.text()).replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stats-it-'));
  system = await startTestSystem(dataDir, {}, { passwordParams: CHEAP_SCRYPT, clock });
  base = system.url!;

  // March 10: three questions (two webchat, one messenger) and a follow, which is not a question.
  await system.receive(event('webchat', 'v1'));
  await system.receive(event('webchat', 'v2'));
  await system.receive(event('messenger', 'm1'));
  await system.receive(event('webchat', 'v3', 'follow'));
  const question = (conversationId: string, procedureId: string, text: string) =>
    system.tickets.openTicket({ conversationId, kind: 'question', question: text, consent: { forward: true, publish: false }, procedureId });
  onTime = await question(conversationKey('webchat', 'acct', 'v1'), 'dang-ky-khai-sinh', 'Đăng ký khai sinh cần giấy tờ gì?');
  await question(conversationKey('webchat', 'acct', 'v2'), 'dang-ky-khai-sinh', 'Khai sinh quá hạn có bị phạt không?'); // stays open
  late = await question(conversationKey('messenger', 'acct', 'm1'), 'doi-giay-phep-lai-xe', 'Đổi giấy phép lái xe quá hạn có phải thi lại không?');
  expect(onTime.agencyId).not.toBe(late.agencyId);
  now = new Date('2026-03-10T10:00:00+07:00');
  await system.tickets.answer(onTime.id, { kind: 'staff', id: 'staff-a' }, 'Tờ khai và giấy chứng sinh.');

  // The last half hour of March in Hà Nội is still March (16:30 UTC); half past midnight on April 1 is April.
  now = new Date('2026-03-31T23:30:00+07:00');
  await system.receive(event('webchat', 'v1'));
  now = new Date('2026-04-01T00:30:00+07:00');
  await system.receive(event('webchat', 'v2'));

  // The licence question is answered a day after its due instant: late.
  now = new Date(Math.max(late.dueAt.getTime() + 24 * 60 * 60 * 1000, now.getTime() + 60_000));
  const answeredLate = await system.tickets.answer(late.id, { kind: 'staff', id: 'staff-b' }, 'Không phải thi lại lý thuyết.');
  expect(answeredLate.answer?.onTime).toBe(false);

  // May, the hotline's month. Messages: five web chat questions, two on Messenger, a follow (no
  // question), and on Zalo an echo of what staff sent from the OA's own inbox (never a question; written
  // straight into the store so that no turn runs on it).
  now = may('04T08:00:00');
  for (const user of ['w1', 'w2', 'w3', 'w4', 'w5']) await system.receive(event('webchat', user));
  await system.receive(event('webchat', 'w6', 'follow'));
  await system.receive(event('messenger', 'm5'));
  await system.receive(event('messenger', 'm6'));
  const echo = await system.store.inbound.insert({ id: 'zalo:stats-echo', conversationId: conversationKey('zalo', 'acct', 'z1'), externalId: 'stats-echo', kind: 'echo', text: 'Cán bộ trả lời', receivedAt: now });
  await system.store.inbound.setStatus(echo.message.id, 'done', { processedAt: now });

  // Tickets of May: one from the web chat, one from Messenger, one opened from a call (conversation
  // `phone:hotline:<callId>`) whose code the operator read out.
  now = may('08T10:00:00');
  mayWebchat = await question(conversationKey('webchat', 'acct', 'w5'), 'dang-ky-khai-sinh', 'Khai sinh cho con ở xã khác được không?');
  mayMessenger = await question(conversationKey('messenger', 'acct', 'm6'), 'doi-giay-phep-lai-xe', 'Đổi giấy phép lái xe ở đâu?');
  mayPhone = await question('phone:hotline:call-2', 'dang-ky-khai-sinh', 'Khai sinh muộn cần gì? (qua tổng đài)');
  expect([mayWebchat.agencyId, mayPhone.agencyId, mayMessenger.agencyId]).toEqual([onTime.agencyId, onTime.agencyId, late.agencyId]);

  // Calls: three in May (the last a minute before midnight in Hà Nội), one just after (June).
  for (const c of [call('call-1', may('08T08:30:00')), call('call-2', may('08T09:55:00'), mayPhone.code), call('call-3', may('31T23:59:00')), call('call-4', new Date('2026-06-01T00:01:00+07:00'))]) {
    await system.store.calls.insert(c);
  }

  // Operator stretches. Web chat: two resolved (waits 120 s and 61 s, first replies 30 s and 45 s,
  // handled 600 s and 300 s, rated 5 and 4), one the citizen left, one that found the hotline closed.
  const w = (user: string) => conversationKey('webchat', 'acct', user);
  const m = (user: string) => conversationKey('messenger', 'acct', user);
  const records: HandoffRecord[] = [
    stretch(w('w1'), { requestedAt: may('04T09:00:00'), queuedAt: may('04T09:00:00'), assignedAt: may('04T09:02:00'), assigneeId: 'op-1', firstReplyAt: may('04T09:02:30'), endedAt: may('04T09:12:00'), outcome: 'resolved', csat: 5 }),
    stretch(w('w2'), { requestedAt: may('04T10:00:00'), queuedAt: may('04T10:00:00'), assignedAt: may('04T10:01:01'), assigneeId: 'op-2', firstReplyAt: may('04T10:01:46'), endedAt: may('04T10:06:01'), outcome: 'resolved', csat: 4 }),
    stretch(w('w3'), { requestedAt: may('05T11:00:00'), queuedAt: may('05T11:00:00'), endedAt: may('05T11:03:00'), outcome: 'abandoned' }),
    stretch(w('w4'), { requestedAt: may('09T21:00:00'), endedAt: may('09T21:00:00'), outcome: 'closed' }),
    // Messenger: nobody claimed one; an operator took one over (never queued: in handledByOperators, not
    // in the queue's figures, its rating 1 included); one waited 300 s, first reply 60 s, handled 1500 s, rated 4.
    stretch(m('m5'), { requestedAt: may('06T14:00:00'), queuedAt: may('06T14:00:00'), endedAt: may('06T14:10:00'), outcome: 'unclaimed' }),
    stretch(m('m5'), { reason: 'takeover', requestedAt: may('06T15:00:00'), assignedAt: may('06T15:00:00'), assigneeId: 'op-1', firstReplyAt: may('06T15:00:20'), endedAt: may('06T15:20:00'), outcome: 'resolved', csat: 1 }),
    stretch(m('m6'), { requestedAt: may('07T09:00:00'), queuedAt: may('07T09:00:00'), assignedAt: may('07T09:05:00'), assigneeId: 'op-2', firstReplyAt: may('07T09:06:00'), endedAt: may('07T09:30:00'), outcome: 'resolved', csat: 4 }),
    // Zalo: asked ten minutes before midnight (May), picked up after it (900 s), still with the operator;
    // another asked after midnight is June's.
    stretch(conversationKey('zalo', 'acct', 'z1'), { requestedAt: may('31T23:50:00'), queuedAt: may('31T23:50:00'), assignedAt: new Date('2026-06-01T00:05:00+07:00'), assigneeId: 'op-1' }),
    stretch(conversationKey('zalo', 'acct', 'z2'), { requestedAt: new Date('2026-06-01T00:10:00+07:00'), queuedAt: new Date('2026-06-01T00:10:00+07:00') }),
  ];
  for (const record of records) await system.store.handoffs.insert(record);

  await system.auth.createAccount({ username: 'tk.dieuphoi', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: 'tk.canbo.a', displayName: 'Cán bộ A', role: 'staff', agencyId: onTime.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'tk.canbo.b', displayName: 'Cán bộ B', role: 'staff', agencyId: late.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'tk.tongdaivien', displayName: 'Tổng đài viên', role: 'operator', password: PASSWORD });
  [coordinator, staffA, staffB, operator] = await Promise.all([login('tk.dieuphoi'), login('tk.canbo.a'), login('tk.canbo.b'), login('tk.tongdaivien')]);
  const directory = (await (await get('/inbox/agencies', coordinator)).json()) as { agencies: { id: string; name: string }[] };
  agencyNames = new Map(directory.agencies.map((a) => [a.id, a.name]));
}, 60_000);

afterAll(async () => {
  await system?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('GET /api/v1/stats', () => {
  it('When nobody is signed in, then it answers 401', async () => {
    expect((await get('/stats?from=2026-03&to=2026-04')).status).toBe(401);
    expect((await get('/stats.csv?from=2026-03&to=2026-04')).status).toBe(401);
  });

  it('When a coordinator asks per month, agency and channel, then every figure lands in its row', async () => {
    const response = await get('/stats?from=2026-03&to=2026-04', coordinator);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { rows: Row[]; groupBy: string[] };
    expect(body.groupBy).toEqual(['month', 'agency', 'channel']);
    expect(body.rows).toEqual(
      [
        { month: '2026-03', agencyId: null, channel: 'messenger', ...zero, questions: 1, answeredByAssistant: 0 },
        { month: '2026-03', agencyId: null, channel: 'webchat', ...zero, questions: 3, answeredByAssistant: 1 },
        { month: '2026-03', agencyId: onTime.agencyId, channel: 'webchat', ...zero, routed: 2, answeredOnTime: 1, open: 1 },
        { month: '2026-03', agencyId: late.agencyId, channel: 'messenger', ...zero, routed: 1, answeredLate: 1 },
        { month: '2026-04', agencyId: null, channel: 'webchat', ...zero, questions: 1, answeredByAssistant: 1 },
      ].sort((a, b) => byKey(a) - byKey(b)),
    );
  });

  it('When grouped by month only, then the months add up across agencies and channels', async () => {
    const response = await get('/stats?from=2026-03&to=2026-04&groupBy=month', coordinator);
    const { rows } = (await response.json()) as { rows: Row[] };
    expect(rows).toEqual([
      { month: '2026-03', agencyId: null, channel: null, ...zero, questions: 4, answeredByAssistant: 1, routed: 3, answeredOnTime: 1, answeredLate: 1, open: 1 },
      { month: '2026-04', agencyId: null, channel: null, ...zero, questions: 1, answeredByAssistant: 1 },
    ]);
  });

  it("When staff ask, then they see only their own agency's rows", async () => {
    const a = (await (await get('/stats?from=2026-03&to=2026-04', staffA)).json()) as { rows: Row[] };
    expect(a.rows).toEqual([{ month: '2026-03', agencyId: onTime.agencyId, channel: 'webchat', ...zero, routed: 2, answeredOnTime: 1, open: 1 }]);
    const b = (await (await get('/stats?from=2026-03&to=2026-04&groupBy=month', staffB)).json()) as { rows: Row[] };
    expect(b.rows).toEqual([{ month: '2026-03', agencyId: null, channel: null, ...zero, routed: 1, answeredLate: 1 }]);
  });

  it('When a month is malformed, missing or the period runs backwards, then it answers 400 HTTP.BAD_REQUEST', async () => {
    for (const query of ['from=2026-13&to=2026-04', 'from=2026-3&to=2026-04', 'to=2026-04', 'from=2026-04&to=2026-03', 'from=2020-01&to=2026-04', 'from=2026-03&to=2026-04&groupBy=commune']) {
      const response = await get(`/stats?${query}`, coordinator);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('HTTP.BAD_REQUEST');
    }
    expect((await get('/stats.csv?from=2026-00&to=2026-04', coordinator)).status).toBe(400);
  });
});

describe('GET /api/v1/stats.csv', () => {
  it('When a coordinator exports, then it is UTF-8 CSV with a BOM, a Vietnamese header, agency names and one line per row', async () => {
    const response = await get('/stats.csv?from=2026-03&to=2026-04', coordinator);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('thong-ke-1022-2026-03-2026-04.csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
    expect(lines[0]).toBe(STATS_HEADER);
    expect(lines).toContain(`2026-03,${nameCell(onTime.agencyId)},webchat,0,0,2,1,0,1,0,0,0,0,0,,,,,0`);
    expect(lines).toContain('2026-03,,webchat,3,1,0,0,0,0,0,0,0,0,0,,,,,0');
    expect(lines.join('\n')).not.toContain(onTime.agencyId);
    expect(lines.filter((l) => l !== '')).toHaveLength(6);
  });

  it('When staff export, then the file holds only their agency', async () => {
    const text = await (await get('/stats.csv?from=2026-03&to=2026-03', staffB)).text();
    const lines = text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
    expect(lines.slice(1)).toEqual([`2026-03,${nameCell(late.agencyId)},messenger,0,0,1,0,1,0,0,0,0,0,0,,,,,0`]);
  });
});

describe('The hotline in the statistics (May: operator stretches and phone calls)', () => {
  /** May's rows per month, agency and channel: agency-less rows (messenger, phone, webchat, zalo), then the agencies' ticket rows. */
  const mayRows = (): Row[] => {
    const ticketRows: Row[] = [
      { month: '2026-05', agencyId: onTime.agencyId, channel: 'phone', ...zero, routed: 1, open: 1 },
      { month: '2026-05', agencyId: onTime.agencyId, channel: 'webchat', ...zero, routed: 1, open: 1 },
      { month: '2026-05', agencyId: late.agencyId, channel: 'messenger', ...zero, routed: 1, open: 1 },
    ];
    return [
      // 2 questions − 1 ticket − 2 stretches with an operator: never below 0. The takeover's rating is
      // not in csat (never queued); the queue: one unclaimed, one picked up after 300 s.
      { month: '2026-05', agencyId: null, channel: 'messenger', ...zero, questions: 2, answeredByAssistant: 0, handledByOperators: 2, queued: 2, abandoned: 1, waitSecondsAvg: 300, firstResponseSecondsAvg: 60, handlingSecondsAvg: 1500, csatAvg: 4, csatCount: 1 },
      // Three calls are three questions, none the assistant's; the ticket opened from call-2 is counted once, on its agency's row.
      { month: '2026-05', agencyId: null, channel: 'phone', ...zero, questions: 3, calls: 3 },
      // 5 questions (not the follow) − 1 ticket − 2 stretches with an operator = 2; waits (120 + 61) / 2 = 90.5 → 91,
      // first replies (30 + 45) / 2 = 37.5 → 38, handled (600 + 300) / 2 = 450, ratings (5 + 4) / 2 = 4.5.
      { month: '2026-05', agencyId: null, channel: 'webchat', ...zero, questions: 5, answeredByAssistant: 2, handledByOperators: 2, queued: 3, abandoned: 1, closed: 1, waitSecondsAvg: 91, firstResponseSecondsAvg: 38, handlingSecondsAvg: 450, csatAvg: 4.5, csatCount: 2 },
      // The echo is no question; the stretch asked before midnight is May's though picked up in June.
      { month: '2026-05', agencyId: null, channel: 'zalo', ...zero, handledByOperators: 1, queued: 1, waitSecondsAvg: 900 },
      ...ticketRows.sort((a, b) => (a.agencyId! < b.agencyId! ? -1 : a.agencyId! > b.agencyId! ? 1 : a.channel! < b.channel! ? -1 : 1)),
    ];
  };

  it('When a coordinator asks per month, agency and channel, then calls are channel phone and the operator figures sit on the agency-less rows', async () => {
    const response = await get('/stats?from=2026-05&to=2026-05', coordinator);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: Row[] }).rows).toEqual(mayRows());
  });

  it('When grouped by month only, then counts add up and each average comes from the records, not from the channels\' averages', async () => {
    const { rows } = (await (await get('/stats?from=2026-05&to=2026-05&groupBy=month', coordinator)).json()) as { rows: Row[] };
    expect(rows).toEqual([
      {
        month: '2026-05',
        agencyId: null,
        channel: null,
        ...zero,
        questions: 10,
        answeredByAssistant: 2,
        routed: 3,
        open: 3,
        handledByOperators: 5,
        calls: 3,
        queued: 6,
        abandoned: 2,
        closed: 1,
        // (120 + 61 + 300 + 900) / 4 = 345.25 (the channels' averages would give 430)
        waitSecondsAvg: 345,
        // (30 + 45 + 60) / 3 = 45 (not 48.75)
        firstResponseSecondsAvg: 45,
        // (600 + 300 + 1500) / 3 = 800 (not 975)
        handlingSecondsAvg: 800,
        // (5 + 4 + 4) / 3 = 4.33 → 4.3 (not 4.25)
        csatAvg: 4.3,
        csatCount: 3,
      },
    ]);
  });

  it('When grouped by channel only, then the phone row holds the calls and the tickets opened from them', async () => {
    const { rows } = (await (await get('/stats?from=2026-05&to=2026-05&groupBy=channel', coordinator)).json()) as { rows: Row[] };
    const phone = rows.find((r) => r.channel === 'phone');
    expect(phone).toEqual({ month: null, agencyId: null, channel: 'phone', ...zero, questions: 3, calls: 3, routed: 1, open: 1 });
    expect(rows.map((r) => r.channel)).toEqual(['messenger', 'phone', 'webchat', 'zalo']);
  });

  it('When the period also covers March to June, then earlier months keep their figures and June holds what came after midnight', async () => {
    const { rows } = (await (await get('/stats?from=2026-03&to=2026-06&groupBy=month', coordinator)).json()) as { rows: Row[] };
    expect(rows.map((r) => r.month)).toEqual(['2026-03', '2026-04', '2026-05', '2026-06']);
    expect(rows[0]).toEqual({ month: '2026-03', agencyId: null, channel: null, ...zero, questions: 4, answeredByAssistant: 1, routed: 3, answeredOnTime: 1, answeredLate: 1, open: 1 });
    expect(rows[3]).toEqual({ month: '2026-06', agencyId: null, channel: null, ...zero, questions: 1, calls: 1, queued: 1 });
  });

  it('When a hotline operator asks, then they see every row like a coordinator', async () => {
    const asOperator = await get('/stats?from=2026-05&to=2026-05', operator);
    expect(asOperator.status).toBe(200);
    expect(((await asOperator.json()) as { rows: Row[] }).rows).toEqual(mayRows());
    expect(await csvLines('/stats.csv?from=2026-05&to=2026-05', operator)).toEqual(await csvLines('/stats.csv?from=2026-05&to=2026-05', coordinator));
  });

  it("When staff ask, then they see only their agency's ticket rows, phone included, and no call or operator figures", async () => {
    const a = (await (await get('/stats?from=2026-05&to=2026-05', staffA)).json()) as { rows: Row[] };
    expect(a.rows).toEqual([
      { month: '2026-05', agencyId: onTime.agencyId, channel: 'phone', ...zero, routed: 1, open: 1 },
      { month: '2026-05', agencyId: onTime.agencyId, channel: 'webchat', ...zero, routed: 1, open: 1 },
    ]);
    const b = (await (await get('/stats?from=2026-05&to=2026-05&groupBy=month,channel', staffB)).json()) as { rows: Row[] };
    expect(b.rows).toEqual([{ month: '2026-05', agencyId: null, channel: 'messenger', ...zero, routed: 1, open: 1 }]);
  });

  it('When a coordinator exports May, then the CSV has agency names, whole seconds, one decimal for csat and empty cells for averages of nothing', async () => {
    const lines = await csvLines('/stats.csv?from=2026-05&to=2026-05', coordinator);
    expect(lines[0]).toBe(STATS_HEADER);
    expect(lines.slice(1)).toEqual([
      '2026-05,,messenger,2,0,0,0,0,0,2,0,2,1,0,300,60,1500,4,1',
      '2026-05,,phone,3,0,0,0,0,0,0,3,0,0,0,,,,,0',
      '2026-05,,webchat,5,2,0,0,0,0,2,0,3,1,1,91,38,450,4.5,2',
      '2026-05,,zalo,0,0,0,0,0,0,1,0,1,0,0,900,,,,0',
      ...mayRows()
        .filter((r) => r.agencyId !== null)
        .map((r) => `2026-05,${nameCell(r.agencyId!)},${r.channel},0,0,1,0,0,1,0,0,0,0,0,,,,,0`),
    ]);
    const month = await csvLines('/stats.csv?from=2026-05&to=2026-05&groupBy=month', coordinator);
    expect(month.slice(1)).toEqual(['2026-05,,,10,2,3,0,0,3,5,3,6,2,1,345,45,800,4.3,3']);
  });
});
