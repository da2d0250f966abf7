import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketTracking } from '../../src/core/ticket-tracking.js';
import { updateTicket } from '../../src/core/tickets.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { AppError } from '../../src/domain/errors.js';
import { conversationKey } from '../../src/domain/message.js';
import { transition, type Ticket } from '../../src/domain/ticket.js';
import { generate, TRACKING_ALPHABET } from '../../src/domain/tracking-code.js';
import { createMemoryLimiters } from '../../src/limits/memory.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSystem, type RunningSystem } from '../../src/system/index.js';
import { openWebchatConversation } from './console-client.js';
import { testConfig } from './test-system.js';
import { waitFor } from './system-harness.js';

/**
 * POST /api/v1/tickets/lookup on the whole system in embedded mode (nedb in a temp dir, in-process
 * queues, the real app on an ephemeral port): tickets opened and answered through the ticket service,
 * looked up over HTTP with the last 4 phone digits or the widget's signed session. Every log line the
 * system writes is captured, to check that neither the code nor personal data is logged.
 */

const NAME = 'Nguyễn Thị Hoa';
const PHONE = '0912 345 678';
const LAST4 = '5678';
const QUESTION = `Tôi là ${NAME}, số điện thoại ${PHONE}: con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu?`;
const ANSWER = 'Chào chị, chị nộp hồ sơ tại UBND cấp xã nơi cư trú; xem thêm https://dichvucong.gov.vn/.';
const RETURN_REASON = 'Lý do nội bộ: không thuộc thẩm quyền sở';
const STAFF = { kind: 'staff' as const, id: 'staff-account-7f3a' };
const LK = copy.widget.lookup;

interface Running {
  system: RunningSystem;
  base: string;
  logs: string[];
  dataDir: string;
}

async function start(prefix: string): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const config = testConfig(dataDir, { LOG_LEVEL: 'trace' });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const system = await startSystem({ config, logger: createLogger(config, sink) });
  return { system, base: system.url!, logs, dataDir };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  await running.system.stop();
  await rm(running.dataDir, { recursive: true, force: true });
}

