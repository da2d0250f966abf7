import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { KnowledgeSearch } from '../../src/ports/knowledge.js';
import { DEFAULT_DATA_DIR, loadCatalog, type Catalog } from '../catalog/load.js';
import { loadSignals } from '../brain/signals.js';
import { loadLexicon } from '../nlp/lexicon.js';
import { loadRoutingData } from './data.js';
import { Router, type RouterParams } from './router.js';

export { Router, DEFAULT_ROUTER_PARAMS, type RouterParams } from './router.js';
export { loadRoutingData, routingDataSchema, type RoutingData, type RoutingTopic } from './data.js';

export interface RouterOptions {
  catalog: Catalog;
  /** The answering brain: when given, a question it answers with a procedure goes to that procedure's agency. */
  brain?: Pick<KnowledgeSearch, 'ask'>;
  /** Folder holding lexicon/, routing.vi.json and intents.vi.json (default: knowledge/data). */
  dataDir?: string;
  params?: Partial<RouterParams>;
}

/**
 * Builds the router over a loaded catalog and the data folder's lexicon, routing topics and the
 * out-of-scope intent examples (chit-chat, greetings, news, handoff requests), which train the
 * coordinator class. Building takes about a quarter of a second (it analyses every training text
 * once); `route()` is pure and synchronous (tens of microseconds, plus the brain's `ask` if given).
 */
export function createRouter(options: RouterOptions): Router {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const intents = join(dataDir, 'intents.vi.json');
  const coordinatorSignals = existsSync(intents)
    ? (() => {
        const { examples } = loadSignals(dataDir);
        return { examples: [...examples.greeting, ...examples.other, ...examples.news, ...examples.handoff] };
      })()
    : undefined;
  return new Router({
    catalog: options.catalog,
    lexicon: loadLexicon(dataDir),
    data: loadRoutingData(dataDir),
    ...(options.brain ? { brain: options.brain } : {}),
    ...(coordinatorSignals ? { coordinatorSignals } : {}),
    ...(options.params ? { params: options.params } : {}),
  });
}

/** Loads the shipped catalog and builds the router (without a brain unless one is passed). */
export function loadRouter(options: Omit<RouterOptions, 'catalog'> = {}): Router {
  return createRouter({ ...options, catalog: loadCatalog(options.dataDir ?? DEFAULT_DATA_DIR) });
}
