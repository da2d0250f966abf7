import type { Store } from '../../ports/store.js';
import { EmbeddedAccountRepo } from './accounts.repo.js';
import { EmbeddedContactRepo } from './contacts.repo.js';
import { EmbeddedConversationRepo } from './conversations.repo.js';
import { compactDatastores, loadDatastores, openDatastores, type Datastores } from './datastores.js';
import { EmbeddedKeyValueRepo } from './dialog-state.repo.js';
import { EmbeddedInboundRepo } from './inbound.repo.js';
import { KeyedMutex } from './keyed-mutex.js';
import { EmbeddedOutboundRepo } from './outbound.repo.js';
import { EmbeddedPublicationRepo } from './publications.repo.js';
import { EmbeddedContactRequestRepo } from './requests.repo.js';
import { EmbeddedSecretRepo } from './secrets.repo.js';
import { EmbeddedConsoleSessionRepo } from './sessions.repo.js';
import { EmbeddedTicketRepo } from './tickets.repo.js';

export interface EmbeddedStoreOptions {
  /** The data directory; the store keeps its files in `<dataDir>/store/` (created if missing). */
  dataDir: string;
  /** How often to compact the files while running (nedb files only grow between compactions); 0 = only on close. */
  compactEveryMs?: number;
  /** Clock for `updatedAt` stamps (tests). */
  now?: () => Date;
}

const DEFAULT_COMPACT_EVERY_MS = 10 * 60_000;

/**
 * The zero-configuration store: durable nedb files under the data directory, for the embedded mode
 * (one process: web and workers). Only one process may open a data directory at a time.
 * Every repo waits for `init()` itself, so a caller that forgets it still gets loaded files and indexes.
 */
export function createEmbeddedStore(options: EmbeddedStoreOptions): Store {
  const now = options.now ?? (() => new Date());
  const compactEveryMs = options.compactEveryMs ?? DEFAULT_COMPACT_EVERY_MS;
  const mutex = new KeyedMutex();
  let datastores: Datastores | undefined;
  let loading: Promise<Datastores> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const load = async (): Promise<Datastores> => {
    const ds = openDatastores(options.dataDir);
    await loadDatastores(ds);
    datastores = ds;
    if (compactEveryMs > 0) {
      timer = setInterval(() => void compactDatastores(ds).catch(() => undefined), compactEveryMs);
      timer.unref(); // compaction must never keep a finished process alive
    }
    return ds;
  };
  const db = (): Promise<Datastores> => {
    if (!loading) {
      const attempt = load();
      loading = attempt;
      // A failed load (unreadable directory, corrupt file) is retried by the next call rather than cached.
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };

  return {
    contacts: new EmbeddedContactRepo(db),
    conversations: new EmbeddedConversationRepo(db, now),
    inbound: new EmbeddedInboundRepo(db, mutex),
    outbound: new EmbeddedOutboundRepo(db),
    dialogState: new EmbeddedKeyValueRepo(db, now),
    secrets: new EmbeddedSecretRepo(db, now),
    requests: new EmbeddedContactRequestRepo(db),
    tickets: new EmbeddedTicketRepo(db, mutex),
    accounts: new EmbeddedAccountRepo(db),
    sessions: new EmbeddedConsoleSessionRepo(db),
    publications: new EmbeddedPublicationRepo(db),
    async init() {
      await db();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      const ds = datastores ?? (loading ? await loading.catch(() => undefined) : undefined);
      loading = undefined;
      datastores = undefined;
      if (ds) await compactDatastores(ds);
    },
  };
}
