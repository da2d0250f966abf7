import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/domain/message.js';
import type { RunningSystem } from '../../src/system/index.js';
import { consoleLogin } from './console-client.js';
import { eventually } from './helpers.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * The widget's abuse limits and message ids on the whole system in embedded mode (the real receiver,
 * store, queues and flows): a refused message must leave no trace (not stored, no turn, not in the
 * statistics), and two visitors' messages never dedupe against each other. Windows move with an
 * injected clock: nothing waits for a real minute.
 */

const PASSWORD = 'mật khẩu thống kê 1022';
let now = new Date('2026-03-10T09:00:00+07:00');
const clock = { now: (): Date => new Date(now) };
const advance = (ms: number) => (now = new Date(now.getTime() + ms));

let dataDir: string;
let system: RunningSystem;
let base: string;
let coordinator: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'widget-abuse-it-'));
  system = await startTestSystem(dataDir, { WIDGET_RATE_PER_SESSION: '3', WIDGET_RATE_PER_ADDRESS: '5' }, { passwordParams: CHEAP_SCRYPT, clock });
  base = system.url!;
  await system.auth.createAccount({ username: 'tk.dieuphoi', displayName: 'Điều phối', role: 'coordinator', password: PASSWORD });
  coordinator = (await consoleLogin(base, 'tk.dieuphoi', PASSWORD)).cookie;
}, 60_000);

afterAll(async () => {
  await system?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

// Each test starts in a window of its own.
beforeEach(() => {
  advance(5 * 60_000);
});

async function session(): Promise<{ token: string; visitorId: string }> {
  const response = await fetch(`${base}/widget/session`, { method: 'POST' });
  const { token } = (await response.json()) as { token: string };
  const visitorId = (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { v: string }).v;
  return { token, visitorId };
}

function send(token: string, text: string, clientMessageId: string = randomUUID()): Promise<Response> {
  return fetch(`${base}/widget/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ clientMessageId, text }),
  });
}

/** The questions the statistics count this month on the widget. */
async function webchatQuestions(): Promise<number> {
  const response = await fetch(`${base}/api/v1/stats?from=2026-03&to=2026-03&groupBy=channel`, { headers: { cookie: coordinator } });
  expect(response.status).toBe(200);
  const { rows } = (await response.json()) as { rows: { channel: string; questions: number }[] };
  return rows.find((r) => r.channel === 'webchat')?.questions ?? 0;
}

const storedTexts = async (visitorId: string) =>
  (await system.store.inbound.listByConversation(conversationKey('webchat', 'portal', visitorId), 100)).map((m) => m.text);

describe('widget message limits', () => {
  it('When a session sends more than its limit within a minute, then it is 429 WIDGET.RATE_LIMITED with Retry-After, and the message is not stored, answered or counted', async () => {
    // Arrange: three messages, ten seconds apart, each accepted.
    const questionsBefore = await webchatQuestions();
    const { token, visitorId } = await session();
    for (const text of ['đăng ký khai sinh', 'lệ phí bao nhiêu', 'nộp ở đâu']) {
      expect((await send(token, text)).status).toBe(202);
      advance(10_000);
    }

    // Act
    const refused = await send(token, 'tin nhắn thứ tư quá nhanh');

    // Assert: refused until the first message leaves the one-minute window (30 s from now).
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(await refused.json()).toMatchObject({ code: 'WIDGET.RATE_LIMITED' });
    expect(await storedTexts(visitorId)).toEqual(['đăng ký khai sinh', 'lệ phí bao nhiêu', 'nộp ở đâu']);
    expect(await webchatQuestions()).toBe(questionsBefore + 3);
    // Nothing of it reaches the conversation: the next accepted message is answered, and the history never shows it.
    advance(30_000);
    expect((await send(token, 'đăng ký kết hôn')).status).toBe(202);
    await eventually(async () => {
      const history = (await (await fetch(`${base}/widget/history`, { headers: { authorization: `Bearer ${token}` } })).json()) as { messages: { from: string; text: string }[] };
      expect(history.messages.filter((m) => m.from === 'assistant').some((m) => m.text.includes('Đăng ký kết hôn'))).toBe(true);
      expect(history.messages.map((m) => m.text)).not.toContain('tin nhắn thứ tư quá nhanh');
    });
    expect(await storedTexts(visitorId)).toEqual(['đăng ký khai sinh', 'lệ phí bao nhiêu', 'nộp ở đâu', 'đăng ký kết hôn']);
    expect(await webchatQuestions()).toBe(questionsBefore + 4);
  });

  it('When sessions from one address together pass the address limit, then the next message is refused whichever session sends it', async () => {
    // Arrange: 5 messages from three sessions on one address (each session within its own 3).
    const [a, b, c] = await Promise.all([session(), session(), session()]);
    for (const who of [a, a, b, b, c]) expect((await send(who.token, 'thủ tục chứng thực')).status).toBe(202);

    // Act
    const refusedC = await send(c.token, 'chứng thực bản sao');
    const refusedNew = await send((await session()).token, 'xin chào');

    // Assert
    for (const refused of [refusedC, refusedNew]) {
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBe(60);
      expect(await refused.json()).toMatchObject({ code: 'WIDGET.RATE_LIMITED' });
    }
    expect(await storedTexts(c.visitorId)).toEqual(['thủ tục chứng thực']);
    advance(60_000);
    expect((await send(c.token, 'chứng thực bản sao')).status).toBe(202);
  });

  it('When a message is refused and the session sends again after the wait, then the same client message id is accepted (the refusal left no trace to dedupe against)', async () => {
    const { token, visitorId } = await session();
    for (let i = 0; i < 3; i++) expect((await send(token, `câu hỏi ${i}`)).status).toBe(202);
    const clientMessageId = randomUUID();
    expect((await send(token, 'gửi lại sau', clientMessageId)).status).toBe(429);
    advance(60_000);
    const again = await send(token, 'gửi lại sau', clientMessageId);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: true, duplicate: false });
    expect(await storedTexts(visitorId)).toEqual(['câu hỏi 0', 'câu hỏi 1', 'câu hỏi 2', 'gửi lại sau']);
  });
});

describe('widget client message ids', () => {
  it('When another visitor sends a message with the same clientMessageId, then it is stored and answered as its own message', async () => {
    // Arrange
    const first = await session();
    const second = await session();
    const clientMessageId = randomUUID();
    expect(await (await send(first.token, 'đăng ký khai sinh', clientMessageId)).json()).toEqual({ accepted: true, duplicate: false });

    // Act
    const reused = await send(second.token, 'đổi bằng lái', clientMessageId);
    const retried = await send(second.token, 'đổi bằng lái', clientMessageId);

    // Assert: new for the second visitor, and still a duplicate for its own retry.
    expect(await reused.json()).toEqual({ accepted: true, duplicate: false });
    expect(await retried.json()).toEqual({ accepted: true, duplicate: true });
    expect(await storedTexts(first.visitorId)).toEqual(['đăng ký khai sinh']);
    expect(await storedTexts(second.visitorId)).toEqual(['đổi bằng lái']);
    await eventually(async () => {
      const history = (await (await fetch(`${base}/widget/history`, { headers: { authorization: `Bearer ${second.token}` } })).json()) as { messages: { id: string; from: string; text: string }[] };
      expect(history.messages[0]).toMatchObject({ id: clientMessageId, from: 'citizen', text: 'đổi bằng lái' });
      expect(history.messages.filter((m) => m.from === 'assistant').some((m) => m.text.includes('Đổi giấy phép lái xe'))).toBe(true);
    });
  });
});
