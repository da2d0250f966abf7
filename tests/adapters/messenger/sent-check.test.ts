import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerAdapter, graphTime, type MessengerChannelAdapter } from '../../../adapters/messenger/index.js';
import { ChannelSendError } from '../../../src/ports/channel.js';
import { FakeGraph, newPsid } from '../../fakes/messenger/index.js';
import { outbound } from './helpers.js';

/**
 * The ambiguous send on Messenger (issue 14): the fake Graph carries out a send but answers after the
 * client's timeout; the adapter reports it ambiguous, and wasSent finds it through the Conversations API
 * (GET /{version}/me/conversations?platform=messenger&user_id=<PSID>&fields=messages…{id,message,created_time,from}).
 */

let fake: FakeGraph;
let adapter: MessengerChannelAdapter;
let psid: string;

beforeEach(async () => {
  fake = await new FakeGraph().start();
  adapter = createMessengerAdapter({ appSecret: fake.appSecret, pageAccessToken: fake.pageAccessToken, verifyToken: 'v', graphBase: fake.base, timeoutMs: 300 });
  psid = newPsid();
  fake.interact(psid);
});

afterEach(async () => {
  fake.endOutage();
  await fake.stop();
});

describe('Messenger sent-check', () => {
  it('When a send is carried out but answered after the timeout, then the failure is ambiguous and wasSent finds it with Meta’s mid', async () => {
    const since = new Date(Date.now() - 1_000);
    fake.setOutage({ kind: 'slow', delayMs: 1_000 });
    const message = outbound(fake.pageId, psid, { text: 'Đăng ký tạm trú tại công an cấp xã.' });
    const failure = await adapter.send(message).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelSendError);
    expect(failure).toMatchObject({ kind: 'retryable', ambiguous: true });
    expect(fake.sent).toHaveLength(1);
    fake.endOutage();
    const found = await adapter.wasSent(message, { since, excludeIds: [] });
    expect(found).toEqual({ externalId: fake.sent[0]!.messageId, externalIds: [fake.sent[0]!.messageId] });
    const request = fake.requests.at(-1)!;
    expect(request.method).toBe('GET');
    expect(request.path).toBe(`/${fake.version}/me/conversations`);
    expect(request.query).toMatchObject({ platform: 'messenger', user_id: psid, fields: 'messages.limit(20){id,message,created_time,from}' });
    expect(request.response).toMatchObject({
      data: [{ id: `t_${psid}`, messages: { data: [{ id: fake.sent[0]!.messageId, message: 'Đăng ký tạm trú tại công an cấp xã.', from: { id: fake.pageId } }] } }],
    });
  });

  it('When nothing (or only an excluded same text) was sent, then wasSent says no', async () => {
    const since = new Date(Date.now() - 1_000);
    const first = await adapter.send(outbound(fake.pageId, psid, { text: 'Dạ, tôi chưa hiểu.' }));
    expect(await adapter.wasSent(outbound(fake.pageId, psid, { text: 'Dạ, tôi chưa hiểu.' }), { since, excludeIds: [first.externalId] })).toBeUndefined();
    expect(await adapter.wasSent(outbound(fake.pageId, newPsid(), { text: 'Dạ, tôi chưa hiểu.' }), { since, excludeIds: [] })).toBeUndefined();
  });

  it('When the Conversations API is refused (permission), then wasSent throws a permanent error; a 5xx is retryable', async () => {
    fake.setOutage({ kind: 'graph', error: { code: 200, message: '(#200) Requires pages_read_engagement permission' } });
    expect(await adapter.wasSent(outbound(fake.pageId, psid, { text: 'x' }), { since: new Date(0), excludeIds: [] }).catch((e: unknown) => e)).toMatchObject({ kind: 'permanent' });
    fake.setOutage({ kind: 'http', status: 503 });
    expect(await adapter.wasSent(outbound(fake.pageId, psid, { text: 'x' }), { since: new Date(0), excludeIds: [] }).catch((e: unknown) => e)).toMatchObject({ kind: 'retryable' });
  });

  it('reads Graph’s created_time format', () => {
    expect(graphTime('2026-12-07T13:00:00+0000')).toBe(Date.UTC(2026, 11, 7, 13, 0, 0));
    expect(graphTime(1_765_000_000)).toBe(1_765_000_000_000);
  });
});
