import { randomUUID } from 'node:crypto';
import type { Contact, ContactIdentity } from '../../domain/conversation.js';
import type { ContactRepo } from '../../ports/store.js';
import { isDuplicateKey, type Collection } from '../collection.js';
import { contactFromDoc, identityKey, type ContactDoc } from '../documents.js';

/** Contacts: one per identity, guaranteed by the unique `identityKeys` index. */
export class ContactsRepo implements ContactRepo {
  constructor(private readonly contacts: Collection<ContactDoc>) {}

  async upsertByIdentity(identity: ContactIdentity, at: Date): Promise<Contact> {
    const key = identityKey(identity);
    const existing = await this.contacts.findOne({ identityKeys: key });
    if (existing) return contactFromDoc(existing);
    const doc: ContactDoc = {
      _id: randomUUID(),
      identities: [{ channel: identity.channel, accountId: identity.accountId, userId: identity.userId }],
      identityKeys: [key],
      createdAt: at,
    };
    try {
      await this.contacts.insertOne(doc);
      return contactFromDoc(doc);
    } catch (error) {
      // Another worker created this citizen between our read and insert: theirs is the contact.
      if (!isDuplicateKey(error)) throw error;
      const winner = await this.contacts.findOne({ identityKeys: key });
      if (!winner) throw error;
      return contactFromDoc(winner);
    }
  }

  async get(id: string): Promise<Contact | undefined> {
    const doc = await this.contacts.findOne({ _id: id });
    return doc ? contactFromDoc(doc) : undefined;
  }
}
