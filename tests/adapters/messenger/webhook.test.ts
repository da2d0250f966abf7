import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { handshake, parseMessengerEvents, verifyMessengerSignature } from '../../../adapters/messenger/index.js';
import { WebhookEventError } from '../../../src/ports/channel.js';
import { MessengerWebhookDriver, newPageId, newPsid } from '../../fakes/messenger/index.js';
import { fixture } from './helpers.js';

const PAGE = '104857392017465';
const CITIZEN = '7254981036475821';
const APP_SECRET = 'fb-app-secret-3c1d9e7a';

/** Computed once with OpenSSL: openssl dgst -sha256 -hmac 'fb-app-secret-3c1d9e7a' fixtures/text.json */
const TEXT_VECTOR = '9f8c41820c6234e0fb84d3cc1199a6f1b14c911cbe949f6f270863a739028013';

function hmacHex(key: string, data: Buffer | string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

describe('handshake', () => {
  const token = 'verify-1022-a8f3';

  it('When the mode is subscribe and the verify token matches, then the challenge is returned', () => {
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' }, token)).toBe('1158201444');
  });

  it('When the query was parsed into a nested hub object, then it is understood too', () => {
    expect(handshake({ hub: { mode: 'subscribe', verify_token: token, challenge: '42' } }, token)).toBe('42');
  });

  it('When the verify token is wrong, then undefined is returned (the router answers 403)', () => {
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-1022-a8f4', 'hub.challenge': '1' }, token)).toBeUndefined();
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': `${token}x`, 'hub.challenge': '1' }, token)).toBeUndefined();
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, token)).toBeUndefined();
  });

  it('When the mode is not subscribe, a parameter is missing or repeated, or no token is configured, then undefined is returned', () => {
    expect(handshake({ 'hub.mode': 'unsubscribe', 'hub.verify_token': token, 'hub.challenge': '1' }, token)).toBeUndefined();
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': token }, token)).toBeUndefined();
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': [token, token], 'hub.challenge': '1' }, token)).toBeUndefined();
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, '')).toBeUndefined();
  });

  it('When the challenge carries markup, then it is not reflected', () => {
    expect(handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '<script>x</script>' }, token)).toBeUndefined();
  });
});

