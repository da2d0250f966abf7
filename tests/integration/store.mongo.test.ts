import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/ports/store.js';
import { createMongoStore } from '../../src/store/mongo/index.js';
import { storeContract, type StoreHarness } from '../contract/store.contract.js';

/**
 * The store contract against the MongoDB-wire server MONGODB_URL points to (read through loadConfig, the
 * only reader of the environment): FerretDB 1.24 on PostgreSQL in every `npm test` run
 * (scripts/ensure-ferretdb.sh), MongoDB itself wherever MONGODB_URL names one. Each harness uses its own
 * database, dropped by cleanup.
 */
const { mongodbUrl } = loadConfig({ ...process.env, NODE_ENV: 'test' });

async function mongoHarness(url: string): Promise<StoreHarness> {
  const dbName = `troly_test_${randomUUID().replaceAll('-', '')}`;
  let current: Store = createMongoStore({ url, dbName });
  return {
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = createMongoStore({ url, dbName });
      return current;
    },
    async cleanup() {
      await current.close();
      const admin = new MongoClient(url);
      try {
        await admin.db(dbName).dropDatabase();
      } finally {
        await admin.close();
      }
    },
  };
}

if (mongodbUrl) {
  const url = mongodbUrl;
  storeContract('mongo driver', () => mongoHarness(url));
} else {
  describe.skip('store contract: mongo (skipped: MONGODB_URL is not set; `npm test` sets it from scripts/ensure-ferretdb.sh)', () => {
    it('runs the whole store contract against MongoDB', () => undefined);
  });
}
