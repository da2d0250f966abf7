import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';
import { createBotEngine } from '../../src/bot/engine.js';
import type { Conversation, InboundMessage } from '../../src/domain/conversation.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Reply } from '../../src/domain/message.js';
import { systemClock } from '../../src/ports/clock.js';
import type { ConversationEngine } from '../../src/ports/conversation-engine.js';
import type { Store } from '../../src/ports/store.js';
import { createEmbeddedStore } from '../../src/store/embedded/index.js';
import { createFlowServices } from '../../src/system/flow-services.js';

/**
 * The flows through the real Botkit engine, the real brain and the embedded store: no HTTP, no queue.
 * Each `say` is one citizen message; what comes back is what the channel would send.
 */
let brain: Brain;
let store: Store;
let dataDir: string;
let engine: ConversationEngine;
let seq = 0;

beforeAll(() => {
  brain = loadBrain();
});

async function newEngine(): Promise<ConversationEngine> {
  return createBotEngine({ dialogState: store.dialogState, services: createFlowServices({ knowledge: brain, store, copy: vi, clock: systemClock }) });
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'flows-'));
  store = createEmbeddedStore({ dataDir });
  await store.init();
  engine = await newEngine();
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function conversation(user: string): Conversation {
  const now = new Date();
  return { id: `webchat:portal:${user}`, contactId: `c-${user}`, channel: 'webchat', accountId: 'portal', userId: user, mode: 'bot', lastInboundAt: now, createdAt: now, updatedAt: now };
}

async function say(user: string, text: string, options: { payload?: boolean; via?: ConversationEngine } = {}): Promise<Reply[]> {
  seq++;
  const message: InboundMessage = {
    id: `webchat:m${seq}`,
    conversationId: conversation(user).id,
    externalId: `m${seq}`,
    seq,
    kind: options.payload ? 'postback' : 'message',
    ...(options.payload ? { payload: text } : { text }),
    status: 'received',
    receivedAt: new Date(),
  };
  return (options.via ?? engine).handleTurn({ conversation: conversation(user), message });
}

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n');

describe('flows', () => {
  it('greets with the menu', async () => {
    const replies = await say('u1', 'xin chào');
    expect(texts(replies)).toBe(vi.bot.greeting);
    expect(replies[0]!.buttons!.map((b) => b.payload)).toEqual(['menu:ask', 'req:agency', 'req:operator', 'menu:help']);
  });

  it('answers a procedure, then follow-ups about the same procedure from dialog state', async () => {
    const first = await say('u1', 'làm giấy khai sinh cho con');
    expect(texts(first)).toContain('Đăng ký khai sinh');
    expect(first[0]!.buttons!.map((b) => b.payload)).toContain('topic:fee');
    const fee = await say('u1', 'lệ phí bao nhiêu?');
    expect(texts(fee)).toContain('Đăng ký khai sinh');
    expect(texts(fee)).toContain(vi.answers.labels.fee);
    const docs = await say('u1', 'topic:documents', { payload: true });
    expect(texts(docs)).toContain('Giấy chứng sinh');
  });

  it('switches procedure when the citizen names another one', async () => {
    await say('u1', 'đăng ký kết hôn');
    const replies = await say('u1', 'còn đăng ký tạm trú thì sao');
    expect(texts(replies)).toContain('Đăng ký tạm trú');
  });

  it('offers clarification buttons and answers the chosen one, also when chosen by number', async () => {
    const replies = await say('u1', 'cấp lại');
    const buttons = replies.flatMap((r) => r.buttons ?? []);
    expect(buttons.length).toBeGreaterThan(1);
    expect(buttons.every((b) => b.payload.startsWith('proc:'))).toBe(true);
    const chosen = await say('u1', '2');
    const id = buttons[1]!.payload.slice('proc:'.length);
    expect(texts(chosen)).toContain(brain.getProcedure(id)!.name);
  });

  it('records a request to an agency when the brain cannot answer, with an honest reply', async () => {
    const offer = await say('u1', 'xin cấp phép bay flycam chụp ảnh cưới');
    expect(offer[0]!.buttons!.map((b) => b.payload)).toEqual(['req:agency', 'req:operator', 'req:rephrase']);
    const done = await say('u1', 'req:agency', { payload: true });
    expect(texts(done)).toMatch(/mã ghi nhận YC-[A-Z2-9]{6}/);
    const requests = await store.requests.listByConversation(conversation('u1').id);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ kind: 'agency', question: 'xin cấp phép bay flycam chụp ảnh cưới' });
  });

  it('asks for the question when the citizen picks "send to an agency" from the menu', async () => {
    await say('u1', 'req:agency', { payload: true });
    const done = await say('u1', 'Đường vào trường học ở thôn 3 bị sạt lở, ai phụ trách sửa?');
    expect(texts(done)).toContain('mã ghi nhận');
    expect((await store.requests.listByConversation(conversation('u1').id))[0]!.question).toContain('sạt lở');
  });

  it('keeps each citizen\'s dialog apart', async () => {
    await say('a', 'đăng ký kết hôn');
    await say('b', 'cấp hộ chiếu');
    expect(texts(await say('a', 'mấy ngày thì có?'))).toContain('Đăng ký kết hôn');
    expect(texts(await say('b', 'mấy ngày thì có?'))).toContain('hộ chiếu');
  });

  it('continues a dialog on a new engine over the same store (a restart, or another worker)', async () => {
    await say('u1', 'đăng ký thường trú');
    const restarted = await newEngine();
    const replies = await say('u1', 'cần giấy tờ gì', { via: restarted });
    expect(texts(replies)).toContain('Đăng ký thường trú');
    expect(texts(replies)).toContain(vi.answers.labels.documents);
  });

  it('answers other intents honestly', async () => {
    expect(texts(await say('u1', 'đăng ký nhận tin tức của tỉnh'))).toBe(vi.bot.news);
    expect(texts(await say('u2', 'hôm nay thời tiết thế nào'))).toBe(vi.bot.outOfScope);
    const handoff = await say('u3', 'cho tôi gặp tổng đài viên');
    expect(texts(handoff)).toContain('gặp tổng đài viên');
    expect(await store.requests.listByConversation(conversation('u3').id)).toHaveLength(1);
  });
});
