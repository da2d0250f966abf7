import type { OperatorPresence } from '../../domain/handoff.js';
import type { OperatorPresenceRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import { fromDoc, toDoc, type Doc } from '../documents.js';

/** Operators' presence, one document per account. */
export class PresenceRepo implements OperatorPresenceRepo {
  constructor(private readonly presence: Collection<Doc<OperatorPresence>>) {}

  async put(presence: OperatorPresence): Promise<void> {
    await this.presence.replaceOne({ _id: presence.id }, toDoc(presence), { upsert: true });
  }

  async get(id: string): Promise<OperatorPresence | undefined> {
    const doc = await this.presence.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async listByTeam(team: string): Promise<OperatorPresence[]> {
    const docs = await this.presence.find({ team }, { sort: { _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }
}
