import type { Ticket } from '../../domain/ticket.js';
import type { TicketQuery, TicketRepo } from '../../ports/store.js';
import { fromDoc, TICKETS_NEWEST_FIRST, ticketFilter, toDoc } from '../documents.js';
import type { Datastores } from './datastores.js';
import type { KeyedMutex } from './keyed-mutex.js';

/**
 * Tickets in nedb, the whole ticket (timeline included) in one document. The unique `code` index
 * refuses a second ticket with the same tracking code; `replace` compares `updatedAt` and writes
 * under the ticket's mutex, so of two officers acting on the same version only the first one writes
 * and the other re-reads (no timeline event is ever lost).
 */
export class EmbeddedTicketRepo implements TicketRepo {
  constructor(
    private readonly db: () => Promise<Datastores>,
    private readonly mutex: KeyedMutex,
  ) {}

  /** Throws nedb's `uniqueViolated` error when the id or the code is taken. */
  async insert(ticket: Ticket): Promise<void> {
    const { tickets } = await this.db();
    await tickets.insertAsync(toDoc(ticket));
  }

  async get(id: string): Promise<Ticket | undefined> {
    const { tickets } = await this.db();
    const doc = await tickets.findOneAsync({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async getByCode(code: string): Promise<Ticket | undefined> {
    const { tickets } = await this.db();
    const doc = await tickets.findOneAsync({ code });
    return doc ? fromDoc(doc) : undefined;
  }

  async replace(ticket: Ticket, expectedUpdatedAt: Date): Promise<boolean> {
    const { tickets } = await this.db();
    return this.mutex.run(`ticket:${ticket.id}`, async () => {
      const stored = await tickets.findOneAsync({ _id: ticket.id }, { updatedAt: 1 });
      if (!stored || stored.updatedAt.getTime() !== expectedUpdatedAt.getTime()) return false;
      await tickets.updateAsync({ _id: ticket.id }, toDoc(ticket), {});
      return true;
    });
  }

  async find(query: TicketQuery): Promise<Ticket[]> {
    if (query.limit <= 0 || query.status?.length === 0) return [];
    const { tickets } = await this.db();
    const docs = await tickets.findAsync(ticketFilter(query)).sort(TICKETS_NEWEST_FIRST).limit(query.limit);
    return docs.map((d) => fromDoc(d));
  }
}
