import type { Contact, Conversation, InboundMessage, InboundStatus, OutboundRecord, TurnDecision } from '../domain/conversation.js';
import type { Account, ConsoleSession } from '../domain/account.js';
import type { AuditEntry } from './audit.js';
import type { NewsBroadcast, NewsBroadcastState, NewsChannel, NewsDelivery, NewsDeliveryStatus, NewsItem, NewsItemStatus, NewsSubscription, WebPushSubscription } from '../domain/news.js';
import type { CannedReply, ConversationActivity, HandoffRecord, HandoffState, HandoffStatus, OperatorPresence, PhoneCall } from '../domain/handoff.js';
import type { ChannelKind, DeliveryStatus } from '../domain/message.js';
import type { PublishedAnswer } from '../domain/publication.js';
import type { Ticket, TicketStatus } from '../domain/ticket.js';

/**
 * The store is the source of truth: queues only execute. One implementation of each repository
 * (src/store/repos) over a small collection interface, with three adapters that pass one contract
 * suite (tests/contract/store.contract.ts): nedb files (embedded default), MongoDB (production) and
 * in-memory (unit tests). Every method is safe to call concurrently from several workers.
 */

export interface ContactRepo {
  /** Finds the contact owning this identity, creating it on first contact. */
  upsertByIdentity(identity: { channel: ChannelKind; accountId: string; userId: string }, at: Date): Promise<Contact>;
  get(id: string): Promise<Contact | undefined>;
}

export interface ConversationRepo {
  /** Returns the conversation with this id, creating it (with the bot answering) if absent. */
  getOrOpen(input: Omit<Conversation, 'handoff' | 'createdAt' | 'updatedAt' | 'lastInboundAt'> & { at: Date }): Promise<Conversation>;
  get(id: string): Promise<Conversation | undefined>;
  /** Applies the patch and stamps `updatedAt`; does nothing if the conversation does not exist. */
  update(id: string, patch: Partial<Pick<Conversation, 'lastInboundAt' | 'locale'>>): Promise<void>;
  /**
   * Writes the handoff state only over the revision `expectedRev` (0 = a conversation without one yet);
   * returns whether it wrote (false: someone else moved it first, or no such conversation).
   */
  setHandoff(id: string, expectedRev: number, next: HandoffState): Promise<boolean>;
  /** Conversations whose handoff is in one of these states, oldest in the queue first (queuedAt, then id). */
  listByHandoff(statuses: readonly HandoffStatus[], limit: number): Promise<Conversation[]>;
}

export interface InboundRepo {
  /**
   * Records an inbound message, assigning the next per-conversation seq. Idempotent on `id`:
   * a second insert with the same id returns `{ created: false }` and changes nothing.
   */
  insert(msg: Omit<InboundMessage, 'seq' | 'status'>): Promise<{ created: boolean; message: InboundMessage }>;
  /** The oldest message of the conversation still `received`, in seq order. */
  nextPending(conversationId: string): Promise<InboundMessage | undefined>;
  /** Sets the message's state; its recorded turn decision, if any, is removed in the same write. */
  setStatus(id: string, status: InboundStatus, patch?: { error?: string; processedAt?: Date }): Promise<void>;
  /** Records what the message's turn decided, before any of it is written out (InboundMessage.decided). */
  recordDecision(id: string, decided: TurnDecision): Promise<void>;
  /** Conversation ids with at least one `received` message: re-enqueued on start. */
  conversationsWithPending(): Promise<string[]>;
  /** The latest `limit` messages of the conversation, oldest first (seq order). */
  listByConversation(conversationId: string, limit: number): Promise<InboundMessage[]>;
  /** Every message received in [from, to), any conversation, oldest first (statistics). */
  listReceivedBetween(from: Date, to: Date): Promise<InboundMessage[]>;
}

/** What a delivery run changes on an outbound record. */
export type OutboundPatch = Partial<Pick<OutboundRecord, 'status' | 'externalId' | 'attempts' | 'error' | 'sentAt' | 'sendingSince'>>;

