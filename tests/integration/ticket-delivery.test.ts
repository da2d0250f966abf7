import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createZaloAdapter } from '../../adapters/zalo/index.js';
import { createBrain } from '../../knowledge/brain/index.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { loadConfig, type Config } from '../../src/config.js';
import { TURN_QUEUE, type TurnJob } from '../../src/core/queues.js';
import { createInboundReceiver, type InboundReceiver } from '../../src/core/receive-inbound.js';
import type { TicketService } from '../../src/core/tickets.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Actor, Ticket } from '../../src/domain/ticket.js';
import { createLogger } from '../../src/logging/logger.js';
import { systemClock } from '../../src/ports/clock.js';
import type { KnowledgeSearch } from '../../src/ports/knowledge.js';
import type { QueueBackend, QueueWorker } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createLocalBackend } from '../../src/queue/local/index.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { buildTicketService } from '../../src/system/tickets.js';
import { deliveryQueues, startWorkers } from '../../src/system/workers.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { eventually } from './helpers.js';

/**
 * An agency's answer on its way to the citizen, with nothing of ours stubbed: the real ticket service,
 * the embedded store, the local queue, the worker set startSystem runs (turns + delivery, wired to the
 * ticket service), and the real Zalo adapter against the fake Zalo API. What the platform does with the
 * message (sent, -230 window closed, refused) must end up on the ticket.
 */
let fake: FakeZalo;
let config: Config;
let knowledge: KnowledgeSearch;
let dataDir: string;
let store: Store;
let backend: QueueBackend;
let workers: QueueWorker[];
let tickets: TicketService;
let receive: InboundReceiver;

const staff: Actor = { kind: 'staff', id: 'staff-1' };
const ANSWER = 'Việc bay flycam cần xin phép Bộ Quốc phòng trước 7 ngày làm việc.';

beforeAll(async () => {
  fake = await new FakeZalo().start();
  config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...fake.env() });
  knowledge = createBrain(loadCatalog(config.catalogDir), { dataDir: config.catalogDir });
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ticket-delivery-'));
  store = createNedbStore({ dataDir });
  await store.init();
  backend = createLocalBackend();
  const logger = createLogger(config);
  const zalo = config.channels.zalo;
  const adapter = createZaloAdapter({
    appId: zalo.appId!,
    appSecret: zalo.appSecret ?? '',
    oaSecretKey: zalo.oaSecretKey!,
    apiBase: zalo.apiBase,
    oauthBase: zalo.oauthBase,
    logger,
    tokens: { secrets: store.secrets, seed: { accessToken: zalo.accessToken ?? '', refreshToken: zalo.refreshToken ?? '' } },
  });
  tickets = buildTicketService({ catalogDir: config.catalogDir, knowledge, store, clock: systemClock, copy, deliveries: deliveryQueues(backend) });
  workers = await startWorkers({ config, logger, store, backend, knowledge, adapters: { zalo: adapter }, clock: systemClock, tickets });
  receive = createInboundReceiver({ store, turns: backend.queue<TurnJob>(TURN_QUEUE), clock: systemClock });
});

afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await backend.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A citizen's conversation on the OA with a ticket opened from it, answered by agency staff. */
async function answeredTicket(citizen: string): Promise<Ticket> {
  const identity = { channel: 'zalo' as const, accountId: fake.oaId, userId: citizen };
  const contact = await store.contacts.upsertByIdentity(identity, new Date());
  const conversationId = conversationKey('zalo', fake.oaId, citizen);
  await store.conversations.getOrOpen({ id: conversationId, contactId: contact.id, ...identity, at: new Date() });
  const ticket = await tickets.openTicket({
    conversationId,
    kind: 'question',
    question: 'Tôi muốn hỏi về việc cấp phép bay flycam chụp ảnh cưới ở bờ biển',
    consent: { forward: true, publish: false },
  });
  return tickets.answer(ticket.id, staff, ANSWER);
}

const textsTo = (userId: string) => fake.sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: unknown }).text ?? ''));
const current = async (id: string): Promise<Ticket> => (await store.tickets.get(id))!;

describe('delivering a ticket answer', () => {
  it('marks the ticket delivered once the message is sent, with a timeline event', async () => {
    const citizen = bigId();
    const answered = await answeredTicket(citizen);
    const outboundId = answered.delivery!.outboundId!;

    await eventually(async () => expect((await current(answered.id)).status).toBe('delivered'));
    const delivered = await current(answered.id);
    expect(delivered.delivery).toMatchObject({ status: 'sent', outboundId });
    expect(delivered.timeline.at(-1)).toMatchObject({ action: 'deliver', actor: { kind: 'system' }, from: 'answered', to: 'delivered' });
    expect(textsTo(citizen)).toHaveLength(1);
    expect(textsTo(citizen)[0]).toContain(answered.code);
    expect(textsTo(citizen)[0]).toContain(ANSWER);
    expect(await store.outbound.get(outboundId)).toMatchObject({ status: 'sent', ticketId: answered.id, purpose: 'update' });
  });

  it('keeps it held while the Zalo window is closed (-230), and delivers it when the citizen writes', async () => {
    const citizen = bigId();
    fake.windowClosed.add(citizen);
    const answered = await answeredTicket(citizen);

    await eventually(async () => expect((await current(answered.id)).delivery?.status).toBe('held'));
    const held = await current(answered.id);
    expect(held.status).toBe('answered');
    expect(held.timeline.at(-1)).toMatchObject({ action: 'answer' });
    expect(await store.outbound.get(answered.delivery!.outboundId!)).toMatchObject({ status: 'held', error: { platformCode: -230 } });
    expect(textsTo(citizen)).toHaveLength(0);

    fake.windowClosed.delete(citizen);
    await receive({ channel: 'zalo', externalId: `m-${citizen}`, userId: citizen, accountId: fake.oaId, kind: 'message', text: 'cảm ơn', timestamp: Date.now() });

    await eventually(async () => expect((await current(answered.id)).status).toBe('delivered'));
    expect((await current(answered.id)).timeline.at(-1)).toMatchObject({ action: 'deliver', actor: { kind: 'system' } });
    await eventually(() => expect(textsTo(citizen).length).toBeGreaterThanOrEqual(2));
    // The held answer goes out first, before the reply to the citizen's new message.
    expect(textsTo(citizen)[0]).toContain(ANSWER);
  });

  it('records failDelivery when Zalo refuses the message for good', async () => {
    const citizen = bigId();
    fake.failNext(-201, 1, { path: '/v3.0/oa/message/cs' });
    const answered = await answeredTicket(citizen);

    await eventually(async () => expect((await current(answered.id)).delivery?.status).toBe('failed'));
    const failed = await current(answered.id);
    expect(failed.status).toBe('answered');
    expect(failed.delivery).toMatchObject({ status: 'failed', error: 'CHANNEL.PERMANENT', outboundId: answered.delivery!.outboundId });
    expect(failed.timeline.at(-1)).toMatchObject({ action: 'failDelivery', actor: { kind: 'system' }, note: 'CHANNEL.PERMANENT' });
    expect(await store.outbound.get(answered.delivery!.outboundId!)).toMatchObject({ status: 'failed', error: { platformCode: -201 } });
  });
});
