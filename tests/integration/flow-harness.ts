import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { createRouter } from '../../knowledge/routing/index.js';
import { createBotEngine } from '../../src/bot/engine.js';
import type { NewsSubscriptions } from '../../src/core/news-subscriptions.js';
import { createTicketService } from '../../src/core/tickets.js';
import type { Conversation, InboundMessage } from '../../src/domain/conversation.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Reply } from '../../src/domain/message.js';
import { systemClock } from '../../src/ports/clock.js';
import type { ConversationEngine } from '../../src/ports/conversation-engine.js';
import type { KnowledgeSearch } from '../../src/ports/knowledge.js';
import type { Store } from '../../src/ports/store.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { buildFlowServices } from '../../src/system/flow-services.js';
import { flowHandoff } from './flow-handoff.js';

/**
 * The flows through the real Botkit engine and a fresh embedded store per test, no HTTP, no queue,
 * with the brain a test file chooses (the real one, or the real one with some readings scripted).
 * Registers its own vitest hooks; read `store` and `brain` inside tests, not at import.
 */
export interface FlowHarness {
  /** The real brain (loaded once per file). */
  readonly brain: Brain;
  /** This test's store. */
  readonly store: Store;
  /** A citizen's conversation on the web widget. */
  conversation(user: string): Conversation;
  /** One citizen message (or a tapped button), with the conversation as the store has it (its locale). */
  say(user: string, text: string, payload?: boolean): Promise<Reply[]>;
}

/** What a test file adds to the flows' services: `news`, the news subscriptions over this test's store (absent: news "not available"). */
export interface FlowHarnessOptions {
  news?: (store: Store) => NewsSubscriptions;
}

export function useFlowHarness(knowledge: (brain: Brain) => KnowledgeSearch = (brain) => brain, options: FlowHarnessOptions = {}): FlowHarness {
  let brain: Brain;
  let store: Store;
  let dataDir: string;
  let engine: ConversationEngine;
  let seq = 0;

  beforeAll(() => {
    brain = loadBrain();
  });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'flow-harness-'));
    store = createNedbStore({ dataDir });
    await store.init();
    const router = createRouter({ catalog: loadCatalog(), brain });
    // No delivery worker here: agencies' answers are not part of these flows.
    const deliveries = () => ({ name: 'outbound-test', add: async () => {} });
    const tickets = createTicketService({ store, router, calendar: loadHolidayCalendar().calendar, clock: systemClock, deliveries, answerNotice: (t) => ({ text: t.answer?.text ?? '' }) });
    const news = options.news?.(store);
    engine = await createBotEngine({
      dialogState: store.dialogState,
      services: buildFlowServices({ knowledge: knowledge(brain), store, copy: vi, clock: systemClock, tickets, handoff: flowHandoff(store), ...(news ? { news } : {}) }),
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const conversation = (user: string): Conversation => {
    const now = new Date();
    return { id: `webchat:portal:${user}`, contactId: `c-${user}`, channel: 'webchat', accountId: 'portal', userId: user, handoff: { status: 'bot', rev: 0 }, lastInboundAt: now, createdAt: now, updatedAt: now };
  };

  return {
    get brain() {
      return brain;
    },
    get store() {
      return store;
    },
    conversation,
    async say(user, text, payload = false) {
      seq++;
      const { id, contactId, channel, accountId, userId } = conversation(user);
      const stored = await store.conversations.getOrOpen({ id, contactId, channel, accountId, userId, at: new Date() });
      const message: InboundMessage = {
        id: `webchat:fh${seq}`,
        conversationId: conversation(user).id,
        externalId: `fh${seq}`,
        seq,
        kind: payload ? 'postback' : 'message',
        ...(payload ? { payload: text } : { text }),
        status: 'received',
        receivedAt: new Date(),
      };
      const replies = await engine.handleTurn({ conversation: stored, message });
      // Every reply says what it is.
      for (const reply of replies) expect(reply.meta?.tag, reply.text).toBeDefined();
      return replies;
    },
  };
}
