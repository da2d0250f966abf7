import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isStoreUnavailable } from '../../src/domain/errors.js';
import type { InboundMessage } from '../../src/domain/conversation.js';
import type { Store } from '../../src/ports/store.js';
import { createNedbStore } from '../../src/store/nedb/index.js';

/**
 * The embedded store on a full disk. nedb applies a write to memory before appending it to the file, so a
 * failed append used to leave memory ahead of the disk: the redelivered webhook found its message
 * "already stored" and the next restart lost it. The disk is faked full by stubbing nedb's storage
 * module (the one its persistence calls through), so no root and no real full disk are needed.
 */

type Write = (...args: unknown[]) => Promise<void>;
/** nedb's storage module, the same CommonJS instance its persistence.js requires. */
const storage = createRequire(import.meta.url)('@seald-io/nedb/lib/storage.js') as { appendFileAsync: Write; crashSafeWriteFileLinesAsync: Write };

const enospc = (): NodeJS.ErrnoException => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

/**
 * Fills the disk: appends write half their text (a torn line, as a write cut short by the disk would
 * leave) then fail with ENOSPC, and compactions (nedb's rewrite of a whole file) fail too. Returns the
 * call to free it again.
 */
function fillDisk(): () => void {
  const append = vi.spyOn(storage, 'appendFileAsync').mockImplementation(async (filename, text) => {
    const s = String(text);
    await appendFile(filename as string, s.slice(0, Math.floor(s.length / 2)));
    throw enospc();
  });
  const rewrite = vi.spyOn(storage, 'crashSafeWriteFileLinesAsync').mockRejectedValue(enospc());
  return () => {
    append.mockRestore();
    rewrite.mockRestore();
  };
}

const inbound = (conversationId: string): Omit<InboundMessage, 'seq' | 'status'> => {
  const externalId = `msg-${randomUUID()}`;
  return { id: `zalo:${externalId}`, conversationId, externalId, kind: 'message', text: 'thủ tục khai sinh cần gì', receivedAt: new Date() };
};

describe('embedded store (nedb) on a full disk', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A store on a fresh data directory; `reopen` closes it and opens another on the same directory. */
  async function open(): Promise<{ store: () => Store; reopen: () => Promise<Store> }> {
    const dataDir = await mkdtemp(join(tmpdir(), 'troly-nedb-full-'));
    let store = createNedbStore({ dataDir, compactEveryMs: 0 });
    cleanups.push(async () => {
      await store.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    });
    await store.init();
    return {
      store: () => store,
      reopen: async () => {
        await store.close();
        store = createNedbStore({ dataDir, compactEveryMs: 0 });
        return store;
      },
    };
  }

  it('When an insert fails on a full disk, then once the disk frees the message is not found, stores on redelivery, and is there once after a restart', async () => {
    const h = await open();
    const conversationId = `conv-${randomUUID()}`;
    await h.store().inbound.insert(inbound(conversationId)); // a message already on disk before the disk fills
    const msg = inbound(conversationId);

    const freeDisk = fillDisk();
    const failed = await h.store().inbound.insert(msg).catch((e: unknown) => e);
    expect(isStoreUnavailable(failed)).toBe(true); // 503: the platform redelivers
    // Still full: the reload (which rewrites the file) fails too, so reads say unavailable rather than answer from memory.
    expect(isStoreUnavailable(await h.store().inbound.listByConversation(conversationId, 10).catch((e: unknown) => e))).toBe(true);
    freeDisk();

    // Memory equals the disk: the failed write is gone, the earlier message is still there.
    const listed = await h.store().inbound.listByConversation(conversationId, 10);
    expect(listed.map((m) => m.id)).not.toContain(msg.id);
    expect(listed).toHaveLength(1);
    // The redelivery stores it (with the next seq, 2).
    const again = await h.store().inbound.insert(msg);
    expect(again.created).toBe(true);
    expect(again.message.seq).toBe(2);

    const reopened = await h.reopen();
    const afterRestart = await reopened.inbound.listByConversation(conversationId, 10);
    expect(afterRestart.filter((m) => m.id === msg.id)).toHaveLength(1);
    expect(afterRestart.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('When the store closes right after a failed write, then its compaction does not write the failed write to the file', async () => {
    const h = await open();
    const conversationId = `conv-${randomUUID()}`;
    const msg = inbound(conversationId);
    const freeDisk = fillDisk();
    expect(isStoreUnavailable(await h.store().inbound.insert(msg).catch((e: unknown) => e))).toBe(true);
    freeDisk();

    const reopened = await h.reopen(); // close() compacts every file: from the file, not from memory
    expect(await reopened.inbound.listByConversation(conversationId, 10)).toEqual([]);
    expect((await reopened.inbound.insert(msg)).created).toBe(true);
  });

  it('When several calls arrive after a failed write, then they wait on one reload', async () => {
    const h = await open();
    const conversationId = `conv-${randomUUID()}`;
    const freeDisk = fillDisk();
    await h.store().inbound.insert(inbound(conversationId)).catch(() => undefined);
    freeDisk();

    const rewrite = vi.spyOn(storage, 'crashSafeWriteFileLinesAsync'); // the reload's rewrite of the file, once per reload
    const lists = await Promise.all(Array.from({ length: 5 }, () => h.store().inbound.listByConversation(conversationId, 10)));
    expect(lists).toEqual(Array.from({ length: 5 }, () => []));
    expect(rewrite).toHaveBeenCalledTimes(1);
    expect(String(rewrite.mock.calls[0]![0])).toMatch(/inbound_messages\.db$/);
  });
});
