import type { Listener } from '../ports/events.js';
import type { createWindowNotices } from '../core/ticket-notices.js';

/**
 * A held agency answer on a channel that can still reach the citizen (a configured Zalo template) gets
 * one notice (core/ticket-notices.ts); subscribed after the ticket has recorded the held delivery.
 */
export function windowNoticeListener(noticeHeldAnswer: ReturnType<typeof createWindowNotices>): Listener<'reply.settled'> {
  return async function windowNotice({ record, outcome }) {
    if (outcome === 'held') await noticeHeldAnswer(record);
  };
}