function lookup(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/v1/tickets/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function widgetSession(base: string): Promise<{ token: string; visitorId: string }> {
  const response = await fetch(`${base}/widget/session`, { method: 'POST' });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const visitorId = (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { v: string }).v;
  return { token, visitorId };
}

/** The code with its last symbol changed: a typo the check symbol catches. */
function mistyped(code: string): string {
  const last = code.at(-1)!;
  const other = TRACKING_ALPHABET[(TRACKING_ALPHABET.indexOf(last) + 1) % TRACKING_ALPHABET.length]!;
  return code.slice(0, -1) + other;
}

describe('POST /api/v1/tickets/lookup', () => {
  let run: Running;
  let answered: Ticket;
  let sessionTicket: Ticket;
  let returned: Ticket;
  let session: { token: string; visitorId: string };

  beforeAll(async () => {
    run = await start('ticket-lookup-it-');
    const { system } = run;
    // A ticket with a phone number (call back), asked in a widget conversation, answered and delivered.
    const conversationId = await openWebchatConversation(system.store, 'visitor-with-phone');
    const opened = await system.tickets.openTicket({
      conversationId,
      kind: 'question',
      question: QUESTION,
      consent: { forward: true, publish: false },
      contact: { name: NAME, phone: PHONE, callback: true },
      procedureId: 'dang-ky-khai-sinh',
    });
    await system.tickets.answer(opened.id, STAFF, ANSWER);
    answered = await waitFor('the answer to be delivered', async () => {
      const t = await system.store.tickets.get(opened.id);
      return t?.status === 'delivered' ? t : undefined;
    });

    // A ticket asked in a widget session without a phone number.
    session = await widgetSession(run.base);
    await openWebchatConversation(system.store, session.visitorId);
    sessionTicket = await system.tickets.openTicket({
      conversationId: conversationKey('webchat', 'portal', session.visitorId),
      kind: 'feedback',
      question: 'Đèn đường hỏng nhiều ngày',
      place: 'Ngã tư Lê Lợi – Trần Phú',
      consent: { forward: true, publish: false },
    });

    // A ticket the agency sent back to the coordinator with an internal reason.
    const toReturn = await system.tickets.openTicket({
      conversationId: conversationKey('zalo', 'oa', 'user-returned'),
      kind: 'question',
      question: 'Câu hỏi bị chuyển nhầm cơ quan',
      consent: { forward: true, publish: false },
      contact: { phone: '0987 000 111' },
    });
    returned = await updateTicket(system.store.tickets, toReturn.id, (t, at) => transition(t, 'return', STAFF, at, { reason: RETURN_REASON }), new Date());
  });

  afterAll(async () => {
    await stop(run);
  });

  it('When the code and the last 4 phone digits match, then the status, agency, dates, answer and history are returned', async () => {
    // Act: typed in lower case with a space instead of the dash, as citizens do.
    const response = await lookup(run.base, { code: answered.code.toLowerCase().replace('-', ' '), phoneLast4: LAST4 });

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    const agency = 'Ủy ban nhân dân cấp xã';
    expect(body).toMatchObject({
      code: answered.code,
      kind: 'question',
      status: 'delivered',
      statusText: copy.bot.tickets.statuses.delivered,
      answer: { text: ANSWER, agency: expect.stringContaining(agency) },
    });
    expect(String(body['agencyName'])).toContain(agency);
    expect(body['receivedDate']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body['dueDate']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((body['answer'] as { answeredDate: string }).answeredDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const events = (body['history'] as Array<{ at: string; event: string }>).map((h) => h.event);
    expect(events).toEqual([
      LK.events.received,
      LK.events.forwarded.replace('{agency}', String(body['agencyName'])),
      LK.events.answered.replace('{agency}', String(body['agencyName'])),
      LK.events.delivered,
    ]);
    expect(Object.keys(body).sort()).toEqual(['agencyName', 'answer', 'code', 'dueDate', 'history', 'kind', 'receivedDate', 'status', 'statusText']);
  });

  it('When a ticket is found, then nothing personal or internal is in the answer', async () => {
    const text = await (await lookup(run.base, { code: answered.code, phoneLast4: LAST4 })).text();
    for (const secret of [NAME, PHONE, '0912', '345 678', QUESTION, 'số điện thoại', answered.conversationId, 'visitor-with-phone', STAFF.id, 'routed by', answered.id]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/"(question|contact|name|phone|phoneLast4|callbackPhone|conversationId|timeline|delivery|consent|id|by|note|actor)":/);
  });

  it('When the ticket was returned by the agency, then the history says so without the internal reason', async () => {
    const response = await lookup(run.base, { code: returned.code, phoneLast4: '0111' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(LK.events.returned);
    expect(text).toContain(copy.bot.tickets.statuses.returned);
    expect(text).not.toContain(RETURN_REASON);
    expect(text).not.toContain('không thuộc thẩm quyền');
  });

  it('When the widget session that asked presents its token, then no phone digits are needed', async () => {
    const response = await lookup(run.base, { code: sessionTicket.code }, { authorization: `Bearer ${session.token}` });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: sessionTicket.code, kind: 'feedback', status: 'assigned', place: 'Ngã tư Lê Lợi – Trần Phú' });
    expect(body['answer']).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(session.visitorId);
  });

  it('When another widget session presents its token, then it is the same 404 as an unknown code', async () => {
    const other = await widgetSession(run.base);
    const response = await lookup(run.base, { code: sessionTicket.code }, { authorization: `Bearer ${other.token}` });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'TICKET.NOT_FOUND', message: LK.notFound });
  });

  it('When the last 4 digits are wrong, then the answer is byte for byte the one for an unknown code', async () => {
    // Arrange
    let unknown = generate();
    while (unknown === answered.code) unknown = generate();

    // Act
    const wrong = await lookup(run.base, { code: answered.code, phoneLast4: '0000' });
    const missing = await lookup(run.base, { code: unknown, phoneLast4: LAST4 });
    // A ticket without a phone number cannot be opened with any digits.
    const noPhone = await lookup(run.base, { code: sessionTicket.code, phoneLast4: LAST4 });

    // Assert
    for (const response of [wrong, missing, noPhone]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe(missing.headers.get('content-type'));
    }
    const [a, b, c] = await Promise.all([wrong.text(), missing.text(), noPhone.text()]);
    expect(a).toBe(b);
    expect(c).toBe(b);
    expect(JSON.parse(b)).toEqual({ code: 'TICKET.NOT_FOUND', message: LK.notFound });
  });

  it('When the code has a typo, then 400 TICKET.CODE_INVALID with a Vietnamese message, whether or not the proof is right', async () => {
    const response = await lookup(run.base, { code: mistyped(answered.code), phoneLast4: LAST4 });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'TICKET.CODE_INVALID', message: LK.codeInvalid });
    const garbage = await lookup(run.base, { code: 'xin chào', phoneLast4: LAST4 });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { code: string }).code).toBe('TICKET.CODE_INVALID');
  });

  it('When no proof is given (no session, no digits) or an invalid session token, then 400 TICKET.PROOF_REQUIRED', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer not-a-token' }, { authorization: `Bearer ${session.token.slice(0, -2)}xx` }]) {
      const response = await lookup(run.base, { code: sessionTicket.code }, headers);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 'TICKET.PROOF_REQUIRED', message: LK.proofRequired });
    }
  });

  it('When the phone digits are not 4 digits, then 400 TICKET.INPUT_INVALID', async () => {
    for (const phoneLast4 of ['', '123', '12a4', '12345', '0912345678']) {
      const response = await lookup(run.base, { code: answered.code, phoneLast4 });
      expect(response.status, phoneLast4).toBe(400);
      expect(await response.json()).toEqual({ code: 'TICKET.INPUT_INVALID', message: LK.phoneInvalid, field: 'phoneLast4' });
    }
  });

  it('When the body is malformed, has unknown fields, wrong types or the wrong content type, then 400', async () => {
    const cases: Array<[string, Response, string]> = [
      ['bad json', await lookup(run.base, '{"code": '), 'HTTP.BAD_JSON'],
      ['extra field', await lookup(run.base, { code: answered.code, phoneLast4: LAST4, conversationId: answered.conversationId }), 'HTTP.BAD_REQUEST'],
      ['number code', await lookup(run.base, { code: 123456789, phoneLast4: LAST4 }), 'HTTP.BAD_REQUEST'],
      ['array', await lookup(run.base, [answered.code]), 'HTTP.BAD_REQUEST'],
      ['no code', await lookup(run.base, { phoneLast4: LAST4 }), 'HTTP.BAD_REQUEST'],
      ['long code', await lookup(run.base, { code: 'A'.repeat(65), phoneLast4: LAST4 }), 'HTTP.BAD_REQUEST'],
      [
        'text/plain',
        await fetch(`${run.base}/api/v1/tickets/lookup`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ code: answered.code, phoneLast4: LAST4 }) }),
        'HTTP.BAD_REQUEST',
      ],
    ];
    for (const [name, response, code] of cases) {
      expect(response.status, name).toBe(400);
      expect(((await response.json()) as { code: string }).code, name).toBe(code);
    }
  });

  it('When the body is over 2 kB, then 413 HTTP.PAYLOAD_TOO_LARGE', async () => {
    const response = await lookup(run.base, { code: answered.code, phoneLast4: LAST4, padding: 'x'.repeat(3000) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('HTTP.PAYLOAD_TOO_LARGE');
  });

  it('When a portal page on another origin calls it, then CORS allows it without credentials', async () => {
    const preflight = await fetch(`${run.base}/api/v1/tickets/lookup`, {
      method: 'OPTIONS',
      headers: { origin: 'https://cong.tinh.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('When lookups ran, then neither the tracking code nor personal data was logged', () => {
    const all = run.logs.join('');
    expect(all.length).toBeGreaterThan(0); // the capture works (request logs at least)
    for (const secret of [answered.code, sessionTicket.code, returned.code, answered.code.replace('-', ''), NAME, PHONE, '0912', session.token]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/phoneLast4/);
  });
});

describe('POST /api/v1/tickets/lookup throttling', () => {
  let run: Running;
  let ticket: Ticket;

  beforeAll(async () => {
    run = await start('ticket-lookup-throttle-it-');
    ticket = await run.system.tickets.openTicket({
      conversationId: conversationKey('zalo', 'oa', 'user-throttle'),
      kind: 'question',
      question: 'Thủ tục cấp lại căn cước',
      consent: { forward: true, publish: false },
      contact: { phone: '0903 111 222' },
    });
  });

  afterAll(async () => {
    await stop(run);
  });

  it('When 10 lookups from one address fail, then the 11th is 429 with Retry-After, even with the right digits', async () => {
    // Arrange: 10 failures (wrong digits); typos and successes do not count.
    expect((await lookup(run.base, { code: ticket.code, phoneLast4: '1222' })).status).toBe(200);
    expect((await lookup(run.base, { code: mistyped(ticket.code), phoneLast4: '0000' })).status).toBe(400);
    // Each failure on another code, so only the per-address count can trip (per code: the core test below).
    for (let i = 0; i < 10; i++) {
      let code = generate();
      while (code === ticket.code) code = generate();
      expect((await lookup(run.base, { code, phoneLast4: String(1000 + i) })).status, `attempt ${i + 1}`).toBe(404);
    }

    // Act
    const blocked = await lookup(run.base, { code: ticket.code, phoneLast4: '1234' });
    const rightDigits = await lookup(run.base, { code: ticket.code, phoneLast4: '1222' });

    // Assert
    for (const response of [blocked, rightDigits]) {
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(await response.json()).toEqual({ code: 'TICKET.LOOKUP_RATE_LIMITED', message: LK.rateLimited });
    }
  });
});

describe('ticket tracking throttle per code (core)', () => {
  const ticket = { code: generate() };
  let now = Date.parse('2026-03-09T03:00:00Z');
  const clock = { now: () => new Date(now) };
  const lookups: string[] = [];
  const tracking = createTicketTracking({
    // Only the session conversation "mine" opens the ticket; every phone proof fails.
    lookup: async (code, proof) => {
      lookups.push('conversationId' in proof ? 'session' : 'phone');
      if (code === ticket.code && 'conversationId' in proof && proof.conversationId === 'mine') {
        return { id: 't1', code, kind: 'question', status: 'assigned', agencyId: 'a', conversationId: 'mine', question: 'q', consent: { forward: true, publish: false }, dueAt: new Date(now + 86_400_000), createdAt: new Date(now), updatedAt: new Date(now), timeline: [] };
      }
      throw new AppError('TICKET.NOT_FOUND', 'x');
    },
    agencyName: (id) => id,
    copy: { ...LK, statuses: copy.bot.tickets.statuses },
    // The limiters the system gives it, with the policy at 3 per minute.
    failures: (() => {
      const limiters = createMemoryLimiters({ clock });
      return { byAddress: limiters.failures('lookup-address', { max: 3, windowMs: 60_000 }), proofByCode: limiters.failures('proof', { max: 3, windowMs: 60_000 }) };
    })(),
  });

  it('When phone guesses for one code come from many addresses, then that code is locked for phone proofs only, until the window passes', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(tracking.track({ code: ticket.code, phoneLast4: `000${i}`, ip: `10.0.0.${i}` })).rejects.toMatchObject({ code: 'TICKET.NOT_FOUND' });
    }
    lookups.length = 0;

    // A fourth address guessing digits for the same code is refused before the store is read …
    await expect(tracking.track({ code: ticket.code, phoneLast4: '0009', ip: '10.0.0.99' })).rejects.toMatchObject({
      code: 'TICKET.LOOKUP_RATE_LIMITED',
      details: { retryAfterSeconds: 60 },
    });
    expect(lookups).toEqual([]);
    // … while the asker's own session (128 random bits, not guessable) still works.
    await expect(tracking.track({ code: ticket.code, conversationId: 'mine', ip: '10.0.0.98' })).resolves.toMatchObject({ code: ticket.code });

    now += 60_001;
    await expect(tracking.track({ code: ticket.code, phoneLast4: '0009', ip: '10.0.0.99' })).rejects.toMatchObject({ code: 'TICKET.NOT_FOUND' });
  });
});
