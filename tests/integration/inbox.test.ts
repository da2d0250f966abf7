import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { consoleCall, consoleLogin, openWebchatConversation, type ConsoleSignIn } from './console-client.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * The agency inbox API on the whole system in embedded mode (nedb store in a temp dir, in-process
 * queues, the real app on an ephemeral port): tickets opened through the ticket service for two
 * agencies, accounts created through the auth core, every call over HTTP with the session cookie.
 */

const PASSWORD = 'mật khẩu thử nghiệm 1022';
/** The catalog's agency directory: the system under test loads the same, shipped one. */
const DIRECTORY = loadCatalog().directory.agencies;
const agencyName = (id: string) => DIRECTORY.find((a) => a.id === id)!.name;

let dataDir: string;
let system: RunningSystem;
let base: string;
/** Agency A: cấp xã (civil registration); agency B: công an tỉnh (driving licences). */
let ticketA: Ticket;
let ticketB: Ticket;
let xssTicket: Ticket;
let conversationA: string;

type Signed = ConsoleSignIn;



const openConversation = (userId: string) => openWebchatConversation(system.store, userId);
const login = (username: string) => consoleLogin(base, username, PASSWORD);

function get(path: string, who?: Signed): Promise<Response> {
  return fetch(`${base}/api/v1/inbox${path}`, { headers: who ? { cookie: who.cookie } : {} });
}


const post = (path: string, body: unknown, who?: Signed, csrf = true) => consoleCall(base, 'POST', `/inbox${path}`, body, who, csrf);

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

let staffA: Signed;
let staffB: Signed;
let coordinator: Signed;
let admin: Signed;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'inbox-it-'));
  system = await startTestSystem(dataDir, {}, { passwordParams: CHEAP_SCRYPT });
  base = system.url!;

  conversationA = await openConversation('visitor-a');
  const conversationB = await openConversation('visitor-b');
  ticketA = await system.tickets.openTicket({
    conversationId: conversationA,
    kind: 'question',
    question: 'Đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn thì cần giấy tờ gì?',
    consent: { forward: true, publish: false },
    contact: { name: 'Nguyễn Văn A', phone: '0912 345 678', callback: true },
    procedureId: 'dang-ky-khai-sinh',
  });
  ticketB = await system.tickets.openTicket({
    conversationId: conversationB,
    kind: 'question',
    question: 'Đổi giấy phép lái xe quá hạn 2 tháng có phải thi lại không?',
    consent: { forward: true, publish: false },
    procedureId: 'doi-giay-phep-lai-xe',
  });
  xssTicket = await system.tickets.openTicket({
    conversationId: conversationA,
    kind: 'question',
    question: 'Khai sinh <script>alert("x")</script> <img src=x onerror=alert(1)>',
    consent: { forward: true, publish: false },
    procedureId: 'dang-ky-khai-sinh',
  });
  expect(ticketA.agencyId).not.toBe(ticketB.agencyId);

  await system.auth.createAccount({ username: 'canbo.a', displayName: 'Cán bộ A', role: 'staff', agencyId: ticketA.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'canbo.b', displayName: 'Cán bộ B', role: 'staff', agencyId: ticketB.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi', displayName: 'Điều phối 1022', role: 'coordinator', password: PASSWORD });
  await system.auth.createAccount({ username: 'quantri', displayName: 'Quản trị', role: 'admin', password: PASSWORD });
  [staffA, staffB, coordinator, admin] = await Promise.all([login('canbo.a'), login('canbo.b'), login('dieuphoi'), login('quantri')]);
}, 60_000);

