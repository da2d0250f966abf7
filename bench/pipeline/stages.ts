import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

/**
 * Where the end-to-end time went, read back from the system's own store after it stopped: each inbound
 * message's receivedAt, the createdAt of the reply the turn stored, and the reply's sentAt. Joined to the
 * bench's shots by the platform message id. Embedded store only (the MongoDB shape has no data dir).
 */

export interface StageStamps {
  /** Epoch ms. */
  receivedAt: number;
  composedAt: number;
  sentAt: number;
}

export async function readStageStamps(dataDir: string): Promise<Map<string, StageStamps>> {
  // The system has exited: the files are ours to read (compaction off; the directory is deleted after).
  const sqlite = existsSync(join(dataDir, 'store', 'store.sqlite'));
  const store = sqlite ? createSqliteStore({ dataDir }) : createNedbStore({ dataDir, compactEveryMs: 0 });
  await store.init();
  const records = (await Promise.all((['sent', 'pending', 'failed', 'held'] as const).map((s) => store.outbound.listByStatus(s, 10_000_000)))).flat();
  const conversations = new Set([...records.map((r) => r.conversationId), ...(await store.inbound.conversationsWithPending())]);
  const byInboundId = new Map<string, StageStamps>();
  const out = new Map<string, StageStamps>();
  for (const conversationId of conversations) {
    for (const message of await store.inbound.listByConversation(conversationId, 1_000_000)) {
      const stamps: StageStamps = { receivedAt: message.receivedAt.getTime(), composedAt: Number.NaN, sentAt: Number.NaN };
      byInboundId.set(message.id, stamps);
      out.set(message.externalId, stamps);
    }
  }
  for (const record of records) {
    const stamps = record.inReplyTo ? byInboundId.get(record.inReplyTo) : undefined;
    if (!stamps) continue;
    // The first reply of a message is the one the citizen waits for.
    const created = record.createdAt.getTime();
    if (Number.isNaN(stamps.composedAt) || created < stamps.composedAt) stamps.composedAt = created;
    const sent = record.sentAt?.getTime() ?? Number.NaN;
    if (!Number.isNaN(sent) && (Number.isNaN(stamps.sentAt) || sent < stamps.sentAt)) stamps.sentAt = sent;
  }
  if (sqlite) await store.close(); // (nedb's close would compact files about to be deleted)
  return out;
}
