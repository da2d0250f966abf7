import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelKind, InboundEvent } from '../../src/domain/message.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { consoleLogin } from './console-client.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * Statistics over HTTP on the whole system in embedded mode: messages come in through the receiver and
 * tickets through the ticket service while a controlled clock says which month (Hà Nội time) it is;
 * one ticket is answered on time, one late, one stays open. Every report is read over HTTP with a
 * coordinator's or a staff member's session.
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
}

/** The report's order: month, then the agency-less (message) rows, then agencies, then channels. */
function byKey(r: Pick<Row, 'month' | 'agencyId' | 'channel'>): number {
  const agencies = [onTime.agencyId, late.agencyId].sort();
  return Number(r.month!.slice(5)) * 100 + (r.agencyId === null ? 0 : agencies.indexOf(r.agencyId) + 1) * 10 + (r.channel === 'messenger' ? 0 : 1);
}

const zero = { questions: 0, answeredByAssistant: 0, routed: 0, answeredOnTime: 0, answeredLate: 0, open: 0 };

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

  await system.auth.createAccount({ username: 'tk.dieuphoi', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: 'tk.canbo.a', displayName: 'Cán bộ A', role: 'staff', agencyId: onTime.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'tk.canbo.b', displayName: 'Cán bộ B', role: 'staff', agencyId: late.agencyId, password: PASSWORD });
  [coordinator, staffA, staffB] = await Promise.all([login('tk.dieuphoi'), login('tk.canbo.a'), login('tk.canbo.b')]);
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
      { month: '2026-03', agencyId: null, channel: null, questions: 4, answeredByAssistant: 1, routed: 3, answeredOnTime: 1, answeredLate: 1, open: 1 },
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
  it('When a coordinator exports, then it is UTF-8 CSV with a BOM, a Vietnamese header and one line per row', async () => {
    const response = await get('/stats.csv?from=2026-03&to=2026-04', coordinator);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('thong-ke-1022-2026-03-2026-04.csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
    expect(lines[0]).toBe('Tháng,Cơ quan,Kênh,Câu hỏi tiếp nhận,Trợ lý trả lời,Chuyển cơ quan,Trả lời đúng hạn,Trả lời trễ hạn,Chưa trả lời');
    expect(lines).toContain(`2026-03,${onTime.agencyId},webchat,0,0,2,1,0,1`);
    expect(lines).toContain('2026-03,,webchat,3,1,0,0,0,0');
    expect(lines.filter((l) => l !== '')).toHaveLength(6);
  });

  it('When staff export, then the file holds only their agency', async () => {
    const text = await (await get('/stats.csv?from=2026-03&to=2026-03', staffB)).text();
    const lines = text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
    expect(lines.slice(1)).toEqual([`2026-03,${late.agencyId},messenger,0,0,1,0,1,0`]);
  });
});
