import { MongoClient } from 'mongodb';
import type { Store } from '../../ports/store.js';
import { MongoAccountRepo } from './accounts.repo.js';
import { collections, ensureIndexes, type Collections } from './collections.js';
import { MongoContactRepo } from './contacts.repo.js';
import { MongoConversationRepo } from './conversations.repo.js';
import { MongoKeyValueRepo } from './dialog-state.repo.js';
import { MongoInboundRepo } from './inbound.repo.js';
import { MongoOutboundRepo } from './outbound.repo.js';
import { MongoPublicationRepo } from './publications.repo.js';
import { MongoContactRequestRepo } from './requests.repo.js';
import { MongoSecretRepo } from './secrets.repo.js';
import { MongoConsoleSessionRepo } from './sessions.repo.js';
import { MongoTicketRepo } from './tickets.repo.js';

export interface MongoStoreOptions {
  /** mongodb:// or mongodb+srv:// URL (a replica set in production). */
  url: string;
  /** Database name; defaults to the one in the URL path, else `tro_ly_1022`. */
  dbName?: string;
  /** Clock for `updatedAt` stamps (tests). */
  now?: () => Date;
}

const DEFAULT_DB_NAME = 'tro_ly_1022';

/** The database named in a MongoDB URL's path (`mongodb://h1,h2/name?opts`), if any. */
export function dbNameFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^/?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * The production store on MongoDB, safe for several web and worker processes: every multi-step write
 * is made safe by a unique index or an atomic single-document update. Repos wait for `init()` (connect
 * and create indexes) themselves, so no write can happen before the unique indexes exist.
 */
export function createMongoStore(options: MongoStoreOptions): Store {
  const now = options.now ?? (() => new Date());
  // ignoreUndefined: optional fields left undefined are omitted rather than stored as null.
  const client = new MongoClient(options.url, { ignoreUndefined: true, appName: 'tro-ly-1022' });
  const dbName = options.dbName ?? dbNameFromUrl(options.url) ?? DEFAULT_DB_NAME;
  let ready: Promise<Collections> | undefined;

  const db = (): Promise<Collections> => {
    if (!ready) {
      const attempt = (async () => {
        await client.connect();
        const c = collections(client.db(dbName));
        await ensureIndexes(c);
        return c;
      })();
      ready = attempt;
      // A failed start (server down) is retried by the next call rather than cached.
      attempt.catch(() => {
        if (ready === attempt) ready = undefined;
      });
    }
    return ready;
  };

  return {
    contacts: new MongoContactRepo(db),
    conversations: new MongoConversationRepo(db, now),
    inbound: new MongoInboundRepo(db),
    outbound: new MongoOutboundRepo(db),
    dialogState: new MongoKeyValueRepo(db, now),
    secrets: new MongoSecretRepo(db, now),
    requests: new MongoContactRequestRepo(db),
    tickets: new MongoTicketRepo(db),
    accounts: new MongoAccountRepo(db),
    sessions: new MongoConsoleSessionRepo(db),
    publications: new MongoPublicationRepo(db),
    async init() {
      await db();
    },
    async close() {
      ready = undefined;
      await client.close();
    },
  };
}
