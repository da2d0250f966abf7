import { afterEach, describe, expect, it } from 'vitest';
import { createZaloAdapter, parseZaloEvents, verifyZaloSignature, ZaloListener } from '../../../adapters/zalo/index.js';
import type { InboundEvent, OutboundMessage } from '../../../src/domain/message.js';
import { MemorySecretRepo } from '../../fakes/memory-secrets.js';
import { bigId, FakeZalo, WebhookSink, ZaloWebhookDriver } from '../../fakes/zalo/index.js';
import { fixture } from './helpers.js';

/**
 * Echoes (`oa_send_*`): a message the OA sent to a citizen, ours or staff's from the OA admin / Zalo app,
 * becomes kind 'echo' with the citizen (the echo's recipient) as userId, so the core can hand the
 * conversation to staff (news-handoff-languages.md B.1.3, B.5 item 4).
 */

const APP_ID = '4326753818218123541';
const OA_ID = '2491302944280861639';
const CITIZEN = '7316587439981642153';
const SECRET = 'oa-secret-9f8e7d';

describe('parseZaloEvents: echoes (recorded fixtures)', () => {
  it('When an oa_send_text echo arrives, then one echo event results with the citizen as userId and the OA as accountId', () => {
    expect(parseZaloEvents(fixture('oa-send-text.json'))).toEqual([
      {
        channel: 'zalo',
        externalId: 'echo-msg-0001',
        userId: CITIZEN,
        accountId: OA_ID,
        kind: 'echo',
        text: 'Dạ, thủ tục đăng ký khai sinh gồm...',
        timestamp: 1735689633000,
      },
    ]);
  });

  it('When an oa_send_image echo arrives, then it is an echo without text, carrying the image', () => {
    const events = parseZaloEvents(fixture('oa-send-image.json'));
    expect(events).toEqual([
      {
        channel: 'zalo',
        externalId: '2b6c0f4e9a1d4c7b8e3f5a6d7c8b9a01',
        userId: CITIZEN,
        accountId: OA_ID,
        kind: 'echo',
        attachments: [{ type: 'image', url: 'https://photo-stal-10.zdn.vn/w1280/bang-gia-le-phi.jpg' }],
        timestamp: 1735689645000,
      },
    ]);
    expect(events[0]).not.toHaveProperty('text');
    expect(events[0]).not.toHaveProperty('echoAppId'); // Zalo's app_id is the webhook's app, not the sender's
  });

  it('When each documented oa_send_* event arrives, then each is an echo; group chat echoes stay dropped', () => {
    const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET });
    for (const name of ['oa_send_text', 'oa_send_image', 'oa_send_gif', 'oa_send_list', 'oa_send_file', 'oa_send_sticker']) {
      const delivery = driver.build({ ...driver.echo(CITIZEN, 'x', { msgId: `id-${name}`, timestamp: '1735689650000' }).event, event_name: name });
      expect(parseZaloEvents(Buffer.from(delivery.raw)), name).toMatchObject([{ kind: 'echo', externalId: `id-${name}`, userId: CITIZEN, accountId: OA_ID }]);
    }
    expect(parseZaloEvents(fixture('oa-send-group-text.json'))).toEqual([]);
  });

  it('When an echo has ids as long bare numbers or lacks msg_id, then ids keep every digit and a stable synthetic id is used', () => {
    const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET, unquotedIds: true });
    const delivery = driver.echo(CITIZEN, 'Dạ', { timestamp: '1735689660000' });
    const noMsgId = delivery.raw.replace(/"msg_id":"[0-9a-f]+",/, '');
    expect(parseZaloEvents(Buffer.from(delivery.raw))).toMatchObject([{ userId: CITIZEN, accountId: OA_ID, kind: 'echo' }]);
    expect(parseZaloEvents(Buffer.from(noMsgId))).toMatchObject([{ externalId: `oa_send_text:${CITIZEN}:1735689660000`, kind: 'echo' }]);
  });

  it('When an echo lacks the recipient (no citizen), then nothing is produced', () => {
    const body = JSON.parse(fixture('oa-send-text.json').toString('utf8')) as Record<string, unknown>;
    delete body.recipient;
    expect(parseZaloEvents(body)).toEqual([]);
  });

  it('When an echo is signed, then the listener emits it as echo, as before', () => {
    const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET });
    const listener = new ZaloListener({ appId: APP_ID, oaSecretKey: SECRET });
    const seen: string[] = [];
    listener.on('echo', (e) => seen.push(e.message.msg_id));
    const echo = driver.echo(CITIZEN, 'b', { msgId: 'm9' });
    listener.handle(Buffer.from(echo.raw), echo.headers);
    const group = driver.build(JSON.parse(fixture('oa-send-group-text.json').toString('utf8')) as Record<string, unknown>);
    expect(listener.handle(Buffer.from(group.raw), group.headers).signature.valid).toBe(true);
    expect(seen).toEqual(['m9']);
  });

  it('When citizen messages, follows and receipts arrive, then they parse exactly as before', () => {
    expect(parseZaloEvents(fixture('user-send-text.json'))).toMatchObject([{ kind: 'message', userId: CITIZEN, accountId: OA_ID }]);
    expect(parseZaloEvents(fixture('follow.json'))).toMatchObject([{ kind: 'follow' }]);
    expect(parseZaloEvents(fixture('user-seen-message.json'))).toEqual([]);
  });
});

