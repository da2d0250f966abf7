import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/system/index.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { eventually } from './helpers.js';
import { startTestSystem } from './test-system.js';

/**
 * The whole Zalo path with nothing of ours mocked: signed webhook → store → turn worker → Botkit flows
 * → outbound worker → Zalo SDK → the fake Zalo API, which enforces Zalo's headers, token rotation and
 * error shapes.
 */
let fake: FakeZalo;
let system: RunningSystem;
let driver: ZaloWebhookDriver;
let dataDir: string;

async function start(extra: Record<string, string> = {}): Promise<void> {
  system = await startTestSystem(dataDir, { ...fake.env(), ...extra });
  fake.webhookUrl = `${system.url}/webhooks/zalo`;
  driver = new ZaloWebhookDriver({ url: `${system.url}/webhooks/zalo`, appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey });
}

const textsTo = (userId: string) => fake.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: string }).text ?? ''));

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'zalo-e2e-'));
  fake = await new FakeZalo().start();
  await start();
});

afterEach(async () => {
  await system.stop();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Zalo end to end', () => {
  it('answers a question with the right procedure at the fake Zalo API', async () => {
    const citizen = bigId();
    const res = await driver.deliver(driver.text(citizen, 'cho em hỏi làm giấy khai sinh cho con cần giấy tờ gì ạ'));
    expect(res.status).toBe(200);
    await eventually(() => expect(textsTo(citizen).join('\n')).toContain('Đăng ký khai sinh'));
    const sent = fake.requestsTo('/v3.0/oa/message/cs').find((r) => (r.json as { recipient?: { user_id?: string } }).recipient?.user_id === citizen);
    expect(sent?.headers['access_token']).toBeTruthy();
  });

  it('answers a redelivered event once', async () => {
    const citizen = bigId();
    const delivery = driver.text(citizen, 'đăng ký tạm trú ở đâu');
    expect((await driver.deliver(delivery)).status).toBe(200);
    expect((await driver.redeliver(delivery)).status).toBe(200);
    await eventually(() => expect(textsTo(citizen).length).toBeGreaterThan(0));
    await new Promise((r) => setTimeout(r, 500));
    expect(textsTo(citizen)).toHaveLength(1);
    expect((await driver.redeliver(delivery)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(textsTo(citizen)).toHaveLength(1);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const citizen = bigId();
    const delivery = driver.text(citizen, 'đăng ký kết hôn');
    const forged = { ...delivery, headers: { ...delivery.headers, 'X-ZEvent-Signature': `mac=${'0'.repeat(64)}` } };
    const res = await driver.deliver(forged);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).code).toBe('CHANNEL.SIGNATURE_INVALID');
    expect(await system.store.inbound.conversationsWithPending()).toEqual([]);
    const tampered = { ...delivery, raw: delivery.raw.replace('kết hôn', 'ly hôn') };
    expect((await driver.deliver(tampered)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(textsTo(citizen)).toHaveLength(0);
  });

  it('rejects an oversized body with 413 and a malformed one with 400', async () => {
    const big = await fetch(`${system.url}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(300_000) });
    expect(big.status).toBe(413);
    const delivery = driver.build({ app_id: fake.appId, timestamp: String(Date.now()), event_name: 'user_send_text' });
    const malformed = { ...delivery, raw: '{"app_id": "1", "timestamp": ', headers: delivery.headers };
    const bad = await driver.deliver(malformed);
    expect([400, 401]).toContain(bad.status);
  });

  it('refreshes an expired access token once and still delivers', async () => {
    fake.expireAccessToken();
    const citizen = bigId();
    await driver.deliver(driver.text(citizen, 'thủ tục đăng ký kết hôn'));
    await eventually(() => expect(textsTo(citizen).join('\n')).toContain('Đăng ký kết hôn'));
    expect(fake.requests.filter((r) => r.server === 'oauth')).toHaveLength(1);
  });

  it('does not retry a permanent refusal, and records the failure', async () => {
    const citizen = bigId();
    fake.failNext(-201, 1, { path: '/v3.0/oa/message/cs' });
    await driver.deliver(driver.text(citizen, 'đăng ký khai tử'));
    await eventually(async () => {
      const records = await system.store.outbound.listByStatus('failed', 10);
      expect(records.some((r) => r.error?.platformCode === -201)).toBe(true);
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.requestsTo('/v3.0/oa/message/cs').filter((r) => (r.json as { recipient?: { user_id?: string } }).recipient?.user_id === citizen)).toHaveLength(1);
  });

  it('keeps a reply for a citizen outside the 7-day window and delivers it at their next message', async () => {
    const citizen = bigId();
    fake.windowClosed.add(citizen);
    await driver.deliver(driver.text(citizen, 'đăng ký thường trú'));
    await eventually(async () => expect((await system.store.outbound.listWithStatus(`zalo:${fake.oaId}:${citizen}`, 'held')).length).toBe(1));
    fake.windowClosed.delete(citizen);
    await driver.deliver(driver.text(citizen, 'lệ phí bao nhiêu'));
    await eventually(() => expect(textsTo(citizen).length).toBe(2));
    expect(textsTo(citizen)[0]).toContain('Đăng ký thường trú');
  });
});
