import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloAdapter, type FetchLike, type ZaloAdapterOptions, type ZaloChannelAdapter } from '../../../adapters/zalo/index.js';
import type { InboundEvent, OutboundMessage, Reply } from '../../../src/domain/message.js';
import { ChannelSendError } from '../../../src/ports/channel.js';
import { MemorySecretRepo } from '../../fakes/memory-secrets.js';
import { bigId, FakeZalo, WebhookSink, ZaloWebhookDriver } from '../../fakes/zalo/index.js';
import { CS_PATH } from './helpers.js';

let fake: FakeZalo;
let sink: WebhookSink;
let adapter: ZaloChannelAdapter;
let inbound: InboundEvent[];
let rejected: number;
const citizen = bigId();

function makeAdapter(overrides: Partial<ZaloAdapterOptions> = {}): ZaloChannelAdapter {
  const seed = fake.issueTokens();
  return createZaloAdapter({
    appId: fake.appId,
    appSecret: fake.appSecret,
    oaSecretKey: fake.oaSecretKey,
    apiBase: fake.apiBase,
    oauthBase: fake.oauthBase,
    tokens: { secrets: new MemorySecretRepo(), seed },
    ...overrides,
  });
}

function outbound(reply: Reply, id = `out-${Math.random().toString(36).slice(2)}`): OutboundMessage {
  return { id, channel: 'zalo', accountId: fake.oaId, userId: citizen, conversationId: `zalo:${fake.oaId}:${citizen}`, reply, purpose: 'response', lastInboundAt: Date.now() };
}

beforeEach(async () => {
  fake = await new FakeZalo().start();
  inbound = [];
  rejected = 0;
  const seen = new Set<string>();
  // Stands in for http/webhooks.router: verify the raw body, parse, dedupe on externalId, answer 200.
  sink = await new WebhookSink(({ raw, headers }) => {
    if (!adapter.verify(raw, headers)) {
      rejected++;
      return 401;
    }
    for (const event of adapter.parse(raw)) {
      if (seen.has(event.externalId)) continue;
      seen.add(event.externalId);
      inbound.push(event);
    }
    return 200;
  }).start();
  fake.webhookUrl = sink.url;
  fake.echoSends = true;
  adapter = makeAdapter();
});

afterEach(async () => {
  await fake.stop();
  await sink.stop();
});

describe('createZaloAdapter: inbound', () => {
  it('When Zalo delivers a signed text twice, then it is accepted both times and handled once', async () => {
    const driver = new ZaloWebhookDriver({ url: sink.url, appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey });
    const delivery = driver.text(citizen, 'Làm căn cước công dân ở đâu?');

    expect((await driver.deliver(delivery)).status).toBe(200);
    expect((await driver.redeliver(delivery)).status).toBe(200);

    expect(inbound).toEqual([
      {
        channel: 'zalo',
        externalId: (delivery.event.message as { msg_id: string }).msg_id,
        userId: citizen,
        accountId: fake.oaId,
        kind: 'message',
        text: 'Làm căn cước công dân ở đâu?',
        timestamp: Number(delivery.event.timestamp),
      },
    ]);
  });

  it('When a request is signed with the wrong secret, then it is refused and nothing is handled', async () => {
    const forger = new ZaloWebhookDriver({ url: sink.url, appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.appSecret });
    expect((await forger.deliver(forger.text(citizen, 'giả mạo'))).status).toBe(401);
    expect(inbound).toEqual([]);
    expect(rejected).toBe(1);
  });

  it('When a follow is redelivered, then the synthetic id dedupes it', async () => {
    const driver = new ZaloWebhookDriver({ url: sink.url, appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey, signatureFormat: 'bare' });
    const follow = driver.follow(citizen);
    await driver.deliver(follow);
    await driver.redeliver(follow);
    expect(inbound.map((e) => [e.kind, e.userId])).toEqual([['follow', citizen]]);
  });

  it('When we send a message, then Zalo echoes it signed, the route accepts it, and one echo event with our msg_id results', async () => {
    const { externalId } = await adapter.send(outbound({ text: 'Dạ, Quý vị mang theo CCCD bản gốc.' }));
    await fake.flushEchoes();

    expect(fake.echoes).toHaveLength(1);
    expect(fake.echoes[0]).toMatchObject({ status: 200, source: 'api', event: { event_name: 'oa_send_text', sender: { id: fake.oaId }, recipient: { id: citizen } } });
    expect(sink.received).toHaveLength(1);
    expect(inbound).toEqual([
      { channel: 'zalo', externalId, userId: citizen, accountId: fake.oaId, kind: 'echo', text: 'Dạ, Quý vị mang theo CCCD bản gốc.', timestamp: expect.any(Number) },
    ]);
  });

  it('When parse gets a non-body, then it returns no events', () => {
    expect(adapter.parse(undefined)).toEqual([]);
    expect(adapter.parse(42)).toEqual([]);
  });
});

