import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNedbStore } from '../../src/store/nedb/index.js';
import { dataDirHarness, storeContract, type StoreHarness } from '../contract/store.contract.js';

/** An embedded store on a fresh temporary data directory, removed by cleanup. */
const embeddedHarness = () => dataDirHarness((dataDir) => createNedbStore({ dataDir }), 'troly-store-');

storeContract('embedded (nedb files)', embeddedHarness);

describe('embedded store files', () => {
  const harnesses: StoreHarness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.cleanup()));
  });

  it('When the store is used, then each collection is one file under <dataDir>/store/', async () => {
    const h = await embeddedHarness();
    harnesses.push(h);
    await h.store.init();
    await h.store.dialogState.write({ k: 1 });
    await h.store.close();
    const files = (await readdir(join(h.dataDir, 'store'))).sort();
    expect(files).toEqual(
      [
        'accounts',
        'audit_log',
        'canned_replies',
        'console_sessions',
        'contacts',
        'conversation_activities',
        'conversations',
        'dialog_state',
        'handoffs',
        'inbound_messages',
        'news_broadcasts',
        'news_deliveries',
        'news_feeds',
        'news_items',
        'news_subscriptions',
        'operator_presence',
        'outbound_messages',
        'phone_calls',
        'publications',
        'secrets',
        'tickets',
        'webpush_subscriptions',
      ].map(
        (n) => `${n}.db`,
      ),
    );
  });

  it('When the store closes, then its files are compacted to one line per live document', async () => {
    const h = await embeddedHarness();
    harnesses.push(h);
    const { store } = h;
    for (let version = 0; version < 20; version++) await store.secrets.compareAndSet('s', version, { version });
    await store.dialogState.write({ gone: true });
    await store.dialogState.delete(['gone']);
    await store.close();
    const secretLines = (await readFile(join(h.dataDir, 'store', 'secrets.db'), 'utf8')).split('\n').filter(Boolean);
    expect(secretLines).toHaveLength(1);
    expect(JSON.parse(secretLines[0]!)).toMatchObject({ _id: 's', version: 20 });
    const dialogLines = (await readFile(join(h.dataDir, 'store', 'dialog_state.db'), 'utf8')).split('\n').filter(Boolean);
    expect(dialogLines).toHaveLength(0);
  });

  it('When init is never called, then the repos still load the files first', async () => {
    const h = await embeddedHarness();
    harnesses.push(h);
    await h.store.secrets.compareAndSet('s', 0, { a: 1 });
    const reopened = await h.reopen!();
    expect(await reopened.secrets.get('s')).toEqual({ value: { a: 1 }, version: 1 });
  });
});
