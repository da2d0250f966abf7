import { beforeEach, describe, expect, it } from 'vitest';
import { createDeliveryWorker } from '../../src/core/deliver-outbound.js';
import type { OutboundRecord } from '../../src/domain/conversation.js';
import type { OutboundMessage } from '../../src/domain/message.js';
import { ChannelSendError, type ChannelAdapter } from '../../src/ports/channel.js';
import type { Store } from '../../src/ports/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { freeLock, silentLogger } from './handoff-fixture.js';

/**
 * The delivery worker's promises per purpose: a reply is sent at least once (a crash during the
 * platform call sends it again), a news push at most once (marked `sending` before the call; a run
 * that finds that mark records it interrupted and sends nothing), and a news push refused for the
 * platform's window is failed, not held for the citizen's next visit.
 */

const NOW = new Date('2026-12-08T05:00:00Z');
let store: Store;
let sent: OutboundMessage[];
let answer: () => Promise<{ externalId: string }>;
const adapter: ChannelAdapter = {
  kind: 'zalo',
  capabilities: { maxButtons: 0, maxTextLength: 2000 },
  verify: () => true,
  parse: () => [],
  send: async (message) => {
    sent.push(message);
    return answer();
  },
};

const worker = () =>
  createDeliveryWorker({ store, backend: freeLock, adapters: { zalo: adapter }, logger: silentLogger, clock: { now: () => NOW }, maxAttempts: 3, events: { publish: async () => undefined } });

async function conversation(): Promise<string> {
  const c = await store.conversations.getOrOpen({ id: 'zalo:oa:1', channel: 'zalo', accountId: 'oa', userId: '1', contactId: 'c1', at: NOW });
  return c.id;
}

function record(id: string, conversationId: string, purpose: OutboundRecord['purpose'], status: OutboundRecord['status'] = 'pending'): OutboundRecord {
  return { id, conversationId, reply: { text: id }, purpose, status, attempts: 0, createdAt: NOW };
}

const run = (conversationId: string) => worker()({ id: 'j', name: 'deliver', data: { conversationId }, attempt: 1 } as Parameters<ReturnType<typeof worker>>[0]);

beforeEach(() => {
  store = createMemoryStore({ now: () => NOW });
  sent = [];
  answer = async () => ({ externalId: `m${sent.length}` });
});

describe('delivery worker', () => {
  it('When a news push was left `sending` by a crashed run, then it is recorded interrupted and not sent again; pending ones go', async () => {
    const id = await conversation();
    await store.outbound.insert(record('news:a', id, 'news', 'sending'));
    await store.outbound.insert(record('news:b', id, 'news'));
    await run(id);
    expect(sent.map((m) => m.id)).toEqual(['news:b']);
    expect(await store.outbound.get('news:a')).toMatchObject({ status: 'failed', error: { code: 'DELIVERY.INTERRUPTED' } });
    expect(await store.outbound.get('news:b')).toMatchObject({ status: 'sent', externalId: 'm1' });
  });

  it('When the platform call of a news push fails, then the mark is cleared the usual way: retried while transient, failed when final', async () => {
    const id = await conversation();
    await store.outbound.insert(record('news:c', id, 'news'));
    answer = async () => {
      throw new ChannelSendError('rate limited', 'retryable', -32);
    };
    await expect(run(id)).rejects.toThrow();
    expect(await store.outbound.get('news:c')).toMatchObject({ status: 'pending', attempts: 1 });
    answer = async () => {
      throw new ChannelSendError('window closed', 'window', -230);
    };
    await run(id);
    expect(await store.outbound.get('news:c')).toMatchObject({ status: 'failed', error: { platformCode: -230 } });
  });

  it('When a reply meets a closed window, then it is held for the next interaction (replies are not news)', async () => {
    const id = await conversation();
    await store.outbound.insert(record('r1', id, 'response'));
    answer = async () => {
      throw new ChannelSendError('window closed', 'window', -230);
    };
    await run(id);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'held' });
  });
});
