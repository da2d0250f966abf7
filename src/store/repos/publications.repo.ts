import type { PublishedAnswer } from '../../domain/publication.js';
import type { PublicationQuery, PublicationRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import { fromDoc, publicationFilter, PUBLICATIONS_NEWEST_FIRST, toDoc, type Doc } from '../documents.js';

/** Public Q&A entries; the id is deterministic per ticket, so upsert replaces a re-published entry. */
export class PublicationsRepo implements PublicationRepo {
  constructor(private readonly publications: Collection<Doc<PublishedAnswer>>) {}

  async upsert(entry: PublishedAnswer): Promise<void> {
    const doc = toDoc(entry);
    await this.publications.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  async get(id: string): Promise<PublishedAnswer | undefined> {
    const doc = await this.publications.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async list(query: PublicationQuery): Promise<PublishedAnswer[]> {
    if (query.limit <= 0) return [];
    const docs = await this.publications.find(publicationFilter(query), { sort: PUBLICATIONS_NEWEST_FIRST, limit: query.limit });
    return docs.map((d) => fromDoc(d));
  }

  async remove(id: string): Promise<boolean> {
    return (await this.publications.deleteMany({ _id: id })) > 0;
  }
}
