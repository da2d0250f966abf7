import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import {
  answersAt,
  deleteRedisKeys,
  procedureOf,
  QUESTIONS,
  questionsFor,
  redisBaseUrl,
  sharedParts,
  startSystemHalf,
  waitFor,
  type SystemHalf,
  type TurnTrace,
} from './system-harness.js';

/**
 * "Turns of one conversation run in order, one at a time, also with several workers" (DESIGN.md). Two
 * halves of the production shape (web + worker, each with its own BullMQ connections and workers, turn
 * concurrency 8) share ONE embedded store instance and one Redis prefix, in this process. Twelve citizens
 * send 8 messages each, in bursts of 4 POSTed at once, alternately to either half's webhook: the turn jobs
 * of one conversation are queued by both producers and contend for up to 16 slots on two workers. Seq is
 * the order the store received them in (within a burst, any); answers must follow seq.
 *
 * Evidence, from three places: the engine's own trace (each turn's message seq and start/end, recorded
 * around the real Botkit engine), the store (seq, processedAt, replies' inReplyTo and createdAt), and the
 * fake Zalo API (what each citizen received). Without the per-conversation lock in src/core/run-turns.ts
 * two workers take the same pending message and run turns of one conversation side by side: the trace
 * then shows a seq handled twice and overlapping turns (checked by removing the lock once).
 */

const CONVERSATIONS = 12;
const PER_CONVERSATION = 8;
const TURN_CONCURRENCY = 8;
/** Messages of one conversation POSTed at once. */
const BURST = 4;

const procedureAsked = (text: string | undefined) => QUESTIONS.find((q) => q.question === text)?.procedure ?? '?';

