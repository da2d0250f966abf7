import type { KnowledgeSearch } from '../../src/ports/knowledge.js';
import { DEFAULT_DATA_DIR, loadCatalog, type Catalog } from '../catalog/load.js';
import { loadLexicon } from '../nlp/lexicon.js';
import { Brain, type BrainParams } from './brain.js';
import { loadSignals } from './signals.js';

export { Brain, DEFAULT_BRAIN_PARAMS, type BrainParams } from './brain.js';

export interface BrainOptions {
  /** Folder holding lexicon/, intents.vi.json and followups.vi.json (default: knowledge/data). */
  dataDir?: string;
  params?: Partial<BrainParams>;
}

/** Builds the brain over a loaded catalog, with the lexicons and signals from the data folder. */
export function createBrain(catalog: Catalog, options: BrainOptions = {}): Brain & KnowledgeSearch {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  return new Brain({ catalog, lexicon: loadLexicon(dataDir), signals: loadSignals(dataDir), params: options.params });
}

/** Loads the shipped catalog and builds the brain: what the CLI, the benchmark and tests use. */
export function loadBrain(options: BrainOptions = {}): Brain {
  return createBrain(loadCatalog(options.dataDir ?? DEFAULT_DATA_DIR), options);
}
