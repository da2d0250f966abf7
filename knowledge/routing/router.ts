import type { Procedure } from '../../src/domain/procedure.js';
import type { AgencyRouter, KnowledgeSearch, RouteDecision, RouteHints } from '../../src/ports/knowledge.js';
import type { Catalog } from '../catalog/load.js';
import { analyzeQuery } from '../nlp/analyze.js';
import { foldPhrase, type Lexicon } from '../nlp/lexicon.js';
import { PhraseTable } from '../nlp/phrase-table.js';
import { CatalogVocabulary } from '../nlp/repair.js';
import { BalancedBayes } from './bayes.js';
import type { RoutingData } from './data.js';

/**
 * Routing (issue 4): a message goes to the agency of its procedure when it concerns a known one (a
 * hint, or the brain answering it); otherwise to the agency a classifier over the directory, the
 * catalog and the feedback topics (routing.vi.json) finds with enough confidence; otherwise to the
 * coordinator desk. Everything it knows is data; this module only learns it and scores messages.
 *
 * The classifier's score per agency is a tempered Naive Bayes log-likelihood (features: folded
 * content words and pairs, as the brain's intent classifier uses) plus a bonus per word of a phrase
 * the data ties to the agency (directory keywords, topic phrases), turned into probabilities with a
 * softmax over the agencies and a coordinator class trained on chit-chat and out-of-scope messages.
 */

export interface RouterParams {
  /** Observations per agency class (see BalancedBayes). */
  buckets: number;
  /** Observations per field class. */
  fieldBuckets: number;
  /** Weight of the Naive Bayes log-likelihood (< 1 tempers its overconfidence). */
  classifierWeight: number;
  /** Log-odds added per matched word of a data phrase tied to the agency. */
  phraseWeight: number;
  /** Below this probability the classifier's best agency is not trusted: the coordinator gets it. */
  threshold: number;
  /** The brain's normalized score from which its procedure counts as evidence for its agency. */
  procedureMin: number;
  /** The brain's score from which its procedure decides the route outright. */
  procedureSure: number;
  /** Log-odds added to the procedure's agency per unit of the brain's score, below `procedureSure`. */
  procedureWeight: number;
  /** Cap on one feature's log-likelihood ratio, so frequent generic words cannot outvote the data's phrases. */
  featureCap: number;
  /** The log-likelihood is divided by (number of known features)^lengthNorm: long messages are not surer. */
  lengthNorm: number;
}

export const DEFAULT_ROUTER_PARAMS: RouterParams = {
  buckets: 12,
  fieldBuckets: 6,
  classifierWeight: 0.5,
  phraseWeight: 2.5,
  threshold: 0.3,
  procedureMin: 0.3,
  procedureSure: 0.8,
  procedureWeight: 3,
  featureCap: 2,
  lengthNorm: 0,
};

/** Question-intent examples from intents.vi.json that belong to the coordinator, when available. */
export interface CoordinatorSignals {
  examples: string[];
}

export interface RouterDeps {
  catalog: Catalog;
  /** The router's own lexicon (not the brain's): it adds its data's words, so typo repair leaves them alone. */
  lexicon: Lexicon;
  data: RoutingData;
  brain?: Pick<KnowledgeSearch, 'ask'>;
  coordinatorSignals?: CoordinatorSignals;
  params?: Partial<RouterParams>;
}

/** A phrase's pull towards agencies, and the field it names when it comes from a topic. */
interface PhraseValue {
  weights: Map<string, number>;
  field?: string;
}

/** A procedure the brain found for a message, with its normalized score. */
interface ProcedureEvidence {
  procedure: Procedure;
  score: number;
  /** Agencies of the brain's other candidates. */
  others: Array<{ agencyId: string; score: number }>;
}

/** One training text and where it points. */
interface Sample {
  text: string;
  agencyId: string;
  field?: string;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const DIGITS = /^\d+$/;

export class Router implements AgencyRouter {
  readonly params: RouterParams;
  readonly coordinatorId: string;
  private readonly lexicon: Lexicon;
  private readonly vocabulary: CatalogVocabulary;
  private readonly neutral = new PhraseTable<true>();
  private readonly phrases = new PhraseTable<PhraseValue>();
  private readonly agencies: Bayes;
  private readonly fields: Bayes;
  /** Candidate fields per agency: its directory fields, its procedures' and its topics'. */
  private readonly agencyFields = new Map<string, string[]>();
  private readonly procedures = new Map<string, Procedure>();

