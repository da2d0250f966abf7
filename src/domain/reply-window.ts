/**
 * Whether an operator may still reply on the citizen's channel, and until when, so the console can
 * say "the window closes at …" before an operator types into a closed channel (platforms.md §1.4, §2.4;
 * news-handoff-languages.md B.1):
 *
 * - Zalo: consultation (CS) messages up to 7 days after the citizen's last interaction (then -230);
 *   free for 48 h, billed from 48 h to 7 days. `billableAfter` = last inbound + 48 h, `closesAt` = + 7 d.
 * - Messenger: the standard 24 h window; with the HUMAN_AGENT tag enabled (FB_HUMAN_AGENT_TAG), a human
 *   may reply up to 7 days, and a reply past 24 h carries `tag: 'HUMAN_AGENT'`. The same 24 h and 7 d as
 *   adapters/messenger/policy.ts (STANDARD_WINDOW_MS, HUMAN_AGENT_WINDOW_MS), which decides each send.
 * - Webchat: no platform window; a reply reaches the citizen while the widget session can live, so
 *   `closesAt` = last inbound + the session lifetime (the widget renews its token on each page load,
 *   so this is the latest the citizen can surely still be reached, not a hard end).
 *
 * "Inside" means strictly before `closesAt` (less than the window has elapsed), as in the Messenger
 * policy. Pure: the caller passes `now`; an invalid `lastInboundAt` counts as outside every window.
 */

export type ReplyChannel = 'zalo' | 'messenger' | 'webchat';

export interface ReplyWindowInput {
  readonly channel: ReplyChannel;
  /** The citizen's last message or interaction on that channel. */
  readonly lastInboundAt: Date;
  readonly now: Date;
  /** Messenger only: operator replies may use the HUMAN_AGENT tag (config.channels.messenger.humanAgentTag). */
  readonly humanAgentTag: boolean;
  /** Webchat only: the widget session's lifetime in ms (default DEFAULT_WIDGET_SESSION_MS). */
  readonly widgetSessionMs?: number;
}

export interface ReplyWindow {
  readonly canReply: boolean;
  /** The first instant a reply is no longer possible (absent when `lastInboundAt` is invalid). */
  readonly closesAt?: Date;
  /** Zalo: from this instant a reply is billed (free before). */
  readonly billableAfter?: Date;
  /** Messenger: a reply now must be sent with this tag (past 24 h, HUMAN_AGENT enabled). */
  readonly tag?: 'HUMAN_AGENT';
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Zalo CS messages: allowed for 7 days after the citizen's last interaction. */
export const ZALO_CONSULTATION_WINDOW_MS = 7 * DAY_MS;
/** Zalo CS messages are free for 48 h after the last interaction, billed after. */
export const ZALO_FREE_WINDOW_MS = 48 * HOUR_MS;
/** Messenger's standard messaging window. */
export const MESSENGER_STANDARD_WINDOW_MS = 24 * HOUR_MS;
/** Messenger's HUMAN_AGENT tag window. */
export const MESSENGER_HUMAN_AGENT_WINDOW_MS = 7 * DAY_MS;
/**
 * The widget session lifetime assumed when the caller gives none: 90 days, equal to
 * DEFAULT_SESSION_TTL_MS in adapters/webchat/session.ts (the domain cannot import it).
 */
export const DEFAULT_WIDGET_SESSION_MS = 90 * DAY_MS;

/** The reply window on `channel` at `now`, for a citizen last heard from at `lastInboundAt`. */
export function replyWindow(input: ReplyWindowInput): ReplyWindow {
  const now = input.now.getTime();
  if (Number.isNaN(now)) throw new RangeError('replyWindow: invalid now');
  const last = input.lastInboundAt.getTime();
  if (Number.isNaN(last)) return { canReply: false };
  const at = (ms: number): Date => new Date(last + ms);

  switch (input.channel) {
    case 'zalo': {
      const closesAt = at(ZALO_CONSULTATION_WINDOW_MS);
      return { canReply: now < closesAt.getTime(), closesAt, billableAfter: at(ZALO_FREE_WINDOW_MS) };
    }
    case 'messenger': {
      const standardEnd = last + MESSENGER_STANDARD_WINDOW_MS;
      if (!input.humanAgentTag || now < standardEnd) {
        const closesAt = at(input.humanAgentTag ? MESSENGER_HUMAN_AGENT_WINDOW_MS : MESSENGER_STANDARD_WINDOW_MS);
        return { canReply: now < closesAt.getTime(), closesAt };
      }
      const closesAt = at(MESSENGER_HUMAN_AGENT_WINDOW_MS);
      return now < closesAt.getTime() ? { canReply: true, closesAt, tag: 'HUMAN_AGENT' } : { canReply: false, closesAt };
    }
    case 'webchat': {
      const sessionMs = input.widgetSessionMs ?? DEFAULT_WIDGET_SESSION_MS;
      if (!Number.isFinite(sessionMs) || sessionMs <= 0) throw new RangeError(`replyWindow: widgetSessionMs must be a positive number of ms, got ${sessionMs}`);
      const closesAt = at(sessionMs);
      return { canReply: now < closesAt.getTime(), closesAt };
    }
    default:
      throw new TypeError(`replyWindow: unknown channel ${String(input.channel as unknown)}`);
  }
}
