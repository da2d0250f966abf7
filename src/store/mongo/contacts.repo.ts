import { randomUUID } from 'node:crypto';
import type { Contact, ContactIdentity } from '../../domain/conversation.js';
import type { ContactRepo } from '../../ports/store.js';
import { contactFromDoc, identityKey, type ContactDoc } from '../documents.js';
import { isDuplicateKey, type Collections } from './collections.js';

/** Contacts in MongoDB: the unique multikey index on identityKeys lets only one worker create a citizen. */
export class MongoContactRepo implements ContactRepo {
  constructor(private readonly db: () => Promise<Collections>) {}

  async upsertByIdentity(identity: ContactIdentity, at: Date): Promise<Contact> {
    const { contacts } = await this.db();
    const key = identityKey(identity);
    const existing = await contacts.findOne({ identityKeys: key });
    if (existing) return contactFromDoc(existing);
    const doc: ContactDoc = {
      _id: randomUUID(),
      identities: [{ channel: identity.channel, accountId: identity.accountId, userId: identity.userId }],
      identityKeys: [key],
      createdAt: at,
    };
    try {
      await contacts.insertOne(doc);
      return contactFromDoc(doc);
    } catch (error) {
      // Another worker created this citizen between our read and insert: theirs is the contact.
      if (!isDuplicateKey(error)) throw error;
      const winner = await contacts.findOne({ identityKeys: key });
      if (!winner) throw error;
      return contactFromDoc(winner);
    }
  }

  async get(id: string): Promise<Contact | undefined> {
    const { contacts } = await this.db();
    const doc = await contacts.findOne({ _id: id });
    return doc ? contactFromDoc(doc) : undefined;
  }
}
