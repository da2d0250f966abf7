import type { Listener } from '../ports/events.js';
import type { TicketService } from '../core/tickets.js';

/** An agency's answer reached the citizen, waits for them (held) or failed: the ticket records it. */
export function ticketDeliveryListener(tickets: Pick<TicketService, 'recordDelivery'>): Listener<'reply.settled'> {
  return async function ticketDelivery({ record, outcome, at }) {
    if (record.ticketId === undefined) return;
    await tickets.recordDelivery(record.ticketId, outcome, at, { outboundId: record.id, ...(record.error ? { error: record.error.code } : {}) });
  };
}