  constructor(private readonly deps: RouterDeps) {
    this.params = { ...DEFAULT_ROUTER_PARAMS, ...deps.params };
    const { catalog, data } = deps;
    this.coordinatorId = catalog.directory.coordinatorId;
    const known = new Set(catalog.directory.agencies.map((a) => a.id));
    for (const t of data.topics) {
      if (!known.has(t.agencyId)) throw new Error(`routing topic "${t.id}": unknown agency "${t.agencyId}"`);
    }
    for (const p of catalog.procedures) {
      this.procedures.set(p.id, p);
      if (p.code) this.procedures.set(p.code, p);
    }
    const samples = this.samples();
    this.vocabulary = vocabularyOf(samples.map((s) => s.text));
    this.lexicon = deps.lexicon;
    for (const s of samples) for (const t of foldPhrase(s.text)) this.lexicon.words.add(t);
    for (const n of data.neutral) this.neutral.add(foldPhrase(n), true);
    this.buildPhrases();

    const byAgency = new Map<string, string[][]>();
    const byField = new Map<string, string[][]>();
    const push = (map: Map<string, string[][]>, key: string, f: string[]) => {
      if (f.length === 0) return;
      const list = map.get(key) ?? [];
      list.push(f);
      map.set(key, list);
    };
    for (const s of samples) {
      const f = this.features(s.text).features;
      push(byAgency, s.agencyId, f);
      if (s.field) push(byField, s.field, f);
      if (s.field && s.agencyId !== this.coordinatorId) {
        const list = this.agencyFields.get(s.agencyId) ?? [];
        if (!list.includes(s.field)) list.push(s.field);
        this.agencyFields.set(s.agencyId, list);
      }
    }
    this.agencies = new BalancedBayes(byAgency, this.params.buckets);
    this.fields = new BalancedBayes(byField, this.params.fieldBuckets);
  }

  /** Every training text: the catalog, the directory (not the desk), the topics and the desk's own. */
  private samples(): Sample[] {
    const { catalog, data, coordinatorSignals } = this.deps;
    const out: Sample[] = [];
    for (const p of catalog.procedures) {
      for (const text of [p.name, ...p.aliases, ...p.keywords, p.description]) out.push({ text, agencyId: p.agencyId, field: p.field });
    }
    for (const a of catalog.directory.agencies) {
      if (a.id === this.coordinatorId) continue;
      for (const text of [a.name, ...(a.shortName ? [a.shortName] : []), ...(a.keywords ?? [])]) out.push({ text, agencyId: a.id });
      for (const field of a.fields) out.push({ text: field, agencyId: a.id, field });
    }
    for (const t of data.topics) for (const text of [...t.phrases, ...t.examples]) out.push({ text, agencyId: t.agencyId, field: t.field });
    const desk = [...data.coordinator.phrases, ...data.coordinator.examples, ...(coordinatorSignals?.examples ?? [])];
    for (const text of desk) out.push({ text, agencyId: this.coordinatorId });
    return out;
  }

  /**
   * Phrases tied to agencies: directory keywords, names and fields (shared ones split their pull),
   * then the topics and the coordinator's phrases, which replace a directory keyword they repeat.
   */
  private buildPhrases(): void {
    const { catalog, data } = this.deps;
    const entries = new Map<string, PhraseValue>();
    const addShared = (phrase: string, agencyId: string) => {
      const key = foldPhrase(phrase).join(' ');
      if (!key) return;
      const v: PhraseValue = entries.get(key) ?? { weights: new Map() };
      v.weights.set(agencyId, 1);
      entries.set(key, v);
    };
    for (const a of catalog.directory.agencies) {
      if (a.id === this.coordinatorId) continue;
      for (const phrase of [a.name, ...(a.shortName ? [a.shortName] : []), ...(a.keywords ?? []), ...a.fields]) addShared(phrase, a.id);
    }
    for (const v of entries.values()) for (const k of v.weights.keys()) v.weights.set(k, 1 / v.weights.size);
    const topical = new Map<string, PhraseValue>();
    const addTopic = (phrase: string, agencyId: string, field?: string) => {
      const key = foldPhrase(phrase).join(' ');
      if (!key) return;
      const v: PhraseValue = topical.get(key) ?? { weights: new Map(), ...(field ? { field } : {}) };
      v.weights.set(agencyId, 1);
      topical.set(key, v);
    };
    for (const t of data.topics) for (const phrase of t.phrases) addTopic(phrase, t.agencyId, t.field);
    for (const phrase of data.coordinator.phrases) addTopic(phrase, this.coordinatorId);
    for (const v of topical.values()) for (const k of v.weights.keys()) v.weights.set(k, 1 / v.weights.size);
    for (const [key, v] of topical) entries.set(key, v);
    for (const [key, v] of entries) this.phrases.add(key.split(' '), v);
  }

