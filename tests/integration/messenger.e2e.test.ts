import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/system/index.js';
import { FakeGraph } from '../fakes/messenger/fake-graph.js';
import { MessengerWebhookDriver } from '../fakes/messenger/webhook-driver.js';
import { eventually } from './helpers.js';
import { startTestSystem } from './test-system.js';

/** The whole Messenger path against the fake Graph API, which enforces Meta's shapes, window and errors. */
const VERIFY_TOKEN = 'xac-minh-1022';
let fake: FakeGraph;
let system: RunningSystem;
let driver: MessengerWebhookDriver;
let dataDir: string;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fb-e2e-'));
  fake = await new FakeGraph().start();
  system = await startTestSystem(dataDir, {
    FB_APP_SECRET: fake.appSecret,
    FB_PAGE_ACCESS_TOKEN: fake.pageAccessToken,
    FB_VERIFY_TOKEN: VERIFY_TOKEN,
    GRAPH_API_BASE: fake.base,
    GRAPH_API_VERSION: fake.version,
  });
  driver = new MessengerWebhookDriver({ url: `${system.url}/webhooks/messenger`, appSecret: fake.appSecret, pageId: fake.pageId });
});

afterEach(async () => {
  await system.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Text of each message sent to a user: plain text, or the text of a button template (answers with a link). */
const textsTo = (psid: string) =>
  fake.sent
    .filter((m) => m.psid === psid)
    .map((m) => {
      const message = m.message as { text?: string; attachment?: { payload?: { text?: string } } };
      return String(message.text ?? message.attachment?.payload?.text ?? '');
    });

describe('Messenger end to end', () => {
  it('answers the hub.challenge handshake only with the right token', async () => {
    const ok = await driver.handshake(VERIFY_TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe(ok.challenge);
    expect((await driver.handshake('wrong-token')).status).toBe(403);
  });

  it('answers a question inside the 24 h window with messaging_type RESPONSE, typing indicator first', async () => {
    const psid = MessengerWebhookDriver.newPsid();
    fake.interact(psid);
    expect((await driver.deliver(driver.envelope(driver.text(psid, 'đăng ký kết hôn cần giấy tờ gì')))).status).toBe(200);
    await eventually(() => expect(textsTo(psid).join('\n')).toContain('Đăng ký kết hôn'));
    const sent = fake.sent.find((m) => m.psid === psid)!;
    expect(sent.messagingType).toBe('RESPONSE');
    const quickReplies = (sent.message as { quick_replies?: Array<{ payload: string }> }).quick_replies ?? [];
    expect(quickReplies.map((q) => q.payload)).toContain('topic:fee');
    expect(fake.actions.some((a) => a.psid === psid && a.action === 'typing_on')).toBe(true);
  });

  it('follows up through a quick-reply tap', async () => {
    const psid = MessengerWebhookDriver.newPsid();
    fake.interact(psid);
    await driver.deliver(driver.envelope(driver.text(psid, 'cấp hộ chiếu')));
    await eventually(() => expect(textsTo(psid).join('\n')).toContain('hộ chiếu'));
    const answered = textsTo(psid).length;
    fake.interact(psid);
    await driver.deliver(driver.envelope(driver.quickReply(psid, 'Lệ phí', 'topic:fee')));
    await eventually(() => expect(textsTo(psid).slice(answered).join('\n')).toContain('Phí, lệ phí'));
  });

  it('answers a redelivered event once', async () => {
    const psid = MessengerWebhookDriver.newPsid();
    fake.interact(psid);
    const delivery = driver.envelope(driver.text(psid, 'đăng ký tạm trú'));
    await driver.deliver(delivery);
    await driver.redeliver(delivery);
    await eventually(() => expect(textsTo(psid).join('\n')).toContain('Đăng ký tạm trú'));
    const once = textsTo(psid).length;
    await new Promise((r) => setTimeout(r, 500));
    expect(textsTo(psid)).toHaveLength(once);
    expect(textsTo(psid).filter((t) => t.startsWith('Đăng ký tạm trú'))).toHaveLength(1);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const psid = MessengerWebhookDriver.newPsid();
    const delivery = driver.envelope(driver.text(psid, 'đăng ký kết hôn'));
    const res = await driver.deliver({ ...delivery, headers: { ...delivery.headers, 'X-Hub-Signature-256': `sha256=${'a'.repeat(64)}` } });
    expect(res.status).toBe(401);
    const unsigned = { ...delivery, headers: { 'Content-Type': 'application/json' } };
    expect((await driver.deliver(unsigned)).status).toBe(401);
    expect(await system.store.inbound.conversationsWithPending()).toEqual([]);
  });

  it('does not retry a permanent refusal (invalid token, 190)', async () => {
    const psid = MessengerWebhookDriver.newPsid();
    fake.interact(psid);
    fake.failNext({ code: 190, message: 'Error validating access token' }, 2); // the typing indicator, then the send
    await driver.deliver(driver.envelope(driver.text(psid, 'đăng ký khai tử')));
    await eventually(async () => expect((await system.store.outbound.listByStatus('failed', 10)).some((r) => r.error?.platformCode === 190)).toBe(true));
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.requests.filter((r) => r.body.includes(psid) && r.body.includes('"message"'))).toHaveLength(1);
  });
});
