import type { ConsoleSession } from '../../domain/account.js';
import type { ConsoleSessionRepo } from '../../ports/store.js';
import { fromDoc, toDoc } from '../documents.js';
import type { Datastores } from './datastores.js';

/** Signed-in console sessions in nedb; an expired session reads as absent (the caller's clock decides). */
export class EmbeddedConsoleSessionRepo implements ConsoleSessionRepo {
  constructor(private readonly db: () => Promise<Datastores>) {}

  async insert(session: ConsoleSession): Promise<void> {
    const { sessions } = await this.db();
    await sessions.insertAsync(toDoc(session));
  }

  async get(id: string, now: Date): Promise<ConsoleSession | undefined> {
    const { sessions } = await this.db();
    const doc = await sessions.findOneAsync({ _id: id, expiresAt: { $gt: now } });
    return doc ? fromDoc(doc) : undefined;
  }

  async delete(id: string): Promise<void> {
    const { sessions } = await this.db();
    await sessions.removeAsync({ _id: id }, {});
  }

  async deleteByAccount(accountId: string): Promise<void> {
    const { sessions } = await this.db();
    await sessions.removeAsync({ accountId }, { multi: true });
  }
}
