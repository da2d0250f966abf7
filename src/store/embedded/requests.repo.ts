import type { ContactRequest } from '../../domain/conversation.js';
import type { ContactRequestRepo } from '../../ports/store.js';
import { fromDoc, toDoc } from '../documents.js';
import { isUniqueViolation, type Datastores } from './datastores.js';

/** Citizens' requests for an agency or an operator; a replayed turn re-inserting the same id is ignored. */
export class EmbeddedContactRequestRepo implements ContactRequestRepo {
  constructor(private readonly db: () => Promise<Datastores>) {}

  async insert(request: ContactRequest): Promise<void> {
    const { requests } = await this.db();
    try {
      await requests.insertAsync(toDoc(request));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async listByConversation(conversationId: string): Promise<ContactRequest[]> {
    const { requests } = await this.db();
    const docs = await requests.findAsync({ conversationId }).sort({ createdAt: 1, _id: 1 });
    return docs.map((d) => fromDoc(d));
  }
}
