import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { conversationKey } from '../../src/domain/message.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { RunningSystem } from '../../src/system/index.js';
import { eventually } from './helpers.js';
import { deleteRedisKeys, redisBaseUrl } from './system-harness.js';
import { startTestSystem } from './test-system.js';

/**
 * One failed-proof counter per tracking code, shared by the chat (the phone-digit proof in the widget's
 * conversation) and the lookup API: 10 wrong digits in total, from either path, lock the code for
 * phone proofs on both. The whole system, once in embedded mode (memory limiters, one process) and once
 * with Redis (the limiters every process would share; key `<QUEUE_PREFIX>:limit:proof:<CODE>`).
 * The chat is driven over the widget's HTTP API, and its replies read from the widget's history.
 */

const PHONE = '0903 111 222';
const RIGHT = '1222';

const modes: { name: string; redis: boolean }[] = [
  { name: 'embedded (memory limiters)', redis: false },
  { name: 'Redis limiters', redis: true },
];

describe.each(modes)('shared phone-proof counter per code: $name', ({ redis }) => {
  const redisUrl = redisBaseUrl();
  // QUEUE_PREFIX allows 40 characters.
  const prefix = `proof-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  let dataDir: string;
  let system: RunningSystem;
  let base: string;
  let ticket: Ticket;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'proof-shared-it-'));
    system = await startTestSystem(dataDir, redis ? { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix } : {});
    base = system.url!;
    ticket = await system.tickets.openTicket({
      conversationId: conversationKey('zalo', 'oa', `asker-${randomUUID()}`),
      kind: 'question',
      question: 'Thủ tục cấp lại căn cước khi bị mất',
      consent: { forward: true, publish: false },
      contact: { phone: PHONE },
    });
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    if (redis) await deleteRedisKeys(redisUrl, `${prefix}:*`);
    await rm(dataDir, { recursive: true, force: true });
  });

  const lookup = (phoneLast4: string) =>
    fetch(`${base}/api/v1/tickets/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: ticket.code, phoneLast4 }) });

  /** A widget visitor; `say` sends a message and resolves with the assistant's replies to it (joined by a newline). */
  async function visitor() {
    const { token } = (await (await fetch(`${base}/widget/session`, { method: 'POST' })).json()) as { token: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    return {
      async say(text: string, expected: string): Promise<void> {
        const clientMessageId = randomUUID();
        const sent = await fetch(`${base}/widget/messages`, { method: 'POST', headers, body: JSON.stringify({ clientMessageId, text }) });
        expect(sent.status).toBe(202);
        await eventually(async () => {
          const { messages } = (await (await fetch(`${base}/widget/history`, { headers })).json()) as { messages: { id: string; from: string; text: string }[] };
          const after = messages.slice(messages.findIndex((m) => m.id === clientMessageId) + 1);
          expect(after.filter((m) => m.from === 'assistant').map((m) => m.text).join('\n')).toBe(expected);
        });
      },
    };
  }

  const offer = (code: string) => `${copy.bot.tickets.notFound(code)}\n\n${copy.bot.tickets.phoneProofOffer}`;

  it('When 5 wrong digits come through the lookup API and 5 through the chat, then the code is locked on both paths, even for the right digits', async () => {
    // Arrange: 5 failures through the API; the right digits still work (a success resets nothing).
    for (let i = 0; i < 5; i++) expect((await lookup(`000${i}`)).status, `API attempt ${i + 1}`).toBe(404);
    expect((await lookup(RIGHT)).status).toBe(200);

    // Act: 5 more through the chat, from one widget conversation (its own limit is 5).
    const guesser = await visitor();
    for (let i = 0; i < 5; i++) {
      await guesser.say(ticket.code, offer(ticket.code));
      await guesser.say(`111${i}`, copy.bot.tickets.phoneNotFound(ticket.code));
    }

    // Assert: the API refuses the right digits before reading the store (the per-address count is only 5) …
    const api = await lookup(RIGHT);
    expect(api.status).toBe(429);
    expect(await api.json()).toEqual({ code: 'TICKET.LOOKUP_RATE_LIMITED', message: copy.widget.lookup.rateLimited });
    // … and so does the chat, from a conversation that never failed.
    const citizen = await visitor();
    await citizen.say(ticket.code, offer(ticket.code));
    await citizen.say(RIGHT, copy.bot.tickets.phoneLookupLimited);
    if (redis) {
      const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      try {
        expect(await client.zcard(`${prefix}:limit:proof:${ticket.code}`)).toBe(10);
        expect(await client.pttl(`${prefix}:limit:proof:${ticket.code}`)).toBeGreaterThan(0);
      } finally {
        await client.quit();
      }
    }
  }, 60_000);
});
