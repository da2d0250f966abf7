import type { IndexSpec } from './collection.js';

/**
 * The collections of the store, each with its schema block (Chatwoot's annotate habit) and its indexes
 * as data, declared once for every adapter. Every primary key is our own id in `_id`, so an idempotent
 * insert is a plain insert that the engine refuses (DuplicateKeyError) on a second try. The document
 * mapping lives in documents.ts.
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
 *   handoff        object  { status: bot | queued | assigned | snoozed, rev, handoffId?, team?, reason?,
 *                           queuedAt?, assigneeId?, assigneeName?, assignedAt?, firstReplyAt?, offeredTo?,
 *                           pausedUntil?, snoozedUntil?, handedBack? } (domain/handoff.ts); absent = bot
 *   locale         string? vi | km | en: the language the citizen writes in (absent: vi)
 *   lastInboundAt  Date    opens the platform's reply window
 *   createdAt      Date
 *   updatedAt      Date
 * Indexes: contactId; { handoff.status, handoff.queuedAt } (the operators' queue)
 *
 * == Schema: inbound_messages ==
 *   _id         string  `${channel}:${externalId}`: a redelivered webhook hits E11000
 *   conversationId string
 *   externalId  string  platform message id
 *   seq         number  per conversation, strictly increasing (last seq + 1; the unique index refuses a taken one)
 *   kind        string  message | postback | follow | unfollow | echo (sent to the citizen by the OA/Page)
 *   echoAppId   string? echo only: the sending app (Messenger)
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
 *   purpose     string  response | human_agent | update | news
 *   author      object? { id, name }: the operator who wrote it (human_agent)
 *   status      string  pending | sending | sent | held | failed
 *   sendingSince Date?  when the run now sending it claimed it (status sending; compare-and-set from pending)
 *   externalId  string? platform message id once sent
 *   attempts    number
 *   error       object? { code, platformCode?, message? }
 *   createdAt   Date
 *   sentAt      Date?
 * Indexes: { conversationId, createdAt }; { status, createdAt }; { conversationId, status, createdAt } (listWithStatus);
 *          { conversationId, externalId } (echoes of our own sends)
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
 *   question     string  personal data removed (domain/pii.ts redactPersonalData), reviewed by the editor
 *   answer       string  masked
 *   publishedAt  Date
 *   approvedBy   string  → accounts._id (the approving editor)
 * Indexes: { field, publishedAt } (public page by field); publishedAt
 *
 * == Schema: handoffs ==  (one human stretch of a conversation, domain/handoff.ts HandoffRecord)
 *   _id            string
 *   conversationId string
 *   channel        string
 *   team           string  hotline
 *   reason         string  requested | fallbacks | sensitive | takeover | external
 *   question       string? the citizen's words when they asked (personal data)
 *   procedureId    string?
 *   requestedAt    Date
 *   queuedAt, assignedAt, firstReplyAt, endedAt  Date?
 *   assigneeId     string? account id | external
 *   outcome        string? resolved | abandoned | unclaimed | closed | external-ended
 *   summary        string? the operator's hand-back summary
 *   csat           number? 1–5
 *   reoffers       number
 * Indexes: { conversationId, requestedAt }; requestedAt
 *
 * == Schema: conversation_activities ==  (transcript lines that are not messages)
 *   _id, conversationId, at, kind (transition | note), from?, to?, event?, reason?, actor? { id, name }, text?
 * Indexes: { conversationId, at }
 *
 * == Schema: operator_presence ==
 *   _id (account id), name, team, status (online | away | offline), seenAt, lastAssignedAt?
 * Indexes: team
 *
 * == Schema: canned_replies ==
 *   _id (short code), text, updatedAt, updatedBy
 *
 * == Schema: phone_calls ==
 *   _id, operatorId, question, callbackPhone? (personal data), answer?, procedureId?, ticketCode?,
 *   receivedAt, durationSeconds?
 * Indexes: receivedAt
 *
 * == Schema: news_items ==  (domain/news.ts NewsItem)
 *   _id (hash of feed URL + guid, or UUID), topics string[], title, link?, summary?, urgency (normal |
 *   critical), publishedAt, receivedAt, source { kind: feed, url, guid } | { kind: editor, accountId },
 *   announce (false: recorded at a feed's first poll, never pushed), status? (scheduled: an editor's item
 *   waiting for its publishedAt), versions? { km?, en? : { title, summary? } }
 * Indexes: publishedAt; { topics, publishedAt } (multikey: "tin mới" of a citizen's topics);
 *          { status, publishedAt } (the scheduled items due)
 *
 * == Schema: news_subscriptions ==  (one per conversation)
 *   _id (conversation id), channel, topics string[], consentAt, updatedAt
 * Indexes: topics (multikey: an item's recipients)
 *
 * == Schema: news_deliveries ==  (one per item and conversation: the exactly-once guard)
 *   _id `${itemId}|${conversationId}`, itemId, conversationId (or webpush:<subscription id>), channel
 *   (zalo | messenger | webchat | webpush), status (sent | waiting | quiet | queued | failed),
 *   reason? (window | cap | quiet), error? { code, status? }, at
 * Indexes: { conversationId, status, at } (daily cap); { status, at } (the morning's held pushes);
 *          { status, reason, at } (the daily digest of capped items); itemId (an item's report)
 *
 * == Schema: webpush_subscriptions ==  (one per browser endpoint)
 *   _id (hash of the endpoint), endpoint, keys { p256dh, auth }, topics string[], locale, consentAt,
 *   updatedAt
 * Indexes: topics (multikey)
 *
 * == Schema: news_broadcasts ==  (one Zalo Article broadcast per item)
 *   _id (item id), itemId, state, requestedBy { id, username }, requestedAt, token?, articleId?,
 *   messageId?, target { cities }, steps [{ step, at, outcome }], error?, updatedAt
 * Indexes: { state, updatedAt } (listByState: the reconciler's unfinished broadcasts)
 *
 * == Schema: news_feeds ==
 *   _id (feed URL), url, etag?, lastModified?, polledAt
 *
 * == Schema: audit_log ==
 *   _id, action, actor { id, username }, target { kind, id, … }, targetId (= target.id), at, details?
 * Indexes: at; { targetId, at }
 */

