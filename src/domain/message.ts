import type { Locale } from './locale.js';
import type { FollowUpTopic } from './procedure.js';

/**
 * Messages as the conversation core sees them, independent of any platform. Adapters translate
 * platform payloads to InboundEvent and render Reply into platform payloads.
 */

/** A channel the assistant talks on (Chatwoot's Channel). */
export type ChannelKind = 'zalo' | 'messenger' | 'webchat';

export const CHANNEL_KINDS: readonly ChannelKind[] = ['zalo', 'messenger', 'webchat'];

/** One normalized event from a platform webhook or the widget. */
export interface InboundEvent {
  channel: ChannelKind;
  /** Platform message id (Zalo msg_id, Messenger mid, widget client message id): the dedupe key. */
  externalId: string;
  /** The citizen's id on this channel (Zalo user id, Messenger PSID, widget visitor id). Always a string. */
  userId: string;
  /** The OA, Page or widget install that received it. */
  accountId: string;
  /**
   * `echo`: a message the OA or Page sent to this citizen, echoed back by the platform (Zalo `oa_send_*`,
   * Messenger `message_echoes`): ours (its id is one of our sends, or its app is ours) or staff answering
   * from the platform's own inbox, which hands the conversation to them (src/core/handoff-triggers.ts).
   * `userId` is the citizen's id (the echo's recipient), `text` what was sent.
   */
  kind: 'message' | 'postback' | 'follow' | 'unfollow' | 'echo';
  /** Echoes only: the app that sent it, when the platform says (Messenger `app_id`). */
  echoAppId?: string;
  text?: string;
  /** Payload of a tapped button or quick reply. */
  payload?: string;
  attachments?: InboundAttachment[];
  /** When the platform says it happened (epoch ms). */
  timestamp: number;
}

export interface InboundAttachment {
  type: string;
  url?: string;
  name?: string;
}

/** A tappable option under a reply (clarification choices, follow-ups, menu). */
export interface ReplyButton {
  title: string;
  /** Sent back as the inbound payload when tapped. */
  payload: string;
}

/**
 * What a reply is, set by the flows: kept with the outbound record for evaluation and statistics,
 * never sent to a platform.
 * - `answer`: a procedure's short answer or one aspect of it (`procedureId`, `topic`);
 * - `clarify`: a choice between procedures (`options`, with "none of these"); `confirm`: "Có phải bạn
 *   muốn hỏi …?" with yes and no (`procedureId`);
 * - `small-talk`: thanks, ok, goodbye, laughter, insults, gibberish; `repair`: after "không phải / chưa
 *   hiểu", the offer to rephrase or to send the question on;
 * - `contact`: an agency's directory entry; `outside`: a matter outside the catalog and its competent body;
 * - `concern`: a dispute, an entitlement or amount, or a legal judgement about a procedure: what such a
 *   question needs, the related procedure named only as context (`procedureId`), and the offer to send
 *   it on (a complaint about a procedure gets the feedback `offer`, with its `procedureId`);
 * - `language`: a Khmer or English message answered in its language (what the assistant can do);
 * - `offer`: the offer to send a question or a report to an agency or an operator (no answer found, a
 *   published answer, feedback); then the request dialog's prompts `consent`, `place`, `publish`, `name`,
 *   `phone`, and `ticket-opened`; `operator-requested` when a person cannot be reached now (out of
 *   hours, nobody online: with the offer to leave the question or be called back); `handoff`: the
 *   system notices of a live handoff (queue position, operator joined, back to the assistant);
 *   `csat`: the satisfaction question after a human conversation and its thanks;
 * - `tickets`: the citizen's tickets or one ticket's detail; `track-proof`: the phone-digits offer;
 *   `reopen-prompt`, `reopened`, `closed`, `refusal` (a close or reopen that did not happen);
 * - `greeting`, `help`, `ask-prompt`, `news`, `out-of-scope`, `error`.
 */
export type ReplyTag =
  | 'answer'
  | 'clarify'
  | 'confirm'
  | 'small-talk'
  | 'repair'
  | 'contact'
  | 'outside'
  | 'concern'
  | 'language'
  | 'offer'
  | 'consent'
  | 'place'
  | 'publish'
  | 'name'
  | 'phone'
  | 'ticket-opened'
  | 'operator-requested'
  | 'handoff'
  | 'csat'
  | 'tickets'
  | 'track-proof'
  | 'reopen-prompt'
  | 'reopened'
  | 'closed'
  | 'refusal'
  | 'greeting'
  | 'help'
  | 'ask-prompt'
  | 'news'
  | 'out-of-scope'
  | 'error';

export interface ReplyMeta {
  tag: ReplyTag;
  /** The procedure the reply is about (answer, confirm, and the request dialog when it carries one); for `concern`, the related procedure. */
  procedureId?: string;
  /** The aspect answered (answer only). */
  topic?: FollowUpTopic;
  /** The procedures offered, in order (clarify only). */
  options?: string[];
  /** The language the reply is written in. */
  locale?: Locale;
  /** The offer said because nothing answered the question (two in a row bring a person). */
  fallback?: boolean;
}

/** What a flow or an operator says; adapters render it within each platform's limits. */
export interface Reply {
  text: string;
  buttons?: ReplyButton[];
  link?: { title: string; url: string };
  /** What the reply is (never sent to a platform). */
  meta?: ReplyMeta;
}

/**
 * Why a message is sent, which decides how a platform may deliver it: `response` answers the citizen
 * inside the platform's window; `human_agent` is an operator's reply (Messenger HUMAN_AGENT tag, 7 days);
 * `update` is a notice about the citizen's own request (e.g. an agency answer); `news` is a portal news
 * item pushed to a subscriber (core/news-delivery.ts): on Zalo a consultation message (/message/cs) like
 * every send, never the retired transaction/promotion endpoints; on Messenger `messaging_type: UPDATE`
 * inside the 24 h window and never a message tag, so past 24 h it is refused as a `window` error.
 */
export type SendPurpose = 'response' | 'human_agent' | 'update' | 'news';

/**
 * Delivery state of an outbound message, recorded in the store. `sending`: claimed by one delivery run
 * just before its platform call (compare-and-set from `pending`, so two runs never both send it, even
 * when Redis lost the conversation's lease). A claim older than the longest platform call belongs to a
 * run that died: a reply is then checked with the platform before it is sent again; a news push is
 * recorded failed (DELIVERY.INTERRUPTED) instead, because the platform may have delivered it (news is
 * sent at most once; the item stays in the citizen's "tin mới").
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'held';

/** One message queued for a channel. `id` is ours and deterministic, so a replayed turn cannot send twice. */
export interface OutboundMessage {
  id: string;
  channel: ChannelKind;
  accountId: string;
  userId: string;
  conversationId: string;
  reply: Reply;
  purpose: SendPurpose;
  /** The citizen's last interaction (epoch ms): adapters pick the platform's window rule from it. */
  lastInboundAt: number;
}

/** Stable id of a conversation on one channel: one per (channel, account, user). */
export function conversationKey(channel: ChannelKind, accountId: string, userId: string): string {
  return `${channel}:${accountId}:${userId}`;
}
