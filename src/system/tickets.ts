import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HOLIDAYS_FILE, loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { loadCatalog, type Catalog } from '../../knowledge/catalog/load.js';
import { createRouter } from '../../knowledge/routing/index.js';
import { agencyNames } from '../core/agency-names.js';
import type { DeliveryJob } from '../core/queues.js';
import { ticketAnswerNotice } from '../core/ticket-answer-notice.js';
import { createTicketService, type TicketPolicy, type TicketService } from '../core/tickets.js';
import type { Copy } from '../domain/copy/types.js';
import type { ChannelKind } from '../domain/message.js';
import { DEFAULT_TICKET_POLICY } from '../domain/ticket.js';
import type { Clock } from '../ports/clock.js';
import type { KnowledgeSearch } from '../ports/knowledge.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import type { WorkingCalendar } from '../domain/working-days.js';

/** The data folder's holiday calendar, or the shipped one when the folder has none. */
export function dataCalendar(catalogDir: string): WorkingCalendar {
  const holidays = join(catalogDir, 'holidays.vi.json');
  return loadHolidayCalendar(existsSync(holidays) ? holidays : DEFAULT_HOLIDAYS_FILE).calendar;
}

/**
 * The ticket use cases over the data folder's routing table and holiday calendar (the shipped ones when
 * the folder has none), routing with the brain so a question about a known procedure goes to its agency.
 */
export function buildTicketService(deps: {
  catalogDir: string;
  /** The catalog already loaded from catalogDir, to avoid loading it twice. */
  catalog?: Catalog;
  knowledge: KnowledgeSearch;
  store: Store;
  clock: Clock;
  copy: Copy;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  /** Deadlines and the reopen window (configuration); DEFAULT_TICKET_POLICY when absent. */
  policy?: TicketPolicy;
}): TicketService {
  const router = createRouter({ catalog: deps.catalog ?? loadCatalog(deps.catalogDir), brain: deps.knowledge, dataDir: deps.catalogDir });
  return createTicketService({
    store: deps.store,
    router,
    calendar: dataCalendar(deps.catalogDir),
    clock: deps.clock,
    deliveries: deps.deliveries,
    ...(deps.policy ? { policy: deps.policy } : {}),
    answerNotice: ticketAnswerNotice({ copy: deps.copy, agencyName: agencyNames(deps.knowledge), reopenWindowDays: (deps.policy ?? DEFAULT_TICKET_POLICY).reopenWindowDays }),
  });
}