/** Collection names: one MongoDB collection or one nedb file (`<dataDir>/store/<name>.db`) each. */
export const COLLECTIONS = {
  contacts: 'contacts',
  conversations: 'conversations',
  inbound: 'inbound_messages',
  outbound: 'outbound_messages',
  dialogState: 'dialog_state',
  secrets: 'secrets',
  tickets: 'tickets',
  accounts: 'accounts',
  sessions: 'console_sessions',
  publications: 'publications',
  handoffs: 'handoffs',
  activities: 'conversation_activities',
  presence: 'operator_presence',
  canned: 'canned_replies',
  calls: 'phone_calls',
  audit: 'audit_log',
  newsItems: 'news_items',
  newsSubscriptions: 'news_subscriptions',
  newsDeliveries: 'news_deliveries',
  newsFeeds: 'news_feeds',
  webPush: 'webpush_subscriptions',
  newsBroadcasts: 'news_broadcasts',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/**
 * The indexes of each collection (besides `_id`). MongoDB uses the compound ones as they are; nedb
 * indexes one field's equality or range only, so its adapter indexes the first key of each.
 */
export const INDEXES: Readonly<Record<CollectionName, readonly IndexSpec[]>> = {
  contacts: [{ name: 'identityKeys_unique', keys: { identityKeys: 1 }, unique: true }],
  conversations: [
    { name: 'contactId', keys: { contactId: 1 } },
    { name: 'handoff_queue', keys: { 'handoff.status': 1, 'handoff.queuedAt': 1 } },
  ],
  inbound_messages: [
    { name: 'conversation_seq_unique', keys: { conversationId: 1, seq: 1 }, unique: true },
    { name: 'conversation_status_seq', keys: { conversationId: 1, status: 1, seq: 1 } },
    { name: 'status_conversation', keys: { status: 1, conversationId: 1 } },
    { name: 'receivedAt', keys: { receivedAt: 1 } },
  ],
  outbound_messages: [
    { name: 'conversation_createdAt', keys: { conversationId: 1, createdAt: 1 } },
    { name: 'status_createdAt', keys: { status: 1, createdAt: 1 } },
    { name: 'conversation_status_createdAt', keys: { conversationId: 1, status: 1, createdAt: 1 } },
    { name: 'conversation_externalId', keys: { conversationId: 1, externalId: 1 } },
  ],
  dialog_state: [],
  secrets: [],
  tickets: [
    { name: 'code_unique', keys: { code: 1 }, unique: true },
    { name: 'agency_status_createdAt', keys: { agencyId: 1, status: 1, createdAt: 1 } },
    { name: 'status_dueAt', keys: { status: 1, dueAt: 1 } },
    { name: 'conversationId', keys: { conversationId: 1 } },
    { name: 'createdAt', keys: { createdAt: 1 } },
  ],
  accounts: [{ name: 'username_unique', keys: { username: 1 }, unique: true }],
  console_sessions: [
    { name: 'accountId', keys: { accountId: 1 } },
    { name: 'expiresAt', keys: { expiresAt: 1 } },
  ],
  publications: [
    { name: 'field_publishedAt', keys: { field: 1, publishedAt: -1 } },
    { name: 'publishedAt', keys: { publishedAt: -1 } },
  ],
  handoffs: [
    { name: 'conversation_requestedAt', keys: { conversationId: 1, requestedAt: 1 } },
    { name: 'requestedAt', keys: { requestedAt: 1 } },
  ],
  conversation_activities: [{ name: 'conversation_at', keys: { conversationId: 1, at: 1 } }],
  operator_presence: [{ name: 'team', keys: { team: 1 } }],
  canned_replies: [],
  phone_calls: [{ name: 'receivedAt', keys: { receivedAt: 1 } }],
  audit_log: [
    { name: 'at', keys: { at: -1 } },
    { name: 'target_at', keys: { targetId: 1, at: -1 } },
  ],
  news_items: [
    { name: 'publishedAt', keys: { publishedAt: -1 } },
    { name: 'topics_publishedAt', keys: { topics: 1, publishedAt: -1 } },
    { name: 'status_publishedAt', keys: { status: 1, publishedAt: 1 } },
  ],
  news_subscriptions: [{ name: 'topics', keys: { topics: 1 } }],
  news_deliveries: [
    { name: 'conversation_status_at', keys: { conversationId: 1, status: 1, at: 1 } },
    { name: 'status_at', keys: { status: 1, at: 1 } },
    { name: 'status_reason_at', keys: { status: 1, reason: 1, at: 1 } },
    { name: 'itemId', keys: { itemId: 1 } },
  ],
  news_feeds: [],
  webpush_subscriptions: [{ name: 'topics', keys: { topics: 1 } }],
  news_broadcasts: [{ name: 'state_updatedAt', keys: { state: 1, updatedAt: 1 } }],
};
