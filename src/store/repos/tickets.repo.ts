import type { Ticket } from '../../domain/ticket.js';
import type { TicketQuery, TicketRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import { fromDoc, TICKETS_NEWEST_FIRST, ticketFilter, toDoc, type Doc } from '../documents.js';

/**
 * Tickets, the whole ticket (timeline included) in one document. The unique `code` index refuses a
 * second ticket with the same tracking code; `replace` is one replace filtered on
 * { _id, updatedAt: expected }, atomic on the document where the engine's updates are (MongoDB, nedb,
 * memory; not FerretDB 1.x), so of two officers acting on the same version only the first one writes
 * and the other re-reads (no timeline event is ever lost).
 */
export class TicketsRepo implements TicketRepo {
  constructor(private readonly tickets: Collection<Doc<Ticket>>) {}

  /** Throws DuplicateKeyError when the id or the code is taken. */
  async insert(ticket: Ticket): Promise<void> {
    await this.tickets.insertOne(toDoc(ticket));
  }

  async get(id: string): Promise<Ticket | undefined> {
    const doc = await this.tickets.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async getByCode(code: string): Promise<Ticket | undefined> {
    const doc = await this.tickets.findOne({ code });
    return doc ? fromDoc(doc) : undefined;
  }

  async replace(ticket: Ticket, expectedUpdatedAt: Date): Promise<boolean> {
    const doc = toDoc(ticket);
    const { matched } = await this.tickets.replaceOne({ _id: doc._id, updatedAt: expectedUpdatedAt }, doc);
    return matched === 1;
  }

  async find(query: TicketQuery): Promise<Ticket[]> {
    if (query.limit <= 0 || query.status?.length === 0) return [];
    const docs = await this.tickets.find(ticketFilter(query), { sort: TICKETS_NEWEST_FIRST, limit: query.limit });
    return docs.map((d) => fromDoc(d));
  }
}
