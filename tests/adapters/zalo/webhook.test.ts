import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseJsonKeepingBigInts,
  parseZaloEvents,
  parseZaloWebhook,
  quoteLongIntegers,
  verifyZaloSignature,
  ZALO_SUBMIT_INFO_PAYLOAD,
  ZaloListener,
} from '../../../adapters/zalo/index.js';
import { WebhookEventError } from '../../../src/ports/channel.js';
import { ZaloWebhookDriver } from '../../fakes/zalo/index.js';
import { fixture } from './helpers.js';

const APP_ID = '4326753818218123541';
const OA_ID = '2491302944280861639';
const CITIZEN = '7316587439981642153';
const SECRET = 'oa-secret-9f8e7d';
const config = { appId: APP_ID, oaSecretKey: SECRET };

/** Computed once with coreutils: printf '%s' APP_ID; cat user-send-text.json; printf '%s%s' TS SECRET | sha256sum */
const TEXT_VECTOR = 'a37a14ba6cb996e388ae22667dc87122b7604bbaff6c9927d164c7f4932cb63e';

function sha256(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

describe('verifyZaloSignature', () => {
  it('When the header is mac= + sha256(app_id + body + timestamp + OA secret), then it is accepted (known vector)', () => {
    const raw = fixture('user-send-text.json');
    expect(sha256(APP_ID, raw, '1735689600123', SECRET)).toBe(TEXT_VECTOR);

    const check = verifyZaloSignature(raw, { 'x-zevent-signature': `mac=${TEXT_VECTOR}` }, config);

    expect(check).toEqual({ valid: true, variant: 'mac-prefixed', appIdSource: 'body' });
  });

  it('When the header is the bare hex digest in upper case and any header casing, then it is accepted', () => {
    const check = verifyZaloSignature(fixture('user-send-text.json'), { 'X-ZEvent-Signature': TEXT_VECTOR.toUpperCase() }, config);
    expect(check).toMatchObject({ valid: true, variant: 'bare' });
  });

  it('When the body has no app_id, then the configured app id is hashed', () => {
    const raw = Buffer.from('{"event_name":"user_send_text","timestamp":"1735689600999","sender":{"id":"1"},"recipient":{"id":"2"},"message":{"msg_id":"m","text":"a"}}');
    const mac = sha256(APP_ID, raw, '1735689600999', SECRET);
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': `mac=${mac}` }, config)).toMatchObject({ valid: true, appIdSource: 'config' });
  });

  it('When the signature was made with another secret, then it is rejected', () => {
    const raw = fixture('user-send-text.json');
    const forged = sha256(APP_ID, raw, '1735689600123', 'app-secret-not-the-oa-one');
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': `mac=${forged}` }, config)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('When one byte of the body changes after signing, then it is rejected', () => {
    const tampered = Buffer.from(fixture('user-send-text.json').toString('utf8').replace('khai sinh', 'khai tử'));
    expect(verifyZaloSignature(tampered, { 'x-zevent-signature': `mac=${TEXT_VECTOR}` }, config).valid).toBe(false);
  });

  it('When the signature is an HMAC of the body (a common mistake), then it is rejected', async () => {
    const { createHmac } = await import('node:crypto');
    const raw = fixture('user-send-text.json');
    const hmac = createHmac('sha256', SECRET).update(raw).digest('hex');
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': `mac=${hmac}` }, config).valid).toBe(false);
  });

  it('When the header is missing or malformed, then it is rejected with the reason', () => {
    const raw = fixture('user-send-text.json');
    expect(verifyZaloSignature(raw, {}, config)).toEqual({ valid: false, reason: 'missing-header' });
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': 'mac=zz' }, config)).toEqual({ valid: false, reason: 'malformed-header' });
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': ['ZNS'] }, config)).toEqual({ valid: false, reason: 'malformed-header' });
  });

  it('When the body is not JSON or has no timestamp, then it is rejected', () => {
    const mac = `mac=${'0'.repeat(64)}`;
    expect(verifyZaloSignature(Buffer.from('not json'), { 'x-zevent-signature': mac }, config).reason).toBe('bad-json');
    expect(verifyZaloSignature(Buffer.from('{"event_name":"x"}'), { 'x-zevent-signature': mac }, config).reason).toBe('missing-timestamp');
  });

  it('When ids arrive unquoted, then the timestamp is still hashed exactly as received', () => {
    const raw = fixture('user-send-text-unquoted-ids.json');
    const mac = sha256(raw.toString('utf8').match(/"app_id":(\d+)/)![1]!, raw, '1735689644000', SECRET);
    expect(verifyZaloSignature(raw, { 'x-zevent-signature': `mac=${mac}` }, config).valid).toBe(true);
  });

  it('When the driver signs an event, then the adapter accepts it (mac= and bare forms)', () => {
    for (const signatureFormat of ['mac', 'bare'] as const) {
      const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET, signatureFormat });
      const delivery = driver.text(ZaloWebhookDriver.newUserId(), 'Cho tôi hỏi');
      expect(verifyZaloSignature(Buffer.from(delivery.raw), delivery.headers, config).valid).toBe(true);
    }
  });
});

