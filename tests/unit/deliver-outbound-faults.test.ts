import { beforeEach, describe, expect, it } from 'vitest';
import { createDeliveryWorker, UNCONFIRMED_SEND } from '../../src/core/deliver-outbound.js';
import { createBreakers } from '../../src/core/platform-breaker.js';
import type { OutboundRecord } from '../../src/domain/conversation.js';
import type { OutboundMessage } from '../../src/domain/message.js';
import { ChannelSendError, type ChannelAdapter, type SentCheck } from '../../src/ports/channel.js';
import { RetryLaterError } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { freeLock, silentLogger } from './handoff-fixture.js';

/**
 * The delivery worker under platform faults (issue 14, item 4): transient failures retry later with a
 * jittered delay; while the channel's breaker is open nothing is sent and no attempt is spent, so a
 * storm of any length fails no reply; after an ambiguous failure the platform is asked before any resend.
 */

const NOW = new Date('2026-12-08T05:00:00Z');
let store: Store;
let sent: OutboundMessage[];
let answer: (m: OutboundMessage) => Promise<{ externalId: string }>;
let checks: { message: OutboundMessage; check: SentCheck }[];
let check: ((m: OutboundMessage) => Promise<{ externalId: string } | undefined>) | undefined;
let now: number;

const adapter: ChannelAdapter = {
  kind: 'zalo',
  capabilities: { maxButtons: 0, maxTextLength: 2000 },
  verify: () => true,
  parse: () => [],
  send: async (message) => {
    sent.push(message);
    return answer(message);
  },
  wasSent: async (message, c) => {
    checks.push({ message, check: c });
    if (!check) throw new Error('no check configured');
    return check(message);
  },
};

let breakers: ReturnType<typeof createBreakers>;
const worker = () =>
  createDeliveryWorker({
    store,
    backend: freeLock,
    adapters: { zalo: adapter },
    logger: silentLogger,
    clock: { now: () => NOW },
    maxAttempts: 3,
    events: { publish: async () => undefined },
    breakers,
    random: () => 0.5,
  });

async function conversation(): Promise<string> {
  const c = await store.conversations.getOrOpen({ id: 'zalo:oa:1', channel: 'zalo', accountId: 'oa', userId: '1', contactId: 'c1', at: NOW });
  return c.id;
}

function record(id: string, conversationId: string, createdAt = NOW): OutboundRecord {
  return { id, conversationId, reply: { text: id }, purpose: 'response', status: 'pending', attempts: 0, createdAt };
}

const run = (conversationId: string) => worker()({ id: 'j', name: 'deliver', data: { conversationId }, attempt: 1 });

beforeEach(() => {
  store = createMemoryStore({ now: () => NOW });
  sent = [];
  checks = [];
  check = undefined;
  now = 0;
  breakers = createBreakers({ threshold: 2, openMs: 1_000, spreadMs: 0, monotonic: () => now });
  answer = async () => ({ externalId: `m${sent.length}` });
});

const storm = () => {
  answer = async () => {
    throw new ChannelSendError('Zalo answered HTTP 503', 'retryable', 503);
  };
};