afterAll(async () => {
  await system?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('GET /api/v1/inbox/tickets', () => {
  it('When nobody is signed in, then it answers 401 AUTH.REQUIRED', async () => {
    const response = await get('/tickets');
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ code: 'AUTH.REQUIRED', message: expect.any(String) });
    const detail = await get(`/tickets/${ticketA.id}`);
    expect(detail.status).toBe(401);
  });

  it("When staff of agency A list, then they see only A's tickets, with the callback phone but never the conversation", async () => {
    const response = await get('/tickets', staffA);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { tickets } = await json<{ tickets: Array<Record<string, unknown>> }>(response);
    expect(tickets.map((t) => t['id']).sort()).toEqual([ticketA.id, xssTicket.id].sort());
    expect(tickets.every((t) => t['agencyId'] === ticketA.agencyId)).toBe(true);
    const a = tickets.find((t) => t['id'] === ticketA.id)!;
    expect(a['question']).toBe(ticketA.question);
    // The agency by id and by its directory name.
    expect(a['agencyName']).toBe(agencyName(ticketA.agencyId));
    expect(a['agencyName']).not.toBe(ticketA.agencyId);
    expect(a['contact']).toEqual({ name: 'Nguyễn Văn A', callbackPhone: '0912 345 678' });
    const raw = JSON.stringify(tickets);
    expect(raw).not.toContain(conversationA);
    expect(raw).not.toContain('conversationId');
    expect(raw).not.toContain('phoneLast4');
    expect(raw).not.toContain('webchat');
  });

  it('When staff ask for another agency or filter by status, then the agency is still theirs', async () => {
    const other = await json<{ tickets: Ticket[] }>(await get(`/tickets?agencyId=${ticketB.agencyId}`, staffA));
    expect(other.tickets.every((t) => t.agencyId === ticketA.agencyId)).toBe(true);
    const none = await json<{ tickets: Ticket[] }>(await get('/tickets?status=closed,delivered', staffA));
    expect(none.tickets).toEqual([]);
  });

  it('When a coordinator lists, then every agency is there (agencyId filters), without callback phone', async () => {
    const all = await json<{ tickets: Array<Record<string, unknown>> }>(await get('/tickets?limit=50', coordinator));
    expect(all.tickets.map((t) => t['id'])).toEqual(expect.arrayContaining([ticketA.id, ticketB.id, xssTicket.id]));
    expect(JSON.stringify(all.tickets)).not.toContain('0912');
    expect(all.tickets.find((t) => t['id'] === ticketA.id)!['callbackRequested']).toBe(true);
    const onlyB = await json<{ tickets: Ticket[] }>(await get(`/tickets?agencyId=${ticketB.agencyId}`, coordinator));
    expect(onlyB.tickets.map((t) => t.id)).toEqual([ticketB.id]);
  });

  it('When the query is malformed, then it answers 400 HTTP.BAD_REQUEST', async () => {
    for (const query of ['?status=bogus', '?limit=0', '?limit=abc', '?limit=100000']) {
      const response = await get(`/tickets${query}`, coordinator);
      expect(response.status, query).toBe(400);
      expect((await json(response))['code']).toBe('HTTP.BAD_REQUEST');
    }
  });
});

describe('GET /api/v1/inbox/agencies', () => {
  it('When nobody is signed in, then it answers 401 AUTH.REQUIRED', async () => {
    const response = await get('/agencies');
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ code: 'AUTH.REQUIRED', message: expect.any(String) });
  });

  it('When staff, a coordinator or an admin ask, then each gets the whole directory, {id, name} only, by Vietnamese name', async () => {
    const collator = new Intl.Collator('vi');
    const expected = DIRECTORY.map((a) => ({ id: a.id, name: a.name })).sort((a, b) => collator.compare(a.name, b.name));
    expect(expected.length).toBeGreaterThan(10);
    for (const who of [staffA, staffB, coordinator, admin]) {
      const response = await get('/agencies', who);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const { agencies } = await json<{ agencies: Array<{ id: string; name: string }> }>(response);
      expect(agencies).toEqual(expected);
    }
    // Vietnamese order, not code-point order (which would put "Ủy ban…" after "Văn phòng…").
    const names = expected.map((a) => a.name);
    expect(names).not.toEqual([...names].sort());
  });
});

