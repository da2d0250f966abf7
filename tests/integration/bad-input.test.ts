import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/domain/message.js';
import type { RunningSystem } from '../../src/system/index.js';
import { FakeGraph } from '../fakes/messenger/fake-graph.js';
import { hubSignature256, newPsid } from '../fakes/messenger/sign.js';
import { MessengerWebhookDriver, type MessagingItem } from '../fakes/messenger/webhook-driver.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId, messageId, zaloMac } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { eventually } from './helpers.js';
import { startTestSystem } from './test-system.js';

/**
 * Bad input through the real system (embedded mode, Zalo and Messenger against their fakes, the widget
 * and the JSON API): a body whose Content-Encoding does not decode is 400 HTTP.BAD_ENCODING, never a
 * 500; a validly signed Zalo or Messenger event with an id or timestamp of the wrong type is 400
 * HTTP.BAD_REQUEST; neither stores anything. A gzip body that does decode is accepted, and Zalo's
 * unquoted big numeric ids still work.
 */

const VERIFY_TOKEN = 'xac-minh-bad-input';
/** Not gzip, deflate or brotli data (no valid header for any of them). */
const GARBAGE = Buffer.from('this is definitely not compressed data \x00\x01\x02', 'latin1');

let dataDir: string;
let zalo: FakeZalo;
let graph: FakeGraph;
let system: RunningSystem;
let base: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bad-input-'));
  zalo = await new FakeZalo().start();
  graph = await new FakeGraph().start();
  system = await startTestSystem(dataDir, {
    ...zalo.env(),
    FB_APP_SECRET: graph.appSecret,
    FB_PAGE_ACCESS_TOKEN: graph.pageAccessToken,
    FB_VERIFY_TOKEN: VERIFY_TOKEN,
    GRAPH_API_BASE: graph.base,
    GRAPH_API_VERSION: graph.version,
  });
  base = system.url!;
}, 60_000);