describe('delivery worker under platform faults', () => {
  it('When a send fails transiently, then the job comes back later (RetryLaterError, jittered) without spending the queue job', async () => {
    const id = await conversation();
    await store.outbound.insert(record('r1', id));
    storm();
    const err = await run(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    // 2nd attempt: 1,000 ms exponential, half fixed and half random (0.5) = 750 ms.
    expect((err as RetryLaterError).delayMs).toBe(750);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'pending', attempts: 1, error: { code: 'CHANNEL.RETRYABLE' } });
  });

  it('When a storm lasts far longer than the attempts allow, then the open breaker keeps the replies pending in order and nothing fails', async () => {
    const id = await conversation();
    await store.outbound.insert(record('r1', id));
    await store.outbound.insert(record('r2', id, new Date(NOW.getTime() + 1)));
    storm();
    // Two failures open the breaker (threshold 2); then 100 runs over 10 minutes of storm.
    for (let i = 0; i < 100; i++) {
      await run(id).catch(() => undefined);
      now += 6_000;
    }
    const calls = sent.length;
    expect(calls).toBeLessThan(100);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'pending', attempts: 2 });
    expect(await store.outbound.get('r2')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(sent.every((m) => m.id === 'r1')).toBe(true);
    // The platform is back: the next probe closes the breaker and both go, oldest first.
    answer = async () => ({ externalId: `m${sent.length}` });
    now += 60_000;
    await run(id);
    expect(sent.slice(calls).map((m) => m.id)).toEqual(['r1', 'r2']);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'sent', attempts: 3 });
    expect(await store.outbound.get('r2')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(breakers('zalo').state()).toBe('closed');
  });

  it('When the breaker is open, then a run neither calls the platform nor touches the reply', async () => {
    const id = await conversation();
    await store.outbound.insert(record('r1', id));
    breakers('zalo').failed(false);
    breakers('zalo').failed(false);
    const err = await run(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).delayMs).toBe(1_000);
    expect(sent).toHaveLength(0);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('When a send timed out but had arrived, then the platform is asked before resending and the reply is recorded sent once', async () => {
    const id = await conversation();
    await store.outbound.insert({ ...record('r0', id, new Date(NOW.getTime() - 5_000)), status: 'sent', externalId: 'earlier' });
    await store.outbound.insert(record('r1', id));
    answer = async () => {
      throw new ChannelSendError('Zalo unreachable: timed out', 'retryable', undefined, { ambiguous: true });
    };
    await expect(run(id)).rejects.toBeInstanceOf(RetryLaterError);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'pending', attempts: 1, error: { code: UNCONFIRMED_SEND } });
    check = async () => ({ externalId: 'zalo-msg-1' });
    await run(id);
    expect(sent.map((m) => m.id)).toEqual(['r1']);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.check.excludeIds).toEqual(['earlier']);
    expect(checks[0]!.check.since.getTime()).toBeLessThan(NOW.getTime());
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'sent', externalId: 'zalo-msg-1', attempts: 1 });
  });

  it('When the platform says the ambiguous send did not arrive, then it is sent again', async () => {
    const id = await conversation();
    await store.outbound.insert({ ...record('r1', id), attempts: 1, error: { code: UNCONFIRMED_SEND } });
    check = async () => undefined;
    await run(id);
    expect(sent.map((m) => m.id)).toEqual(['r1']);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'sent', externalId: 'm1', attempts: 2 });
  });

  it('When the check itself fails transiently, then nothing is resent: the reply waits, still unconfirmed', async () => {
    const id = await conversation();
    await store.outbound.insert({ ...record('r1', id), attempts: 1, error: { code: UNCONFIRMED_SEND } });
    check = async () => {
      throw new ChannelSendError('Zalo answered HTTP 502', 'retryable', 502);
    };
    await expect(run(id)).rejects.toBeInstanceOf(RetryLaterError);
    expect(sent).toHaveLength(0);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'pending', attempts: 2, error: { code: UNCONFIRMED_SEND } });
  });

  it('When the platform refuses the check for good (no permission), then the reply is sent again rather than never', async () => {
    const id = await conversation();
    await store.outbound.insert({ ...record('r1', id), attempts: 1, error: { code: UNCONFIRMED_SEND } });
    check = async () => {
      throw new ChannelSendError('(#200) permission', 'permanent', 200);
    };
    await run(id);
    expect(sent.map((m) => m.id)).toEqual(['r1']);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'sent' });
  });

  it('When a later transient failure follows an ambiguous one, then the reply stays unconfirmed (it may still have arrived)', async () => {
    const id = await conversation();
    await store.outbound.insert({ ...record('r1', id), attempts: 1, error: { code: UNCONFIRMED_SEND } });
    check = async () => undefined;
    storm();
    await expect(run(id)).rejects.toBeInstanceOf(RetryLaterError);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'pending', attempts: 2, error: { code: UNCONFIRMED_SEND, platformCode: 503 } });
  });
});