describe('GET /api/v1/inbox/tickets/:id', () => {
  it('When staff open their own ticket, then it comes with its timeline and the actions they may take', async () => {
    const response = await get(`/tickets/${ticketA.id}`, staffA);
    expect(response.status).toBe(200);
    const { ticket } = await json<{ ticket: { id: string; agencyName: string; timeline: Array<{ action: string; agencyId?: string; agencyName?: string }>; actions: string[] } }>(response);
    expect(ticket.id).toBe(ticketA.id);
    expect(ticket.agencyName).toBe(agencyName(ticketA.agencyId));
    expect(ticket.timeline.map((e) => e.action)).toEqual(['create', 'assign']);
    // Every event that names an agency names it by id and by name.
    expect(ticket.timeline.filter((e) => e.agencyId !== undefined).length).toBeGreaterThan(0);
    for (const e of ticket.timeline) expect(e.agencyName).toBe(e.agencyId === undefined ? undefined : agencyName(e.agencyId));
    expect(ticket.actions.sort()).toEqual(['answer', 'return']);
  });

  it("When staff of A open B's ticket or an unknown id, then both are the same 404 TICKET.NOT_FOUND", async () => {
    for (const id of [ticketB.id, 'no-such-ticket', '%3Cscript%3E']) {
      const response = await get(`/tickets/${id}`, staffA);
      expect(response.status, id).toBe(404);
      expect(await json(response)).toEqual({ code: 'TICKET.NOT_FOUND', message: 'No ticket with this id.' });
    }
  });

  it('When a question contains markup, then it comes back as the same plain JSON string', async () => {
    const response = await get(`/tickets/${xssTicket.id}`, staffA);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const { ticket } = await json<{ ticket: { question: string } }>(response);
    expect(ticket.question).toBe(xssTicket.question);
    expect(ticket.question).toContain('<script>');
  });
});

