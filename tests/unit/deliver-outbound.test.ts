import { beforeEach, describe, expect, it } from 'vitest';
import { createDeliveryWorker } from '../../src/core/deliver-outbound.js';
import type { OutboundRecord } from '../../src/domain/conversation.js';
import type { OutboundMessage } from '../../src/domain/message.js';
import { ChannelSendError, type ChannelAdapter } from '../../src/ports/channel.js';
import { RetryLaterError } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { freeLock, silentLogger } from './handoff-fixture.js';

/**
 * The delivery worker's promises per purpose: every send is claimed first (`sending`, compare-and-set),
 * so two runs that both believe they hold the conversation (Redis lost the lease) never send one reply
 * twice; a reply left `sending` by a dead run is checked with the platform and sent again only if it did
 * not arrive; a news push at most once (a dead run's claim is recorded interrupted and nothing is sent);
 * a fresh claim is waited for; a news push refused for the platform's window is failed, not held.
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

/** A claim this old is a dead run's (the default SEND_CLAIM_STALE_MS is 65 s). */
const STALE = new Date(NOW.getTime() - 2 * 60_000);

// `freeLock` grants every lease: as when Redis forgot the conversation's lease and two runs go at once.
const worker = () =>
  createDeliveryWorker({ store, backend: freeLock, adapters: { zalo: adapter }, logger: silentLogger, clock: { now: () => NOW }, maxAttempts: 3, events: { publish: async () => undefined } });

async function conversation(): Promise<string> {
  const c = await store.conversations.getOrOpen({ id: 'zalo:oa:1', channel: 'zalo', accountId: 'oa', userId: '1', contactId: 'c1', at: NOW });
  return c.id;
}

function record(id: string, conversationId: string, purpose: OutboundRecord['purpose'], status: OutboundRecord['status'] = 'pending', sendingSince?: Date): OutboundRecord {
  return { id, conversationId, reply: { text: id }, purpose, status, attempts: 0, createdAt: STALE, ...(sendingSince && { sendingSince }) };
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
    await store.outbound.insert(record('news:a', id, 'news', 'sending', STALE));
    await store.outbound.insert(record('news:b', id, 'news'));
    await run(id);
    expect(sent.map((m) => m.id)).toEqual(['news:b']);
    expect(await store.outbound.get('news:a')).toMatchObject({ status: 'failed', error: { code: 'DELIVERY.INTERRUPTED' } });
    expect(await store.outbound.get('news:b')).toMatchObject({ status: 'sent', externalId: 'm1' });
  });

  it('When a reply was left `sending` by a dead run, then the platform is asked: sent again only if it had not arrived', async () => {
    const id = await conversation();
    const asked: string[] = [];
    let arrived: string | undefined = 'zalo-msg-1';
    adapter.wasSent = async (message) => {
      asked.push(message.id);
      return arrived ? { externalId: arrived } : undefined;
    };
    try {
      await store.outbound.insert(record('r1', id, 'response', 'sending', STALE));
      await run(id);
      expect(sent).toEqual([]);
      expect(await store.outbound.get('r1')).toMatchObject({ status: 'sent', externalId: 'zalo-msg-1' });
      arrived = undefined;
      await store.outbound.insert(record('r2', id, 'response', 'sending', STALE));
      await run(id);
      expect(asked).toEqual(['r1', 'r2']);
      expect(sent.map((m) => m.id)).toEqual(['r2']);
      expect(await store.outbound.get('r2')).toMatchObject({ status: 'sent', externalId: 'm1' });
    } finally {
      delete adapter.wasSent;
    }
  });

  it('When another run claimed a reply a moment ago, then this run waits for it and sends nothing after it', async () => {
    const id = await conversation();
    await store.outbound.insert(record('r1', id, 'response', 'sending', NOW));
    await store.outbound.insert(record('r2', id, 'response'));
    await expect(run(id)).rejects.toBeInstanceOf(RetryLaterError);
    expect(sent).toEqual([]);
    expect(await store.outbound.get('r1')).toMatchObject({ status: 'sending' });
    expect(await store.outbound.get('r2')).toMatchObject({ status: 'pending' });
  });

  it('When two runs deliver one conversation at once (the lease lost), then each reply is sent once, in order', async () => {
    const id = await conversation();
    for (const n of [1, 2, 3, 4]) await store.outbound.insert({ ...record(`r${n}`, id, 'response'), createdAt: new Date(STALE.getTime() + n) });
    answer = async () => {
      await new Promise((r) => setTimeout(r, 5));
      return { externalId: `m${sent.length}` };
    };
    // Runs that meet the other's claim stop (RetryLaterError) and are run again, as the queue would.
    const until = async () => {
      for (let i = 0; i < 50; i++) {
        try {
          return await run(id);
        } catch (err) {
          if (!(err instanceof RetryLaterError)) throw err;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    };
    await Promise.all([until(), until()]);
    expect(sent.map((m) => m.id)).toEqual(['r1', 'r2', 'r3', 'r4']);
    for (const n of [1, 2, 3, 4]) expect((await store.outbound.get(`r${n}`))?.status).toBe('sent');
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
