import type { ContactRequest } from '../../domain/conversation.js';
import type { ContactRequestRepo } from '../../ports/store.js';
import { fromDoc, toDoc } from '../documents.js';
import { isDuplicateKey, type Collections } from './collections.js';

/** Citizens' requests for an agency or an operator; a replayed turn re-inserting the same id is ignored. */
export class MongoContactRequestRepo implements ContactRequestRepo {
  constructor(private readonly db: () => Promise<Collections>) {}

  async insert(request: ContactRequest): Promise<void> {
    const { requests } = await this.db();
    try {
      await requests.insertOne(toDoc(request));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async listByConversation(conversationId: string): Promise<ContactRequest[]> {
    const { requests } = await this.db();
    const docs = await requests.find({ conversationId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map((d) => fromDoc(d));
  }
}
