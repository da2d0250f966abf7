/**
 * Messenger Platform wire types (platforms.md §2). PSIDs, page ids and mids are strings; timestamps are
 * epoch-millisecond numbers (well inside 2^53). Webhook shapes are typed as Meta sends them, with every
 * field optional because the parser must survive partial or future payloads.
 */

/** The injected transport: the global fetch's signature, narrowed to what the client uses. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/* ------------------------------------------------------------------------------------------------
 * Webhook (Meta → us), platforms.md §2.2
 * ---------------------------------------------------------------------------------------------- */

/** `{ object: "page", entry: [...] }`. */
export interface MessengerWebhookBody {
  object?: string;
  entry?: MessengerEntry[];
}

/** One page's batch. `standby` replaces `messaging` when another app owns the thread (handover protocol). */
export interface MessengerEntry {
  /** The Page id. */
  id?: string;
  /** Epoch ms. */
  time?: number;
  messaging?: MessagingEvent[];
  standby?: MessagingEvent[];
  /** Feed events (not Messenger); ignored. */
  changes?: unknown[];
}

export interface MessengerParty {
  id?: string;
}

/** One item of `messaging[]`: exactly one of the event fields is present. */
export interface MessagingEvent {
  sender?: MessengerParty;
  recipient?: MessengerParty;
  /** Epoch ms. */
  timestamp?: number;
  message?: MessengerInboundMessage;
  postback?: MessengerPostback;
  read?: { watermark?: number };
  delivery?: { mids?: string[]; watermark?: number };
  reaction?: { reaction?: string; emoji?: string; action?: 'react' | 'unreact'; mid?: string };
  optin?: Record<string, unknown>;
  referral?: Record<string, unknown>;
}

export interface MessengerInboundMessage {
  mid?: string;
  text?: string;
  /** Set on messages the Page sent, echoed back (`message_echoes`): ours, or staff's from Meta Business Suite. */
  is_echo?: boolean;
  /** Echoes: the app that sent it (a JSON number; Page Inbox = 263902037430900). */
  app_id?: number | string;
  metadata?: string;
  quick_reply?: { payload?: string };
  reply_to?: { mid?: string; is_self_reply?: boolean };
  attachments?: MessengerInboundAttachment[];
  /** Legacy sticker field on image attachments. */
  sticker_id?: number | string;
  is_deleted?: boolean;
  is_unsupported?: boolean;
}

export interface MessengerInboundAttachment {
  /** image | audio | video | file | reel | ig_reel | fallback | sticker | location | … */
  type?: string;
  title?: string;
  url?: string;
  payload?: { url?: string; title?: string; sticker_id?: number | string; coordinates?: { lat?: number; long?: number } } | null;
}

export interface MessengerPostback {
  title?: string;
  payload?: string;
  /** Present since Graph v11.0; absent on older deliveries. */
  mid?: string;
  referral?: Record<string, unknown>;
}

/* ------------------------------------------------------------------------------------------------
 * Send API (us → Meta), platforms.md §2.3
 * ---------------------------------------------------------------------------------------------- */

export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';

/** Tags for sends outside the 24 h window (platforms.md §2.4). */
export type MessageTag = 'HUMAN_AGENT' | 'ACCOUNT_UPDATE' | 'CONFIRMED_EVENT_UPDATE' | 'POST_PURCHASE_UPDATE' | 'CUSTOMER_FEEDBACK';

export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

/** How one message is allowed to go out: `messaging_type` plus the tag when it is MESSAGE_TAG. */
export type DeliveryMode = { messagingType: 'RESPONSE' | 'UPDATE' } | { messagingType: 'MESSAGE_TAG'; tag: MessageTag };

export interface QuickReply {
  content_type: 'text';
  title: string;
  payload: string;
  image_url?: string;
}

export interface WebUrlButton {
  type: 'web_url';
  url: string;
  title: string;
}

export interface PostbackButton {
  type: 'postback';
  title: string;
  payload: string;
}

export interface ButtonTemplateAttachment {
  type: 'template';
  payload: { template_type: 'button'; text: string; buttons: (WebUrlButton | PostbackButton)[] };
}

/** The `message` object of a send: text xor attachment, optionally with quick replies. */
export type OutgoingMessage =
  | { text: string; quick_replies?: QuickReply[] }
  | { attachment: ButtonTemplateAttachment; quick_replies?: QuickReply[] };

/** The body of POST /{version}/me/messages. */
export type SendApiRequest =
  | {
      recipient: { id: string };
      messaging_type: MessagingType;
      tag?: MessageTag;
      message: OutgoingMessage;
    }
  | { recipient: { id: string }; sender_action: SenderAction };

/** A successful send (sender actions answer without message_id). */
export interface SendApiResponse {
  recipient_id?: string;
  message_id?: string;
}

/**
 * One message of the Conversations API (GET /{page-id}/conversations?platform=messenger&user_id=<PSID>
 * &fields=messages{id,message,created_time,from}): newest first; Meta gives details only for the 20 most
 * recent messages of a conversation.
 */
export interface PageConversationMessage {
  id: string;
  /** The text; empty for an attachment or template without text. */
  message: string;
  /** Epoch ms, from Graph's `created_time` ("2026-12-07T13:00:00+0000"). */
  createdAt: number;
  /** `from.id`: the Page's id for what the Page sent, the PSID for what the person sent. */
  fromId: string;
}

/** What the client returns per delivered message. */
export interface MessengerSentMessage {
  recipientId: string;
  messageId: string;
}

/** Graph's error body (platforms.md §2.6). */
export interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    fbtrace_id?: string;
  };
}