describe('createZaloAdapter: send', () => {
  it('When a reply is sent, then externalId is Zalo message_id and capabilities match the text mode', async () => {
    const result = await adapter.send(outbound({ text: 'Xin chào' }));
    expect(result).toEqual({ externalId: fake.sent[0]!.messageId, externalIds: [fake.sent[0]!.messageId] });
    expect(adapter.kind).toBe('zalo');
    expect(adapter.capabilities).toEqual({ maxButtons: 0, maxTextLength: 2000 });
  });

  it('When a reply has buttons and a link in text mode, then one text carries the link, the numbered list and the hint', async () => {
    await adapter.send(
      outbound({
        text: 'Quý vị muốn hỏi về thủ tục nào?',
        buttons: [
          { title: 'Khai sinh', payload: 'khai-sinh' },
          { title: 'Kết hôn', payload: 'ket-hon' },
        ],
        link: { title: 'Cổng Dịch vụ công', url: 'https://dichvucong.gov.vn' },
      }),
    );
    const text = (fake.sent[0]!.message as { text: string }).text;
    expect(text).toBe(
      'Quý vị muốn hỏi về thủ tục nào?\n\nCổng Dịch vụ công: https://dichvucong.gov.vn\n\n1. Khai sinh\n2. Kết hôn\n\nBạn hãy trả lời bằng số thứ tự (ví dụ: 1) hoặc gõ nội dung lựa chọn.',
    );
  });

  it('When the adapter is in template mode, then capabilities offer 5 buttons and they ride on the last message', async () => {
    const templated = makeAdapter({ buttons: 'template' });
    expect(templated.capabilities.maxButtons).toBe(5);
    const long = 'Hồ sơ cần chuẩn bị gồm nhiều giấy tờ khác nhau tùy trường hợp. '.repeat(40);

    const result = await templated.send(outbound({ text: long, buttons: [{ title: 'Nộp trực tuyến', payload: 'nop truc tuyen' }] }));

    expect(result.externalIds).toHaveLength(fake.sent.length);
    expect(fake.sent.length).toBeGreaterThan(1);
    expect(fake.sent.slice(0, -1).every((m) => m.message.attachment === undefined)).toBe(true);
    expect(fake.sent.at(-1)!.message.attachment).toEqual({
      type: 'template',
      payload: { buttons: [{ title: 'Nộp trực tuyến', type: 'oa.query.show', payload: 'nop truc tuyen' }] },
    });
  });

  it('When a news item is sent, then it is a consultation message on /message/cs, never transaction or promotion', async () => {
    const result = await adapter.send({ ...outbound({ text: 'Tin mới: lịch tiếp công dân tháng 12.' }), purpose: 'news' });
    expect(result.externalId).toBe(fake.sent[0]!.messageId);
    const paths = fake.requests.filter((r) => r.path.startsWith('/v3.0/oa/message') || r.path.startsWith('/v2.0/oa/message')).map((r) => r.path);
    expect(paths).toEqual([CS_PATH]);
    expect(fake.requests.some((r) => /transaction|promotion/.test(r.path))).toBe(false);
  });

  it('When a news item goes to a citizen outside the 7-day window, then a window ChannelSendError (-230)', async () => {
    fake.windowClosed.add(citizen);
    await expect(adapter.send({ ...outbound({ text: 'Tin mới' }), purpose: 'news' })).rejects.toMatchObject({ kind: 'window', platformCode: -230 });
  });

  it('When the citizen is outside the 7-day window, then send throws a window ChannelSendError with -230', async () => {
    fake.windowClosed.add(citizen);
    const error = await adapter.send(outbound({ text: 'Hồ sơ của Quý vị đã có kết quả.' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ kind: 'window', platformCode: -230 });
  });

  it('When Zalo rejects the payload (-201), then the failure is permanent', async () => {
    fake.failNext(-201, 1, { path: CS_PATH, message: 'user_id is invalid!' });
    await expect(adapter.send(outbound({ text: 'a' }))).rejects.toMatchObject({ kind: 'permanent', platformCode: -201 });
  });

  it('When Zalo rate-limits (-32), then the failure is retryable', async () => {
    fake.failNext(-32, 1, { path: CS_PATH });
    await expect(adapter.send(outbound({ text: 'a' }))).rejects.toMatchObject({ kind: 'retryable', platformCode: -32 });
  });

  it('When Zalo says the token is invalid once, then the adapter send still succeeds after one refresh', async () => {
    fake.failNext(-216, 1, { path: CS_PATH });
    await expect(adapter.send(outbound({ text: 'a' }))).resolves.toMatchObject({ externalId: expect.any(String) });
    expect(fake.requestsTo('/v4/oa/access_token')).toHaveLength(1);
  });

  it('When a multi-part reply fails midway, then the retry resumes at the failed part without resending the first', async () => {
    let csCalls = 0;
    const failSecond: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      if (input.endsWith(CS_PATH) && ++csCalls === 1) fake.failNext(-200, 1, { path: CS_PATH });
      return response;
    };
    const flaky = makeAdapter({ fetch: failSecond });
    const message = outbound({ text: Array.from({ length: 100 }, (_, i) => `Bước ${i + 1} là chuẩn bị hồ sơ đầy đủ theo quy định.`).join(' ') });

    await expect(flaky.send(message)).rejects.toMatchObject({ kind: 'retryable', platformCode: -200 });
    expect(fake.sent).toHaveLength(1);
    const result = await flaky.send(message);

    const texts = fake.sent.map((m) => (m.message as { text: string }).text);
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(texts).size).toBe(texts.length); // nothing delivered twice
    expect(result.externalIds).toEqual(fake.sent.map((m) => m.messageId));
  });

  it('When the message is for another channel or empty, then it is refused as permanent', async () => {
    await expect(adapter.send({ ...outbound({ text: 'a' }), channel: 'messenger' })).rejects.toMatchObject({ kind: 'permanent' });
    await expect(adapter.send(outbound({ text: '   ' }))).rejects.toMatchObject({ kind: 'permanent' });
    expect(fake.requestsTo(CS_PATH)).toHaveLength(0);
  });
});
