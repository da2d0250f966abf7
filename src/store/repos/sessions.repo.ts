import type { ConsoleSession } from '../../domain/account.js';
import type { ConsoleSessionRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import { fromDoc, toDoc, type Doc } from '../documents.js';

/** Signed-in console sessions; an expired session reads as absent (the caller's clock decides). */
export class ConsoleSessionsRepo implements ConsoleSessionRepo {
  constructor(private readonly sessions: Collection<Doc<ConsoleSession>>) {}

  async insert(session: ConsoleSession): Promise<void> {
    await this.sessions.insertOne(toDoc(session));
  }

  async get(id: string, now: Date): Promise<ConsoleSession | undefined> {
    const doc = await this.sessions.findOne({ _id: id, expiresAt: { $gt: now } });
    return doc ? fromDoc(doc) : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.sessions.deleteMany({ _id: id });
  }

  async deleteByAccount(accountId: string): Promise<void> {
    await this.sessions.deleteMany({ accountId });
  }
}