afterAll(async () => {
  await system?.stop();
  await zalo?.stop();
  await graph?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Every inbound message the store holds (all channels). */
async function storedCount(): Promise<number> {
  return (await system.store.inbound.listReceivedBetween(new Date(0), new Date(Date.now() + 86_400_000))).length;
}

async function widgetToken(): Promise<string> {
  const res = await fetch(`${base}/widget/session`, { method: 'POST' });
  return ((await res.json()) as { token: string }).token;
}

/** A Zalo user_send_text body as Zalo would send it, with `patch` merged in, signed like Zalo. */
function signedZalo(patch: Record<string, unknown>): { raw: string; headers: Record<string, string> } {
  const timestamp = String(Date.now());
  const event = {
    app_id: zalo.appId,
    user_id_by_app: bigId(),
    event_name: 'user_send_text',
    timestamp,
    sender: { id: bigId() },
    recipient: { id: zalo.oaId },
    message: { msg_id: messageId(), text: 'thủ tục cấp thẻ căn cước' },
    ...patch,
  };
  const raw = JSON.stringify(event);
  const signedTimestamp = typeof event.timestamp === 'string' ? event.timestamp : String(event.timestamp);
  return { raw, headers: { 'content-type': 'application/json', 'x-zevent-signature': zaloMac(zalo.appId, raw, signedTimestamp, zalo.oaSecretKey) } };
}

async function errorOf(res: Response): Promise<{ status: number; code: string }> {
  const body = (await res.json()) as { code: string };
  return { status: res.status, code: body.code };
}

describe('a body whose Content-Encoding does not decode', () => {
  it('When a Zalo webhook arrives as corrupt gzip, then 400 HTTP.BAD_ENCODING and nothing is stored', async () => {
    const before = await storedCount();
    const res = await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: GARBAGE });
    expect(await errorOf(res)).toEqual({ status: 400, code: 'HTTP.BAD_ENCODING' });
    expect(await storedCount()).toBe(before);
  });

  it('When a Messenger webhook arrives as corrupt deflate, then 400 HTTP.BAD_ENCODING', async () => {
    const res = await fetch(`${base}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: GARBAGE });
    expect(await errorOf(res)).toEqual({ status: 400, code: 'HTTP.BAD_ENCODING' });
  });

  it('When a widget message arrives as corrupt br or truncated gzip, then 400 HTTP.BAD_ENCODING and nothing is stored', async () => {
    const token = await widgetToken();
    const before = await storedCount();
    const truncated = gzipSync(Buffer.from(JSON.stringify({ clientMessageId: randomUUID(), text: 'đăng ký kết hôn' }))).subarray(0, 12);
    for (const [encoding, body] of [['br', GARBAGE], ['gzip', truncated]] as const) {
      const res = await fetch(`${base}/widget/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding, authorization: `Bearer ${token}` },
        body,
      });
      expect(await errorOf(res), encoding).toEqual({ status: 400, code: 'HTTP.BAD_ENCODING' });
    }
    expect(await storedCount()).toBe(before);
  });

  it('When the JSON API gets corrupt gzip, then 400 HTTP.BAD_ENCODING; valid gzip is decoded and answered', async () => {
    const bad = await fetch(`${base}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: GARBAGE });
    expect(await errorOf(bad)).toEqual({ status: 400, code: 'HTTP.BAD_ENCODING' });
    const good = await fetch(`${base}/api/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.from(JSON.stringify({ question: 'thủ tục cấp thẻ căn cước' }))),
    });
    expect(good.status).toBe(200);
  });

  it('When the encoding is one body-parser does not support, then its 415 stays (HTTP.BAD_REQUEST)', async () => {
    const res = await fetch(`${base}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, body: '{}' });
    expect(await errorOf(res)).toEqual({ status: 415, code: 'HTTP.BAD_REQUEST' });
  });
});

describe('a signed platform event with ids of the wrong type', () => {
  it('When a Zalo sender.id is an object, an array or a boolean, or msg_id an object, then 400 HTTP.BAD_REQUEST and nothing is stored', async () => {
    const before = await storedCount();
    for (const patch of [{ sender: { id: { id: bigId() } } }, { sender: { id: [bigId()] } }, { sender: { id: true } }, { message: { msg_id: { x: 1 }, text: 'xin chào' } }, { timestamp: 'hôm nay' }]) {
      const { raw, headers } = signedZalo(patch);
      const res = await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers, body: raw });
      expect(await errorOf(res), JSON.stringify(patch)).toEqual({ status: 400, code: 'HTTP.BAD_REQUEST' });
    }
    expect(await storedCount()).toBe(before);
  });

  it('When a Zalo event carries unquoted big numeric ids (validly signed), then it is still accepted, stored and answered', async () => {
    const driver = new ZaloWebhookDriver({ url: `${base}/webhooks/zalo`, appId: zalo.appId, oaId: zalo.oaId, oaSecretKey: zalo.oaSecretKey, unquotedIds: true });
    const citizen = ZaloWebhookDriver.newUserId();
    const delivery = driver.text(citizen, 'thủ tục cấp thẻ căn cước');
    expect(delivery.raw).toContain(`"id":${citizen}`);
    const res = await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: delivery.headers, body: delivery.raw });
    expect(res.status).toBe(200);
    const stored = await system.store.inbound.listByConversation(conversationKey('zalo', zalo.oaId, citizen), 10);
    expect(stored.map((m) => m.text)).toEqual(['thủ tục cấp thẻ căn cước']);
    await eventually(() => expect(zalo.sent.some((m) => m.userId === citizen)).toBe(true), 30_000);
  });

  it('When one Messenger item of a batch has a numeric or object sender.id, then 400 HTTP.BAD_REQUEST and not even the good item is stored', async () => {
    const driver = new MessengerWebhookDriver({ url: `${base}/webhooks/messenger`, appSecret: graph.appSecret, pageId: graph.pageId });
    const good = newPsid();
    for (const badSender of [{ id: Number(newPsid()) }, { id: { psid: newPsid() } }, { id: [newPsid()] }]) {
      const bad = { ...driver.text(newPsid(), 'y'), sender: badSender } as unknown as MessagingItem;
      const res = await driver.deliver(driver.envelope(driver.text(good, 'đăng ký kết hôn cần giấy tờ gì'), bad));
      expect(res.status).toBe(400);
      expect((JSON.parse(res.body) as { code: string }).code).toBe('HTTP.BAD_REQUEST');
    }
    expect(await system.store.inbound.listByConversation(conversationKey('messenger', graph.pageId, good), 10)).toEqual([]);
  });

  it('When a Messenger mid is a number or the timestamp an object, then 400 HTTP.BAD_REQUEST', async () => {
    const driver = new MessengerWebhookDriver({ url: `${base}/webhooks/messenger`, appSecret: graph.appSecret, pageId: graph.pageId });
    for (const patch of [{ message: { mid: 12345, text: 'x' } }, { timestamp: { at: Date.now() } }]) {
      const item = { ...driver.text(newPsid(), 'x'), ...patch } as unknown as MessagingItem;
      const res = await driver.deliver(driver.envelope(item));
      expect(res.status, JSON.stringify(patch)).toBe(400);
    }
  });

  it('When the signature does not match, then the signature check still answers first (401), whatever the ids', async () => {
    const { raw } = signedZalo({ sender: { id: { id: 'x' } } });
    const res = await fetch(`${base}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature256('wrong-secret', raw) }, body: raw });
    expect(await errorOf(res)).toEqual({ status: 401, code: 'CHANNEL.SIGNATURE_INVALID' });
  });
});