  /**
   * The token sequences of a text: its normalized clauses (filler stripped) and the whole message
   * folded with teencode undone and filler stripped, which keeps words the clause splitter takes for
   * connectives ("ma" of "ma túy", "thi" of "thi tốt nghiệp"); and apart, the lexicon's expansions
   * (catalog wording for colloquial phrases), which count as phrases but not as classifier features:
   * one colloquial phrase would otherwise bring a whole procedure name's words.
   */
  private sequences(text: string): { own: string[][]; expansions: string[][] } {
    const q = analyzeQuery(text, this.lexicon, this.vocabulary);
    const raw = foldPhrase(text).flatMap((t) => this.lexicon.teencode.get(t) ?? [t]);
    const filler = new Set<number>();
    for (const hit of this.lexicon.filler.scanOverlapping(raw)) for (let k = 0; k < hit.length; k++) filler.add(hit.start + k);
    return {
      own: [...q.clauses.map((c) => c.map((t) => t.f)), raw.filter((_, i) => !filler.has(i))],
      expansions: q.expansions.map((e) => e.to),
    };
  }

  /**
   * Classifier features of a text: content words (not stopwords, not neutral phrases, not bare
   * numbers) and adjacent pairs with at least one content word, within each sequence.
   */
  private features(text: string): { features: string[]; sequences: string[][] } {
    const { own, expansions } = this.sequences(text);
    const out = new Set<string>();
    for (const seq of own) {
      const weak = seq.map((t) => this.lexicon.stopwords.has(t) || DIGITS.test(t));
      for (const hit of this.neutral.scanOverlapping(seq)) for (let k = 0; k < hit.length; k++) weak[hit.start + k] = true;
      for (let i = 0; i < seq.length; i++) {
        if (!weak[i]) out.add(seq[i]!);
        if (i + 1 < seq.length && !(weak[i] && weak[i + 1]) && !DIGITS.test(seq[i]!) && !DIGITS.test(seq[i + 1]!)) {
          out.add(`${seq[i]}_${seq[i + 1]}`);
        }
      }
    }
    return { features: [...out], sequences: [...own, ...expansions] };
  }

  route(question: string, hints: RouteHints = {}): RouteDecision {
    const hinted = hints.procedureId ? this.procedures.get(hints.procedureId) : undefined;
    if (hinted) return { agencyId: hinted.agencyId, reason: 'procedure', field: hinted.field, confidence: 1, alternatives: [] };
    const procedure = this.deps.brain && hints.kind !== 'feedback' ? this.procedureOf(question) : undefined;
    if (procedure && procedure.score >= this.params.procedureSure) {
      const { procedure: p, score, others } = procedure;
      return { agencyId: p.agencyId, reason: 'procedure', field: p.field, confidence: round(score), alternatives: others };
    }
    return this.classify(question, procedure);
  }

  /**
   * The procedure the brain finds, when it answers or clarifies with enough confidence among
   * procedures of one agency (procedures of several agencies say nothing about the agency).
   */
  private procedureOf(question: string): ProcedureEvidence | undefined {
    const r = this.deps.brain!.ask(question);
    if (r.intent !== 'procedure' || !r.best || r.decision === 'abstain' || r.best.score < this.params.procedureMin) return undefined;
    const best = r.best.procedure;
    const candidates = r.decision === 'answer' ? [r.best] : [r.best, ...r.alternatives];
    if (candidates.some((c) => c.procedure.agencyId !== best.agencyId)) return undefined;
    const others = new Map<string, number>();
    for (const c of r.alternatives) {
      if (c.procedure.agencyId !== best.agencyId && !others.has(c.procedure.agencyId)) others.set(c.procedure.agencyId, round(c.score));
    }
    return { procedure: best, score: r.best.score, others: [...others].slice(0, 3).map(([agencyId, score]) => ({ agencyId, score })) };
  }

