import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotEngine } from '../../src/bot/engine.js';
import { outboundQueueName, TURN_QUEUE, type DeliveryJob, type TurnJob } from '../../src/core/queues.js';
import { createInboundReceiver } from '../../src/core/receive-inbound.js';
import { createTurnRunner } from '../../src/core/run-turns.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { ChannelKind } from '../../src/domain/message.js';
import { createLogger } from '../../src/logging/logger.js';
import { systemClock } from '../../src/ports/clock.js';
import type { FlowServices } from '../../src/ports/flow-services.js';
import type { QueueBackend } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createLocalBackend } from '../../src/queue/local/index.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { eventually } from './helpers.js';

/**
 * A turn that fails — a flow handler throwing inside Botkit's middleware, which unpatched Botkit turns
 * into a hung promise and an unhandled rejection — must reject, be logged, get the citizen an apology,
 * keep the message, and leave the worker serving the next message. The failing part is the flows'
 * port (FlowServices), a test double at the boundary; the engine, Botkit, queue and store are real.
 */
let store: Store;
let backend: QueueBackend;
let dataDir: string;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'turn-fail-'));
  store = createNedbStore({ dataDir });
  await store.init();
  backend = createLocalBackend();
});

afterEach(async () => {
  await backend.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function failingServices(failOn: string): FlowServices {
  const fail = (q: string) => {
    if (q.includes(failOn)) throw new Error('flow exploded');
  };
  return {
    copy: vi,
    copyFor: () => vi,
    setLocale: async () => {},
    agency: () => undefined,
    contactText: () => undefined,
    ask: (q) => {
      fail(q);
      return { question: q, intent: 'greeting', language: 'vi', decision: 'abstain', best: null, alternatives: [] };
    },
    getProcedure: () => undefined,
    answerText: () => '',
    procedureText: () => '',
    followUpText: () => '',
    procedureLink: () => undefined,
    publishedAnswer: async () => undefined,
    requestOperator: async () => ({ outcome: 'nobody-online' }),
    lastReplyWasFallback: async () => false,
    rateHandoff: async () => false,
    openTicket: async () => ({ code: 'K7QX-3M2PC', agencyName: 'Sở Tư pháp', dueDate: '01/12/2026' }),
    trackTickets: async () => [],
    lookupTicket: async () => ({ outcome: 'not-found' }),
    lookupTicketByPhone: async () => ({ outcome: 'not-found' }),
    closeTicket: async () => ({ outcome: 'not-found' }),
    checkReopenTicket: async () => ({ outcome: 'not-found' }),
    reopenTicket: async () => ({ outcome: 'not-found' }),
  };
}

describe('a failing turn', () => {
  it('rejects through the safe Botkit wrapper instead of hanging', async () => {
    const engine = await createBotEngine({ dialogState: store.dialogState, services: failingServices('boom') });
    const now = new Date();
    const conversation = { id: 'webchat:portal:u', contactId: 'c', channel: 'webchat' as const, accountId: 'portal', userId: 'u', mode: 'bot' as const, lastInboundAt: now, createdAt: now, updatedAt: now };
    const message = { id: 'm1', conversationId: conversation.id, externalId: 'm1', seq: 1, kind: 'message' as const, text: 'boom', status: 'received' as const, receivedAt: now };
    await expect(engine.handleTurn({ conversation, message })).rejects.toThrow('flow exploded');
  });

  it('apologizes, keeps the message as failed, and goes on with the next message', async () => {
    const engine = await createBotEngine({ dialogState: store.dialogState, services: failingServices('boom') });
    const deliveries = (channel: ChannelKind) => backend.queue<DeliveryJob>(outboundQueueName(channel));
    const receive = createInboundReceiver({ store, turns: backend.queue<TurnJob>(TURN_QUEUE), clock: systemClock });
    const runTurns = createTurnRunner({
      store,
      backend,
      engine,
      deliveries,
      logger: createLogger({ logLevel: 'silent' }),
      clock: systemClock,
      apology: { text: vi.bot.apology },
    });
    backend.worker(TURN_QUEUE, runTurns);
    const event = (id: string, text: string) => ({ channel: 'webchat' as const, externalId: id, userId: 'u', accountId: 'portal', kind: 'message' as const, text, timestamp: Date.now() });
    await receive(event('m1', 'boom'));
    await receive(event('m2', 'xin chào'));
    const conversationId = 'webchat:portal:u';
    await eventually(async () => {
      const inbound = await store.inbound.listByConversation(conversationId, 10);
      expect(inbound.map((m) => [m.text, m.status])).toEqual([
        ['boom', 'failed'],
        ['xin chào', 'done'],
      ]);
    });
    const outbound = await store.outbound.listByConversation(conversationId, 10);
    expect(outbound.map((o) => o.reply.text)).toEqual([vi.bot.apology, vi.bot.greeting]);
    expect((await store.inbound.listByConversation(conversationId, 10))[0]!.error).toBe('TURN.FAILED');
  });
});
