import type { PublishedAnswer } from '../../domain/publication.js';
import type { PublicationQuery, PublicationRepo } from '../../ports/store.js';
import { fromDoc, publicationFilter, PUBLICATIONS_NEWEST_FIRST, toDoc } from '../documents.js';
import type { Collections } from './collections.js';

/** Public Q&A entries in MongoDB; the id is deterministic per ticket, so upsert replaces a re-published entry. */
export class MongoPublicationRepo implements PublicationRepo {
  constructor(private readonly db: () => Promise<Collections>) {}

  async upsert(entry: PublishedAnswer): Promise<void> {
    const { publications } = await this.db();
    const doc = toDoc(entry);
    await publications.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  async get(id: string): Promise<PublishedAnswer | undefined> {
    const { publications } = await this.db();
    const doc = await publications.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async list(query: PublicationQuery): Promise<PublishedAnswer[]> {
    if (query.limit <= 0) return [];
    const { publications } = await this.db();
    const docs = await publications.find(publicationFilter(query)).sort(PUBLICATIONS_NEWEST_FIRST).limit(query.limit).toArray();
    return docs.map((d) => fromDoc(d));
  }

  async remove(id: string): Promise<boolean> {
    const { publications } = await this.db();
    return (await publications.deleteOne({ _id: id })).deletedCount > 0;
  }
}