export interface OutboundRepo {
  /** Inserts if absent (ids are deterministic); returns whether this call created it. */
  insert(record: OutboundRecord): Promise<{ created: boolean }>;
  get(id: string): Promise<OutboundRecord | undefined>;
  /** The records with these ids that exist, in no particular order (a report's many lookups in a few queries). */
  getMany(ids: readonly string[]): Promise<OutboundRecord[]>;
  update(id: string, patch: OutboundPatch): Promise<void>;
  /** Applies the patch only if the record is still in state `from` (compare-and-set); whether it did. */
  updateIf(id: string, from: DeliveryStatus, patch: OutboundPatch): Promise<boolean>;
  /** The conversation's record sent with this platform message id (an echo of our own send), if any. */
  findByExternalId(conversationId: string, externalId: string): Promise<OutboundRecord | undefined>;
  /** At most `limit` records in this state, oldest first (createdAt). */
  listByStatus(status: DeliveryStatus, limit: number): Promise<OutboundRecord[]>;
  /** The latest `limit` records of the conversation, oldest first (createdAt). */
  listByConversation(conversationId: string, limit: number): Promise<OutboundRecord[]>;
  /** A conversation's replies waiting to be sent, or held outside the platform window, oldest first. */
  listWithStatus(conversationId: string, status: 'pending' | 'sending' | 'held'): Promise<OutboundRecord[]>;
}

/**
 * Key-value documents for Botkit's dialog state and similar small state (JSON values: what is read back
 * is `JSON.parse(JSON.stringify(value))`, so a Date comes back as its ISO string; missing keys are absent).
 */
