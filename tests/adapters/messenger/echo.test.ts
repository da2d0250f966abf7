import { afterEach, describe, expect, it } from 'vitest';
import { createMessengerAdapter, PAGE_INBOX_APP_ID, parseMessengerEvents, verifyMessengerSignature } from '../../../adapters/messenger/index.js';
import type { InboundEvent } from '../../../src/domain/message.js';
import { FakeGraph, hubSignature256, MessengerWebhookDriver, newPsid, PAGE_INBOX_APP_ID as FAKE_PAGE_INBOX_APP_ID } from '../../fakes/messenger/index.js';
import { WebhookSink } from '../../fakes/zalo/index.js';
import { fixture, outbound } from './helpers.js';

/**
 * Echoes (`message_echoes`): a message the Page sent, by our app or by staff in Meta Business Suite,
 * becomes kind 'echo' with the citizen (the recipient) as userId and the sending app in echoAppId, so the
 * core can hand the conversation to staff (news-handoff-languages.md B.1.2, B.5 item 4).
 */

const PAGE = '104857392017465';
const CITIZEN = '7254981036475821';
const APP_SECRET = 'fb-app-secret-3c1d9e7a';

describe('parseMessengerEvents: echoes (recorded fixtures)', () => {
  it('When our own app echoes a text (app_id given), then one echo event with the citizen as userId and echoAppId', () => {
    expect(parseMessengerEvents(fixture('echo.json'))).toEqual([
      {
        channel: 'messenger',
        externalId: 'm_EC9zZ8yY7xX6wW5vV4uU3tT2sS1rR0qQ9pP8oO7nN6mM5lL4kK3jJ2iI1hH0gG9fF8eE7dD6cC5bB4aA3zZ2yY1',
        userId: CITIZEN,
        accountId: PAGE,
        kind: 'echo',
        echoAppId: '1517776481860111',
        text: 'Dạ, hồ sơ gồm tờ khai và giấy chứng sinh.',
        timestamp: 1735690000123,
      },
    ]);
  });

  it('When staff answer from Meta Business Suite (Page Inbox 263902037430900), then an echo with that echoAppId', () => {
    expect(PAGE_INBOX_APP_ID).toBe('263902037430900');
    expect(FAKE_PAGE_INBOX_APP_ID).toBe(PAGE_INBOX_APP_ID);
    expect(parseMessengerEvents(fixture('echo-page-inbox.json'))).toEqual([
      {
        channel: 'messenger',
        externalId: expect.stringMatching(/^m_Pi9/),
        userId: CITIZEN,
        accountId: PAGE,
        kind: 'echo',
        echoAppId: '263902037430900',
        text: 'Chào anh, em là Hạnh ở tổng đài 1022. Em xem hồ sơ giúp anh nhé.',
        timestamp: 1735690300123,
      },
    ]);
  });

  it('When staff send an image from Page Inbox, then an echo without text, carrying the image', () => {
    const events = parseMessengerEvents(fixture('echo-page-inbox-image.json'));
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'echo',
        userId: CITIZEN,
        echoAppId: '263902037430900',
        attachments: [{ type: 'image', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/mau-to-khai.png?_nc_cat=104&oh=00_AfB' }],
      }),
    ]);
    expect(events[0]).not.toHaveProperty('text');
  });

  it('When our button template is echoed, then the echo text is the template text', () => {
    expect(parseMessengerEvents(fixture('echo-template.json'))).toEqual([
      expect.objectContaining({ kind: 'echo', userId: CITIZEN, echoAppId: '1517776481860111', text: 'Quý vị muốn hỏi thêm về:', attachments: [{ type: 'template' }] }),
    ]);
  });

  it('When a deleted echo arrives, then it is dropped', () => {
    expect(parseMessengerEvents(fixture('echo-deleted.json'))).toEqual([]);
  });

  it('When an echo has no app_id, or one above 2^53 in the raw body, then echoAppId is absent, or keeps every digit', () => {
    const driver = new MessengerWebhookDriver({ appSecret: APP_SECRET, pageId: PAGE });
    const item = driver.echo(CITIZEN, 'x', { mid: 'm_noapp' });
    delete (item.message as Record<string, unknown>).app_id;
    const [noApp] = parseMessengerEvents(driver.envelope(item).body);
    expect(noApp).toMatchObject({ kind: 'echo', externalId: 'm_noapp' });
    expect(noApp).not.toHaveProperty('echoAppId');

    const raw = fixture('echo.json').toString('utf8').replace('"app_id":1517776481860111', '"app_id":9123456789012345678');
    expect(parseMessengerEvents(Buffer.from(raw))[0]?.echoAppId).toBe('9123456789012345678');
    expect(parseMessengerEvents(JSON.parse(raw))[0]).not.toHaveProperty('echoAppId'); // already rounded: not trusted
    const quotedInText = fixture('echo.json').toString('utf8').replace('"text":"', '"text":"\\"app_id\\":9123456789012345678 ');
    expect(parseMessengerEvents(Buffer.from(quotedInText))[0]?.text).toBe('"app_id":9123456789012345678 Dạ, hồ sơ gồm tờ khai và giấy chứng sinh.');
  });

  it('When an echo is addressed to the Page itself or has no mid, then it is dropped', () => {
    const driver = new MessengerWebhookDriver({ appSecret: APP_SECRET, pageId: PAGE });
    const toPage = { ...driver.echo(CITIZEN, 'x'), recipient: { id: PAGE } };
    const noMid = driver.echo(CITIZEN, 'x');
    delete (noMid.message as Record<string, unknown>).mid;
    expect(parseMessengerEvents(driver.envelope(toPage, noMid).body)).toEqual([]);
  });

  it('When an echo arrives in standby (another app owns the thread), then it stays dropped like every standby item', () => {
    const driver = new MessengerWebhookDriver({ appSecret: APP_SECRET, pageId: PAGE });
    expect(parseMessengerEvents(driver.entries([{ standby: [driver.echo(CITIZEN, 'x')] }]).body)).toEqual([]);
  });

  it('When citizen messages, postbacks and receipts arrive, then they parse exactly as before', () => {
    expect(parseMessengerEvents(fixture('text.json'))).toMatchObject([{ kind: 'message', userId: CITIZEN, accountId: PAGE }]);
    expect(parseMessengerEvents(fixture('postback.json'))).toMatchObject([{ kind: 'postback' }]);
    expect(parseMessengerEvents(fixture('read-delivery.json'))).toEqual([]);
    expect(parseMessengerEvents(fixture('batch.json')).map((e) => e.externalId)).toEqual(['m_B1', 'm_B2', 'm_B3']);
  });
});

