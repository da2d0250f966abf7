import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { conversationKey } from '../../src/domain/message.js';
import { createTicket } from '../../src/domain/ticket.js';
import { generate } from '../../src/domain/tracking-code.js';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { embeddedEngine, migrateNedbToSqlite, selectStore } from '../../src/system/store.js';

/**
 * The embedded store moved from nedb to SQLite: a DATA_DIR of nedb files stays on nedb (EMBEDDED_STORE
 * auto) until `npm run store:migrate` copies it; everything written before is there after, Dates and
 * unique indexes included.
 */

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'store-migrate-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('store:migrate (nedb → SQLite)', () => {
  it('When a fresh DATA_DIR is opened, then the embedded store is SQLite', async () => {
    expect(embeddedEngine(loadConfig({ DATA_DIR: dataDir }))).toBe('sqlite');
    const store = await selectStore(loadConfig({ DATA_DIR: dataDir }));
    await store.init();
    expect((await store.info()).engine).toBe('sqlite');
    await store.close();
  });

  it('When DATA_DIR holds nedb files, then auto keeps nedb until the migration, after which everything is in SQLite', async () => {
    const at = new Date('2026-12-01T03:04:05.678Z');
    const nedb = createNedbStore({ dataDir, compactEveryMs: 0 });
    const identity = { channel: 'zalo' as const, accountId: 'oa', userId: 'u1' };
    const contact = await nedb.contacts.upsertByIdentity(identity, at);
    const conversation = await nedb.conversations.getOrOpen({ id: conversationKey('zalo', 'oa', 'u1'), contactId: contact.id, ...identity, at });
    await nedb.inbound.insert({ id: 'zalo:m1', conversationId: conversation.id, externalId: 'm1', kind: 'message', text: 'làm căn cước ở đâu', receivedAt: at });
    const ticket = createTicket({ id: 'tk-1', code: generate(), kind: 'question', agencyId: 'so-tu-phap', conversationId: conversation.id, question: 'Hỏi', consent: { forward: true, publish: false }, dueAt: new Date(at.getTime() + 5 * 86_400_000), at });
    await nedb.tickets.insert(ticket);
    await nedb.close();

    const config = loadConfig({ DATA_DIR: dataDir });
    expect(embeddedEngine(config)).toBe('nedb');

    const { collections } = await migrateNedbToSqlite(dataDir);
    expect(collections).toMatchObject({ contacts: 1, conversations: 1, inbound_messages: 1, tickets: 1 });
    expect(embeddedEngine(config)).toBe('sqlite');
    expect((await readdir(join(dataDir, 'store'))).filter((f) => f.endsWith('.db')).length).toBeGreaterThan(0); // the backup stays

    const sqlite = await selectStore(config);
    try {
      expect((await sqlite.info()).engine).toBe('sqlite');
      expect(await sqlite.tickets.getByCode(ticket.code)).toEqual(ticket);
      expect(await sqlite.conversations.get(conversation.id)).toEqual(conversation);
      // Unique indexes hold on the copied data: the same identity is the same contact, a redelivery is not stored twice.
      expect((await sqlite.contacts.upsertByIdentity(identity, new Date())).id).toBe(contact.id);
      expect((await sqlite.inbound.insert({ id: 'zalo:m1', conversationId: conversation.id, externalId: 'm1', kind: 'message', text: 'x', receivedAt: at })).created).toBe(false);
      expect((await sqlite.inbound.insert({ id: 'zalo:m2', conversationId: conversation.id, externalId: 'm2', kind: 'message', text: 'y', receivedAt: at })).message.seq).toBe(2);
    } finally {
      await sqlite.close();
    }
    await expect(migrateNedbToSqlite(dataDir)).rejects.toThrow(/no nedb store to migrate/);
  });
});
