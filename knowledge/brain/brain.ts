import type { Locale } from '../../src/domain/locale.js';
import type { Agency, Procedure } from '../../src/domain/procedure.js';
import type { AskContext, AskResult, Candidate, Decision, Intent, KnowledgeSearch } from '../../src/ports/knowledge.js';
import type { Catalog } from '../catalog/load.js';
import { analyzeQuery, type AnalyzedQuery } from '../nlp/analyze.js';
import { foldPhrase, type Lexicon } from '../nlp/lexicon.js';
import { buildIndex, DEFAULT_INDEX_PARAMS, type IndexParams, type ProcedureIndex } from './inverted-index.js';
import { DEFAULT_RETRIEVAL_PARAMS, retrieve, type RetrievalParams, type ScoredDoc } from './retrieve.js';
import { IntentClassifier } from './intent-classifier.js';
import { matchSignals, SIGNAL_INTENTS, type SignalHits, type Signals } from './signals.js';

/**
 * The answering brain: one message in, an intent and a decision out (answer / clarify / abstain),
 * with normalized confidences. Pure and synchronous; all tuning knobs are in BrainParams.
 */

export interface DecisionParams {
  /** Below this normalized score the brain abstains (offers an agency or an operator). */
  low: number;
  /** At or above this score, with no close rival, the brain answers outright. */
  answer: number;
  /** Rivals within this relative margin of the best are offered as clarification options. */
  margin: number;
  /** Weight of the classifier's log-probabilities (Naive Bayes is overconfident; < 1 tempers it). */
  classifierWeight: number;
  /** Log-odds added per matched token of an intent pattern. */
  patternBonus: number;
  /** Log-odds added to `procedure` per unit of the best retrieval score. */
  retrievalBonus: number;
  /** Log-odds added to `procedure` per matched token of a procedure cue ("thủ tục", "hồ sơ"…). */
  cueBonus: number;
}

export interface BrainParams {
  index: IndexParams;
  retrieval: RetrievalParams;
  decision: DecisionParams;
}

export const DEFAULT_BRAIN_PARAMS: BrainParams = {
  index: DEFAULT_INDEX_PARAMS,
  retrieval: DEFAULT_RETRIEVAL_PARAMS,
  decision: { low: 0.3, answer: 0.45, margin: 0.12, classifierWeight: 0.4, patternBonus: 2, retrievalBonus: 4, cueBonus: 0.5 },
};

/** Longest lexicon phrase (in syllables) compared against procedure names. */
const MAX_PHRASE = 8;

const DOSSIER_CODE = /\b\d{3}\.\d{2}\.\d{2}\.[a-z]\d{2}-\d{6}-\d{4}\b/;
const TRACKING_CODE = /\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{4,6}-[a-z0-9]{1,6}\b/;

export interface BrainDeps {
  catalog: Catalog;
  lexicon: Lexicon;
  signals: Signals;
  params?: Partial<BrainParams>;
}

export class Brain implements KnowledgeSearch {
  readonly index: ProcedureIndex;
  readonly params: BrainParams;
  private readonly byKey = new Map<string, Procedure>();
  private readonly classifier: IntentClassifier;

  constructor(private readonly deps: BrainDeps) {
    this.params = { ...DEFAULT_BRAIN_PARAMS, ...deps.params };
    this.index = buildIndex(deps.catalog.procedures, this.params.index);
    // A phrase that is literally part of a procedure name is matched by the index already; expanding it
    // to one procedure's wording only biases it against its siblings ("giấy phép xây dựng nhà ở" inside
    // "gia hạn giấy phép xây dựng nhà ở").
    const namePhrases = new Set<string>();
    for (const p of deps.catalog.procedures) {
      const t = foldPhrase(p.name);
      for (let i = 0; i < t.length; i++) for (let j = i + 1; j <= Math.min(t.length, i + MAX_PHRASE); j++) namePhrases.add(t.slice(i, j).join(' '));
    }
    deps.lexicon.expansions.retain((from) => !namePhrases.has(from.join(' ')));
    const { intents, cues, followUps } = deps.signals;
    for (const table of [intents, cues, followUps]) for (const w of table.words()) deps.lexicon.words.add(w);
    this.classifier = this.trainClassifier();
    for (const p of deps.catalog.procedures) {
      this.byKey.set(p.id, p);
      this.byKey.set(p.code, p);
    }
  }

