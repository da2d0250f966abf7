import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyZaloCode, toChannelSendError, ZaloApiError, ZaloNetworkError, type ZaloOA } from '../../../adapters/zalo/index.js';
import { MemorySecretRepo } from '../../fakes/memory-secrets.js';
import { bigId, type FakeZalo } from '../../fakes/zalo/index.js';
import { clientFor, CS_PATH, startFake } from './helpers.js';

let fake: FakeZalo;
let oa: ZaloOA;
const citizen = bigId();

beforeEach(async () => {
  fake = await startFake();
  oa = clientFor(fake, new MemorySecretRepo());
});
afterEach(async () => {
  await fake.stop();
});

function sentBodies(): Record<string, unknown>[] {
  return fake.requestsTo(CS_PATH).map((r) => r.json as Record<string, unknown>);
}

describe('ZaloOA.sendText', () => {
  it('When text is sent, then the exact CS body goes out with the access_token header and the result is typed', async () => {
    const [sent] = await oa.sendText(citizen, 'Xin chào');

    const [request] = fake.requestsTo(CS_PATH);
    expect(request?.headers['access_token']).toBeTruthy();
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual({ recipient: { user_id: citizen }, message: { text: 'Xin chào' } });
    expect(sent).toEqual({ messageId: fake.sent[0]!.messageId, userId: citizen, sentTime: expect.stringMatching(/^\d{13}$/), quota: { quota_type: 'reply', remain: 8, total: 8 } });
    expect(typeof sent?.userId).toBe('string');
  });

  it('When text is above 2,000 characters, then it goes out as several messages, each accepted by Zalo', async () => {
    const text = 'Thủ tục đăng ký khai sinh được thực hiện tại UBND cấp xã nơi cư trú của cha hoặc mẹ. '.repeat(60);

    const sent = await oa.sendText(citizen, text);

    expect(sent.length).toBeGreaterThanOrEqual(3);
    const texts = sentBodies().map((b) => (b.message as { text: string }).text);
    expect(texts.every((t) => t.length <= 2000)).toBe(true);
    expect(texts.join(' ')).toBe(text.trim());
    expect(fake.requestsTo(CS_PATH).every((r) => r.response.error === 0)).toBe(true);
  });

  it('When a quote id is given, then only the first message carries quote_message_id', async () => {
    await oa.sendText(citizen, `${'a. '.repeat(700)}`, { quoteMessageId: 'abc123' });
    const messages = sentBodies().map((b) => b.message as Record<string, unknown>);
    expect(messages[0]?.quote_message_id).toBe('abc123');
    expect(messages.slice(1).every((m) => m.quote_message_id === undefined)).toBe(true);
  });

  it('When Zalo rejects the quote as a bad field, then the message is retried once without it', async () => {
    fake.failNext(-201, 1, { path: CS_PATH, message: 'quote_message_id is invalid!' });
    const sent = await oa.sendText(citizen, 'trả lời', { quoteMessageId: 'gone' });
    expect(sent).toHaveLength(1);
    expect(sentBodies().map((b) => (b.message as Record<string, unknown>).quote_message_id)).toEqual(['gone', undefined]);
  });
});

