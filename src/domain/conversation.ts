import type { HandoffState } from './handoff.js';
import type { Locale } from './locale.js';
import type { ChannelKind, DeliveryStatus, Reply, SendPurpose } from './message.js';

/**
 * Chatwoot's nouns: a Contact (citizen) has identities on channels; each identity has one
 * Conversation; a conversation's Messages carry their delivery state. The store persists them.
 */

export interface ContactIdentity {
  channel: ChannelKind;
  accountId: string;
  userId: string;
}

export interface Contact {
  id: string;
  identities: ContactIdentity[];
  /** Optional display name from the platform profile (never logged). */
  name?: string;
  createdAt: Date;
}

export interface Conversation {
  /** conversationKey(channel, accountId, userId). */
  id: string;
  contactId: string;
  channel: ChannelKind;
  accountId: string;
  userId: string;
  /** Who answers: the bot, or a person (domain/handoff.ts); absent on conversations from before handoff existed = bot. */
  handoff?: HandoffState;
  /** The language the citizen writes in (detected from their messages); absent means Vietnamese. */
  locale?: Locale;
  /** Last time the citizen did something on the platform: opens Zalo's 7-day and Messenger's 24 h windows. */
  lastInboundAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Processing state of an inbound message: received → done; `failed` after an error the turn survived. */
export type InboundStatus = 'received' | 'done' | 'failed';

export interface InboundMessage {
  /** `${channel}:${externalId}`: unique, so a redelivered webhook cannot create a second message. */
  id: string;
  conversationId: string;
  externalId: string;
  /** Strictly increasing per conversation: the order turns are processed in. */
  seq: number;
  /** `echo`: a message sent to the citizen from the OA or Page (ours, or staff in the platform's inbox); never a question. */
  kind: 'message' | 'postback' | 'follow' | 'unfollow' | 'echo';
  /** Echoes only: the sending app (Messenger `app_id`). */
  echoAppId?: string;
  text?: string;
  payload?: string;
  status: InboundStatus;
  receivedAt: Date;
  processedAt?: Date;
  /** Error code when the turn failed (never the message text). */
  error?: string;
  /** What its turn decided, recorded before any of it is written out; removed once the message is processed. */
  decided?: TurnDecision;
}

/**
 * What a turn decided for one message: the turn's commit point. The engine advances the dialog state as
 * it runs, so running it a second time for the same message could answer differently; a turn cut (a store
 * outage, a crash) after this was recorded is completed from it, so the citizen gets the answer decided,
 * whole, once.
 */
export interface TurnDecision {
  /** Id tag of the replies: `r` answers, `e` the apology for a failed turn. */
  tag: 'r' | 'e';
  replies: Reply[];
  status: 'done' | 'failed';
  error?: string;
}

export interface OutboundRecord {
  id: string;
  conversationId: string;
  /** The inbound message whose turn produced it, if any. */
  inReplyTo?: string;
  /** The ticket whose answer it carries, if any: its delivery outcome is recorded on the ticket. */
  ticketId?: string;
  /** An operator's reply (purpose `human_agent`): who wrote it. Absent: the assistant or a system notice. */
  author?: { id: string; name: string };
  reply: Reply;
  purpose: SendPurpose;
  status: DeliveryStatus;
  /** Platform message id once sent. */
  externalId?: string;
  /** When the run sending it claimed it (status `sending`). */
  sendingSince?: Date;
  attempts: number;
  /** Error code and platform code of the last failure. */
  error?: { code: string; platformCode?: string | number; message?: string };
  createdAt: Date;
  sentAt?: Date;
}