describe('verifyMessengerSignature', () => {
  it('When the header is sha256= + HMAC-SHA256(app secret, raw body), then it is accepted (known vector)', () => {
    const raw = fixture('text.json');
    expect(hmacHex(APP_SECRET, raw)).toBe(TEXT_VECTOR);

    expect(verifyMessengerSignature(raw, { 'x-hub-signature-256': `sha256=${TEXT_VECTOR}` }, APP_SECRET)).toEqual({ valid: true });
  });

  it('When the header name is in Meta casing and the hex is upper case, then it is accepted', () => {
    const check = verifyMessengerSignature(fixture('text.json'), { 'X-Hub-Signature-256': `sha256=${TEXT_VECTOR.toUpperCase()}` }, APP_SECRET);
    expect(check.valid).toBe(true);
  });

  it('When the body is re-serialised after parsing (escapes lost), then the signature no longer matches', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(fixture('text.json').toString('utf8'))));
    expect(verifyMessengerSignature(reserialised, { 'x-hub-signature-256': `sha256=${TEXT_VECTOR}` }, APP_SECRET)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('When the signature was made with another secret, then it is rejected', () => {
    const forged = hmacHex('someone-elses-secret', fixture('text.json'));
    expect(verifyMessengerSignature(fixture('text.json'), { 'x-hub-signature-256': `sha256=${forged}` }, APP_SECRET)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('When one byte of the body changes after signing, then it is rejected', () => {
    const tampered = Buffer.from(fixture('text.json').toString('utf8').replace('khai sinh', 'khai tu'));
    expect(verifyMessengerSignature(tampered, { 'x-hub-signature-256': `sha256=${TEXT_VECTOR}` }, APP_SECRET).valid).toBe(false);
  });

  it('When the header is missing, malformed, only the legacy SHA-1 one, or no secret is configured, then it is rejected', () => {
    const raw = fixture('text.json');
    const sha1 = createHmac('sha1', APP_SECRET).update(raw).digest('hex');
    expect(verifyMessengerSignature(raw, {}, APP_SECRET)).toEqual({ valid: false, reason: 'missing-header' });
    expect(verifyMessengerSignature(raw, { 'x-hub-signature-256': TEXT_VECTOR }, APP_SECRET)).toEqual({ valid: false, reason: 'malformed-header' });
    expect(verifyMessengerSignature(raw, { 'x-hub-signature-256': `sha256=${TEXT_VECTOR.slice(2)}` }, APP_SECRET)).toEqual({ valid: false, reason: 'malformed-header' });
    expect(verifyMessengerSignature(raw, { 'x-hub-signature': `sha1=${sha1}` }, APP_SECRET)).toEqual({ valid: false, reason: 'missing-header' });
    expect(verifyMessengerSignature(raw, { 'x-hub-signature-256': `sha256=${TEXT_VECTOR}` }, '')).toEqual({ valid: false, reason: 'no-secret' });
  });

  it('When the driver signs a fresh event, then the adapter accepts it and a header list takes its first value', () => {
    const driver = new MessengerWebhookDriver({ appSecret: APP_SECRET, pageId: newPageId(), legacySha1: true });
    const delivery = driver.envelope(driver.text(newPsid(), 'Cấp lại căn cước / CCCD ở đâu?'));
    expect(delivery.raw).toContain('\\/');
    expect(delivery.raw).not.toMatch(/[^\x00-\x7f]/);
    expect(hmacHex(APP_SECRET, delivery.raw)).toBe(delivery.headers['X-Hub-Signature-256']!.slice('sha256='.length));

    expect(verifyMessengerSignature(Buffer.from(delivery.raw), delivery.headers, APP_SECRET).valid).toBe(true);
    expect(verifyMessengerSignature(Buffer.from(delivery.raw), { 'x-hub-signature-256': [delivery.headers['X-Hub-Signature-256']!, 'sha256=00'] }, APP_SECRET).valid).toBe(true);
  });
});

describe('parseMessengerEvents', () => {
  it('When a text message arrives, then it becomes one message event with the mid, PSID, Page id and ms timestamp', () => {
    expect(parseMessengerEvents(fixture('text.json'))).toEqual([
      {
        channel: 'messenger',
        externalId: 'm_Ks8fJ2nQzXb0vT4lYp1dWcR7uE9hA3gM6oN5iS2kL8jF0xC1vB4nZ7qW3eR6tY9uI2oP5aS8dF1gH4jK7lZ0xC3v',
        userId: CITIZEN,
        accountId: PAGE,
        kind: 'message',
        text: 'Xin chào, tôi muốn hỏi thủ tục đăng ký khai sinh. Xem https://dichvucong.gov.vn/p/home',
        timestamp: 1735689600123,
      },
    ]);
  });

  it('When the body is already parsed JSON or text, then the result is the same', () => {
    const raw = fixture('text.json');
    const expected = parseMessengerEvents(raw);
    expect(parseMessengerEvents(JSON.parse(raw.toString('utf8')))).toEqual(expected);
    expect(parseMessengerEvents(raw.toString('utf8'))).toEqual(expected);
  });

  it('When a quick reply is tapped, then payload is the quick_reply payload and text the button title', () => {
    expect(parseMessengerEvents(fixture('quick-reply.json'))).toEqual([
      expect.objectContaining({ kind: 'message', text: 'Lệ phí', payload: 'FOLLOW_UP:fee:1.001234', timestamp: 1735689700123 }),
    ]);
  });

  it('When a postback arrives, then it is a postback event keyed by postback.mid with title and payload', () => {
    expect(parseMessengerEvents(fixture('postback.json'))).toEqual([
      {
        channel: 'messenger',
        externalId: 'm_PB0zY9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8bA7zY6xW5vU4tS3rQ2pO1nM0lK9jI8hG7fE6dC5bA4zY3xW2',
        userId: CITIZEN,
        accountId: PAGE,
        kind: 'postback',
        text: 'Bắt đầu',
        payload: 'GET_STARTED',
        timestamp: 1735689800123,
      },
    ]);
  });

  it('When a postback has no mid (before v11.0), then its id is built from sender and timestamp, stably', () => {
    const [event] = parseMessengerEvents(fixture('postback-no-mid.json'));
    expect(event).toMatchObject({ kind: 'postback', payload: 'MENU_ASK', externalId: `postback:${CITIZEN}:1735689800456` });
    expect(parseMessengerEvents(fixture('postback-no-mid.json'))[0]?.externalId).toBe(event?.externalId);
  });

  it('When attachments arrive, then each keeps its type and URL and the message has no text', () => {
    const [event] = parseMessengerEvents(fixture('attachment.json'));
    expect(event).toEqual(
      expect.objectContaining({
        kind: 'message',
        attachments: [
          { type: 'image', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/cccd-mat-truoc.jpg?_nc_cat=1&oh=00_AfD' },
          { type: 'file', url: 'https://cdn.fbsbx.com/v/t59.2708-21/to-khai.pdf?_nc_cat=2' },
        ],
      }),
    );
    expect(event?.text).toBeUndefined();
  });

  it('When a sticker comes as both image and sticker attachments (2026 transition), then one sticker is kept', () => {
    const [event] = parseMessengerEvents(fixture('sticker.json'));
    expect(event?.attachments).toEqual([{ type: 'sticker', url: 'https://scontent.xx.fbcdn.net/v/t39.1997-6/like.png' }]);
  });


  it('When read, delivery and reaction events arrive, then nothing is produced', () => {
    expect(parseMessengerEvents(fixture('read-delivery.json'))).toEqual([]);
  });

  it('When one body has several entries and messaging items, then every message is produced in order with its Page, and standby entries are ignored', () => {
    const events = parseMessengerEvents(fixture('batch.json'));
    expect(events.map((e) => [e.externalId, e.accountId, e.userId, e.text])).toEqual([
      ['m_B1', PAGE, CITIZEN, 'Cho tôi hỏi'],
      ['m_B2', PAGE, CITIZEN, 'về hộ chiếu'],
      ['m_B3', '998877665544332', '24019384756102938', 'Trang khác'],
    ]);
  });

  it('When the body is not a page object or has no entries, then nothing is produced; invalid JSON text throws', () => {
    expect(parseMessengerEvents({ object: 'instagram', entry: [] })).toEqual([]);
    expect(parseMessengerEvents({ object: 'page' })).toEqual([]);
    expect(parseMessengerEvents(null)).toEqual([]);
    expect(() => parseMessengerEvents('{not json')).toThrow(SyntaxError);
  });

  it('When an id, mid or timestamp of any item has the wrong type, then WebhookEventError names it and no event of the body is produced', () => {
    const driver = new MessengerWebhookDriver({ appSecret: APP_SECRET, pageId: PAGE });
    const good = driver.text(CITIZEN, 'xin chào');
    const cases: Array<[string, Record<string, unknown>]> = [
      ['entry[0].messaging[1].sender.id', { sender: { id: Number(CITIZEN) } }],
      ['entry[0].messaging[1].sender.id', { sender: { id: { id: CITIZEN } } }],
      ['entry[0].messaging[1].sender.id', { sender: { id: [CITIZEN] } }],
      ['entry[0].messaging[1].recipient.id', { recipient: { id: false } }],
      ['entry[0].messaging[1].message.mid', { message: { mid: 42, text: 'x' } }],
      ['entry[0].messaging[1].postback.mid', { message: undefined, postback: { mid: ['m'], payload: 'MENU' } }],
      ['entry[0].messaging[1].timestamp', { timestamp: { at: 1 } }],
      ['entry[0].messaging[1].timestamp', { timestamp: 'hôm qua' }],
      ['entry[0].messaging[1].sender', { sender: CITIZEN }],
    ];
    for (const [field, patch] of cases) {
      const bad = { ...driver.text(CITIZEN, 'y'), ...patch };
      const body = { object: 'page', entry: [{ id: PAGE, time: 1735689600999, messaging: [good, bad] }] };
      let thrown: unknown;
      try {
        parseMessengerEvents(Buffer.from(JSON.stringify(body)));
      } catch (err) {
        thrown = err;
      }
      expect(thrown, field).toBeInstanceOf(WebhookEventError);
      expect((thrown as WebhookEventError).field).toBe(field);
    }
    expect(() => parseMessengerEvents({ object: 'page', entry: [{ id: 104857392017465, messaging: [good] }] })).toThrow(WebhookEventError);
  });

  it('When timestamps arrive as digit strings or ids are absent, then the body is accepted as before', () => {
    const driver = new MessengerWebhookDriver({ appSecret: APP_SECRET, pageId: PAGE });
    const item = { ...driver.text(CITIZEN, 'xin chào'), timestamp: '1735689600123' };
    expect(parseMessengerEvents({ object: 'page', entry: [{ id: PAGE, messaging: [item] }] })).toEqual([expect.objectContaining({ userId: CITIZEN, timestamp: 1735689600123 })]);
    const noSender = { ...driver.text(CITIZEN, 'x'), sender: undefined };
    expect(parseMessengerEvents({ object: 'page', entry: [{ id: PAGE, messaging: [noSender] }] })).toEqual([]);
  });

  it('When a message lacks is_echo but the sender is the Page, then it is an echo (the Page sent it) without an app', () => {
    const driver = new MessengerWebhookDriver({ appSecret: APP_SECRET, pageId: PAGE });
    const item = { ...driver.text(CITIZEN, 'x'), sender: { id: PAGE }, recipient: { id: CITIZEN } };
    const [event, ...rest] = parseMessengerEvents(driver.envelope(item).body);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ kind: 'echo', userId: CITIZEN, accountId: PAGE, text: 'x' });
    expect(event).not.toHaveProperty('echoAppId');
  });
});
