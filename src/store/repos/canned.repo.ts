import type { CannedReply } from '../../domain/handoff.js';
import type { CannedReplyRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import { fromDoc, toDoc, type Doc } from '../documents.js';

/** The hotline's canned replies, keyed by short code. */
export class CannedRepliesRepo implements CannedReplyRepo {
  constructor(private readonly canned: Collection<Doc<CannedReply>>) {}

  async put(reply: CannedReply): Promise<void> {
    await this.canned.replaceOne({ _id: reply.id }, toDoc(reply), { upsert: true });
  }

  async remove(id: string): Promise<boolean> {
    return (await this.canned.deleteMany({ _id: id })) > 0;
  }

  async list(): Promise<CannedReply[]> {
    const docs = await this.canned.find({}, { sort: { _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }
}