describe('error classification', () => {
  it('When the raw text is above 2,000 characters, then Zalo answers -201 and it is permanent', async () => {
    const error = await oa.sendMessage(citizen, { text: 'x'.repeat(2001) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZaloApiError);
    expect(error).toMatchObject({ code: -201, classification: 'permanent', endpoint: CS_PATH });
    expect(toChannelSendError(error)).toMatchObject({ name: 'ChannelSendError', kind: 'permanent', platformCode: -201 });
  });

  it('When the payload shape is wrong, then Zalo answers -201 (permanent)', async () => {
    const error = await oa.sendMessage(citizen, {} as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -201, classification: 'permanent' });
  });

  it('When the citizen is outside the 7-day window, then -230 maps to window', async () => {
    fake.windowClosed.add(citizen);
    const error = await oa.sendText(citizen, 'Thông báo kết quả hồ sơ').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -230, classification: 'window' });
    expect(toChannelSendError(error).kind).toBe('window');
  });

  it('When following is required and the citizen does not follow, then -213 maps to window', async () => {
    fake.requireFollow = true;
    const error = await oa.sendText(citizen, 'a').catch((e: unknown) => e);
    expect(toChannelSendError(error)).toMatchObject({ kind: 'window', platformCode: -213 });
    fake.followers.add(citizen);
    await expect(oa.sendText(citizen, 'a')).resolves.toHaveLength(1);
  });

  it('When the rate is exceeded, then -32 maps to retryable', async () => {
    fake.setRateLimit({ max: 2, windowMs: 60_000 });
    await oa.sendText(citizen, '1');
    await oa.sendText(citizen, '2');
    const error = await oa.sendText(citizen, '3').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -32, classification: 'retryable' });
    expect(toChannelSendError(error).kind).toBe('retryable');
    expect(oa.lastRateLimit).toEqual({ limit: 2, remain: 0 });
  });

  it('When codes are classified, then the table holds (token, retryable, window, permanent by default)', () => {
    expect([-216, -220, -124].map(classifyZaloCode)).toEqual(['token', 'token', 'token']);
    expect([-32, -100, -200, -211].map(classifyZaloCode)).toEqual(Array(4).fill('retryable'));
    expect([-213, -217, -227, -230, -232, -234, -244].map(classifyZaloCode)).toEqual(Array(7).fill('window'));
    expect([-201, -204, -205, -209, -212, -233, -240, -242, -248, -999].map(classifyZaloCode)).toEqual(Array(10).fill('permanent'));
  });

  it('When Zalo cannot be reached, then a ZaloNetworkError maps to retryable; an HTTP 404 maps to permanent', async () => {
    const unreachable = clientFor(fake, new MemorySecretRepo(), { apiBase: 'http://127.0.0.1:1' });
    const network = await unreachable.sendText(citizen, 'a').catch((e: unknown) => e);
    expect(network).toBeInstanceOf(ZaloNetworkError);
    expect(toChannelSendError(network).kind).toBe('retryable');

    const wrongPath = clientFor(fake, new MemorySecretRepo(), { apiBase: `${fake.apiBase}/nope` });
    const notFound = await wrongPath.sendText(citizen, 'a').catch((e: unknown) => e);
    expect(notFound).toMatchObject({ name: 'ZaloNetworkError', status: 404 });
    expect(toChannelSendError(notFound).kind).toBe('permanent');
  });
});

describe('media and files', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

  it('When an image is uploaded, then the multipart field `file` goes out and the attachment_id sends as a media template', async () => {
    const { attachmentId } = await oa.uploadImage({ data: png, filename: 'giay-hen.png', contentType: 'image/png' });

    const [upload] = fake.requestsTo('/v2.0/oa/upload/image');
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload?.headers['access_token']).toBeTruthy();
    expect(upload?.form).toEqual({ file: { filename: 'giay-hen.png', size: png.byteLength, type: 'image/png' } });

    await oa.sendImage(citizen, { attachmentId }, { caption: 'Giấy hẹn' });
    expect(sentBodies().at(-1)).toEqual({
      recipient: { user_id: citizen },
      message: { text: 'Giấy hẹn', attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: attachmentId }] } } },
    });
  });

  it('When an image is sent by URL, then the element carries url only', async () => {
    await oa.sendImage(citizen, { url: 'https://example.gov.vn/a.png' });
    expect((sentBodies()[0]?.message as Record<string, unknown>).attachment).toEqual({
      type: 'template',
      payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://example.gov.vn/a.png' }] },
    });
  });

  it('When a file is uploaded and sent, then the token travels as a `file` attachment', async () => {
    const { token } = await oa.uploadFile({ data: new TextEncoder().encode('%PDF-1.4 mẫu tờ khai'), filename: 'to-khai.pdf', contentType: 'application/pdf' });
    await oa.sendFile(citizen, token);
    expect((sentBodies()[0]?.message as Record<string, unknown>).attachment).toEqual({ type: 'file', payload: { token } });
  });

  it('When an upload is refused (wrong type), then it is a permanent -201', async () => {
    const error = await oa.uploadImage({ data: png, filename: 'virus.exe' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -201, classification: 'permanent', endpoint: '/v2.0/oa/upload/image' });
  });

  it('When an unknown attachment_id is sent, then Zalo says expired (-100, retryable after re-upload)', async () => {
    const error = await oa.sendImage(citizen, { attachmentId: 'expired-id' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -100, classification: 'retryable' });
  });
});