  /**
   * The classifier stage, with a procedure the brain was not sure of as extra evidence for its agency
   * and the coordinator as the fallback.
   */
  classify(question: string, procedure?: ProcedureEvidence): RouteDecision {
    const { features, sequences } = this.features(question);
    const { classifierWeight, phraseWeight, threshold, featureCap, lengthNorm, procedureWeight } = this.params;

    // The longest phrase at each position (phrases may overlap: "cửa hàng xăng", "xăng dầu"); each
    // distinct phrase counts once, however many sequences (or times) it occurs in.
    const matched = new Map<string, { value: PhraseValue; length: number }>();
    for (const seq of sequences) {
      for (const hit of this.phrases.scanOverlapping(seq)) matched.set(seq.slice(hit.start, hit.start + hit.length).join(' '), hit);
    }
    const bonus = new Map<string, number>();
    const phraseField = new Map<string, { field: string; weight: number }>();
    for (const { value, length } of matched.values()) {
      for (const [agencyId, w] of value.weights) {
        const weight = w * length;
        bonus.set(agencyId, (bonus.get(agencyId) ?? 0) + phraseWeight * weight);
        if (value.field && weight > (phraseField.get(agencyId)?.weight ?? 0)) phraseField.set(agencyId, { field: value.field, weight });
      }
    }
    const procedureAgency = procedure?.procedure.agencyId;
    if (procedure && procedureAgency) bonus.set(procedureAgency, (bonus.get(procedureAgency) ?? 0) + procedureWeight * procedure.score);

    const known = this.agencies.knownCount(features);
    const evidence = known > 0 || bonus.size > 0;
    const ll = this.agencies.logLikelihoods(features, this.agencies.labels, featureCap);
    const norm = Math.max(1, known) ** lengthNorm;
    const logits = this.agencies.labels.map((agencyId) => ({
      agencyId,
      logit: (classifierWeight * (ll.get(agencyId) ?? 0)) / norm + (bonus.get(agencyId) ?? 0),
    }));
    const max = Math.max(...logits.map((l) => l.logit));
    const exp = logits.map((l) => ({ agencyId: l.agencyId, p: Math.exp(l.logit - max) }));
    const sum = exp.reduce((s, e) => s + e.p, 0);
    const ranked = exp.map((e) => ({ agencyId: e.agencyId, score: e.p / sum })).sort((a, b) => b.score - a.score);

    const best = ranked[0];
    const agencies = ranked.filter((r) => r.agencyId !== this.coordinatorId);
    const top = (except?: string) =>
      agencies
        .filter((r) => r.agencyId !== except)
        .slice(0, 3)
        .map((r) => ({ agencyId: r.agencyId, score: round(r.score) }));
    if (!evidence || !best || best.agencyId === this.coordinatorId || best.score < threshold) {
      const confidence = evidence && best ? round(best.score) : 0;
      return { agencyId: this.coordinatorId, reason: 'coordinator', confidence, alternatives: evidence ? top() : [] };
    }
    if (procedure && best.agencyId === procedureAgency) {
      const { field } = procedure.procedure;
      return { agencyId: best.agencyId, reason: 'procedure', field, confidence: round(best.score), alternatives: top(best.agencyId) };
    }
    const field = phraseField.get(best.agencyId)?.field ?? this.bestField(best.agencyId, features);
    const confidence = round(best.score);
    return { agencyId: best.agencyId, reason: 'classifier', ...(field ? { field } : {}), confidence, alternatives: top(best.agencyId) };
  }

  /** The agency's field the message's words point to, if any of them does. */
  private bestField(agencyId: string, features: string[]): string | undefined {
    const candidates = this.agencyFields.get(agencyId);
    if (!candidates || candidates.length === 0) return undefined;
    let best: string | undefined;
    let bestLl = 0;
    for (const [field, ll] of this.fields.logLikelihoods(features, candidates)) {
      if (ll > bestLl) {
        bestLl = ll;
        best = field;
      }
    }
    return best;
  }
}

type Bayes = BalancedBayes<string>;

/** Spelling vocabulary of the router's training texts: folded syllables with counts, and pairs. */
function vocabularyOf(texts: string[]): CatalogVocabulary {
  const words = new Map<string, number>();
  const bigrams = new Set<string>();
  for (const text of texts) {
    const tokens = foldPhrase(text);
    for (const t of new Set(tokens)) words.set(t, (words.get(t) ?? 0) + 1);
    for (let i = 0; i + 1 < tokens.length; i++) bigrams.add(`${tokens[i]} ${tokens[i + 1]}`);
  }
  return new CatalogVocabulary(words, bigrams);
}
