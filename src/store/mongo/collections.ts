import type { Collection, Db } from 'mongodb';
import type { Account, ConsoleSession } from '../../domain/account.js';
import type { ContactRequest, Conversation, InboundMessage, OutboundRecord } from '../../domain/conversation.js';
import type { PublishedAnswer } from '../../domain/publication.js';
import type { Ticket } from '../../domain/ticket.js';
import { COLLECTIONS, type ContactDoc, type Doc, type KeyValueDoc, type SecretDoc } from '../documents.js';

/**
 * The MongoDB collections, each with its schema block (Chatwoot's annotate habit): fields, types and
 * indexes, kept next to the code that creates the indexes. Every primary key is our own id in `_id`,
 * so idempotent inserts are a plain insert that the server refuses with E11000 on a second try.
 */

/**
 * == Schema: contacts ==
 *   _id           string   random UUID
 *   identities    array    [{ channel, accountId, userId }]
 *   identityKeys  string[] conversationKey(channel, accountId, userId) of each identity
 *   name          string?  platform profile name (never logged)
 *   createdAt     Date
 * Indexes: identityKeys unique (multikey: an identity belongs to one contact)
 *
 * == Schema: conversations ==
 *   _id            string  conversationKey(channel, accountId, userId)
 *   contactId      string  → contacts._id
 *   channel        string  zalo | messenger | webchat
 *   accountId      string  OA / Page / widget install id
 *   userId         string  the citizen's id on the channel
 *   mode           string  bot | operator
 *   lastInboundAt  Date    opens the platform's reply window
 *   createdAt      Date
 *   updatedAt      Date
 * Indexes: contactId
 *
 * == Schema: inbound_messages ==
 *   _id         string  `${channel}:${externalId}`: a redelivered webhook hits E11000
 *   conversationId string
 *   externalId  string  platform message id
 *   seq         number  per conversation, strictly increasing, from counters
 *   kind        string  message | postback | follow | unfollow
 *   text        string?
 *   payload     string?
 *   status      string  received | done | failed
 *   receivedAt  Date
 *   processedAt Date?
 *   error       string? error code, never the text
 * Indexes: { conversationId, seq } unique; { conversationId, status, seq } (nextPending);
 *          { status, conversationId } (conversationsWithPending)
 *
 * == Schema: outbound_messages ==
 *   _id         string  deterministic: a replayed turn cannot send twice
 *   conversationId string
 *   inReplyTo   string? → inbound_messages._id
 *   reply       object  { text, buttons?, link? }
 *   purpose     string  response | human_agent | update
 *   status      string  pending | sent | held | failed | held
 *   externalId  string? platform message id once sent
 *   attempts    number
 *   error       object? { code, platformCode?, message? }
 *   createdAt   Date
 *   sentAt      Date?
 * Indexes: { conversationId, createdAt }; { status, createdAt }; { conversationId, status, createdAt } (listHeld)
 *
 * == Schema: dialog_state ==
 *   _id        string  Botkit storage key
 *   json       string  the value as JSON text (keys may contain `.` or `$`)
 *   updatedAt  Date
 *
 * == Schema: secrets ==
 *   _id        string  e.g. `zalo:<oaId>:tokens`
 *   value      object
 *   version    number  1 on first write, +1 per successful compare-and-set
 *   updatedAt  Date
 *
 * == Schema: contact_requests ==
 *   _id          string
 *   conversationId string
 *   kind         string  agency | operator
 *   question     string
 *   procedureId  string?
 *   createdAt    Date
 * Indexes: { conversationId, createdAt }
 *
 * == Schema: counters ==
 *   _id  string  conversation id
 *   seq  number  last inbound seq handed out ($inc, atomic across processes)
 *
 * == Schema: tickets ==
 *   _id            string  ticket id
 *   code           string  tracking code, canonical form (tracking-code.ts)
 *   kind           string  question | feedback
 *   status         string  received | assigned | returned | answered | delivered | closed | overdue | reopened
 *   agencyId       string  the agency responsible now
 *   conversationId string  → conversations._id (where the answer goes back)
 *   question       string  the citizen's text (personal data: never logged)
 *   place          string? feedback only
 *   consent        object  { forward, publish }
 *   contact        object? { name?, phoneLast4?, callbackPhone? } (personal data)
 *   procedureId    string?
 *   dueAt          Date
 *   createdAt      Date
 *   updatedAt      Date    optimistic-concurrency version: replace filters on { _id, updatedAt }
 *   answer         object? { text, at: Date, by: { kind, id? }, onTime }
 *   delivery       object? { status: pending | sent | held | failed, at: Date, outboundId?, error?,
 *                            notice?: { status: pending | sent | failed, at: Date, externalId?, error? } }
 *   overdueAt      Date?   first time marked overdue
 *   timeline       array   append-only [{ at: Date, actor: { kind, id? }, action, from?, to?, note?, agencyId? }]
 * Indexes: code unique; { agencyId, status, createdAt } (agency queues); { status, dueAt } (reminders,
 *          overdue sweep); conversationId (the citizen's own tickets)
 *
 * == Schema: accounts ==
 *   _id           string
 *   username      string  login name, lower-case
 *   displayName   string
 *   role          string  staff | coordinator | admin
 *   agencyId      string? staff only
 *   passwordHash  string  self-describing memory-hard hash (never logged)
 *   disabled      boolean
 *   createdAt     Date
 * Indexes: username unique
 *
 * == Schema: console_sessions ==
 *   _id        string  random session id (the cookie carries only this)
 *   accountId  string  → accounts._id
 *   csrfToken  string  synchronizer token (never logged)
 *   createdAt  Date
 *   expiresAt  Date    get() returns the session only while expiresAt > now
 * Indexes: accountId (sign out everywhere); expiresAt (purging expired sessions)
 *
 * == Schema: publications ==
 *   _id          string  `qa:<ticketId>` (one public entry per ticket)
 *   ticketId     string  → tickets._id
 *   field        string? lĩnh vực (public page grouping)
 *   agencyId     string  the answering agency (named when the assistant reuses the answer)
 *   question     string  masked (maskPii) and edited by the editor
 *   answer       string  masked
 *   publishedAt  Date
 *   approvedBy   string  → accounts._id (the approving editor)
 * Indexes: { field, publishedAt } (public page by field); publishedAt
 */
