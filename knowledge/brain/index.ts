import type { KnowledgeSearch } from '../../src/ports/knowledge.js';
import { DEFAULT_DATA_DIR, loadCatalog, type Catalog } from '../catalog/load.js';
import { loadLexicon } from '../nlp/lexicon.js';
import { Brain, type BrainParams, type ConversationTables } from './brain.js';
import { loadCalibration } from './calibration.js';
import { loadChoices } from './choices.js';
import { loadConcerns } from './concerns.js';
import { loadSensitive } from './sensitive.js';
import { LanguageDetector, loadLanguageData } from './language.js';
import { loadNarrative } from './narrative.js';
import { loadOutsideMatters } from './outside.js';
import { loadPlaces } from './places.js';
import { loadSignals } from './signals.js';
import { loadSmallTalk } from './small-talk.js';

export { Brain, DEFAULT_BRAIN_PARAMS, type BrainParams } from './brain.js';

export interface BrainOptions {
  /**
   * Folder holding lexicon/, intents.vi.json, followups.vi.json and the conversation tables
   * (smalltalk.vi.json, language.json, outside.vi.json, places.vi.json, choices.vi.json, narrative.vi.json,
   * concerns.vi.json) and the fitted confidence model calibration.json (default: knowledge/data).
   */
  dataDir?: string;
  params?: Partial<BrainParams>;
  /** Use the fitted confidence model of the data folder (default true; the fitter itself turns it off). */
  calibrated?: boolean;
}

/** Builds the brain over a loaded catalog, with the lexicons and signals from the data folder. */
export function createBrain(catalog: Catalog, options: BrainOptions = {}): Brain & KnowledgeSearch {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const calibration = options.calibrated === false ? undefined : loadCalibration(dataDir);
  return new Brain({ catalog, lexicon: loadLexicon(dataDir), signals: loadSignals(dataDir), conversation: loadConversation(dataDir, catalog), params: options.params, ...(calibration && { calibration }) });
}

/** The conversation tables: language, small talk, matters outside the catalog, places, choices, stories, concerns. */
export function loadConversation(dataDir: string, catalog: Catalog): ConversationTables {
  const language = loadLanguageData(dataDir);
  return {
    language: (isVietnamese) => new LanguageDetector(language, isVietnamese),
    smallTalk: loadSmallTalk(dataDir),
    outside: loadOutsideMatters(dataDir),
    places: loadPlaces(dataDir, catalog.directory.agencies),
    choices: loadChoices(dataDir),
    narrative: loadNarrative(dataDir),
    concerns: loadConcerns(dataDir),
    sensitive: loadSensitive(dataDir),
  };
}

/** Loads the shipped catalog and builds the brain: what the CLI, the benchmark and tests use. */
export function loadBrain(options: BrainOptions = {}): Brain {
  return createBrain(loadCatalog(options.dataDir ?? DEFAULT_DATA_DIR), options);
}
