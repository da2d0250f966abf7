/**
 * Zalo OA wire types (platforms.md §1). Every id and timestamp is a string: Zalo's ids exceed 2^53,
 * so a JS number would silently corrupt them (platforms.md §1.1). Webhook shapes are typed as Zalo
 * sends them; fields the sources disagree on are optional and parsed defensively.
 */

/* ------------------------------------------------------------------------------------------------
 * API envelope and results
 * ---------------------------------------------------------------------------------------------- */

/** Every openapi response: `error: 0` = success; a non-zero `error` arrives with HTTP 200 and no `data`. */
export interface ZaloEnvelope<T> {
  error: number;
  message: string;
  data?: T;
}

/** Top-level (no `data` wrapper) answer of POST {oauthBase}/v4/oa/access_token (platforms.md §1.2). */
export interface ZaloTokenResponse {
  access_token?: string;
  refresh_token?: string;
  /** Seconds, as a STRING ("90000" = 25 h). */
  expires_in?: string | number;
  /** Present on failure; the failure shape of this endpoint is UNCONFIRMED. */
  error?: number;
  error_name?: string;
  error_reason?: string;
  error_description?: string;
  message?: string;
}

/** Quota block of a CS send; `remain` is frozen at 8 from 2026-01-01 and dropped after 2026-03-01 (§1.3). */
export interface ZaloQuota {
  quota_type?: 'reply' | 'sub_quota' | 'purchase_quota' | 'reward_quota' | string;
  remain?: number | string;
  total?: number | string;
}

/** `data` of a successful POST /v3.0/oa/message/cs. */
export interface ZaloSendData {
  message_id: string;
  user_id: string;
  /** Epoch ms as a string. */
  sent_time?: string;
  quota?: ZaloQuota;
}

/** One delivered message, in our naming. */
export interface ZaloSentMessage {
  messageId: string;
  userId: string;
  /** Epoch ms as Zalo reported it (a string), if it did. */
  sentTime?: string;
  quota?: ZaloQuota;
}

/**
 * One message of GET /v2.0/oa/conversation ("lấy danh sách tin nhắn trong một hội thoại": the messages
 * between the OA and one user, newest first, at most 10 per request). Zalo's item also carries
 * `sent_time` ("HH:mm:ss dd/MM/yyyy"), `from_display_name`, `from_avatar`, `to_display_name`, `to_avatar`,
 * and `url`/`thumb`/`links`/`location` for media; only what a sent-check needs is kept here.
 */
export interface ZaloConversationMessage {
  messageId: string;
  /** `src`: 0 = the OA sent it, 1 = the user did (community documentation; UNCONFIRMED in Zalo's own pages). */
  fromOa: boolean;
  /** `time`, epoch ms. */
  time: number;
  /** `type`: text, image, sticker, link, file … */
  type: string;
  /** `message`: the text of a text message. */
  text?: string;
  fromId?: string;
  toId?: string;
}

/** Body of POST /v3.0/oa/message/template (a ZBS template message by user id, platforms.md §1.4). */
export interface ZaloTemplateRequest {
  user_id: string;
  /** The approved template's id. */
  template_id: string;
  /** Values of the template's parameters, by the names Zalo approved. */
  template_data: Record<string, string>;
}

/** `data` of a successful template send. */
export interface ZaloTemplateSendData {
  message_id?: string;
  msg_id?: string;
  sent_time?: string;
}

export interface ZaloUploadImageData {
  attachment_id: string;
}

export interface ZaloUploadFileData {
  token: string;
}

/** GET /v3.0/oa/user/detail `data` (platforms.md §1.8); everything beyond user_id is optional. */
export interface ZaloUserProfile {
  user_id: string;
  user_id_by_app?: string;
  user_external_id?: string;
  display_name?: string;
  user_alias?: string;
  is_sensitive?: boolean;
  /** "DD/MM/YYYY". */
  user_last_interaction_date?: string;
  user_is_follower?: boolean;
  avatar?: string;
  avatars?: Record<string, string>;
  tags_and_notes_info?: { notes?: string[]; tag_names?: string[] };
  shared_info?: { address?: string; city?: string; district?: string; phone?: string; name?: string };
}

