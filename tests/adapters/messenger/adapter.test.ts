import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerAdapter, type MessengerAdapterOptions, type MessengerChannelAdapter } from '../../../adapters/messenger/index.js';
import type { Reply } from '../../../src/domain/message.js';
import { ChannelSendError } from '../../../src/ports/channel.js';
import type { Logger } from '../../../src/ports/logger.js';
import { FakeGraph, MessengerWebhookDriver, MessengerWebhookReceiver, newPsid } from '../../fakes/messenger/index.js';
import { DAY, HOUR, outbound } from './helpers.js';

const VERIFY_TOKEN = 'verify-1022-messenger';
let fake: FakeGraph;
let receiver: MessengerWebhookReceiver;
let driver: MessengerWebhookDriver;
let adapter: MessengerChannelAdapter;
let citizen: string;

function makeAdapter(overrides: Partial<MessengerAdapterOptions> = {}): MessengerChannelAdapter {
  return createMessengerAdapter({
    appSecret: fake.appSecret,
    pageAccessToken: fake.pageAccessToken,
    verifyToken: VERIFY_TOKEN,
    graphBase: fake.base,
    ...overrides,
  });
}

/** Sends through the adapter and returns the ChannelSendError it throws. */
async function refusal(promise: Promise<unknown>): Promise<ChannelSendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelSendError);
  return error as ChannelSendError;
}

