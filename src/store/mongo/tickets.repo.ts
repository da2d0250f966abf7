import type { Filter } from 'mongodb';
import type { Ticket } from '../../domain/ticket.js';
import type { TicketQuery, TicketRepo } from '../../ports/store.js';
import { type Doc, fromDoc, TICKETS_NEWEST_FIRST, ticketFilter, toDoc } from '../documents.js';
import type { Collections } from './collections.js';

/**
 * Tickets in MongoDB, the whole ticket (timeline included) in one document. The unique `code` index
 * refuses a second ticket with the same tracking code; `replace` is one replaceOne filtered on
 * { _id, updatedAt: expected }, atomic on the document, so of two officers acting on the same version
 * only the first one writes and the other re-reads (no timeline event is ever lost).
 */
export class MongoTicketRepo implements TicketRepo {
  constructor(private readonly db: () => Promise<Collections>) {}

  /** Throws the server's E11000 error when the id or the code is taken. */
  async insert(ticket: Ticket): Promise<void> {
    const { tickets } = await this.db();
    await tickets.insertOne(toDoc(ticket));
  }

  async get(id: string): Promise<Ticket | undefined> {
    const { tickets } = await this.db();
    const doc = await tickets.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async getByCode(code: string): Promise<Ticket | undefined> {
    const { tickets } = await this.db();
    const doc = await tickets.findOne({ code });
    return doc ? fromDoc(doc) : undefined;
  }

  async replace(ticket: Ticket, expectedUpdatedAt: Date): Promise<boolean> {
    const { tickets } = await this.db();
    const { _id, ...fields } = toDoc(ticket);
    const result = await tickets.replaceOne({ _id, updatedAt: expectedUpdatedAt }, fields);
    return result.matchedCount === 1;
  }

  async find(query: TicketQuery): Promise<Ticket[]> {
    if (query.limit <= 0 || query.status?.length === 0) return [];
    const { tickets } = await this.db();
    const docs = await tickets
      .find(ticketFilter(query) as Filter<Doc<Ticket>>)
      .sort(TICKETS_NEWEST_FIRST)
      .limit(query.limit)
      .toArray();
    return docs.map((d) => fromDoc(d));
  }
}