/** Segments accepted by getlist's `last_interaction_period`. */
export type ZaloInteractionPeriod = 'TODAY' | 'YESTERDAY' | 'L7D' | 'L30D' | `${number}_${number}_${number}:${number}_${number}_${number}`;

export interface ZaloFollowersQuery {
  offset?: number;
  /** 1..50. */
  count?: number;
  tagName?: string;
  lastInteractionPeriod?: ZaloInteractionPeriod;
  isFollower?: boolean;
}

/** GET /v3.0/oa/user/getlist `data`. */
export interface ZaloFollowersPage {
  total: number;
  count: number;
  offset: number;
  users: { user_id: string }[];
}

/* ------------------------------------------------------------------------------------------------
 * Outgoing message payloads (POST /v3.0/oa/message/cs body)
 * ---------------------------------------------------------------------------------------------- */

/** Template action (community-documented, RedAI SDK): a tap on `oa.query.*` sends `payload` as user text. */
export type ZaloButton =
  | { title: string; type: 'oa.query.show' | 'oa.query.hide'; payload: string }
  | { title: string; type: 'oa.open.url'; payload: { url: string } }
  | { title: string; type: 'oa.open.phone'; payload: { phone_code: string } }
  | { title: string; type: 'oa.open.sms'; payload: { content: string; phone_code: string } };

export type ZaloMediaElement =
  | { media_type: 'image'; url: string }
  | { media_type: 'image'; attachment_id: string }
  | { media_type: 'gif'; url: string; width: number; height: number }
  | { media_type: 'gif'; attachment_id: string; width: number; height: number };

export type ZaloAttachmentOut =
  | { type: 'template'; payload: { template_type: 'media'; elements: ZaloMediaElement[] } }
  | { type: 'template'; payload: { buttons: ZaloButton[] } }
  | { type: 'file'; payload: { token: string } };

export interface ZaloCsRequest {
  recipient: { user_id: string };
  message: {
    text?: string;
    quote_message_id?: string;
    attachment?: ZaloAttachmentOut;
  };
}

/* ------------------------------------------------------------------------------------------------
 * Webhook events (Zalo → us), platforms.md §1.7
 * ---------------------------------------------------------------------------------------------- */

export type ZaloUserMessageEventName =
  | 'user_send_text'
  | 'user_send_image'
  | 'user_send_gif'
  | 'user_send_link'
  | 'user_send_audio'
  | 'user_send_video'
  | 'user_send_sticker'
  | 'user_send_location'
  | 'user_send_file'
  | 'user_send_business_card';

export type ZaloEchoEventName =
  | 'oa_send_text'
  | 'oa_send_image'
  | 'oa_send_gif'
  | 'oa_send_list'
  | 'oa_send_file'
  | 'oa_send_sticker';

export type ZaloReceiptEventName = 'user_received_message' | 'user_seen_message';

/**
 * Messages the OA sent to a citizen, echoed to the webhook (platforms.md §1.7): our own API sends and
 * staff answering from the OA admin or the Zalo app alike (news-handoff-languages.md B.1.3). Group chat
 * (`oa_send_group_*`) and anonymous chat (`oa_send_anonymous_*`) are not in this list.
 */
export const ECHO_EVENTS: readonly ZaloEchoEventName[] = ['oa_send_text', 'oa_send_image', 'oa_send_gif', 'oa_send_list', 'oa_send_file', 'oa_send_sticker'];

export const USER_MESSAGE_EVENTS: readonly ZaloUserMessageEventName[] = [
  'user_send_text',
  'user_send_image',
  'user_send_gif',
  'user_send_link',
  'user_send_audio',
  'user_send_video',
  'user_send_sticker',
  'user_send_location',
  'user_send_file',
  'user_send_business_card',
];