function capturingLogger(): Logger & { records: { level: string; obj: unknown; msg?: string }[] } {
  const records: { level: string; obj: unknown; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      records.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
    };
  const logger = { fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace'), child: () => logger, records };
  return logger as Logger & { records: typeof records };
}

const sentBodies = () => fake.requestsTo().map((r) => r.json as Record<string, unknown>);

beforeEach(async () => {
  fake = await new FakeGraph().start();
  adapter = makeAdapter();
  receiver = await new MessengerWebhookReceiver({
    handshake: (q) => adapter.handshake(q),
    verify: (raw, headers) => adapter.verify(raw, headers),
    parse: (body) => adapter.parse(body),
  }).start();
  driver = new MessengerWebhookDriver({ url: receiver.url, appSecret: fake.appSecret, pageId: fake.pageId, appId: fake.appId });
  citizen = newPsid();
  fake.interact(citizen);
});

afterEach(async () => {
  await fake.stop();
  await receiver.stop();
});

describe('createMessengerAdapter: webhook', () => {
  it('When Meta verifies the webhook with our token, then the challenge is echoed; with another token, 403', async () => {
    const good = await driver.handshake(VERIFY_TOKEN);
    expect(good).toMatchObject({ status: 200, body: good.challenge });

    const bad = await driver.handshake('not-our-token');
    expect(bad.status).toBe(403);
    expect(bad.body).not.toContain(bad.challenge);
  });

  it('When Meta delivers a signed message twice, then both are accepted and it is handled once', async () => {
    const item = driver.text(citizen, 'Làm hộ chiếu cần giấy tờ gì?');
    const delivery = driver.envelope(item);

    expect((await driver.deliver(delivery)).status).toBe(200);
    expect((await driver.redeliver(delivery)).status).toBe(200);

    expect(receiver.events).toEqual([
      {
        channel: 'messenger',
        externalId: (item.message as { mid: string }).mid,
        userId: citizen,
        accountId: fake.pageId,
        kind: 'message',
        text: 'Làm hộ chiếu cần giấy tờ gì?',
        timestamp: item.timestamp,
      },
    ]);
    expect(receiver.duplicates).toBe(1);
  });

  it('When our route fails once, then Meta-style redelivery brings the same mid and it is still handled once', async () => {
    receiver.failNext(500);
    const statuses = await driver.deliverWithRetries(driver.envelope(driver.postback(citizen, 'Bắt đầu', 'GET_STARTED')));
    expect(statuses).toEqual([500, 200]);
    expect(receiver.events).toHaveLength(1);
    expect(receiver.events[0]).toMatchObject({ kind: 'postback', payload: 'GET_STARTED', text: 'Bắt đầu' });
  });

  it('When a body is signed with another secret or unsigned, then it is refused with 401 and nothing is handled', async () => {
    const forger = new MessengerWebhookDriver({ url: receiver.url, appSecret: 'not-the-app-secret', pageId: fake.pageId });
    expect((await forger.deliver(forger.envelope(forger.text(citizen, 'giả mạo')))).status).toBe(401);

    const delivery = driver.envelope(driver.text(citizen, 'không ký'));
    const { ['X-Hub-Signature-256']: _dropped, ...unsigned } = delivery.headers;
    expect((await driver.deliver({ ...delivery, headers: unsigned })).status).toBe(401);

    expect(receiver.rejected).toBe(2);
    expect(receiver.events).toEqual([]);
  });

  it('When a batch mixes a quick reply, an attachment, receipts, a reaction and an echo, then the citizen messages and the echo are handled', async () => {
    const mid = 'm_previous';
    const delivery = driver.envelope(
      driver.quickReply(citizen, 'Lệ phí', 'FOLLOW_UP:fee'),
      driver.read(citizen),
      driver.delivery(citizen, [mid]),
      driver.reaction(citizen, mid),
      driver.echo(citizen, 'Dạ, lệ phí là 0 đồng.'),
      driver.attachments(citizen, [{ type: 'image', url: 'https://scontent.xx.fbcdn.net/v/cccd.jpg' }]),
    );
    expect((await driver.deliver(delivery)).status).toBe(200);
    expect(receiver.events.map((e) => [e.kind, e.userId, e.text, e.payload, e.attachments?.[0]?.type, e.echoAppId])).toEqual([
      ['message', citizen, 'Lệ phí', 'FOLLOW_UP:fee', undefined, undefined],
      ['echo', citizen, 'Dạ, lệ phí là 0 đồng.', undefined, undefined, fake.appId],
      ['message', citizen, undefined, undefined, 'image', undefined],
    ]);
  });

  it('When a send is echoed back by the platform, then the echo is verified and becomes one echo event with our mid and app', async () => {
    fake.webhookUrl = receiver.url;
    fake.echoSends = true;
    const { externalId } = await adapter.send(outbound(fake.pageId, citizen, { text: 'Xin chào / Hello' }));
    await fake.flushEchoes();
    expect(fake.echoes.map((e) => [e.status, e.source])).toEqual([[200, 'api']]);
    expect(receiver.events).toEqual([
      { channel: 'messenger', externalId, userId: citizen, accountId: fake.pageId, kind: 'echo', echoAppId: fake.appId, text: 'Xin chào / Hello', timestamp: expect.any(Number) },
    ]);
  });
});

describe('createMessengerAdapter: send and the window', () => {
  it('When a response is inside 24 h, then it goes out as RESPONSE and the message_id is returned', async () => {
    const result = await adapter.send(outbound(fake.pageId, citizen, { text: 'Dạ, Quý vị nộp tại UBND xã.' }, { lastInboundAt: Date.now() - 23 * HOUR }));

    expect(sentBodies()).toEqual([{ recipient: { id: citizen }, messaging_type: 'RESPONSE', message: { text: 'Dạ, Quý vị nộp tại UBND xã.' } }]);
    expect(result).toEqual({ externalId: fake.sent[0]!.messageId, externalIds: [fake.sent[0]!.messageId] });
    expect(adapter.capabilities).toEqual({ maxButtons: 13, maxTextLength: 2000 });
  });

  it('When a response is outside 24 h, then a window error is thrown without calling the API', async () => {
    const error = await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'muộn' }, { lastInboundAt: Date.now() - 25 * HOUR })));
    expect(error.kind).toBe('window');
    expect(error.platformCode).toBe('window:24h');
    expect(fake.requests).toEqual([]);
  });

  it('When an operator replies within 7 days, then it goes out with MESSAGE_TAG + HUMAN_AGENT and the platform accepts it', async () => {
    fake.interact(citizen, fake.now() - 5 * DAY);
    await adapter.send(outbound(fake.pageId, citizen, { text: 'Cán bộ xã trả lời: hồ sơ đã đủ.' }, { purpose: 'human_agent', lastInboundAt: Date.now() - 5 * DAY }));
    expect(sentBodies()[0]).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(fake.sent).toHaveLength(1);
  });

  it('When an operator replies after 7 days, then window, without calling the API', async () => {
    const error = await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'x' }, { purpose: 'human_agent', lastInboundAt: Date.now() - 8 * DAY })));
    expect(error).toMatchObject({ kind: 'window', platformCode: 'window:7d' });
    expect(fake.requests).toEqual([]);
  });

  it('When an update is outside 24 h and ACCOUNT_UPDATE is not enabled, then window without calling the API', async () => {
    const error = await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'Hồ sơ đã có kết quả.' }, { purpose: 'update', lastInboundAt: Date.now() - 3 * DAY })));
    expect(error.kind).toBe('window');
    expect(fake.requests).toEqual([]);
  });

  it('When an update is outside 24 h and ACCOUNT_UPDATE is enabled, then it goes out with that tag', async () => {
    fake.interact(citizen, fake.now() - 3 * DAY);
    const tagged = makeAdapter({ accountUpdateTag: true });
    await tagged.send(outbound(fake.pageId, citizen, { text: 'Hồ sơ đã có kết quả.' }, { purpose: 'update', lastInboundAt: Date.now() - 3 * DAY }));
    expect(sentBodies()[0]).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' });
  });

  it('When an update is inside 24 h, then RESPONSE is used even with ACCOUNT_UPDATE enabled', async () => {
    await makeAdapter({ accountUpdateTag: true }).send(outbound(fake.pageId, citizen, { text: 'Cập nhật' }, { purpose: 'update' }));
    expect(sentBodies()[0]).toMatchObject({ messaging_type: 'RESPONSE' });
    expect(sentBodies()[0]).not.toHaveProperty('tag');
  });

  it('When a news item is inside 24 h, then it goes out as UPDATE without a tag, even with every tag option on', async () => {
    const tagging = makeAdapter({ accountUpdateTag: true, humanAgentTag: true });
    await tagging.send(outbound(fake.pageId, citizen, { text: 'Tin mới: tuyển dụng viên chức 2027.' }, { purpose: 'news', lastInboundAt: Date.now() - 23 * HOUR - 59 * 60_000 }));
    expect(sentBodies()).toEqual([{ recipient: { id: citizen }, messaging_type: 'UPDATE', message: { text: 'Tin mới: tuyển dụng viên chức 2027.' } }]);
    expect(fake.sent).toHaveLength(1);
  });

  it('When a news item is past 24 h, then a window error without calling the API, never a tagged send', async () => {
    const tagging = makeAdapter({ accountUpdateTag: true, humanAgentTag: true });
    const error = await refusal(tagging.send(outbound(fake.pageId, citizen, { text: 'Tin mới' }, { purpose: 'news', lastInboundAt: Date.now() - 24 * HOUR - 60_000 })));
    expect(error).toMatchObject({ kind: 'window', platformCode: 'window:24h' });
    expect(fake.requests).toEqual([]);
  });

  it('When the adapter clock is injected, then the window is judged on it', async () => {
    const lastInboundAt = Date.UTC(2026, 0, 1);
    const late = makeAdapter({ now: () => lastInboundAt + DAY + 1 });
    expect((await refusal(late.send(outbound(fake.pageId, citizen, { text: 'x' }, { lastInboundAt })))).kind).toBe('window');
  });

  it('When the adapter thinks the window is open but Meta says it is closed (10/2018278), then window', async () => {
    fake.interact(citizen, fake.now() - 2 * DAY);
    const error = await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'x' })));
    expect(error).toMatchObject({ kind: 'window', platformCode: '10/2018278' });
  });
});