describe('turn order with several workers', () => {
  it('runs the turns of each conversation one at a time, in seq order, each once', async () => {
    const fake = await new FakeZalo().start();
    const dataDir = mkdtempSync(join(tmpdir(), 'ordering-'));
    const redisUrl = redisBaseUrl();
    const prefix = `test-ordering-${randomUUID()}`;
    const store: Store = createNedbStore({ dataDir, compactEveryMs: 0 });
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const halves: SystemHalf[] = [];
    try {
      await store.init();
      const parts = sharedParts(fake, fake.issueTokens(), store, dataDir);
      const traces: TurnTrace[] = [];
      for (const name of ['A', 'B']) halves.push(await startSystemHalf(parts, { name, redisUrl, prefix, turnConcurrency: TURN_CONCURRENCY, traces }));
      fake.webhookUrl = `${halves[0]!.url}/webhooks/zalo`;
      const drivers = halves.map((h) => new ZaloWebhookDriver({ url: `${h.url}/webhooks/zalo`, appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey }));

      const citizens = Array.from({ length: CONVERSATIONS }, (_, i) => ({ userId: bigId(), questions: questionsFor(i, PER_CONVERSATION) }));
      const total = CONVERSATIONS * PER_CONVERSATION;
      // Each conversation: bursts whose messages are POSTed all at once, alternately to either half, so
      // the turn jobs of one conversation are queued by both producers and contend for both workers' slots;
      // the next burst once the store has the previous one processed (a fresh contest for the lock).
      const conversationOf = (userId: string) => `zalo:${fake.oaId}:${userId}`;
      await Promise.all(
        citizens.map(async (citizen, i) => {
          for (let from = 0; from < PER_CONVERSATION; from += BURST) {
            const burst = citizen.questions.slice(from, from + BURST);
            const statuses = await Promise.all(
              burst.map(async (q, k) => {
                const driver = drivers[(i + from + k) % drivers.length]!;
                return (await driver.deliver(driver.text(citizen.userId, q.question))).status;
              }),
            );
            expect(statuses).toEqual(burst.map(() => 200));
            await waitFor('the burst to be processed', async () => {
              const inbound = await store.inbound.listByConversation(conversationOf(citizen.userId), 100);
              return inbound.length === from + burst.length && inbound.every((m) => m.status === 'done');
            });
            // A fresh contest needs the lock free too: the turn that processed the burst tidies up after
            // its last message and would otherwise still hold it and take the next burst itself.
            await waitFor('the conversation\'s turn lease to be released', async () => (await redis.exists(`${prefix}::lock:turn:${conversationOf(citizen.userId)}`)) === 0);
          }
        }),
      );
      await waitFor('an answer to every message', () => fake.sent.length >= total, 120_000, 50);
      await waitFor('the store to record every delivery', async () => (await store.outbound.listByStatus('sent', 1000)).length >= total);
      await Promise.all(halves.splice(0).map((h) => h.stop()));

      // Both workers ran turns, and conversations had turns on both (so cross-worker ordering was exercised).
      expect(new Set(traces.map((t) => t.worker))).toEqual(new Set(['A', 'B']));
      const byConversation = new Map<string, TurnTrace[]>();
      for (const t of traces) byConversation.set(t.conversationId, [...(byConversation.get(t.conversationId) ?? []), t]);
      const mixed = [...byConversation.values()].filter((ts) => new Set(ts.map((t) => t.worker)).size > 1);
      expect(mixed.length).toBeGreaterThan(0);

      for (const citizen of citizens) {
        const conversationId = conversationOf(citizen.userId);
        const label = `conversation of ${citizen.userId}`;

        // The store: seq 1..n, each burst's messages inside its own seq range (within a burst the order is
        // whatever order they were stored in); one reply per message.
        const inbound = await store.inbound.listByConversation(conversationId, 100);
        expect(inbound.map((m) => [m.seq, m.status]), label).toEqual(citizen.questions.map((_, k) => [k + 1, 'done']));
        for (let from = 0; from < PER_CONVERSATION; from += BURST) {
          const stored = inbound.slice(from, from + BURST).map((m) => m.text ?? '');
          expect(stored.sort(), label).toEqual(citizen.questions.slice(from, from + BURST).map((q) => q.question).sort());
        }
        const outbound = await store.outbound.listByConversation(conversationId, 100);
        expect(outbound, label).toHaveLength(inbound.length);
        const replyTo = inbound.map((m) => {
          const replies = outbound.filter((r) => r.inReplyTo === m.id);
          expect(replies.map((r) => r.status), `${label}: replies to seq ${m.seq}`).toEqual(['sent']);
          return replies[0]!;
        });

        // The engine: every message handled exactly once, in seq order, never two turns at the same time.
        const turns = [...(byConversation.get(conversationId) ?? [])].sort((a, b) => a.start - b.start);
        expect(turns.map((t) => t.seq), label).toEqual(inbound.map((m) => m.seq));
        for (let k = 1; k < turns.length; k++) {
          expect(turns[k]!.start, `${label}: turn for seq ${k + 1} started before the one for seq ${k} ended`).toBeGreaterThanOrEqual(turns[k - 1]!.end);
        }
        // ...and the store agrees: a reply is created after the previous message was done, which is after its reply.
        for (let k = 1; k < inbound.length; k++) {
          const previousDone = inbound[k - 1]!.processedAt!.getTime();
          expect(replyTo[k]!.createdAt.getTime(), `${label}: reply to seq ${k + 1} before seq ${k} was done`).toBeGreaterThanOrEqual(previousDone);
          expect(previousDone, label).toBeGreaterThanOrEqual(replyTo[k - 1]!.createdAt.getTime());
        }

        // The platform: each message answered once, in seq order (one delivery run per conversation at a time).
        expect(answersAt(fake, citizen.userId).map(procedureOf), label).toEqual(inbound.map((m) => procedureAsked(m.text)));
      }
      expect(fake.sent).toHaveLength(total);
    } finally {
      await Promise.all(halves.map((h) => h.stop()));
      await store.close();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await deleteRedisKeys(redisUrl, `${prefix}:*`);
      redis.disconnect();
    }
  }, 240_000);
});
