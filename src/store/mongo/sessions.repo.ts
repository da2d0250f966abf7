import type { ConsoleSession } from '../../domain/account.js';
import type { ConsoleSessionRepo } from '../../ports/store.js';
import { fromDoc, toDoc } from '../documents.js';
import type { Collections } from './collections.js';

/** Signed-in console sessions in MongoDB; an expired session reads as absent (the caller's clock decides). */
export class MongoConsoleSessionRepo implements ConsoleSessionRepo {
  constructor(private readonly db: () => Promise<Collections>) {}

  async insert(session: ConsoleSession): Promise<void> {
    const { sessions } = await this.db();
    await sessions.insertOne(toDoc(session));
  }

  async get(id: string, now: Date): Promise<ConsoleSession | undefined> {
    const { sessions } = await this.db();
    const doc = await sessions.findOne({ _id: id, expiresAt: { $gt: now } });
    return doc ? fromDoc(doc) : undefined;
  }

  async delete(id: string): Promise<void> {
    const { sessions } = await this.db();
    await sessions.deleteOne({ _id: id });
  }

  async deleteByAccount(accountId: string): Promise<void> {
    const { sessions } = await this.db();
    await sessions.deleteMany({ accountId });
  }
}