describe('createMessengerAdapter: rendering on the wire', () => {
  it('When a reply has buttons, then they go out as quick replies the platform accepts', async () => {
    const reply: Reply = { text: 'Quý vị muốn biết thêm?', buttons: [{ title: 'Hồ sơ', payload: 'FU:documents' }, { title: 'Lệ phí', payload: 'FU:fee' }] };
    await adapter.send(outbound(fake.pageId, citizen, reply));
    expect((sentBodies()[0]!.message as Record<string, unknown>).quick_replies).toEqual([
      { content_type: 'text', title: 'Hồ sơ', payload: 'FU:documents' },
      { content_type: 'text', title: 'Lệ phí', payload: 'FU:fee' },
    ]);
  });

  it('When a reply has 14 buttons, then a numbered text goes out instead of quick replies', async () => {
    const buttons = Array.from({ length: 14 }, (_, i) => ({ title: `Thủ tục ${i + 1}`, payload: `P${i + 1}` }));
    await adapter.send(outbound(fake.pageId, citizen, { text: 'Chọn:', buttons }));
    const message = sentBodies()[0]!.message as Record<string, unknown>;
    expect(message.quick_replies).toBeUndefined();
    expect(message.text).toContain('14. Thủ tục 14');
  });

  it('When the text is over 2,000 characters, then several messages go out in order and the first id is returned', async () => {
    const text = 'Bước 1: chuẩn bị hồ sơ theo hướng dẫn của cơ quan tiếp nhận.\n'.repeat(80);
    const result = await adapter.send(outbound(fake.pageId, citizen, { text, buttons: [{ title: 'Xong', payload: 'DONE' }] }));

    const messages = sentBodies().map((b) => b.message as { text: string; quick_replies?: unknown[] });
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages.every((m) => m.text.length <= 2000)).toBe(true);
    expect(messages.map((m) => m.text).join('\n')).toBe(text.trim());
    expect(messages.slice(0, -1).every((m) => m.quick_replies === undefined)).toBe(true);
    expect(messages.at(-1)?.quick_replies).toHaveLength(1);
    expect(result.externalIds).toEqual(fake.sent.map((s) => s.messageId));
    expect(result.externalId).toBe(fake.sent[0]!.messageId);
  });

  it('When part 2 of a split reply fails, then a retry resumes at part 2 without repeating part 1', async () => {
    const text = `${'Đoạn một. '.repeat(150)}\n\n${'Đoạn hai. '.repeat(150)}`;
    const message = outbound(fake.pageId, citizen, { text });
    fake.setRateLimit({ max: 1, windowMs: 60_000 });
    expect((await refusal(adapter.send(message))).kind).toBe('retryable');
    fake.setRateLimit(undefined);

    const result = await adapter.send(message);
    expect(fake.sent).toHaveLength(2);
    expect(result.externalIds).toEqual(fake.sent.map((s) => s.messageId));
  });

  it('When a link fits, then a web_url button template goes out', async () => {
    await adapter.send(outbound(fake.pageId, citizen, { text: 'Nộp trực tuyến tại đây.', link: { title: 'Cổng DVC', url: 'https://dichvucong.gov.vn' } }));
    expect(sentBodies()[0]!.message).toEqual({
      attachment: { type: 'template', payload: { template_type: 'button', text: 'Nộp trực tuyến tại đây.', buttons: [{ type: 'web_url', url: 'https://dichvucong.gov.vn', title: 'Cổng DVC' }] } },
    });
  });

  it('When a typing indicator is shown, then it goes out alone with only the recipient', async () => {
    await adapter.senderAction(citizen, 'typing_on');
    await adapter.senderAction(citizen, 'typing_off');
    expect(sentBodies()).toEqual([
      { recipient: { id: citizen }, sender_action: 'typing_on' },
      { recipient: { id: citizen }, sender_action: 'typing_off' },
    ]);
  });

  it('When a message for another channel or an empty reply is given, then permanent without calling the API', async () => {
    expect((await refusal(adapter.send({ ...outbound(fake.pageId, citizen, { text: 'x' }), channel: 'zalo' }))).kind).toBe('permanent');
    expect((await refusal(adapter.send(outbound(fake.pageId, citizen, { text: ' ' })))).kind).toBe('permanent');
    expect(fake.requests).toEqual([]);
  });
});