describe('parseJsonKeepingBigInts', () => {
  it('When integers of 16+ digits are unquoted, then they come back as exact strings and strings are untouched', () => {
    const parsed = parseJsonKeepingBigInts('{"a":9007199254740993,"b":[12345678901234567890,-1234567890123456789],"c":"9007199254740993","d":1.5e300,"e":42}') as Record<string, unknown>;
    expect(parsed).toEqual({ a: '9007199254740993', b: ['12345678901234567890', '-1234567890123456789'], c: '9007199254740993', d: 1.5e300, e: 42 });
  });

  it('When digits sit inside a string with escaped quotes, then nothing is rewritten', () => {
    const json = '{"t":"say \\"12345678901234567\\" please"}';
    expect(quoteLongIntegers(json)).toBe(json);
  });
});

describe('parseZaloEvents', () => {
  it('When a citizen sends text, then one message event carries msg_id, string ids and epoch ms', () => {
    expect(parseZaloEvents(fixture('user-send-text.json'))).toEqual([
      {
        channel: 'zalo',
        externalId: 'This-is-a-msg-id-7f3c9a',
        userId: CITIZEN,
        accountId: OA_ID,
        kind: 'message',
        text: 'Xin chào, tôi muốn hỏi thủ tục đăng ký khai sinh',
        timestamp: 1735689600123,
      },
    ]);
  });

  it('When a citizen sends an image with a caption, then the attachment url and caption are kept', () => {
    expect(parseZaloEvents(fixture('user-send-image.json'))).toEqual([
      {
        channel: 'zalo',
        externalId: 'img-msg-0001',
        userId: CITIZEN,
        accountId: OA_ID,
        kind: 'message',
        text: 'giấy tờ của tôi',
        attachments: [{ type: 'image', url: 'https://photo.zalo.example/full.jpg' }],
        timestamp: 1735689611000,
      },
    ]);
  });

  it('When a citizen shares a location, then it becomes a geo: attachment', () => {
    const [event] = parseZaloEvents(fixture('user-send-location.json'));
    expect(event?.attachments).toEqual([{ type: 'location', url: 'geo:16.0544,108.2022' }]);
    expect(event?.text).toBeUndefined();
  });

  it('When a citizen follows, then a follow event gets a synthetic id stable across redeliveries', () => {
    const raw = fixture('follow.json');
    const first = parseZaloEvents(raw);
    expect(first).toEqual([
      { channel: 'zalo', externalId: `follow:${CITIZEN}:1735689622000`, userId: CITIZEN, accountId: OA_ID, kind: 'follow', timestamp: 1735689622000 },
    ]);
    expect(parseZaloEvents(raw)).toEqual(first);
  });

  it('When a citizen unfollows, then an unfollow event is produced', () => {
    const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET });
    const delivery = driver.unfollow(CITIZEN, { timestamp: '1735689699000' });
    expect(parseZaloEvents(Buffer.from(delivery.raw))).toMatchObject([{ kind: 'unfollow', userId: CITIZEN, externalId: `unfollow:${CITIZEN}:1735689699000` }]);
  });

  it('When the body is a receipt, then nothing is produced (echoes: tests/adapters/zalo/echo.test.ts)', () => {
    expect(parseZaloEvents(fixture('user-seen-message.json'))).toEqual([]);
  });

  it('When ids arrive unquoted above 2^53, then they are preserved digit for digit', () => {
    const [event] = parseZaloEvents(fixture('user-send-text-unquoted-ids.json'));
    expect(event?.userId).toBe('7316587439981642153');
    expect(event?.accountId).toBe('2491302944280861639');
    expect(event?.text).toBe('Số CCCD 012345678901234567 không phải id');
    expect(String(Number('7316587439981642153'))).not.toBe('7316587439981642153'); // what JSON.parse alone would do
    const typed = parseZaloWebhook(fixture('user-send-text-unquoted-ids.json'));
    expect(typed.app_id).toBe('4326753818218123541');
    expect(typed.user_id_by_app).toBe('5012847732915544217');
  });

  it('When the driver builds events with unquoted ids, then the parsed ids equal the generated strings', () => {
    const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET, unquotedIds: true });
    const user = ZaloWebhookDriver.newUserId();
    const delivery = driver.text(user, 'xin chào');
    expect(delivery.raw).toContain(`"id":${user}`);
    expect(parseZaloEvents(Buffer.from(delivery.raw))[0]?.userId).toBe(user);
  });

  it('When a citizen submits info, then a postback carries the fields as text lines', () => {
    const [event] = parseZaloEvents(fixture('user-submit-info.json'));
    expect(event).toMatchObject({ kind: 'postback', payload: ZALO_SUBMIT_INFO_PAYLOAD, userId: CITIZEN });
    expect(event?.text).toBe('name: Nguyễn Văn A\nphone: 84901234567\nuser_city: Đà Nẵng\nuser_ward: Hải Châu');
    expect(event?.externalId).toBe(`user_submit_info:${CITIZEN}:1735689677000`);
  });

  it('When the driver builds file, sticker and link events, then each maps to an attachment', () => {
    const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET });
    const file = parseZaloEvents(Buffer.from(driver.file(CITIZEN, { url: 'https://f.example/a.pdf', name: 'a.pdf', size: 1200, type: 'pdf' }).raw))[0];
    expect(file?.attachments).toEqual([{ type: 'file', url: 'https://f.example/a.pdf', name: 'a.pdf' }]);
    const sticker = parseZaloEvents(Buffer.from(driver.sticker(CITIZEN, 'st-1', 'https://s.example/1.png').raw))[0];
    expect(sticker?.attachments).toEqual([{ type: 'sticker', url: 'https://s.example/1.png', name: 'st-1' }]);
    const link = parseZaloEvents(Buffer.from(driver.link(CITIZEN, 'https://dichvucong.gov.vn', 'DVC').raw))[0];
    expect(link).toMatchObject({ text: 'https://dichvucong.gov.vn', attachments: [{ type: 'link', url: 'https://dichvucong.gov.vn', name: 'DVC' }] });
  });

  it('When an id or the timestamp has the wrong type, then WebhookEventError names the field (never the value)', () => {
    const base = JSON.parse(fixture('user-send-text.json').toString('utf8')) as Record<string, unknown>;
    const cases: Array<[string, Record<string, unknown>]> = [
      ['sender.id', { sender: { id: { nested: CITIZEN } } }],
      ['sender.id', { sender: { id: [CITIZEN] } }],
      ['sender.id', { sender: { id: true } }],
      ['recipient.id', { recipient: { id: 12.5 } }],
      ['recipient.id', { recipient: { id: -3 } }],
      ['message.msg_id', { message: { msg_id: { id: 'x' }, text: 'xin chào' } }],
      ['timestamp', { timestamp: 'hôm nay' }],
      ['app_id', { app_id: ['1'] }],
      ['sender', { sender: 'người gửi' }],
      ['message', { message: ['xin chào'] }],
    ];
    for (const [field, patch] of cases) {
      const body = Buffer.from(JSON.stringify({ ...base, ...patch }));
      let thrown: unknown;
      try {
        parseZaloEvents(body);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, field).toBeInstanceOf(WebhookEventError);
      expect((thrown as WebhookEventError).field).toBe(field);
      expect((thrown as Error).message).not.toContain(CITIZEN);
    }
  });

  it('When ids are unquoted whole numbers or absent/null, then they are still accepted as before', () => {
    const base = JSON.parse(fixture('user-send-text.json').toString('utf8')) as Record<string, unknown>;
    const [small] = parseZaloEvents(Buffer.from(JSON.stringify({ ...base, sender: { id: 123456789 }, timestamp: 1735689644000 })));
    expect(small).toMatchObject({ userId: '123456789', timestamp: 1735689644000 });
    expect(parseZaloEvents(Buffer.from(JSON.stringify({ ...base, sender: null })))).toEqual([]);
    const [noMsgId] = parseZaloEvents(Buffer.from(JSON.stringify({ ...base, message: { msg_id: null, text: 'a' } })));
    expect(noMsgId?.externalId).toMatch(/^user_send_text:/);
  });

  it('When the body is an already-parsed object, then it is accepted too', () => {
    const parsed = JSON.parse(fixture('user-send-text.json').toString('utf8')) as object;
    expect(parseZaloEvents(parsed)).toHaveLength(1);
  });
});

describe('ZaloListener', () => {
  it('When a signed message and an echo arrive, then message, echo and event handlers fire; a forged one emits nothing', () => {
    const listener = new ZaloListener(config);
    const seen: string[] = [];
    listener.on('message', (e) => seen.push(`message:${e.message.msg_id}`));
    listener.on('echo', (e) => seen.push(`echo:${e.message.msg_id}`));
    listener.on('event', (e) => seen.push(`event:${e.event_name}`));
    const driver = new ZaloWebhookDriver({ appId: APP_ID, oaId: OA_ID, oaSecretKey: SECRET });

    const forged = driver.text(CITIZEN, 'a', { msgId: 'm1' });
    expect(listener.handle(Buffer.from(forged.raw), { 'x-zevent-signature': `mac=${'0'.repeat(64)}` }).signature.valid).toBe(false);
    const ok = driver.text(CITIZEN, 'a', { msgId: 'm2' });
    listener.handle(Buffer.from(ok.raw), ok.headers);
    const echo = driver.echo(CITIZEN, 'b', { msgId: 'm3' });
    listener.handle(Buffer.from(echo.raw), echo.headers);

    expect(seen).toEqual(['message:m2', 'event:user_send_text', 'echo:m3', 'event:oa_send_text']);
  });
});
