import type { ContactRequest } from '../../domain/conversation.js';
import type { ContactRequestRepo } from '../../ports/store.js';
import { isDuplicateKey, type Collection } from '../collection.js';
import { fromDoc, toDoc, type Doc } from '../documents.js';

/** Citizens' requests for an agency or an operator; a replayed turn re-inserting the same id is ignored. */
export class ContactRequestsRepo implements ContactRequestRepo {
  constructor(private readonly requests: Collection<Doc<ContactRequest>>) {}

  async insert(request: ContactRequest): Promise<void> {
    try {
      await this.requests.insertOne(toDoc(request));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async listByConversation(conversationId: string): Promise<ContactRequest[]> {
    const docs = await this.requests.find({ conversationId }, { sort: { createdAt: 1, _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }
}
