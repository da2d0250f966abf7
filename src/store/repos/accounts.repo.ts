import type { Account } from '../../domain/account.js';
import type { AccountRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import { defined, fromDoc, toDoc, type Doc } from '../documents.js';

type AccountPatch = Parameters<AccountRepo['update']>[1];

/** Console accounts; the unique `username` index refuses a second account with the same login. */
export class AccountsRepo implements AccountRepo {
  constructor(private readonly accounts: Collection<Doc<Account>>) {}

  /** Throws DuplicateKeyError when the id or the username is taken. */
  async insert(account: Account): Promise<void> {
    await this.accounts.insertOne(toDoc(account));
  }

  async get(id: string): Promise<Account | undefined> {
    const doc = await this.accounts.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async getByUsername(username: string): Promise<Account | undefined> {
    const doc = await this.accounts.findOne({ username });
    return doc ? fromDoc(doc) : undefined;
  }

  /** Fields left undefined are not changed (as in every other update of the store). */
  async update(id: string, patch: AccountPatch): Promise<void> {
    const set = defined(patch);
    if (Object.keys(set).length === 0) return;
    await this.accounts.updateOne({ _id: id }, { $set: set });
  }

  /** Every account, by username. */
  async list(): Promise<Account[]> {
    const docs = await this.accounts.find({}, { sort: { username: 1 } });
    return docs.map((d) => fromDoc(d));
  }
}