  /**
   * The `procedure` class learns from the catalog's names and aliases, phrased as questions with the
   * follow-up phrases citizens add ("… cần giấy tờ gì", "… nộp ở đâu"), so that question wording alone
   * does not pull a procedure question towards another intent. natural's Bayes estimates a feature's
   * likelihood against the class's example count, so every class gets about as many examples as the
   * intents have, drawn evenly across the catalog.
   */
  private trainClassifier(): IntentClassifier {
    const tokens = (text: string) => analyzeQuery(text, this.deps.lexicon, this.index.vocabulary).normalized;
    const examples: Partial<Record<Intent, string[][]>> = {};
    for (const intent of SIGNAL_INTENTS) examples[intent] = this.deps.signals.examples[intent].map(tokens);
    const perClass = Math.round(SIGNAL_INTENTS.reduce((n, i) => n + (examples[i]?.length ?? 0), 0) / SIGNAL_INTENTS.length);
    const asks = this.deps.signals.followUpPhrases;
    const procedures = this.deps.catalog.procedures;
    examples.procedure = Array.from({ length: perClass }, (_, k) => {
      const p = procedures[Math.floor((k * procedures.length) / perClass)]!;
      const subject = k % 2 === 0 ? p.name : (p.aliases[k % p.aliases.length] ?? p.name);
      return tokens(k % 3 === 2 ? subject : `${subject} ${asks[k % asks.length] ?? ''}`);
    });
    return new IntentClassifier(examples);
  }

  /** The message as retrieval sees it (normalized, repaired against the catalog's vocabulary). */
  analyze(question: string): AnalyzedQuery {
    return analyzeQuery(question, this.deps.lexicon, this.index.vocabulary);
  }

  /** Words retrieval ignores. */
  get stopwords(): Set<string> {
    return this.deps.lexicon.stopwords;
  }

  getProcedure(idOrCode: string): Procedure | undefined {
    return this.byKey.get(idOrCode);
  }

  listAgencies(): Agency[] {
    return this.deps.catalog.directory.agencies;
  }

  ask(question: string, context: AskContext = {}): AskResult {
    const query = analyzeQuery(question, this.deps.lexicon, this.index.vocabulary, this.deps.signals.followUps);
    const hits = matchSignals(this.deps.signals, query.normalized);
    const ranked = retrieve(this.index, query, this.deps.lexicon.stopwords, this.params.retrieval);
    const intent = this.detectIntent(query, hits, ranked);
    const base = { question, intent, alternatives: [] as Candidate[], language: 'vi' as const };
    if (intent !== 'procedure') return { ...base, decision: 'abstain', best: null };

    const current = context.currentProcedureId ? this.getProcedure(context.currentProcedureId) : undefined;
    const top = ranked[0]?.score ?? 0;
    if (current && hits.followUp && (top < this.params.decision.answer || this.index.procedures[ranked[0]!.doc] === current)) {
      return { ...base, decision: 'answer', best: { procedure: current, score: Math.max(top, this.params.decision.answer) }, followUp: hits.followUp };
    }
    return this.decide(base, ranked, hits);
  }

  private candidate(r: ScoredDoc): Candidate {
    return { procedure: this.index.procedures[r.doc]!, score: Math.round(r.score * 1000) / 1000 };
  }

  private decide(base: { question: string; intent: Intent; alternatives: Candidate[]; language: Locale }, ranked: ScoredDoc[], hits: SignalHits): AskResult {
    const { low, answer, margin } = this.params.decision;
    const best = ranked[0];
    if (!best || best.score < low) {
      return { ...base, decision: 'abstain', best: null, alternatives: ranked.slice(0, 3).map((r) => this.candidate(r)) };
    }
    // A message that names the best procedure in full is not ambiguous with a sibling it names only in part.
    const namedInFull = (r: ScoredDoc) => (r.nameCoverage ?? 0) >= 1;
    const close = ranked
      .filter((r) => r === best || (r.score >= best.score * (1 - margin) && r.score >= low && !(namedInFull(best) && !namedInFull(r))))
      .slice(0, 3);
    let decision: Decision = 'answer';
    if (close.length > 1 || best.score < answer) decision = 'clarify';
    const alternatives = (decision === 'clarify' ? close : ranked.slice(1, 4)).map((r) => this.candidate(r));
    return { ...base, decision, best: this.candidate(best), alternatives, ...(hits.followUp ? { followUp: hits.followUp } : {}) };
  }

  private detectIntent(query: AnalyzedQuery, hits: SignalHits, ranked: ScoredDoc[]): Intent {
    if (DOSSIER_CODE.test(query.cleaned) || TRACKING_CODE.test(query.cleaned)) return 'track';
    const { classifierWeight, patternBonus, retrievalBonus, cueBonus } = this.params.decision;
    const probs = this.classifier.probabilities(query.normalized);
    const evidence = (intent: Intent) => classifierWeight * Math.log(Math.max(probs.get(intent) ?? 0, 1e-9));
    let bestIntent: Intent = 'procedure';
    let bestScore = evidence('procedure') + retrievalBonus * (ranked[0]?.score ?? 0) + cueBonus * Math.min(hits.cues, 2);
    for (const intent of SIGNAL_INTENTS) {
      const score = evidence(intent) + patternBonus * Math.min(hits.intents[intent], 3);
      if (score > bestScore) {
        bestScore = score;
        bestIntent = intent;
      }
    }
    return bestIntent;
  }
}