export interface CounterDoc {
  /** Conversation id. */
  _id: string;
  /** Last seq handed out for this conversation. */
  seq: number;
}

export interface Collections {
  contacts: Collection<ContactDoc>;
  conversations: Collection<Doc<Conversation>>;
  inbound: Collection<Doc<InboundMessage>>;
  outbound: Collection<Doc<OutboundRecord>>;
  dialogState: Collection<KeyValueDoc>;
  secrets: Collection<SecretDoc>;
  requests: Collection<Doc<ContactRequest>>;
  counters: Collection<CounterDoc>;
  tickets: Collection<Doc<Ticket>>;
  accounts: Collection<Doc<Account>>;
  sessions: Collection<Doc<ConsoleSession>>;
  publications: Collection<Doc<PublishedAnswer>>;
}

export function collections(db: Db): Collections {
  return {
    contacts: db.collection<ContactDoc>(COLLECTIONS.contacts),
    conversations: db.collection<Doc<Conversation>>(COLLECTIONS.conversations),
    inbound: db.collection<Doc<InboundMessage>>(COLLECTIONS.inbound),
    outbound: db.collection<Doc<OutboundRecord>>(COLLECTIONS.outbound),
    dialogState: db.collection<KeyValueDoc>(COLLECTIONS.dialogState),
    secrets: db.collection<SecretDoc>(COLLECTIONS.secrets),
    requests: db.collection<Doc<ContactRequest>>(COLLECTIONS.requests),
    counters: db.collection<CounterDoc>(COLLECTIONS.counters),
    tickets: db.collection<Doc<Ticket>>(COLLECTIONS.tickets),
    accounts: db.collection<Doc<Account>>(COLLECTIONS.accounts),
    sessions: db.collection<Doc<ConsoleSession>>(COLLECTIONS.sessions),
    publications: db.collection<Doc<PublishedAnswer>>(COLLECTIONS.publications),
  };
}

/** Creates the indexes above; createIndexes is a no-op for an index that already exists with the same spec. */
export async function ensureIndexes(c: Collections): Promise<void> {
  await Promise.all([
    c.contacts.createIndexes([{ key: { identityKeys: 1 }, name: 'identityKeys_unique', unique: true }]),
    c.conversations.createIndexes([{ key: { contactId: 1 }, name: 'contactId' }]),
    c.inbound.createIndexes([
      { key: { conversationId: 1, seq: 1 }, name: 'conversation_seq_unique', unique: true },
      { key: { conversationId: 1, status: 1, seq: 1 }, name: 'conversation_status_seq' },
      { key: { status: 1, conversationId: 1 }, name: 'status_conversation' },
      { key: { receivedAt: 1 }, name: 'receivedAt' },
    ]),
    c.outbound.createIndexes([
      { key: { conversationId: 1, createdAt: 1 }, name: 'conversation_createdAt' },
      { key: { status: 1, createdAt: 1 }, name: 'status_createdAt' },
      { key: { conversationId: 1, status: 1, createdAt: 1 }, name: 'conversation_status_createdAt' },
    ]),
    c.requests.createIndexes([{ key: { conversationId: 1, createdAt: 1 }, name: 'conversation_createdAt' }]),
    c.tickets.createIndexes([
      { key: { code: 1 }, name: 'code_unique', unique: true },
      { key: { agencyId: 1, status: 1, createdAt: 1 }, name: 'agency_status_createdAt' },
      { key: { status: 1, dueAt: 1 }, name: 'status_dueAt' },
      { key: { conversationId: 1 }, name: 'conversationId' },
      { key: { createdAt: 1 }, name: 'createdAt' },
    ]),
    c.accounts.createIndexes([{ key: { username: 1 }, name: 'username_unique', unique: true }]),
    c.sessions.createIndexes([
      { key: { accountId: 1 }, name: 'accountId' },
      { key: { expiresAt: 1 }, name: 'expiresAt' },
    ]),
    c.publications.createIndexes([
      { key: { field: 1, publishedAt: -1 }, name: 'field_publishedAt' },
      { key: { publishedAt: -1 }, name: 'publishedAt' },
    ]),
  ]);
}

/** The server's duplicate-key error (E11000): the insert lost to an existing document. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
