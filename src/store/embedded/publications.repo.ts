import type { PublishedAnswer } from '../../domain/publication.js';
import type { PublicationQuery, PublicationRepo } from '../../ports/store.js';
import { fromDoc, publicationFilter, PUBLICATIONS_NEWEST_FIRST, toDoc } from '../documents.js';
import type { Datastores } from './datastores.js';

/** Public Q&A entries in nedb; the id is deterministic per ticket, so upsert replaces a re-published entry. */
export class EmbeddedPublicationRepo implements PublicationRepo {
  constructor(private readonly db: () => Promise<Datastores>) {}

  async upsert(entry: PublishedAnswer): Promise<void> {
    const { publications } = await this.db();
    await publications.updateAsync({ _id: entry.id }, toDoc(entry), { upsert: true });
  }

  async get(id: string): Promise<PublishedAnswer | undefined> {
    const { publications } = await this.db();
    const doc = await publications.findOneAsync({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async list(query: PublicationQuery): Promise<PublishedAnswer[]> {
    if (query.limit <= 0) return [];
    const { publications } = await this.db();
    const docs = await publications.findAsync(publicationFilter(query)).sort(PUBLICATIONS_NEWEST_FIRST).limit(query.limit);
    return docs.map((d) => fromDoc(d));
  }

  async remove(id: string): Promise<boolean> {
    const { publications } = await this.db();
    return (await publications.removeAsync({ _id: id }, {})) > 0;
  }
}