describe('FakeGraph: echoes to a webhook', () => {
  let fake: FakeGraph | undefined;
  let sink: WebhookSink | undefined;

  afterEach(async () => {
    await fake?.stop();
    await sink?.stop();
    fake = undefined;
    sink = undefined;
  });

  async function setUp() {
    const events: InboundEvent[] = [];
    let verify: (raw: Buffer, headers: Record<string, string | string[] | undefined>) => boolean = () => false;
    sink = await new WebhookSink(({ raw, headers }) => {
      if (!verify(raw, headers)) return 401;
      events.push(...parseMessengerEvents(raw));
      return 200;
    }).start();
    fake = await new FakeGraph({ webhookUrl: sink.url, echoSends: true }).start();
    const adapter = createMessengerAdapter({ appSecret: fake.appSecret, pageAccessToken: fake.pageAccessToken, verifyToken: 'v', graphBase: fake.base });
    verify = (raw, headers) => adapter.verify(raw, headers);
    const psid = newPsid();
    fake.interact(psid);
    return { fake, sink, events, adapter, psid };
  }

  it('When echoSends is not set (the default), then a send posts no echo, even with a webhookUrl; staffSend needs a webhookUrl', async () => {
    const received: unknown[] = [];
    sink = await new WebhookSink((request) => {
      received.push(request);
      return 200;
    }).start();
    fake = await new FakeGraph({ webhookUrl: sink.url }).start();
    expect(fake.echoSends).toBe(false);
    const psid = newPsid();
    fake.interact(psid);
    const adapter = createMessengerAdapter({ appSecret: fake.appSecret, pageAccessToken: fake.pageAccessToken, verifyToken: 'v', graphBase: fake.base });
    await adapter.send(outbound(fake.pageId, psid, { text: 'xin chào' }));
    await fake.echoesSettled();
    expect(fake.echoes).toEqual([]);
    expect(received).toEqual([]);
    fake.webhookUrl = undefined;
    await expect(fake.staffSend(psid, 'x')).rejects.toThrow(/webhookUrl/);
  });

  it('When we send, then the fake posts a signed message_echoes item (is_echo, our app_id, the returned mid), verifiable by the adapter', async () => {
    const { fake, sink, events, adapter, psid } = await setUp();
    const { externalId } = await adapter.send(outbound(fake.pageId, psid, { text: 'Dạ, lệ phí 0 đồng / miễn phí' }));
    await fake.echoesSettled();

    expect(sink.received).toHaveLength(1);
    const { raw, headers } = sink.received[0]!;
    expect(verifyMessengerSignature(raw, headers, fake.appSecret)).toEqual({ valid: true });
    expect(headers['x-hub-signature-256']).toBe(hubSignature256(fake.appSecret, raw));
    expect(raw.toString('utf8')).toContain('\\/'); // encoded like Meta
    expect(JSON.parse(raw.toString('utf8'))).toMatchObject({
      object: 'page',
      entry: [{ id: fake.pageId, messaging: [{ sender: { id: fake.pageId }, recipient: { id: psid }, message: { mid: externalId, is_echo: true, app_id: Number(fake.appId) } }] }],
    });
    expect(fake.echoes).toMatchObject([{ status: 200, source: 'api' }]);
    expect(events).toEqual([
      { channel: 'messenger', externalId, userId: psid, accountId: fake.pageId, kind: 'echo', echoAppId: fake.appId, text: 'Dạ, lệ phí 0 đồng / miễn phí', timestamp: expect.any(Number) },
    ]);
  });

  it('When we send a link (a button template), then its echo carries the template and parses with the template text', async () => {
    const { fake, events, adapter, psid } = await setUp();
    const { externalIds } = await adapter.send(outbound(fake.pageId, psid, { text: 'Xem chi tiết thủ tục:', link: { title: 'Cổng DVC', url: 'https://dichvucong.gov.vn/' } }));
    await fake.echoesSettled();
    const templateBody = fake.sent.map((m) => m.message.attachment as { payload?: { text?: string } } | undefined).find((a) => a)!;
    expect(events.map((e) => e.externalId).sort()).toEqual([...externalIds].sort());
    expect(events.every((e) => e.kind === 'echo' && e.echoAppId === fake.appId && e.userId === psid)).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ text: templateBody.payload!.text, attachments: [{ type: 'template' }] }));
  });

  it('When staff answer in Meta Business Suite (staffSend), then a signed echo from Page Inbox with a NEW mid arrives', async () => {
    const { fake, sink, events, adapter, psid } = await setUp();
    const { externalId: ours } = await adapter.send(outbound(fake.pageId, psid, { text: 'Bot' }));
    const staffMid = await fake.staffSend(psid, 'Em là tổng đài viên, em hỗ trợ anh ạ.');
    const otherMid = await fake.staffSend(psid, 'Từ ứng dụng khác', { appId: '777000111222333' });
    await fake.echoesSettled();

    expect(fake.sent.map((m) => m.messageId)).toEqual([ours]);
    expect(fake.requests.some((r) => JSON.stringify(r.response).includes(staffMid))).toBe(false);
    expect(fake.staffSent.map((m) => [m.messageId, m.psid, m.appId])).toEqual([
      [staffMid, psid, '263902037430900'],
      [otherMid, psid, '777000111222333'],
    ]);
    for (const request of sink.received) expect(verifyMessengerSignature(request.raw, request.headers, fake.appSecret).valid).toBe(true);
    expect(events.map((e) => [e.kind, e.externalId, e.userId, e.echoAppId])).toEqual(
      expect.arrayContaining([
        ['echo', ours, psid, fake.appId],
        ['echo', staffMid, psid, '263902037430900'],
        ['echo', otherMid, psid, '777000111222333'],
      ]),
    );
    expect(fake.echoes.map((e) => e.source).sort()).toEqual(['api', 'staff', 'staff']);
  });

  it('When the webhook cannot be reached, then the send still succeeds, the echo is recorded as an error, and nothing throws', async () => {
    fake = await new FakeGraph({ webhookUrl: 'http://127.0.0.1:9/unreachable', echoSends: true }).start();
    const psid = newPsid();
    fake.interact(psid);
    const adapter = createMessengerAdapter({ appSecret: fake.appSecret, pageAccessToken: fake.pageAccessToken, verifyToken: 'v', graphBase: fake.base });
    await adapter.send(outbound(fake.pageId, psid, { text: 'xin chào' }));
    await fake.staffSend(psid, 'staff');
    await fake.echoesSettled();
    expect(fake.echoes.map((e) => [e.source, e.status])).toEqual([
      ['api', 'error'],
      ['staff', 'error'],
    ]);
  });
});
