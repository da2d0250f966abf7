import type { SecretRepo } from '../../ports/store.js';
import { isDuplicateKey, type Collection } from '../collection.js';
import type { SecretDoc } from '../documents.js';

/**
 * Versioned secrets. An update filtered on the expected version is a compare-and-set where the engine
 * updates one document atomically (MongoDB; nedb and memory run one command at a time), so of two
 * workers refreshing the same token pair only one writes; version 0 is an insert that the unique _id
 * refuses to the second writer.
 */
export class SecretsRepo implements SecretRepo {
  constructor(
    private readonly secrets: Collection<SecretDoc>,
    private readonly now: () => Date,
  ) {}

  async get(key: string): Promise<{ value: Record<string, unknown>; version: number } | undefined> {
    const doc = await this.secrets.findOne({ _id: key });
    return doc ? { value: doc.value, version: doc.version } : undefined;
  }

  async compareAndSet(key: string, expectedVersion: number, value: Record<string, unknown>): Promise<boolean> {
    const updatedAt = this.now();
    if (expectedVersion === 0) {
      try {
        await this.secrets.insertOne({ _id: key, value, version: 1, updatedAt });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    const { matched } = await this.secrets.updateOne({ _id: key, version: expectedVersion }, { $set: { value, version: expectedVersion + 1, updatedAt } });
    return matched === 1;
  }
}
