import type { Account, ConsoleSession } from '../../domain/account.js';
import type { Conversation, InboundMessage, OutboundRecord } from '../../domain/conversation.js';
import type { CannedReply, ConversationActivity, HandoffRecord, OperatorPresence, PhoneCall } from '../../domain/handoff.js';
import type { AuditEntry } from '../../ports/audit.js';
import type { NewsBroadcast, NewsDelivery, NewsItem, NewsSubscription, WebPushSubscription } from '../../domain/news.js';
import type { PublishedAnswer } from '../../domain/publication.js';
import type { Ticket } from '../../domain/ticket.js';
import type { Store } from '../../ports/store.js';
import type { Database } from '../collection.js';
import type { ContactDoc, Doc, KeyValueDoc, SecretDoc } from '../documents.js';
import { COLLECTIONS } from '../schema.js';
import { AccountsRepo } from './accounts.repo.js';
import { ActivitiesRepo } from './activities.repo.js';
import { AuditEntriesRepo } from './audit.repo.js';
import { PhoneCallsRepo } from './calls.repo.js';
import { CannedRepliesRepo } from './canned.repo.js';
import { HandoffsRepo } from './handoffs.repo.js';
import { NewsBroadcastsRepo, NewsDeliveriesRepo, NewsFeedsRepo, NewsItemsRepo, NewsSubscriptionsRepo, WebPushSubscriptionsRepo } from './news.repo.js';
import { PresenceRepo } from './presence.repo.js';
import { ContactsRepo } from './contacts.repo.js';
import { ConversationsRepo } from './conversations.repo.js';
import { KeyValueDocsRepo } from './dialog-state.repo.js';
import { InboundMessagesRepo } from './inbound.repo.js';
import { OutboundMessagesRepo } from './outbound.repo.js';
import { PublicationsRepo } from './publications.repo.js';
import { SecretsRepo } from './secrets.repo.js';
import { ConsoleSessionsRepo } from './sessions.repo.js';
import { TicketsRepo } from './tickets.repo.js';

/**
 * The store over any database adapter: every repository written once. Adapters wait for their own
 * `init()` in every call, so a caller that forgets it still gets loaded files and created indexes.
 */
export function createStore(db: Database, now: () => Date = () => new Date()): Store {
  return {
    contacts: new ContactsRepo(db.collection<ContactDoc>(COLLECTIONS.contacts)),
    conversations: new ConversationsRepo(db.collection<Doc<Conversation>>(COLLECTIONS.conversations), now),
    inbound: new InboundMessagesRepo(db.collection<Doc<InboundMessage>>(COLLECTIONS.inbound)),
    outbound: new OutboundMessagesRepo(db.collection<Doc<OutboundRecord>>(COLLECTIONS.outbound)),
    dialogState: new KeyValueDocsRepo(db.collection<KeyValueDoc>(COLLECTIONS.dialogState), now),
    secrets: new SecretsRepo(db.collection<SecretDoc>(COLLECTIONS.secrets), now),
    tickets: new TicketsRepo(db.collection<Doc<Ticket>>(COLLECTIONS.tickets)),
    accounts: new AccountsRepo(db.collection<Doc<Account>>(COLLECTIONS.accounts)),
    sessions: new ConsoleSessionsRepo(db.collection<Doc<ConsoleSession>>(COLLECTIONS.sessions)),
    publications: new PublicationsRepo(db.collection<Doc<PublishedAnswer>>(COLLECTIONS.publications)),
    handoffs: new HandoffsRepo(db.collection<Doc<HandoffRecord>>(COLLECTIONS.handoffs)),
    activities: new ActivitiesRepo(db.collection<Doc<ConversationActivity>>(COLLECTIONS.activities)),
    presence: new PresenceRepo(db.collection<Doc<OperatorPresence>>(COLLECTIONS.presence)),
    canned: new CannedRepliesRepo(db.collection<Doc<CannedReply>>(COLLECTIONS.canned)),
    calls: new PhoneCallsRepo(db.collection<Doc<PhoneCall>>(COLLECTIONS.calls)),
    newsItems: new NewsItemsRepo(db.collection<Doc<NewsItem>>(COLLECTIONS.newsItems)),
    newsSubscriptions: new NewsSubscriptionsRepo(db.collection<Doc<NewsSubscription>>(COLLECTIONS.newsSubscriptions)),
    newsDeliveries: new NewsDeliveriesRepo(db.collection<Doc<NewsDelivery>>(COLLECTIONS.newsDeliveries)),
    newsFeeds: new NewsFeedsRepo(db.collection(COLLECTIONS.newsFeeds)),
    webPush: new WebPushSubscriptionsRepo(db.collection<Doc<WebPushSubscription>>(COLLECTIONS.webPush)),
    newsBroadcasts: new NewsBroadcastsRepo(db.collection<Doc<NewsBroadcast>>(COLLECTIONS.newsBroadcasts)),
    audit: new AuditEntriesRepo(db.collection<Doc<AuditEntry & { id: string }> & { targetId: string }>(COLLECTIONS.audit)),
    init: () => db.init(),
    ping: () => db.ping(),
    info: () => db.info(),
    close: () => db.close(),
  };
}