/** One item of `message.attachments[]`; payload fields vary by type, so all are optional. */
export interface ZaloInboundAttachment {
  type: 'image' | 'gif' | 'sticker' | 'video' | 'audio' | 'file' | 'link' | 'location' | 'business_card' | string;
  payload?: {
    url?: string;
    thumbnail?: string;
    name?: string;
    size?: string | number;
    type?: string;
    title?: string;
    description?: string;
    id?: string;
    coordinates?: { latitude?: string | number; longitude?: string | number };
    [key: string]: unknown;
  };
}

interface ZaloEventBase {
  app_id?: string;
  user_id_by_app?: string;
  /** Epoch ms as a string (as received). */
  timestamp: string;
}

export interface ZaloUserMessageEvent extends ZaloEventBase {
  event_name: ZaloUserMessageEventName;
  /** The citizen (id scoped to this OA). */
  sender: { id: string };
  /** The OA. */
  recipient: { id: string };
  message: {
    msg_id: string;
    text?: string;
    attachments?: ZaloInboundAttachment[];
    quote_msg_id?: string;
  };
}

export interface ZaloEchoEvent extends ZaloEventBase {
  event_name: ZaloEchoEventName;
  /** The OA (sender and recipient are swapped on echoes); `admin_id` may name the staff member. */
  sender: { id: string; admin_id?: string };
  /** The citizen. */
  recipient: { id: string };
  message: { msg_id: string; text?: string; attachments?: ZaloInboundAttachment[] };
}

export interface ZaloReceiptEvent extends ZaloEventBase {
  event_name: ZaloReceiptEventName;
  /** The OA. */
  sender: { id: string };
  recipient: { id: string };
  message: { msg_ids?: string[]; msg_id?: string };
}

export interface ZaloFollowEvent extends ZaloEventBase {
  event_name: 'follow' | 'unfollow';
  oa_id: string;
  follower: { id: string };
  /** e.g. "oa_profile" (follow only). */
  source?: string;
}

/** Answers a request_user_info template; `info` has two documented generations, so it is loose. */
export interface ZaloSubmitInfoEvent extends ZaloEventBase {
  event_name: 'user_submit_info';
  sender: { id: string };
  recipient: { id: string };
  message?: { msg_id?: string };
  info: {
    name?: string;
    phone?: string;
    address?: string;
    city?: string;
    district?: string;
    ward?: string;
    user_dob?: string;
    gender?: string;
    full_address?: { user_city?: string; user_ward?: string; user_address?: string };
    [key: string]: unknown;
  };
}

/** Anything else Zalo may send (tags, anonymous chat, group chat, ZNS receipts…): kept, never mapped. */
export interface ZaloOtherEvent extends ZaloEventBase {
  event_name: string;
  [key: string]: unknown;
}

export type ZaloWebhookEvent =
  | ZaloUserMessageEvent
  | ZaloEchoEvent
  | ZaloReceiptEvent
  | ZaloFollowEvent
  | ZaloSubmitInfoEvent
  | ZaloOtherEvent;

/* ------------------------------------------------------------------------------------------------
 * Configuration shared by the client, the token store and the adapter
 * ---------------------------------------------------------------------------------------------- */

/** How reply buttons are rendered: CS buttons are UNCONFIRMED (platforms.md §1.3), so text is the default. */
export type ZaloButtonMode = 'template' | 'text';

/** The fetch signature we depend on (globalThis.fetch by default; tests inject their own). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The token pair as persisted under one SecretRepo key. Times are epoch ms. */
export interface ZaloTokenPair {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working (Zalo: 25 h after issue). */
  accessExpiresAt: number;
  /** When the refresh token stops working (Zalo: 3 months after issue). */
  refreshExpiresAt: number;
  issuedAt: number;
}

/** Initial tokens from the environment (console API Explorer), used only while the store is empty. */
export interface ZaloSeedTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms; unknown = assume a fresh 25 h token (a -216/-220 answer still triggers a refresh). */
  accessExpiresAt?: number;
  refreshExpiresAt?: number;
}
