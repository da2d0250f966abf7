import { join } from 'node:path';
import nedbModule from '@seald-io/nedb';
import type { Account, ConsoleSession } from '../../domain/account.js';
import type { ContactRequest, Conversation, InboundMessage, OutboundRecord } from '../../domain/conversation.js';
import type { PublishedAnswer } from '../../domain/publication.js';
import type { Ticket } from '../../domain/ticket.js';
import { COLLECTIONS, type ContactDoc, type Doc, type KeyValueDoc, type SecretDoc } from '../documents.js';

/**
 * The nedb files of the embedded store: one append-only file per collection under `<dataDir>/store/`,
 * loaded into memory on open. Unique indexes are nedb's (persisted in the file, enforced on insert/update).
 */

type NedbClass = typeof nedbModule.default;
/** TypeScript (NodeNext) types this CommonJS default import as the module object; Node hands over module.exports, the class. */
const Datastore = ((nedbModule as unknown as { default?: NedbClass }).default ?? nedbModule) as NedbClass;

export type Datastore<T extends Record<string, unknown> | object> = import('@seald-io/nedb').default<T>;

export interface Datastores {
  contacts: Datastore<ContactDoc>;
  conversations: Datastore<Doc<Conversation>>;
  inbound: Datastore<Doc<InboundMessage>>;
  outbound: Datastore<Doc<OutboundRecord>>;
  dialogState: Datastore<KeyValueDoc>;
  secrets: Datastore<SecretDoc>;
  requests: Datastore<Doc<ContactRequest>>;
  tickets: Datastore<Doc<Ticket>>;
  accounts: Datastore<Doc<Account>>;
  sessions: Datastore<Doc<ConsoleSession>>;
  publications: Datastore<Doc<PublishedAnswer>>;
}

/** nedb signals a unique-index conflict with this errorType (from its binary search tree). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { errorType?: unknown }).errorType === 'uniqueViolated';
}

/** Opens (autoloads) every collection file; `loadDatastores` waits for the loads and reports their errors. */
export function openDatastores(dataDir: string): Datastores {
  const open = <T extends object>(name: string): Datastore<T> =>
    // Without `onload`, nedb rethrows a load error as an unhandled rejection; autoloadPromise reports it instead.
    new Datastore<T>({ filename: join(dataDir, 'store', `${name}.db`), autoload: true, onload: () => undefined });
  return {
    contacts: open<ContactDoc>(COLLECTIONS.contacts),
    conversations: open<Doc<Conversation>>(COLLECTIONS.conversations),
    inbound: open<Doc<InboundMessage>>(COLLECTIONS.inbound),
    outbound: open<Doc<OutboundRecord>>(COLLECTIONS.outbound),
    dialogState: open<KeyValueDoc>(COLLECTIONS.dialogState),
    secrets: open<SecretDoc>(COLLECTIONS.secrets),
    requests: open<Doc<ContactRequest>>(COLLECTIONS.requests),
    tickets: open<Doc<Ticket>>(COLLECTIONS.tickets),
    accounts: open<Doc<Account>>(COLLECTIONS.accounts),
    sessions: open<Doc<ConsoleSession>>(COLLECTIONS.sessions),
    publications: open<Doc<PublishedAnswer>>(COLLECTIONS.publications),
  };
}

/** Waits for every file to be loaded and makes sure the indexes exist (idempotent: nedb skips known indexes). */
export async function loadDatastores(ds: Datastores): Promise<void> {
  await Promise.all(Object.values(ds).map((d: Datastore<object>) => d.autoloadPromise));
  // _id is always unique in nedb. The others mirror the MongoDB indexes (see ../mongo/collections.ts).
  await ds.contacts.ensureIndexAsync({ fieldName: 'identityKeys', unique: true });
  await ds.conversations.ensureIndexAsync({ fieldName: 'contactId' });
  await ds.inbound.ensureIndexAsync({ fieldName: ['conversationId', 'seq'], unique: true });
  await ds.inbound.ensureIndexAsync({ fieldName: 'conversationId' });
  await ds.inbound.ensureIndexAsync({ fieldName: 'status' });
  await ds.outbound.ensureIndexAsync({ fieldName: 'conversationId' });
  await ds.outbound.ensureIndexAsync({ fieldName: 'status' });
  await ds.requests.ensureIndexAsync({ fieldName: 'conversationId' });
  // nedb uses an index for one field's equality or range only, so the compound Mongo indexes become single-field ones.
  await ds.tickets.ensureIndexAsync({ fieldName: 'code', unique: true });
  await ds.tickets.ensureIndexAsync({ fieldName: 'agencyId' });
  await ds.tickets.ensureIndexAsync({ fieldName: 'status' });
  await ds.tickets.ensureIndexAsync({ fieldName: 'dueAt' });
  await ds.tickets.ensureIndexAsync({ fieldName: 'conversationId' });
  await ds.accounts.ensureIndexAsync({ fieldName: 'username', unique: true });
  await ds.sessions.ensureIndexAsync({ fieldName: 'accountId' });
  await ds.sessions.ensureIndexAsync({ fieldName: 'expiresAt' });
  await ds.publications.ensureIndexAsync({ fieldName: 'field' });
}

/** Rewrites every file to one line per live document: nedb appends a line for every insert, update and delete. */
export async function compactDatastores(ds: Datastores): Promise<void> {
  await Promise.all(Object.values(ds).map((d: Datastore<object>) => d.compactDatafileAsync()));
}
