import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyGraphError,
  MessengerApiError,
  MessengerClient,
  MessengerNetworkError,
  toChannelSendError,
  type DeliveryMode,
  type MessengerClientOptions,
} from '../../../adapters/messenger/index.js';
import { ChannelSendError } from '../../../src/ports/channel.js';
import { FakeGraph, newPsid, type FakeGraphOptions } from '../../fakes/messenger/index.js';
import { DAY } from './helpers.js';

const RESPONSE: DeliveryMode = { messagingType: 'RESPONSE' };
let fake: FakeGraph;
let client: MessengerClient;
let citizen: string;

async function startFake(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  return new FakeGraph(options).start();
}

function clientFor(graph: FakeGraph, overrides: Partial<MessengerClientOptions> = {}): MessengerClient {
  return new MessengerClient({ pageAccessToken: graph.pageAccessToken, appSecret: graph.appSecret, graphBase: graph.base, ...overrides });
}

/** Runs a failing call and returns what the outbound worker would see. */
async function failure(call: Promise<unknown>): Promise<ChannelSendError> {
  try {
    await call;
  } catch (error) {
    return toChannelSendError(error);
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  fake = await startFake();
  client = clientFor(fake);
  citizen = newPsid();
  fake.interact(citizen);
});
afterEach(async () => {
  await fake.stop();
});

