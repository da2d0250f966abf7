import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outboundQueueName, queueDelivery, type DeliveryJob } from '../../src/core/queues.js';
import { conversationKey, type Reply } from '../../src/domain/message.js';
import { startTestSystem } from '../integration/test-system.js';

/** The whole system in embedded mode (store, queues, Botkit flows, widget), as `npm start` runs it. */
export const ACCOUNT_ID = 'portal';

export interface Harness {
  url: string;
  /** An operator's or agency's reply, stored and delivered like any other (not in answer to a message). */
  operatorReply(visitorId: string, reply: Reply): Promise<void>;
  close(): Promise<void>;
}

/** `env` adds to the test configuration (e.g. a low WIDGET_RATE_PER_SESSION). */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'widget-e2e-'));
  const system = await startTestSystem(dataDir, env);
  return {
    url: system.url!,
    async operatorReply(visitorId, reply) {
      const id = `operator:${randomUUID()}`;
      const conversationId = conversationKey('webchat', ACCOUNT_ID, visitorId);
      await system.store.outbound.insert({ id, conversationId, reply, purpose: 'human_agent', status: 'pending', attempts: 0, createdAt: new Date() });
      await queueDelivery(system.backend.queue<DeliveryJob>(outboundQueueName('webchat')), conversationId, id);
    },
    async close() {
      await system.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
