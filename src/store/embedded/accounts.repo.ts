import type { Account } from '../../domain/account.js';
import type { AccountRepo } from '../../ports/store.js';
import { defined, fromDoc, toDoc } from '../documents.js';
import type { Datastores } from './datastores.js';

type AccountPatch = Parameters<AccountRepo['update']>[1];

/** Console accounts in nedb; the unique `username` index refuses a second account with the same login. */
export class EmbeddedAccountRepo implements AccountRepo {
  constructor(private readonly db: () => Promise<Datastores>) {}

  /** Throws nedb's `uniqueViolated` error when the id or the username is taken. */
  async insert(account: Account): Promise<void> {
    const { accounts } = await this.db();
    await accounts.insertAsync(toDoc(account));
  }

  async get(id: string): Promise<Account | undefined> {
    const { accounts } = await this.db();
    const doc = await accounts.findOneAsync({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async getByUsername(username: string): Promise<Account | undefined> {
    const { accounts } = await this.db();
    const doc = await accounts.findOneAsync({ username });
    return doc ? fromDoc(doc) : undefined;
  }

  /** Fields left undefined are not changed (as in every other update of the store). */
  async update(id: string, patch: AccountPatch): Promise<void> {
    const set = defined(patch);
    if (Object.keys(set).length === 0) return;
    const { accounts } = await this.db();
    await accounts.updateAsync({ _id: id }, { $set: set }, {});
  }

  /** Every account, by username. */
  async list(): Promise<Account[]> {
    const { accounts } = await this.db();
    const docs = await accounts.findAsync({}).sort({ username: 1 });
    return docs.map((d) => fromDoc(d));
  }
}