describe('createMessengerAdapter: failures', () => {
  it('When the Page token is invalid (190), then permanent and logged as an alert', async () => {
    const logger = capturingLogger();
    const alerted = makeAdapter({ logger });
    fake.revokeToken();
    const error = await refusal(alerted.send(outbound(fake.pageId, citizen, { text: 'x' })));
    expect(error).toMatchObject({ kind: 'permanent', platformCode: 190 });
    expect(logger.records).toContainEqual(expect.objectContaining({ level: 'error', obj: expect.objectContaining({ alert: true, code: 190 }) }));
    expect(JSON.stringify(logger.records)).not.toContain(fake.pageAccessToken);
  });

  it('When Meta rate-limits (613), answers 500, or the connection drops, then retryable', async () => {
    fake.failNext({ code: 613 });
    expect((await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'x' })))).kind).toBe('retryable');
    fake.failNextHttp(500, 'oops');
    expect((await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'x' })))).kind).toBe('retryable');
    fake.failNext({ code: 2 });
    expect((await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'x' })))).kind).toBe('retryable');
    fake.dropNext();
    expect((await refusal(adapter.senderAction(citizen, 'typing_on'))).kind).toBe('retryable');
  });

  it('When the citizen blocked the Page (551), then permanent', async () => {
    fake.block(citizen);
    expect(await refusal(adapter.send(outbound(fake.pageId, citizen, { text: 'x' })))).toMatchObject({ kind: 'permanent', platformCode: '551/1545041' });
  });
});