describe('FakeZalo: echoes to a webhook', () => {
  let fake: FakeZalo | undefined;
  let sink: WebhookSink | undefined;

  afterEach(async () => {
    await fake?.stop();
    await sink?.stop();
    fake = undefined;
    sink = undefined;
  });

  async function setUp(): Promise<{ fake: FakeZalo; sink: WebhookSink; events: InboundEvent[]; send: (text: string) => Promise<string>; citizen: string }> {
    const events: InboundEvent[] = [];
    let verify: (raw: Buffer, headers: Record<string, string | string[] | undefined>) => boolean = () => false;
    sink = await new WebhookSink(({ raw, headers }) => {
      if (!verify(raw, headers)) return 401;
      events.push(...parseZaloEvents(raw));
      return 200;
    }).start();
    fake = await new FakeZalo({ webhookUrl: sink.url, echoSends: true }).start();
    const adapter = createZaloAdapter({
      appId: fake.appId,
      appSecret: fake.appSecret,
      oaSecretKey: fake.oaSecretKey,
      apiBase: fake.apiBase,
      oauthBase: fake.oauthBase,
      tokens: { secrets: new MemorySecretRepo(), seed: fake.issueTokens() },
    });
    verify = (raw, headers) => adapter.verify(raw, headers);
    const citizen = bigId();
    const f = fake;
    const send = async (text: string) => {
      const message: OutboundMessage = { id: `out-${text.length}`, channel: 'zalo', accountId: f.oaId, userId: citizen, conversationId: `zalo:${f.oaId}:${citizen}`, reply: { text }, purpose: 'response', lastInboundAt: Date.now() };
      return (await adapter.send(message)).externalId;
    };
    return { fake: f, sink, events, send, citizen };
  }

  it('When echoSends is not set (the default), then a send posts no echo, even with a webhookUrl; staffSend needs a webhookUrl', async () => {
    const received: unknown[] = [];
    sink = await new WebhookSink((request) => {
      received.push(request);
      return 200;
    }).start();
    fake = await new FakeZalo({ webhookUrl: sink.url }).start();
    expect(fake.echoSends).toBe(false);
    const token = fake.issueTokens().accessToken;
    const response = await fetch(`${fake.apiBase}/v3.0/oa/message/cs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', access_token: token },
      body: JSON.stringify({ recipient: { user_id: bigId() }, message: { text: 'xin chào' } }),
    });
    expect(((await response.json()) as { error: number }).error).toBe(0);
    await fake.echoesSettled();
    expect(fake.echoes).toEqual([]);
    expect(received).toEqual([]);
    fake.webhookUrl = undefined;
    await expect(fake.staffSend(bigId(), 'x')).rejects.toThrow(/webhookUrl/);
  });

  it('When we send, then the fake posts a signed oa_send_text echo with the msg_id it returned, verifiable by the adapter', async () => {
    const { fake, sink, events, send, citizen } = await setUp();
    const msgId = await send('Dạ, Quý vị mang CCCD.');
    await fake.echoesSettled();

    expect(sink.received).toHaveLength(1);
    const { raw, headers } = sink.received[0]!;
    expect(verifyZaloSignature(raw, headers, { appId: fake.appId, oaSecretKey: fake.oaSecretKey })).toMatchObject({ valid: true, variant: 'mac-prefixed', appIdSource: 'body' });
    expect(JSON.parse(raw.toString('utf8'))).toMatchObject({
      app_id: fake.appId,
      event_name: 'oa_send_text',
      sender: { id: fake.oaId },
      recipient: { id: citizen },
      message: { msg_id: msgId, text: 'Dạ, Quý vị mang CCCD.' },
    });
    expect(fake.echoes).toMatchObject([{ status: 200, source: 'api' }]);
    expect(events).toEqual([{ channel: 'zalo', externalId: msgId, userId: citizen, accountId: fake.oaId, kind: 'echo', text: 'Dạ, Quý vị mang CCCD.', timestamp: expect.any(Number) }]);
  });

  it('When staff answer in the OA admin (staffSend), then a signed echo with a NEW msg_id, never returned by the API, arrives', async () => {
    const { fake, sink, events, send, citizen } = await setUp();
    const ours = await send('Bot trả lời');
    const staffId = await fake.staffSend(citizen, 'Chào anh, em là tổng đài viên.');
    await fake.echoesSettled();

    expect(fake.sent.map((m) => m.messageId)).toEqual([ours]);
    const returnedIds = fake.requests.map((r) => JSON.stringify(r.response));
    expect(returnedIds.some((r) => r.includes(staffId))).toBe(false);
    expect(fake.staffSent).toEqual([{ messageId: staffId, userId: citizen, text: 'Chào anh, em là tổng đài viên.', adminId: fake.staffAdminId }]);
    const staffRequest = sink.received.find((r) => r.raw.toString('utf8').includes(staffId))!;
    expect(verifyZaloSignature(staffRequest.raw, staffRequest.headers, { appId: fake.appId, oaSecretKey: fake.oaSecretKey }).valid).toBe(true);
    expect(JSON.parse(staffRequest.raw.toString('utf8'))).toMatchObject({ event_name: 'oa_send_text', sender: { id: fake.oaId, admin_id: fake.staffAdminId }, recipient: { id: citizen } });
    expect(events.map((e) => [e.kind, e.externalId, e.userId])).toEqual(
      expect.arrayContaining([
        ['echo', ours, citizen],
        ['echo', staffId, citizen],
      ]),
    );
    expect(fake.echoes.map((e) => e.source).sort()).toEqual(['api', 'staff']);
  });

  it('When the webhook cannot be reached, then the send still succeeds, the echo is recorded as an error, and nothing throws', async () => {
    fake = await new FakeZalo({ webhookUrl: 'http://127.0.0.1:9/unreachable', echoSends: true }).start();
    const token = fake.issueTokens().accessToken;
    const response = await fetch(`${fake.apiBase}/v3.0/oa/message/cs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', access_token: token },
      body: JSON.stringify({ recipient: { user_id: bigId() }, message: { text: 'xin chào' } }),
    });
    expect(((await response.json()) as { error: number }).error).toBe(0);
    await fake.staffSend(bigId(), 'staff');
    await fake.echoesSettled();
    expect(fake.echoes.map((e) => [e.source, e.status])).toEqual([
      ['api', 'error'],
      ['staff', 'error'],
    ]);
  });
});