export interface KeyValueRepo {
  read(keys: string[]): Promise<Record<string, unknown>>;
  write(items: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** A versioned secret (e.g. the Zalo token pair) updated with compare-and-set, so two workers never both win. */
export interface SecretRepo {
  get(key: string): Promise<{ value: Record<string, unknown>; version: number } | undefined>;
  /** Writes only if the stored version equals `expectedVersion` (0 = absent). Returns whether it wrote. */
  compareAndSet(key: string, expectedVersion: number, value: Record<string, unknown>): Promise<boolean>;
}

export interface TicketQuery {
  agencyId?: string;
  status?: TicketStatus[];
  /** Tickets due before this instant (reminders, escalation). */
  dueBefore?: Date;
  conversationId?: string;
  /** Tickets created in [createdFrom, createdBefore) (statistics). */
  createdFrom?: Date;
  createdBefore?: Date;
  limit: number;
}

export interface TicketRepo {
  /** Inserts a new ticket; its id and tracking code are unique. */
  insert(ticket: Ticket): Promise<void>;
  get(id: string): Promise<Ticket | undefined>;
  getByCode(code: string): Promise<Ticket | undefined>;
  /**
   * Replaces the ticket only if its stored `updatedAt` still equals `expectedUpdatedAt` (optimistic
   * concurrency: two officers acting at once cannot lose a timeline event). Returns whether it wrote.
   */
  replace(ticket: Ticket, expectedUpdatedAt: Date): Promise<boolean>;
  /** Newest first. */
  find(query: TicketQuery): Promise<Ticket[]>;
}

export interface AccountRepo {
  /** Inserts; usernames are unique (a duplicate throws). */
  insert(account: Account): Promise<void>;
  get(id: string): Promise<Account | undefined>;
  getByUsername(username: string): Promise<Account | undefined>;
  update(id: string, patch: Partial<Pick<Account, 'displayName' | 'role' | 'agencyId' | 'passwordHash' | 'disabled'>>): Promise<void>;
  list(): Promise<Account[]>;
}

export interface ConsoleSessionRepo {
  insert(session: ConsoleSession): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  get(id: string, now: Date): Promise<ConsoleSession | undefined>;
  delete(id: string): Promise<void>;
  deleteByAccount(accountId: string): Promise<void>;
}

export interface PublicationQuery {
  /** Only this field's entries; `null` = entries without a field. Absent = every field. */
  field?: string | null;
  limit: number;
}

/** Public Q&A entries (domain/publication.ts); one per ticket (id = publicationId(ticketId)). */
export interface PublicationRepo {
  /** Inserts, or replaces the entry with the same id (re-publishing an edited text). */
  upsert(entry: PublishedAnswer): Promise<void>;
  get(id: string): Promise<PublishedAnswer | undefined>;
  /** Newest first (publishedAt, then id). */
  list(query: PublicationQuery): Promise<PublishedAnswer[]>;
  /** Returns whether an entry was removed. */
  remove(id: string): Promise<boolean>;
}

/** Human stretches of conversations (domain/handoff.ts HandoffRecord): the contact-centre figures. */
export interface HandoffRepo {
  /** Idempotent on `id`. */
  insert(record: HandoffRecord): Promise<void>;
  get(id: string): Promise<HandoffRecord | undefined>;
  update(id: string, patch: Partial<Omit<HandoffRecord, 'id' | 'conversationId'>>): Promise<void>;
  /** Newest first. */
  listByConversation(conversationId: string, limit: number): Promise<HandoffRecord[]>;
  /** Requested in [from, to), oldest first (statistics). */
  listRequestedBetween(from: Date, to: Date): Promise<HandoffRecord[]>;
}

/** Transcript lines that are not messages: handoff moves and private notes. */
export interface ActivityRepo {
  /** Idempotent on `id`. */
  insert(activity: ConversationActivity): Promise<void>;
  /** The latest `limit`, oldest first. */
  listByConversation(conversationId: string, limit: number): Promise<ConversationActivity[]>;
}

export interface OperatorPresenceRepo {
  /** Inserts or replaces the operator's presence (all fields). */
  put(presence: OperatorPresence): Promise<void>;
  get(id: string): Promise<OperatorPresence | undefined>;
  /** Every operator of the team that ever set a presence. */
  listByTeam(team: string): Promise<OperatorPresence[]>;
}

export interface CannedReplyRepo {
  /** Inserts or replaces the reply with this short code. */
  put(reply: CannedReply): Promise<void>;
  /** Returns whether one was removed. */
  remove(id: string): Promise<boolean>;
  /** By short code. */
  list(): Promise<CannedReply[]>;
}

export interface PhoneCallRepo {
  insert(call: PhoneCall): Promise<void>;
  /** Received in [from, to), oldest first. */
  listBetween(from: Date, to: Date): Promise<PhoneCall[]>;
  /** Newest first. */
  listRecent(limit: number): Promise<PhoneCall[]>;
}

/** The audit trail kept in the store (ports/audit.ts), newest first when listed. */
export interface AuditRepo {
  insert(entry: AuditEntry & { id: string }): Promise<void>;
  list(query: { from?: Date; to?: Date; targetId?: string; limit: number }): Promise<(AuditEntry & { id: string })[]>;
}

/** News items (domain/news.ts), from feeds and editors. */
export interface NewsItemRepo {
  /** Insert-if-absent on `id`: returns whether this call created it (a feed polled twice records an entry once). */
  insert(item: NewsItem): Promise<{ created: boolean }>;
  get(id: string): Promise<NewsItem | undefined>;
  /** Published items newest first (publishedAt), of any of these topics (every topic when absent), published at or after `since` when given. */
  latest(query: { topics?: readonly string[]; since?: Date; limit: number }): Promise<NewsItem[]>;
  /** Items in this status (scheduled, publishing), soonest first (publishedAt); only those due by `dueBy` when given. */
  listByStatus(status: NewsItemStatus, query: { dueBy?: Date; limit: number }): Promise<NewsItem[]>;
  /** Moves an item from `from` to `to` (undefined: published): whether this call did it (several workers, one wins). */
  moveStatus(id: string, from: NewsItemStatus, to: NewsItemStatus | undefined): Promise<boolean>;
  /** Deletes an item only while it is scheduled: whether it was. */
  removeScheduled(id: string): Promise<boolean>;
}

/** Citizens' news subscriptions, one per conversation. */
export interface NewsSubscriptionRepo {
  put(subscription: NewsSubscription): Promise<void>;
  get(conversationId: string): Promise<NewsSubscription | undefined>;
  remove(conversationId: string): Promise<boolean>;
  /** Every subscription to this topic. */
  listByTopic(topic: string): Promise<NewsSubscription[]>;
}

/** What became of each item for each subscriber: one record per (item, conversation). */
export interface NewsDeliveryRepo {
  /** Insert-if-absent on `id`: whether this call created it (the exactly-once guard). */
  insert(delivery: NewsDelivery): Promise<{ created: boolean }>;
  get(id: string): Promise<NewsDelivery | undefined>;
  update(id: string, patch: Partial<Pick<NewsDelivery, 'status' | 'reason' | 'at' | 'error'>>): Promise<void>;
  /** Every record of one item (its delivery report). */
  listByItem(itemId: string): Promise<NewsDelivery[]>;
  /** How many were sent to this conversation since `since` (the daily cap). */
  countSent(conversationId: string, since: Date): Promise<number>;
  /** At most `limit` in this status, oldest first (the morning's held pushes), of these channels only when given. */
  listByStatus(status: NewsDeliveryStatus, limit: number, channels?: readonly NewsChannel[]): Promise<NewsDelivery[]>;
  /** At most `limit` waiting for the daily cap, recorded before `before`, oldest first (the daily digest), of these channels only when given. */
  listCapped(before: Date, limit: number, channels?: readonly NewsChannel[]): Promise<NewsDelivery[]>;
}

/** Browsers' Web Push subscriptions, one per endpoint. */
export interface WebPushSubscriptionRepo {
  put(subscription: WebPushSubscription): Promise<void>;
  get(id: string): Promise<WebPushSubscription | undefined>;
  remove(id: string): Promise<boolean>;
  listByTopic(topic: string): Promise<WebPushSubscription[]>;
}

/** Zalo Article broadcasts, one per item. */
export interface NewsBroadcastRepo {
  /** Insert-if-absent on `id` (the item's): whether this call created it (never two broadcasts). */
  insert(broadcast: NewsBroadcast): Promise<{ created: boolean }>;
  get(id: string): Promise<NewsBroadcast | undefined>;
  /** At most `limit` broadcasts in any of these states, least recently moved first (updatedAt). */
  listByState(states: readonly NewsBroadcastState[], limit: number): Promise<NewsBroadcast[]>;
  /** Moves it only if it is still in `from`, appending `step` when given: whether this call did it. */
  advance(id: string, from: NewsBroadcastState, patch: Partial<Pick<NewsBroadcast, 'state' | 'token' | 'articleId' | 'messageId' | 'error' | 'updatedAt'>>, step?: NewsBroadcast['steps'][number]): Promise<boolean>;
}

/** Per feed URL: the validators of the last poll (conditional GET) and whether it was seeded. */
export interface NewsFeedStateRepo {
  get(url: string): Promise<{ url: string; etag?: string; lastModified?: string; polledAt: Date } | undefined>;
  put(state: { url: string; etag?: string; lastModified?: string; polledAt: Date }): Promise<void>;
}

/** Which engine serves the store, for readiness reports and for tests whose guarantee depends on it. */
export interface EngineInfo {
  engine: 'nedb' | 'sqlite' | 'memory' | 'mongodb' | 'ferretdb';
  version?: string;
  /**
   * True when a filtered update or replace is atomic on one document (MongoDB, and nedb/memory within
   * their one process); false on FerretDB 1.x, which reads, computes and writes in separate steps.
   */
  atomicUpdates: boolean;
}

export interface Store {
  contacts: ContactRepo;
  conversations: ConversationRepo;
  inbound: InboundRepo;
  outbound: OutboundRepo;
  dialogState: KeyValueRepo;
  secrets: SecretRepo;
  tickets: TicketRepo;
  accounts: AccountRepo;
  sessions: ConsoleSessionRepo;
  publications: PublicationRepo;
  handoffs: HandoffRepo;
  activities: ActivityRepo;
  presence: OperatorPresenceRepo;
  canned: CannedReplyRepo;
  calls: PhoneCallRepo;
  audit: AuditRepo;
  newsItems: NewsItemRepo;
  newsSubscriptions: NewsSubscriptionRepo;
  newsDeliveries: NewsDeliveryRepo;
  newsFeeds: NewsFeedStateRepo;
  webPush: WebPushSubscriptionRepo;
  newsBroadcasts: NewsBroadcastRepo;
  /** Creates indexes / opens files; idempotent. */
  init(): Promise<void>;
  /** Resolves when the engine answers; rejects otherwise (readiness checks). */
  ping(): Promise<void>;
  info(): Promise<EngineInfo>;
  close(): Promise<void>;
}
