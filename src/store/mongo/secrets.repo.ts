import type { SecretRepo } from '../../ports/store.js';
import { isDuplicateKey, type Collections } from './collections.js';

/**
 * Versioned secrets in MongoDB: an update filtered on the expected version is atomic on one document,
 * so of two workers refreshing the same token pair only one writes; version 0 is an insert that E11000
 * refuses to the second writer.
 */
export class MongoSecretRepo implements SecretRepo {
  constructor(
    private readonly db: () => Promise<Collections>,
    private readonly now: () => Date,
  ) {}

  async get(key: string): Promise<{ value: Record<string, unknown>; version: number } | undefined> {
    const { secrets } = await this.db();
    const doc = await secrets.findOne({ _id: key });
    return doc ? { value: doc.value, version: doc.version } : undefined;
  }

  async compareAndSet(key: string, expectedVersion: number, value: Record<string, unknown>): Promise<boolean> {
    const { secrets } = await this.db();
    const updatedAt = this.now();
    if (expectedVersion === 0) {
      try {
        await secrets.insertOne({ _id: key, value, version: 1, updatedAt });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    const result = await secrets.updateOne(
      { _id: key, version: expectedVersion },
      { $set: { value, version: expectedVersion + 1, updatedAt } },
    );
    return result.modifiedCount === 1;
  }
}
