import type { SendPurpose } from '../../src/domain/message.js';
import type { DeliveryMode } from './types.js';

/**
 * Which `messaging_type`/`tag` a message may use, decided before any API call (platforms.md §2.4): the
 * standard window is 24 h after the citizen's last action; HUMAN_AGENT lets a human reply up to 7 days
 * after it; ACCOUNT_UPDATE covers a non-recurring change to the citizen's own application, which is our
 * reading of "your request's status changed" but Meta decides, so it is off unless configured. News
 * (portal items pushed to subscribers) goes as UPDATE inside the 24 h window only: recurring
 * notifications were retired in 2026 and no tag allows news (news-handoff-languages.md A.1.5).
 */

export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface DeliveryPolicyOptions {
  /** Send `update` messages outside 24 h with MESSAGE_TAG + ACCOUNT_UPDATE (default false). */
  accountUpdateTag?: boolean;
  /** Send `human_agent` messages with MESSAGE_TAG + HUMAN_AGENT (default true; needs Meta's App Review). */
  humanAgentTag?: boolean;
}

export type DeliveryDecision =
  | { allowed: true; mode: DeliveryMode }
  | { allowed: false; reason: string; /** Which window was closed: for logs and ChannelSendError.platformCode. */ window: '24h' | '7d' };

/**
 * Decides how to deliver a message of `purpose` to a citizen last seen at `lastInboundAt` (epoch ms).
 * "Inside" means strictly less than the window has elapsed; a missing or invalid time counts as outside.
 */
export function decideDelivery(purpose: SendPurpose, lastInboundAt: number, now: number, options: DeliveryPolicyOptions = {}): DeliveryDecision {
  const elapsed = Number.isFinite(lastInboundAt) && lastInboundAt > 0 ? Math.max(0, now - lastInboundAt) : Number.POSITIVE_INFINITY;
  const inStandard = elapsed < STANDARD_WINDOW_MS;
  const inHumanAgent = elapsed < HUMAN_AGENT_WINDOW_MS;

  switch (purpose) {
    case 'response':
      return inStandard ? response() : closed('a response outside the 24 h window', '24h');
    case 'human_agent':
      if (options.humanAgentTag ?? true) {
        return inHumanAgent ? tagged('HUMAN_AGENT') : closed('an operator reply more than 7 days after the last message', '7d');
      }
      return inStandard ? response() : closed('an operator reply outside the 24 h window (HUMAN_AGENT tag disabled)', '24h');
    case 'update':
      if (inStandard) return response();
      return options.accountUpdateTag ? tagged('ACCOUNT_UPDATE') : closed('an update outside the 24 h window (ACCOUNT_UPDATE tag disabled)', '24h');
    case 'news':
      // A proactive message inside the window is UPDATE; no tag covers news (ACCOUNT_UPDATE and HUMAN_AGENT
      // would be misuse), so past 24 h it waits in the citizen's "tin mới" whatever the tag options say.
      return inStandard ? { allowed: true, mode: { messagingType: 'UPDATE' } } : closed('a news item outside the 24 h window (news is never sent with a tag)', '24h');
    default:
      throw new TypeError(`decideDelivery: unknown purpose ${String(purpose)}`);
  }
}

function response(): DeliveryDecision {
  return { allowed: true, mode: { messagingType: 'RESPONSE' } };
}

function tagged(tag: 'HUMAN_AGENT' | 'ACCOUNT_UPDATE'): DeliveryDecision {
  return { allowed: true, mode: { messagingType: 'MESSAGE_TAG', tag } };
}

function closed(reason: string, window: '24h' | '7d'): DeliveryDecision {
  return { allowed: false, reason, window };
}
