import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloAdapter, type ZaloChannelAdapter } from '../../../adapters/zalo/index.js';
import type { OutboundMessage, Reply } from '../../../src/domain/message.js';
import { ChannelSendError } from '../../../src/ports/channel.js';
import { MemorySecretRepo } from '../../fakes/memory-secrets.js';
import { bigId, FakeZalo } from '../../fakes/zalo/index.js';

/**
 * The ambiguous send on Zalo (issue 14): the fake carries out a send but answers after the client's
 * timeout; the adapter reports it ambiguous, and its wasSent finds it through GET /v2.0/oa/conversation
 * (the fake serves it with Zalo's documented item shape), so the worker records it instead of resending.
 */

let fake: FakeZalo;
let adapter: ZaloChannelAdapter;
const citizen = bigId();

function outbound(reply: Reply, id = `out-${Math.random().toString(36).slice(2)}`): OutboundMessage {
  return { id, channel: 'zalo', accountId: fake.oaId, userId: citizen, conversationId: `zalo:${fake.oaId}:${citizen}`, reply, purpose: 'response', lastInboundAt: Date.now() };
}

/** A local port nobody listens on: connecting is refused. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeEach(async () => {
  fake = await new FakeZalo().start();
  adapter = createZaloAdapter({
    appId: fake.appId,
    appSecret: fake.appSecret,
    oaSecretKey: fake.oaSecretKey,
    apiBase: fake.apiBase,
    oauthBase: fake.oauthBase,
    timeoutMs: 300,
    tokens: { secrets: new MemorySecretRepo(), seed: fake.issueTokens() },
  });
});

afterEach(async () => {
  fake.endOutage();
  await fake.stop();
});

describe('Zalo sent-check', () => {
  it('When a send is carried out but answered after the timeout, then the failure is ambiguous and wasSent finds it with Zalo’s id', async () => {
    const since = new Date(Date.now() - 1_000);
    fake.setOutage({ kind: 'slow', delayMs: 1_000 });
    const message = outbound({ text: 'Thủ tục đăng ký kết hôn cần tờ khai và giấy tờ tùy thân.' });
    const failure = await adapter.send(message).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelSendError);
    expect(failure).toMatchObject({ kind: 'retryable', ambiguous: true });
    expect(fake.sent).toHaveLength(1);
    fake.endOutage();
    const found = await adapter.wasSent(message, { since, excludeIds: [] });
    expect(found).toEqual({ externalId: fake.sent[0]!.messageId, externalIds: [fake.sent[0]!.messageId] });
    const request = fake.requestsTo('/v2.0/oa/conversation').at(-1)!;
    expect(request.method).toBe('GET');
    expect(request.queryData).toEqual({ user_id: citizen, offset: 0, count: 10 });
    expect(request.response).toMatchObject({ error: 0, data: [{ src: 0, message_id: fake.sent[0]!.messageId, type: 'text', to_id: citizen }] });
  });

  it('When a 5xx or a refused connection fails a send, then it is not ambiguous (nothing was carried out)', async () => {
    fake.setOutage({ kind: 'http', status: 503 });
    const failure = await adapter.send(outbound({ text: 'xin chào' })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'retryable', ambiguous: false, platformCode: 503 });
    fake.endOutage();
    const closed = createZaloAdapter({
      appId: fake.appId,
      appSecret: fake.appSecret,
      oaSecretKey: fake.oaSecretKey,
      apiBase: `http://127.0.0.1:${await closedPort()}`,
      oauthBase: fake.oauthBase,
      tokens: { secrets: new MemorySecretRepo(), seed: fake.issueTokens() },
    });
    expect(await closed.send(outbound({ text: 'xin chào' })).catch((e: unknown) => e)).toMatchObject({ kind: 'retryable', ambiguous: false });
  });

  it('When the message was never sent, or only an excluded same text was, then wasSent says no', async () => {
    const since = new Date(Date.now() - 1_000);
    const first = await adapter.send(outbound({ text: 'Dạ, tôi chưa hiểu câu hỏi.' }));
    const again = outbound({ text: 'Dạ, tôi chưa hiểu câu hỏi.' });
    expect(await adapter.wasSent(again, { since, excludeIds: [first.externalId] })).toBeUndefined();
    expect(await adapter.wasSent(outbound({ text: 'something never sent' }), { since, excludeIds: [] })).toBeUndefined();
    expect(await adapter.wasSent(again, { since: new Date(Date.now() + 60_000), excludeIds: [] })).toBeUndefined();
  });

  it('When a long reply went out in several messages, then another process’s wasSent finds every part in order', async () => {
    const since = new Date(Date.now() - 1_000);
    const long = [1, 2, 3].map((n) => `Đoạn ${n}: ${'nội dung thủ tục hành chính. '.repeat(60)}`).join('\n\n');
    const message = outbound({ text: long });
    const parts = (await adapter.send(message)).externalIds.length;
    expect(parts).toBeGreaterThan(1);
    const other = createZaloAdapter({ appId: fake.appId, appSecret: fake.appSecret, oaSecretKey: fake.oaSecretKey, apiBase: fake.apiBase, oauthBase: fake.oauthBase, tokens: { secrets: new MemorySecretRepo(), seed: fake.issueTokens() } });
    const found = await other.wasSent(message, { since, excludeIds: [] });
    expect(found?.externalIds).toEqual(fake.sent.map((m) => m.messageId));
  });

  it('When the conversation API itself fails, then wasSent throws a retryable ChannelSendError', async () => {
    fake.setOutage({ kind: 'http', status: 502 });
    const error = await adapter.wasSent(outbound({ text: 'x' }), { since: new Date(0), excludeIds: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ kind: 'retryable' });
  });
});
