import { randomUUID } from 'node:crypto';
import type { Contact, ContactIdentity } from '../../domain/conversation.js';
import type { ContactRepo } from '../../ports/store.js';
import { contactFromDoc, identityKey, type ContactDoc } from '../documents.js';
import { isUniqueViolation, type Datastores } from './datastores.js';

/** Contacts in nedb: one per identity, guaranteed by the unique `identityKeys` index. */
export class EmbeddedContactRepo implements ContactRepo {
  constructor(private readonly db: () => Promise<Datastores>) {}

  async upsertByIdentity(identity: ContactIdentity, at: Date): Promise<Contact> {
    const { contacts } = await this.db();
    const key = identityKey(identity);
    const existing = await contacts.findOneAsync({ identityKeys: key });
    if (existing) return contactFromDoc(existing);
    const doc: ContactDoc = {
      _id: randomUUID(),
      identities: [{ channel: identity.channel, accountId: identity.accountId, userId: identity.userId }],
      identityKeys: [key],
      createdAt: at,
    };
    try {
      await contacts.insertAsync(doc);
      return contactFromDoc(doc);
    } catch (error) {
      // Another worker created this citizen between our read and insert: theirs is the contact.
      if (!isUniqueViolation(error)) throw error;
      const winner = await contacts.findOneAsync({ identityKeys: key });
      if (!winner) throw error;
      return contactFromDoc(winner);
    }
  }

  async get(id: string): Promise<Contact | undefined> {
    const { contacts } = await this.db();
    const doc = await contacts.findOneAsync({ _id: id });
    return doc ? contactFromDoc(doc) : undefined;
  }
}
