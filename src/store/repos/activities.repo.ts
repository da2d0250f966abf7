import type { ConversationActivity } from '../../domain/handoff.js';
import type { ActivityRepo } from '../../ports/store.js';
import { insertIfAbsent, type Collection } from '../collection.js';
import { fromDoc, toDoc, type Doc } from '../documents.js';

/** Handoff moves and private notes of conversations; ids are deterministic where a replay could repeat them. */
export class ActivitiesRepo implements ActivityRepo {
  constructor(private readonly activities: Collection<Doc<ConversationActivity>>) {}

  async insert(activity: ConversationActivity): Promise<void> {
    await insertIfAbsent(this.activities, toDoc(activity));
  }

  async listByConversation(conversationId: string, limit: number): Promise<ConversationActivity[]> {
    if (limit <= 0) return [];
    const docs = await this.activities.find({ conversationId }, { sort: { at: -1, _id: -1 }, limit });
    return docs.reverse().map((d) => fromDoc(d));
  }
}
