import express from 'express';
import { get as httpGet, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebchatSessions, createInProcessHub, type InProcessWebchatHub } from '../../../adapters/webchat/index.js';
import type { InboundMessage, OutboundRecord } from '../../../src/domain/conversation.js';
import { vi as viCopy } from '../../../src/domain/copy/vi.js';
import { conversationKey, type InboundEvent } from '../../../src/domain/message.js';
import { createErrorMiddleware, notFoundHandler } from '../../../src/http/error-middleware.js';
import { securityHeaders } from '../../../src/http/security-headers.js';
import { createWidgetRouter, type WidgetRouter } from '../../../src/http/widget.router.js';
import type { Logger } from '../../../src/ports/logger.js';

/**
 * The widget route in-process on an ephemeral port, with the real session signer and hub, and fakes
 * of the receiver and the store (the whole pipeline runs in tests/e2e).
 */

const silent: Logger = { fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, child: () => silent };
const sessions = createWebchatSessions({ secret: 'router-test-secret-0123456789-abcdefghij' });
const JS = 'console.log("widget")';

let hub: InProcessWebchatHub;
let router: WidgetRouter;
let server: Server;
let base: string;
const received: InboundEvent[] = [];
const inbound: InboundMessage[] = [];
const outbound: OutboundRecord[] = [];

/** What createInboundReceiver does, as far as this route can tell: store once per external id. */
async function fakeReceive(event: InboundEvent) {
  received.push(event);
  const conversationId = conversationKey(event.channel, event.accountId, event.userId);
  const id = `${event.channel}:${event.externalId}`;
  if (inbound.some((m) => m.id === id)) return { created: false, conversationId };
  inbound.push({
    id,
    conversationId,
    externalId: event.externalId,
    seq: inbound.length + 1,
    kind: event.kind,
    ...(event.text !== undefined ? { text: event.text } : {}),
    ...(event.payload !== undefined ? { payload: event.payload } : {}),
    status: 'received',
    receivedAt: new Date(event.timestamp),
  });
  return { created: true, conversationId };
}

const store = {
  inbound: { listByConversation: async (id: string, limit: number) => inbound.filter((m) => m.conversationId === id).slice(-limit) },
  outbound: { listByConversation: async (id: string, limit: number) => outbound.filter((m) => m.conversationId === id).slice(-limit) },
};

