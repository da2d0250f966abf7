import type { SecretRepo } from '../../ports/store.js';
import { isUniqueViolation, type Datastores } from './datastores.js';

/**
 * Versioned secrets in nedb. nedb runs one command at a time, so a single update filtered on the
 * expected version is an atomic compare-and-set; version 0 means "absent" and is an insert that the
 * unique _id refuses to a second writer.
 */
export class EmbeddedSecretRepo implements SecretRepo {
  constructor(
    private readonly db: () => Promise<Datastores>,
    private readonly now: () => Date,
  ) {}

  async get(key: string): Promise<{ value: Record<string, unknown>; version: number } | undefined> {
    const { secrets } = await this.db();
    const doc = await secrets.findOneAsync({ _id: key });
    return doc ? { value: doc.value, version: doc.version } : undefined;
  }

  async compareAndSet(key: string, expectedVersion: number, value: Record<string, unknown>): Promise<boolean> {
    const { secrets } = await this.db();
    const updatedAt = this.now();
    if (expectedVersion === 0) {
      try {
        await secrets.insertAsync({ _id: key, value, version: 1, updatedAt });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    }
    const { numAffected } = await secrets.updateAsync(
      { _id: key, version: expectedVersion },
      { $set: { value, version: expectedVersion + 1, updatedAt } },
      {},
    );
    return numAffected === 1;
  }
}
