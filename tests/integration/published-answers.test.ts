import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBrain } from '../../knowledge/brain/index.js';
import { createBotEngine } from '../../src/bot/engine.js';
import { createPublishing } from '../../src/core/publishing.js';
import type { TicketService } from '../../src/core/tickets.js';
import type { Account } from '../../src/domain/account.js';
import type { InboundMessage } from '../../src/domain/conversation.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { systemClock } from '../../src/ports/clock.js';
import type { ConversationEngine } from '../../src/ports/conversation-engine.js';
import type { Store } from '../../src/ports/store.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { agencyNames } from '../../src/core/agency-names.js';
import { buildFlowServices } from '../../src/system/flow-services.js';
import { createPublishedAnswers } from '../../src/system/published-answers.js';

/** Issue 4: a published answer is reused, naming the agency, when the catalog has no answer. */
let store: Store;
let dataDir: string;
let engine: ConversationEngine;
let seq = 0;
const brain = loadBrain();
const QUESTION = 'Xe buýt tuyến số 5 có chạy vào ngày Tết không?';
const ANSWER = 'Tuyến số 5 nghỉ chạy từ 30 Tết đến hết mùng 2.';
const AGENCY = brain.listAgencies()[0]!;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'published-'));
  store = createNedbStore({ dataDir });
  await store.init();
  const published = createPublishedAnswers({ brain, publications: store.publications, clock: systemClock });
  await published.refresh();
  const ticket = { id: 't-1', agencyId: AGENCY.id, question: QUESTION, status: 'answered', consent: { forward: true, publish: true }, answer: { text: ANSWER } } as unknown as Ticket;
  const publishing = createPublishing({
    tickets: { get: async () => ticket },
    publications: store.publications,
    clock: systemClock,
    events: { publish: () => published.refresh() },
    placeholders: vi.qa.redacted,
    audit: { record: async () => undefined },
  });
  await publishing.publish({ id: 'editor', username: 'editor', role: 'coordinator', disabled: false } as Account, ticket.id);
  const services = buildFlowServices({ knowledge: brain, store, copy: vi, clock: systemClock, tickets: {} as TicketService, published });
  engine = await createBotEngine({ dialogState: store.dialogState, services });
});

afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function say(user: string, text: string): Promise<string[]> {
  seq++;
  const now = new Date();
  const conversation = { id: `webchat:portal:${user}`, contactId: `c-${user}`, channel: 'webchat' as const, accountId: 'portal', userId: user, mode: 'bot' as const, lastInboundAt: now, createdAt: now, updatedAt: now };
  const message: InboundMessage = { id: `webchat:m${seq}`, conversationId: conversation.id, externalId: `m${seq}`, seq, kind: 'message', text, status: 'received', receivedAt: now };
  const replies = await engine.handleTurn({ conversation, message });
  return replies.map((r) => JSON.stringify(r));
}

describe('published answers in chat', () => {
  it('answers a paraphrase of a published question with the agency named, still offering to send it', async () => {
    expect(brain.ask('ngày tết tuyến xe buýt 5 còn hoạt động không').decision).toBe('abstain');
    const replies = (await say('u1', 'ngày tết tuyến xe buýt 5 còn hoạt động không')).join('\n');
    expect(replies).toContain(`${agencyNames(brain)(AGENCY.id)} đã trả lời câu hỏi tương tự`);
    expect(replies).toContain(ANSWER);
    expect(replies).toContain(vi.bot.fallbackButtons.agency);
  });

  it('sends an unrelated question to the request dialog', async () => {
    const replies = (await say('u2', 'trường đại học nào ở tỉnh có ngành y')).join('\n');
    expect(replies).not.toContain('đã trả lời câu hỏi tương tự');
    expect(replies).toContain(JSON.stringify(vi.bot.fallbackOffer).slice(1, 40));
  });
});