beforeAll(async () => {
  hub = createInProcessHub();
  router = createWidgetRouter({
    receive: fakeReceive,
    store,
    hub,
    sessions,
    accountId: 'portal',
    copy: viCopy,
    logger: silent,
    assets: { js: JS, css: '.tl-root{}' },
    heartbeatMs: 100,
  });
  const app = express();
  app.use(securityHeaders({ hsts: false }));
  app.use(router);
  app.use(notFoundHandler);
  app.use(createErrorMiddleware({ logger: silent }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  router.closeStreams();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

/** A JSON response body, loosely typed: the assertions check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();

const newSession = async () => {
  const res = await fetch(`${base}/widget/session`, { method: 'POST' });
  return (await json(res)) as { token: string; expiresAt: string; renewed: boolean };
};
const post = (token: string | undefined, body: unknown, raw?: string) =>
  fetch(`${base}/widget/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });

describe('widget files and config', () => {
  it('When a portal loads widget.js, then it is JavaScript, cacheable, loadable cross-origin, and revalidates by ETag', async () => {
    // Act
    const res = await fetch(`${base}/widget/widget.js`, { headers: { 'accept-encoding': 'gzip' } });
    // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests, which forbids a 304.
    // Each encoding has its own ETag, so the revalidation asks for the same encoding.
    const again = await new Promise<IncomingMessage>((resolve) =>
      httpGet(`${base}/widget/widget.js`, { headers: { 'if-none-match': res.headers.get('etag')!, 'accept-encoding': 'gzip' } }, (r) => resolve(r.resume())),
    );

    // Assert
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=300/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe(JS);
    expect(again.statusCode).toBe(304);
  });

  it('When the widget asks for its config, then it gets the Vietnamese widget copy and the limits', async () => {
    const res = await fetch(`${base}/widget/config`);
    const body = await json(res);
    expect(body).toEqual({ locale: 'vi', copy: viCopy.widget, limits: { text: 2000, payload: 200 } });
    expect((await fetch(`${base}/widget/widget.css`)).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('When a browser on another origin preflights a message, then any origin may send Authorization (no cookies)', async () => {
    const res = await fetch(`${base}/widget/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.gov.vn', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('POST /widget/session', () => {
  it('When no token is presented, then the server creates a visitor and signs it', async () => {
    const body = await newSession();
    expect(body.renewed).toBe(false);
    expect(sessions.verify(body.token)?.visitorId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now() + 80 * 86_400_000);
  });

  it('When a valid token is presented, then the same visitor is renewed', async () => {
    const first = await newSession();
    const res = await fetch(`${base}/widget/session`, { method: 'POST', headers: { authorization: `Bearer ${first.token}` } });
    const body = await json(res);
    expect(body.renewed).toBe(true);
    expect(sessions.verify(body.token)?.visitorId).toBe(sessions.verify(first.token)?.visitorId);
  });

  it('When an invalid token is presented, then a NEW visitor is issued (never the one the browser claims)', async () => {
    const res = await fetch(`${base}/widget/session`, { method: 'POST', headers: { authorization: 'Bearer forged.token' } });
    const body = await json(res);
    expect(body.renewed).toBe(false);
    expect(sessions.verify(body.token)).toBeDefined();
  });
});

describe('POST /widget/messages', () => {
  it('When there is no or a bad token, then it answers 401 WIDGET.SESSION_INVALID and receives nothing', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const res = await post(token, { clientMessageId: randomUUID(), text: 'xin chào' });
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({ code: 'WIDGET.SESSION_INVALID' });
    }
    expect(received).toEqual([]);
  });

  it('When a citizen sends text, then the core receives it as the token’s visitor (a userId in the body is ignored)', async () => {
    // Arrange
    const { token } = await newSession();
    const visitorId = sessions.verify(token)!.visitorId;
    const clientMessageId = randomUUID();

    // Act
    const res = await post(token, { clientMessageId, text: '  đăng ký khai sinh cần gì  ', userId: 'alice' });

    // Assert
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ accepted: true, duplicate: false });
    expect(received).toEqual([
      // The message id is scoped to the visitor: the browser's id dedupes only its own retries.
      { channel: 'webchat', accountId: 'portal', userId: visitorId, externalId: `${visitorId}:${clientMessageId}`, kind: 'message', text: 'đăng ký khai sinh cần gì', timestamp: expect.any(Number) },
    ]);
  });

  it('When the same client message id is sent again (a retry), then it is accepted as a duplicate', async () => {
    const { token } = await newSession();
    const body = { clientMessageId: randomUUID(), text: 'chứng thực' };
    await post(token, body);
    const res = await post(token, body);
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ accepted: true, duplicate: true });
  });

  it('When another visitor sends the same client message id, then it is a new message, not a duplicate', async () => {
    const first = await newSession();
    const second = await newSession();
    const clientMessageId = randomUUID();
    await post(first.token, { clientMessageId, text: 'chứng thực bản sao' });
    const res = await post(second.token, { clientMessageId, text: 'đăng ký tạm trú' });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ accepted: true, duplicate: false });
    // Each visitor's history shows its own message under the id its browser chose.
    const history = async (token: string) => ((await json(await fetch(`${base}/widget/history`, { headers: { authorization: `Bearer ${token}` } }))) as { messages: { id: string; text: string }[] }).messages;
    expect(await history(first.token)).toEqual([expect.objectContaining({ id: clientMessageId, text: 'chứng thực bản sao' })]);
    expect(await history(second.token)).toEqual([expect.objectContaining({ id: clientMessageId, text: 'đăng ký tạm trú' })]);
  });

  it('When a button is tapped, then its payload arrives as a postback', async () => {
    const { token } = await newSession();
    const res = await post(token, { clientMessageId: randomUUID(), payload: 'procedure:2.000815' });
    expect(res.status).toBe(202);
    expect(received[0]).toMatchObject({ kind: 'postback', payload: 'procedure:2.000815' });
    expect(received[0]).not.toHaveProperty('text');
  });

  it('When the body is malformed, then it answers 400 with a stable code', async () => {
    // Arrange
    const { token } = await newSession();
    const id = randomUUID();
    const cases: Array<[unknown, string]> = [
      [{ text: 'no id' }, 'HTTP.BAD_REQUEST'],
      [{ clientMessageId: 'not-a-uuid', text: 'x' }, 'HTTP.BAD_REQUEST'],
      [{ clientMessageId: id }, 'HTTP.BAD_REQUEST'],
      [{ clientMessageId: id, text: 'x', payload: 'y' }, 'HTTP.BAD_REQUEST'],
      [{ clientMessageId: id, payload: 'p'.repeat(201) }, 'HTTP.BAD_REQUEST'],
      [{ clientMessageId: id, text: '   ' }, 'KNOWLEDGE.QUESTION_EMPTY'],
      [{ clientMessageId: id, text: 'ả'.repeat(2001) }, 'KNOWLEDGE.QUESTION_TOO_LONG'],
    ];

    // Act + Assert
    for (const [body, code] of cases) {
      const res = await post(token, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await json(res)).code).toBe(code);
    }
    expect((await post(token, undefined, '{"clientMessageId":')).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('When 2,000 Vietnamese characters are sent, then they are accepted; a body over 16 kB is 413', async () => {
    const { token } = await newSession();
    expect((await post(token, { clientMessageId: randomUUID(), text: 'ả'.repeat(2000) })).status).toBe(202);
    const res = await post(token, { clientMessageId: randomUUID(), text: 'a'.repeat(17_000) });
    expect(res.status).toBe(413);
    expect((await json(res)).code).toBe('HTTP.PAYLOAD_TOO_LARGE');
  });
});

describe('GET /widget/history', () => {
  it('When the visitor returns, then their messages and the replies come back merged by time, tapped buttons by title', async () => {
    // Arrange
    const { token } = await newSession();
    const visitorId = sessions.verify(token)!.visitorId;
    const conversationId = conversationKey('webchat', 'portal', visitorId);
    const q1 = randomUUID();
    const tap = randomUUID();
    await post(token, { clientMessageId: q1, text: 'chứng thực' });
    const askedAt = inbound.at(-1)!.receivedAt.getTime();
    outbound.push({
      id: `webchat:${q1}#r0`,
      conversationId,
      reply: { text: 'Bạn đang hỏi về thủ tục nào dưới đây?', buttons: [{ title: 'Chứng thực bản sao từ bản chính', payload: 'procedure:2.000815' }] },
      purpose: 'response',
      status: 'sent',
      attempts: 1,
      createdAt: new Date(askedAt + 5),
      sentAt: new Date(askedAt + 10),
    });
    await new Promise((r) => setTimeout(r, 20));
    await post(token, { clientMessageId: tap, payload: 'procedure:2.000815' });
    outbound.push({
      id: 'operator:1',
      conversationId,
      reply: { text: 'Cán bộ trả lời: <img src=x onerror=alert(1)>', link: { title: 'Hướng dẫn', url: 'https://dichvucong.gov.vn' } },
      purpose: 'human_agent',
      status: 'pending',
      attempts: 0,
      createdAt: new Date(Date.now() + 1000),
    });

    // Act
    const res = await fetch(`${base}/widget/history`, { headers: { authorization: `Bearer ${token}` } });
    const { messages } = await json(res);

    // Assert
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(messages.map((m: { id: string; from: string; text: string }) => [m.id, m.from, m.text])).toEqual([
      [q1, 'citizen', 'chứng thực'],
      [`webchat:${q1}#r0`, 'assistant', 'Bạn đang hỏi về thủ tục nào dưới đây?'],
      [tap, 'citizen', 'Chứng thực bản sao từ bản chính'],
      ['operator:1', 'assistant', 'Cán bộ trả lời: <img src=x onerror=alert(1)>'],
    ]);
    expect(messages[1].buttons).toEqual([{ title: 'Chứng thực bản sao từ bản chính', payload: 'procedure:2.000815' }]);
    expect(messages[3].link).toEqual({ title: 'Hướng dẫn', url: 'https://dichvucong.gov.vn' });
  });

  it('When a reply is delivered after the citizen already wrote again (a busy system), then it still comes before that message', async () => {
    const { token } = await newSession();
    const conversationId = conversationKey('webchat', 'portal', sessions.verify(token)!.visitorId);
    const first = randomUUID();
    const second = randomUUID();
    await post(token, { clientMessageId: first, text: 'tra cứu' });
    const askedAt = inbound.at(-1)!.receivedAt.getTime();
    await new Promise((r) => setTimeout(r, 20));
    await post(token, { clientMessageId: second, text: '1234' });
    const secondAt = inbound.at(-1)!.receivedAt.getTime();
    // Written right after the first message, delivered only after the second arrived.
    outbound.push({ id: `webchat:${first}#r0`, conversationId, reply: { text: 'Nhập 4 số cuối' }, purpose: 'response', status: 'sent', attempts: 1, createdAt: new Date(askedAt + 1), sentAt: new Date(secondAt + 50) });

    const { messages } = await json(await fetch(`${base}/widget/history`, { headers: { authorization: `Bearer ${token}` } }));

    expect(messages.map((m: { id: string }) => m.id)).toEqual([first, `webchat:${first}#r0`, second]);
  });

  it('When another visitor asks for history, then they see none of it; without a token it is 401', async () => {
    const { token } = await newSession();
    const res = await fetch(`${base}/widget/history`, { headers: { authorization: `Bearer ${token}` } });
    expect(await json(res)).toEqual({ messages: [] });
    expect((await fetch(`${base}/widget/history`)).status).toBe(401);
  });
});

describe('GET /widget/events', () => {
  it('When the token is bad, then the stream is refused with 401', async () => {
    const res = await fetch(`${base}/widget/events?token=forged`);
    expect(res.status).toBe(401);
    expect((await json(res)).code).toBe('WIDGET.SESSION_INVALID');
  });

  it('When a reply is published for the visitor, then the stream carries it with heartbeats, and closing unsubscribes', async () => {
    // Arrange
    const { token } = await newSession();
    const visitorId = sessions.verify(token)!.visitorId;
    const abort = new AbortController();
    const res = await fetch(`${base}/widget/events?token=${encodeURIComponent(token)}`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(hub.listenerCount(visitorId)).toBe(1);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value, { stream: true });
    };

    // Act
    await hub.publish(visitorId, { id: 'r1', from: 'assistant', text: 'dòng 1\ndòng 2', at: new Date(0).toISOString() });
    await hub.publish('someone-else', { id: 'x', from: 'assistant', text: 'not yours', at: new Date(0).toISOString() });
    await readUntil('"r1"');
    await readUntil(': ping');

    // Assert
    expect(text).toContain(`id: r1\nevent: message\ndata: {"id":"r1","from":"assistant","text":"dòng 1\\ndòng 2","at":"1970-01-01T00:00:00.000Z"}\n\n`);
    expect(text).not.toContain('not yours');
    abort.abort();
    await reader.cancel().catch(() => undefined);
    await expect.poll(() => hub.listenerCount(visitorId)).toBe(0);
  });

  it('When a citizen sends from one tab, then the visitor’s other open tabs get the message too', async () => {
    const { token } = await newSession();
    const visitorId = sessions.verify(token)!.visitorId;
    const seen: string[] = [];
    const unsubscribe = hub.subscribe(visitorId, (e) => seen.push(`${e.from}:${e.text}`));
    await post(token, { clientMessageId: randomUUID(), text: 'đổi bằng lái' });
    unsubscribe();
    expect(seen).toEqual(['citizen:đổi bằng lái']);
  });
});