describe('buttons', () => {
  const buttons = [
    { title: 'Đăng ký khai sinh', payload: 'khai sinh' },
    { title: 'Đăng ký kết hôn', payload: 'kết hôn' },
  ];

  it('When the mode is text (default), then a numbered list goes out as plain text', async () => {
    await oa.sendButtons(citizen, 'Quý vị cần hỏi thủ tục nào?', buttons);
    const message = sentBodies()[0]?.message as Record<string, unknown>;
    expect(message.attachment).toBeUndefined();
    expect(message.text).toContain('1. Đăng ký khai sinh\n2. Đăng ký kết hôn');
  });

  it('When the mode is template, then the template payload with oa.query.show actions is accepted by the fake', async () => {
    const templated = clientFor(fake, new MemorySecretRepo(), { buttons: 'template' });
    await templated.sendButtons(citizen, 'Quý vị cần hỏi thủ tục nào?', buttons);
    expect(sentBodies()[0]?.message).toEqual({
      text: 'Quý vị cần hỏi thủ tục nào?',
      attachment: {
        type: 'template',
        payload: {
          buttons: [
            { title: 'Đăng ký khai sinh', type: 'oa.query.show', payload: 'khai sinh' },
            { title: 'Đăng ký kết hôn', type: 'oa.query.show', payload: 'kết hôn' },
          ],
        },
      },
    });
  });

  it('When the platform turns out not to support button templates, then it is a permanent -233', async () => {
    fake.acceptButtonTemplates = false;
    const templated = clientFor(fake, new MemorySecretRepo(), { buttons: 'template' });
    await expect(templated.sendButtons(citizen, 'Chọn', buttons)).rejects.toMatchObject({ code: -233, classification: 'permanent' });
  });
});

describe('users', () => {
  it('When a profile is fetched, then the GET carries data={"user_id":"…"} as a string and ids stay strings', async () => {
    fake.profiles.set(citizen, { display_name: 'Nguyễn Văn A', user_id_by_app: bigId(), avatars: { '240': 'https://a.example/240.jpg' } });

    const profile = await oa.getUserProfile(citizen);

    const [request] = fake.requestsTo('/v3.0/oa/user/detail');
    expect(request?.method).toBe('GET');
    expect(request?.query.data).toBe(JSON.stringify({ user_id: citizen }));
    expect(profile).toMatchObject({ user_id: citizen, display_name: 'Nguyễn Văn A', user_is_follower: false });
    expect(typeof profile.user_id_by_app).toBe('string');
  });

  it('When followers are listed, then pages of at most 50 are walked until the end and ids stay exact', async () => {
    fake.users = Array.from({ length: 123 }, () => bigId());

    const pages = [];
    for await (const page of oa.followerPages({ count: 50 })) pages.push(page);
    const all: string[] = [];
    for await (const id of oa.followers()) all.push(id);

    expect(pages.map((p) => [p.offset, p.users.length, p.total])).toEqual([
      [0, 50, 123],
      [50, 50, 123],
      [100, 23, 123],
    ]);
    expect(all).toEqual(fake.users);
    expect(fake.requestsTo('/v3.0/oa/user/getlist').map((r) => r.queryData)).toContainEqual({ offset: 100, count: 50 });
  });

  it('When count is above 50, then the client refuses before calling Zalo', async () => {
    await expect(oa.getFollowers({ count: 51 })).rejects.toBeInstanceOf(RangeError);
    expect(fake.requestsTo('/v3.0/oa/user/getlist')).toHaveLength(0);
  });

  it('When filters are given, then they travel in the data parameter with Zalo names', async () => {
    await oa.getFollowers({ offset: 0, count: 10, tagName: 'phuong-hai-chau', lastInteractionPeriod: 'L7D', isFollower: true });
    expect(fake.requestsTo('/v3.0/oa/user/getlist')[0]?.queryData).toEqual({ offset: 0, count: 10, tag_name: 'phuong-hai-chau', last_interaction_period: 'L7D', is_follower: true });
  });
});