describe('MessengerClient.sendMessage', () => {
  it('When a text is sent, then the exact Send API request goes out with token and appsecret_proof in the query', async () => {
    const sent = await client.sendMessage(citizen, { text: 'Xin chào' }, RESPONSE);

    const [request] = fake.requestsTo('/v25.0/me/messages');
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.query).toEqual({
      access_token: fake.pageAccessToken,
      appsecret_proof: createHmac('sha256', fake.appSecret).update(fake.pageAccessToken).digest('hex'),
    });
    expect(request?.json).toEqual({ recipient: { id: citizen }, messaging_type: 'RESPONSE', message: { text: 'Xin chào' } });
    expect(sent).toEqual({ recipientId: citizen, messageId: fake.sent[0]!.messageId });
    expect(sent.messageId).toMatch(/^m_/);
  });

  it('When the mode is a tag, then messaging_type MESSAGE_TAG and the tag go out', async () => {
    await client.sendMessage(citizen, { text: 'Cán bộ trả lời' }, { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(fake.requestsTo()[0]?.json).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(fake.sent[0]).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('When the version and base are configured, then the path follows them (trailing slash tolerated)', async () => {
    const v26 = await startFake({ version: 'v26.0' });
    try {
      v26.interact(citizen);
      await clientFor(v26, { graphBase: `${v26.base}/`, graphVersion: 'v26.0' }).sendMessage(citizen, { text: 'a' }, RESPONSE);
      expect(v26.requests.map((r) => r.path)).toEqual(['/v26.0/me/messages']);
      expect(v26.sent).toHaveLength(1);
    } finally {
      await v26.stop();
    }
  });

  it('When the app requires appsecret_proof and none is sent, then Graph refuses (permanent)', async () => {
    fake.requireAppsecretProof = true;
    const error = await failure(clientFor(fake, { appsecretProof: false }).sendMessage(citizen, { text: 'a' }, RESPONSE));
    expect(fake.requestsTo()[0]?.query.appsecret_proof).toBeUndefined();
    expect(error).toMatchObject({ kind: 'permanent', platformCode: 100 });
    await expect(client.sendMessage(citizen, { text: 'a' }, RESPONSE)).resolves.toBeTruthy();
  });
});

describe('MessengerClient.senderAction', () => {
  it('When typing is shown, then the body is only recipient + sender_action (no messaging_type, no message)', async () => {
    await client.senderAction(citizen, 'typing_on');
    await client.senderAction(citizen, 'typing_off');
    await client.senderAction(citizen, 'mark_seen');

    expect(fake.requestsTo().map((r) => r.json)).toEqual([
      { recipient: { id: citizen }, sender_action: 'typing_on' },
      { recipient: { id: citizen }, sender_action: 'typing_off' },
      { recipient: { id: citizen }, sender_action: 'mark_seen' },
    ]);
    expect(fake.actions.map((a) => a.action)).toEqual(['typing_on', 'typing_off', 'mark_seen']);
    expect(fake.sent).toEqual([]);
  });
});

describe('Graph errors → ChannelSendError', () => {
  it('When the token is invalid (190), then permanent, flagged for an alert', async () => {
    fake.revokeToken();
    let raw: unknown;
    try {
      await client.sendMessage(citizen, { text: 'a' }, RESPONSE);
    } catch (error) {
      raw = error;
    }
    expect(raw).toBeInstanceOf(MessengerApiError);
    expect(raw).toMatchObject({ code: 190, type: 'OAuthException', status: 400, alert: true, kind: 'permanent' });
    expect((raw as MessengerApiError).fbtraceId).toBeTruthy();
    expect(toChannelSendError(raw)).toMatchObject({ kind: 'permanent', platformCode: 190 });
    expect((raw as Error).message).not.toContain(fake.pageAccessToken);
  });

  it('When the token expired (190/463), then permanent', async () => {
    fake.expireToken();
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'permanent', platformCode: '190/463' });
  });

  it('When Graph says the message is outside the window (10/2018278), then window', async () => {
    fake.interact(citizen, fake.now() - 2 * DAY);
    const error = await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE));
    expect(error).toMatchObject({ kind: 'window', platformCode: '10/2018278' });
    expect(fake.requestsTo()[0]?.response).toMatchObject({ error: { code: 10, error_subcode: 2018278, type: 'OAuthException' } });
  });

  it('When HUMAN_AGENT is used within 7 days, then Graph accepts it; after 7 days, window', async () => {
    const human: DeliveryMode = { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    fake.interact(citizen, fake.now() - 6 * DAY);
    await expect(client.sendMessage(citizen, { text: 'a' }, human)).resolves.toBeTruthy();
    fake.interact(citizen, fake.now() - 8 * DAY);
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, human))).toMatchObject({ kind: 'window', platformCode: '10/2018278' });
  });

  it('When the app lacks the Human Agent permission (200), then permanent', async () => {
    fake.humanAgentApproved = false;
    const error = await failure(client.sendMessage(citizen, { text: 'a' }, { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }));
    expect(error).toMatchObject({ kind: 'permanent', platformCode: 200 });
  });

  it('When the person is unavailable (551) or unknown (100/2018001), then permanent', async () => {
    fake.block(citizen);
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'permanent', platformCode: '551/1545041' });
    expect(await failure(client.sendMessage(newPsid(), { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'permanent', platformCode: '100/2018001' });
  });

  it('When the Page hits the rate limit (613), then retryable', async () => {
    fake.setRateLimit({ max: 2, windowMs: 60_000 });
    await client.sendMessage(citizen, { text: '1' }, RESPONSE);
    await client.senderAction(citizen, 'typing_on');
    expect(await failure(client.sendMessage(citizen, { text: '3' }, RESPONSE))).toMatchObject({ kind: 'retryable', platformCode: 613 });
  });

  it.each([
    [{ code: 2, status: 500 }, 2],
    [{ code: 1200 }, 1200],
    [{ code: 4, subcode: 2018022 }, '4/2018022'],
    [{ code: 32 }, 32],
    [{ code: 1, status: 500 }, 1],
  ])('When Graph answers the temporary error %o, then retryable', async (spec, platformCode) => {
    fake.failNext(spec);
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'retryable', platformCode });
    await expect(client.sendMessage(citizen, { text: 'a' }, RESPONSE)).resolves.toBeTruthy();
  });

  it('When the page is restricted (10/1893063) or a marketing limit hits (4/2018354), then permanent', async () => {
    fake.failNext({ code: 10, subcode: 1893063 });
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'permanent', platformCode: '10/1893063' });
    fake.failNext({ code: 4, subcode: 2018354, message: '(#4) frequency limit' });
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'permanent' });
  });

  it('When code 10 comes with an unlisted subcode and a window message (News Messaging), then window', async () => {
    fake.failNext({ code: 10, subcode: 2018065, message: '(#10) This message is sent outside of allowed window. You need News Messaging permission to send messages outside the window.' });
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'window', platformCode: '10/2018065' });
  });

  it('When HTTP 500/502 comes without a Graph body, or the connection drops, then retryable', async () => {
    fake.failNextHttp(500, 'Internal Server Error');
    const e500 = await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE));
    expect(e500).toMatchObject({ kind: 'retryable', platformCode: 500 });
    expect((e500 as Error & { cause?: unknown }).cause).toBeInstanceOf(MessengerNetworkError);
    fake.failNextHttp(502);
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'retryable', platformCode: 502 });
    fake.dropNext();
    expect(await failure(client.sendMessage(citizen, { text: 'a' }, RESPONSE))).toMatchObject({ kind: 'retryable' });
  });

  it('When the payload is refused (100), then permanent', async () => {
    const error = await failure(client.sendMessage(citizen, { text: 'x'.repeat(2001) }, RESPONSE));
    expect(error).toMatchObject({ kind: 'permanent', platformCode: 100 });
  });

  it('When the transport error quotes the URL, then the token is not in the message', async () => {
    const leaky = new MessengerClient({
      pageAccessToken: 'EAAsecret-token',
      appSecret: 's',
      fetch: async (url) => {
        throw new TypeError(`Failed to parse URL from ${url}`);
      },
    });
    const error = await failure(leaky.sendMessage(citizen, { text: 'a' }, RESPONSE));
    expect(error.kind).toBe('retryable');
    expect(error.message).not.toContain('EAAsecret-token');
    expect(error.message).toContain('[token]');
  });

  it('When a deployment overrides an UNCONFIRMED code, then the override wins', () => {
    expect(classifyGraphError({ code: 1200 })).toMatchObject({ kind: 'retryable' });
    expect(classifyGraphError({ code: 1200 }, { '1200': 'permanent' })).toMatchObject({ kind: 'permanent' });
    expect(classifyGraphError({ code: 100, subcode: 2018001 }, { '100/2018001': 'window' })).toMatchObject({ kind: 'window' });
    expect(classifyGraphError({ code: 299 })).toMatchObject({ kind: 'permanent', alert: true });
    expect(classifyGraphError({ code: 77777, status: 503 })).toMatchObject({ kind: 'retryable' });
  });
});
