import type { OutboundRecord } from '../domain/conversation.js';
import type { ChannelKind } from '../domain/message.js';
import { ChannelSendError, type ChannelAdapter } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ConversationRepo } from '../ports/store.js';
import type { TicketService } from './tickets.js';

/**
 * Window notices: when an agency's answer is held because the citizen's messaging window is closed
 * (Zalo: no interaction for 7 days), a channel that can reach them anyway (a Zalo template message,
 * when configured) sends ONE short notice that an answer is waiting. The answer itself stays held and
 * goes out at the citizen's next interaction, as any held reply.
 *
 * At most once per answer, across retries, workers and restarts: the notice is claimed on the ticket
 * through its optimistic-concurrency update before anything is sent, and its outcome recorded after
 * (`delivery.notice`). A crash between the two leaves the claim `pending` and nothing is resent.
 */

export interface WindowNoticeDeps {
  tickets: Pick<TicketService, 'claimWindowNotice' | 'recordWindowNotice'>;
  conversations: Pick<ConversationRepo, 'get'>;
  adapters: Partial<Record<ChannelKind, ChannelAdapter>>;
  /** The agency's display name for the notice. */
  agencyName: (agencyId: string) => string;
  clock: Clock;
  logger: Logger;
}

export type WindowNoticeResult = 'sent' | 'failed' | 'skipped';

/**
 * Returns the hook to call with a ticket answer's outbound record once it is stored as held (after
 * the held outcome is recorded on the ticket). Anything but a held ticket answer on a channel with a
 * configured notice, held for a closed window, is skipped.
 */
export function createWindowNotices(deps: WindowNoticeDeps) {
  return async function noticeHeldAnswer(record: OutboundRecord): Promise<WindowNoticeResult> {
    if (record.ticketId === undefined || record.status !== 'held') return 'skipped';
    const conversation = await deps.conversations.get(record.conversationId);
    const sender = conversation ? deps.adapters[conversation.channel]?.windowNotice : undefined;
    if (!conversation || !sender || !sender.appliesTo(record.error?.platformCode)) return 'skipped';

    const ticket = await deps.tickets.claimWindowNotice(record.ticketId, record.id, deps.clock.now());
    if (!ticket) return 'skipped';
    const where = { ticketId: ticket.id, outboundId: record.id, channel: conversation.channel };
    try {
      const { externalId } = await sender.send({
        userId: conversation.userId,
        ticketCode: ticket.code,
        agencyName: deps.agencyName(ticket.agencyId),
        answeredAt: ticket.answer?.at ?? ticket.delivery?.at ?? deps.clock.now(),
      });
      await deps.tickets.recordWindowNotice(ticket.id, record.id, { status: 'sent', ...(externalId ? { externalId } : {}) }, deps.clock.now());
      deps.logger.info(where, 'answer held by a closed window; notice sent to the citizen');
      return 'sent';
    } catch (err) {
      const error = err instanceof ChannelSendError ? `CHANNEL.${err.kind.toUpperCase()}` : 'CHANNEL.SEND_FAILED';
      deps.logger.warn({ ...where, error, platformCode: err instanceof ChannelSendError ? err.platformCode : undefined }, 'window notice failed; not retried');
      await deps.tickets.recordWindowNotice(ticket.id, record.id, { status: 'failed', error }, deps.clock.now());
      return 'failed';
    }
  };
}