describe('POST /api/v1/inbox/tickets/:id/answer', () => {
  it('When the CSRF token is missing, then it answers 403 AUTH.CSRF and nothing changes', async () => {
    const response = await post(`/tickets/${ticketA.id}/answer`, { text: 'Trả lời' }, staffA, false);
    expect(response.status).toBe(403);
    expect((await json(response))['code']).toBe('AUTH.CSRF');
    expect((await system.store.tickets.get(ticketA.id))!.status).toBe('assigned');
  });

  it('When the body is invalid, then it answers 400 HTTP.BAD_REQUEST', async () => {
    for (const body of [{}, { text: '' }, { text: '   ' }, { text: 'x'.repeat(4001) }, { text: 5 }, { text: 'ok', extra: 1 }]) {
      const response = await post(`/tickets/${ticketA.id}/answer`, body, staffA);
      expect(response.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect((await json(response))['code']).toBe('HTTP.BAD_REQUEST');
    }
  });

  it("When staff of B answer A's ticket, then it is 404 and the ticket is untouched", async () => {
    const response = await post(`/tickets/${ticketA.id}/answer`, { text: 'Không phải của tôi' }, staffB);
    expect(response.status).toBe(404);
    expect((await system.store.tickets.get(ticketA.id))!.status).toBe('assigned');
  });

  it("When staff of A answer with the CSRF token, then the ticket is answered and the answer is queued to the citizen's conversation", async () => {
    const text = 'Chào anh, cần tờ khai, giấy chứng sinh và giấy tờ tùy thân của người đi đăng ký.';
    const response = await post(`/tickets/${ticketA.id}/answer`, { text }, staffA);
    expect(response.status).toBe(200);
    const { ticket } = await json<{ ticket: { status: string; answer: { text: string; by: { kind: string } } } }>(response);
    expect(ticket.status).toBe('answered');
    expect(ticket.answer.text).toBe(text);
    expect(ticket.answer.by.kind).toBe('staff');

    const stored = (await system.store.tickets.get(ticketA.id))!;
    expect(stored.status === 'answered' || stored.status === 'delivered').toBe(true);
    const outbound = await system.store.outbound.listByConversation(conversationA, 20);
    const update = outbound.find((r) => r.purpose === 'update' && r.id === stored.delivery?.outboundId);
    expect(update).toBeDefined();
    expect(update!.conversationId).toBe(conversationA);
    expect(update!.reply.text).toContain(text);
  });

  it('When the ticket is already answered, then a second answer is 409 TICKET.INVALID_TRANSITION', async () => {
    const response = await post(`/tickets/${ticketA.id}/answer`, { text: 'Lần nữa' }, staffA);
    expect(response.status).toBe(409);
    expect((await json(response))['code']).toBe('TICKET.INVALID_TRANSITION');
  });

  it('When an admin answers, then it is 403 AUTH.FORBIDDEN (admins read, they do not answer)', async () => {
    const response = await post(`/tickets/${ticketB.id}/answer`, { text: 'Quản trị trả lời' }, admin);
    expect(response.status).toBe(403);
    expect((await json(response))['code']).toBe('AUTH.FORBIDDEN');
  });
});

describe('POST /api/v1/inbox/tickets/:id/return and /reroute', () => {
  it('When a coordinator tries to return, then it is 403 AUTH.FORBIDDEN; staff may not reroute either', async () => {
    const returned = await post(`/tickets/${ticketB.id}/return`, { reason: 'Sai cơ quan' }, coordinator);
    expect(returned.status).toBe(403);
    expect((await json(returned))['code']).toBe('AUTH.FORBIDDEN');
    const rerouted = await post(`/tickets/${ticketB.id}/reroute`, { agencyId: ticketA.agencyId }, staffB);
    expect(rerouted.status).toBe(403);
  });

  it('When a return has no reason, then it is 400', async () => {
    const response = await post(`/tickets/${ticketB.id}/return`, { reason: ' ' }, staffB);
    expect(response.status).toBe(400);
  });

  it('When staff of B return their ticket, then it goes back to the coordinator; a second return is 409', async () => {
    const response = await post(`/tickets/${ticketB.id}/return`, { reason: 'Không thuộc thẩm quyền của đơn vị' }, staffB);
    expect(response.status).toBe(200);
    const { ticket } = await json<{ ticket: { status: string; timeline: Array<{ action: string; note?: string }> } }>(response);
    expect(ticket.status).toBe('returned');
    expect(ticket.timeline.at(-1)).toMatchObject({ action: 'return', note: 'Không thuộc thẩm quyền của đơn vị' });
    const again = await post(`/tickets/${ticketB.id}/return`, { reason: 'Lần nữa' }, staffB);
    expect(again.status).toBe(409);
    expect((await json(again))['code']).toBe('TICKET.INVALID_TRANSITION');
  });

  it('When the coordinator reroutes to an unknown agency, then it is 400 TICKET.INPUT_INVALID', async () => {
    const response = await post(`/tickets/${ticketB.id}/reroute`, { agencyId: 'khong-ton-tai' }, coordinator);
    expect(response.status).toBe(400);
    expect((await json(response))['code']).toBe('TICKET.INPUT_INVALID');
  });

  it("When the coordinator reroutes B's returned ticket to A, then A's staff see it and B's no longer do", async () => {
    const response = await post(`/tickets/${ticketB.id}/reroute`, { agencyId: ticketA.agencyId, note: 'Chuyển đúng đơn vị' }, coordinator);
    expect(response.status).toBe(200);
    const { ticket } = await json<{ ticket: { status: string; agencyId: string; timeline: Array<Record<string, unknown>> } }>(response);
    expect(ticket).toMatchObject({ status: 'assigned', agencyId: ticketA.agencyId, agencyName: agencyName(ticketA.agencyId) });
    expect(ticket.timeline.at(-1)).toMatchObject({ action: 'reroute', agencyId: ticketA.agencyId, agencyName: agencyName(ticketA.agencyId), note: 'Chuyển đúng đơn vị' });
    expect((await get(`/tickets/${ticketB.id}`, staffA)).status).toBe(200);
    expect((await get(`/tickets/${ticketB.id}`, staffB)).status).toBe(404);
  });
});
