import type { Copy } from '../domain/copy/types.js';
import type { Reply } from '../domain/message.js';
import { ticketAnswerButtons } from '../domain/payloads.js';
import type { Ticket } from '../domain/ticket.js';

/**
 * The message that carries an agency's answer back to the citizen: the answer with the agency's name and
 * the tracking code, and the asker's two choices under it ("that answers it" closes the ticket, "still
 * unclear" reopens it within the reopen window).
 */
export function ticketAnswerNotice(deps: { copy: Copy; agencyName: (agencyId: string) => string; reopenWindowDays: number }): (ticket: Ticket) => Reply {
  return (ticket) => ({
    text: deps.copy.bot.tickets.answerNotice({
      code: ticket.code,
      agencyName: deps.agencyName(ticket.agencyId),
      answer: ticket.answer?.text ?? '',
      reopenWindowDays: deps.reopenWindowDays,
      kind: ticket.kind,
    }),
    buttons: ticketAnswerButtons(deps.copy.bot.tickets.answerButtons, ticket.code),
  });
}
