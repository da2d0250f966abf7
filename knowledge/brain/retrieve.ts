import type { AnalyzedQuery, Expansion, QueryToken } from '../nlp/analyze.js';
import type { TermIndex, TermSpace } from './inverted-index.js';

/**
 * Scores procedures for an analyzed query and normalizes each score by the query's upper bound
 * (nlp.md §6.4: s = score / UB(q)), so confidence is comparable across questions whatever their
 * length or accents. Long narratives are also scored clause by clause and the best clause counts.
 */

export interface RetrievalParams {
  /** Weight of accent-key terms, used only for syllables the citizen typed with accents. */
  accentWeight: number;
  /** Weight of a folded bigram relative to a unigram. */
  bigramWeight: number;
  /** Weight of terms added by abbreviation/synonym expansion. */
  expansionWeight: number;
  /** Share of a rare term's idf that an unknown content syllable adds to the upper bound. */
  unknownWeight: number;
  /** The same for a pair of content syllables the catalog never uses together ("ly hôn"). */
  unknownBigramWeight: number;
  /** Discount on the best single clause relative to the whole message. */
  clauseFactor: number;
  /**
   * Weight of a syllable the citizen typed with accents that the catalog only knows with other
   * accents ("ngủ" for "ngũ"): it matches after folding, but must not outweigh the rest of the message.
   */
  foldOnlyWeight: number;
  /**
   * Share of the score that depends on how much of the procedure's own name the message covers, so
   * "đăng ký khai tử" prefers the plain procedure to the combined "liên thông khai tử – …" one.
   */
  nameCoverageWeight: number;
}

export const DEFAULT_RETRIEVAL_PARAMS: RetrievalParams = {
  accentWeight: 0.4,
  bigramWeight: 1.5,
  expansionWeight: 0.5,
  unknownWeight: 0.5,
  unknownBigramWeight: 0.2,
  clauseFactor: 0.95,
  nameCoverageWeight: 0.1,
  foldOnlyWeight: 0.3,
};

export interface ScoredDoc {
  doc: number;
  /** Normalized score in [0, 1]. */
  score: number;
  /** Idf-weighted share of the procedure's name the message contains (set on ranked results). */
  nameCoverage?: number;
}

interface WeightedTerms {
  folded: Map<string, number>;
  accented: Map<string, number>;
  /** Upper-bound mass of content syllables the catalog does not know. */
  unknownMass: number;
}

/** Whether an accent key carries a mark (a tone other than level, or a marked vowel or đ). */
function marked(key: string): boolean {
  return !key.endsWith('0') || /[^\x00-\x7f]/.test(key);
}

function put(map: Map<string, number>, term: string, weight: number): void {
  if ((map.get(term) ?? 0) < weight) map.set(term, weight);
}

/**
 * Share of marked syllables from which a message counts as carefully accented: a syllable typed
 * without marks there is meant without them ("bot ngu quá" is not "ngủ").
 */
const CAREFUL_ACCENTS = 0.5;

function collectTerms(
  clauses: QueryToken[][],
  expansions: Expansion[],
  index: TermIndex,
  stopwords: Set<string>,
  params: RetrievalParams,
  careful = false,
): WeightedTerms {
  const out: WeightedTerms = { folded: new Map(), accented: new Map(), unknownMass: 0 };
  const known = index.folded.postings;
  const unknown = new Set<string>();
  const unknownPairs = new Set<string>();
  let foldOnlyMass = 0;
  const addSequence = (tokens: QueryToken[], scale: number, fromMessage: boolean) => {
    tokens.forEach((t, i) => {
      const stop = stopwords.has(t.f);
      if (!stop) {
        const foldOnly = t.a !== null && (careful || marked(t.a)) && !index.accented.postings.has(t.a);
        if (known.has(t.f) && foldOnly) {
          put(out.folded, t.f, scale * params.foldOnlyWeight);
          foldOnlyMass += (1 - params.foldOnlyWeight) * scale * (known.get(t.f)?.idf ?? 0);
        } else if (known.has(t.f)) put(out.folded, t.f, scale);
        else if (fromMessage && !/^\d+$/.test(t.f) && t.f.length > 1) unknown.add(t.f);
        if (t.a) put(out.accented, t.a, params.accentWeight);
      }
      const next = tokens[i + 1];
      if (!next) return;
      const bigram = `${t.f} ${next.f}`;
      if (known.has(bigram) && !(stop && stopwords.has(next.f))) {
        put(out.folded, bigram, params.bigramWeight * scale);
        if (t.a && next.a) put(out.accented, `${t.a} ${next.a}`, params.accentWeight * params.bigramWeight);
      } else if (fromMessage && !stop && !stopwords.has(next.f) && !/\d/.test(bigram)) unknownPairs.add(bigram);
    });
  };
  for (const clause of clauses) addSequence(clause, 1, true);
  // An abbreviation the catalog never spells out ("cccd") is understood through its expansion: the
  // expansion then carries full weight and the abbreviation is not counted as unknown content.
  for (const exp of expansions) {
    const opaque = exp.from.every((f) => !known.has(f));
    addSequence(exp.to.map((f) => ({ f, a: null })), opaque ? 1 : params.expansionWeight, false);
    if (opaque) for (const f of exp.from) unknown.delete(f);
  }
  out.unknownMass = index.rareIdf * (unknown.size * params.unknownWeight + unknownPairs.size * params.unknownBigramWeight) + foldOnlyMass * (index.params.k1 + 1);
  return out;
}

function accumulate(space: TermSpace, terms: Map<string, number>, k1: number, acc: Float64Array, touched: number[]): number {
  let ub = 0;
  for (const [term, weight] of terms) {
    const p = space.postings.get(term);
    if (!p) continue;
    const w = weight * p.idf;
    ub += w * (k1 + 1);
    for (let i = 0; i < p.docs.length; i++) {
      const doc = p.docs[i]!;
      const tf = p.wtf[i]!;
      if (acc[doc] === 0) touched.push(doc);
      acc[doc]! += (w * tf * (k1 + 1)) / (tf + k1);
    }
  }
  return ub;
}

/** Keeps the `limit` best entries of a stream, best first, without sorting everything touched. */
function topK(acc: Float64Array, touched: number[], ub: number, limit: number): ScoredDoc[] {
  const top: ScoredDoc[] = [];
  for (const doc of touched) {
    const score = acc[doc]! / ub;
    if (top.length === limit && score <= top[limit - 1]!.score) continue;
    let i = top.length < limit ? top.length : limit - 1;
    while (i > 0 && (top[i - 1]!.score < score || (top[i - 1]!.score === score && top[i - 1]!.doc > doc))) {
      if (i < limit) top[i] = top[i - 1]!;
      i--;
    }
    top[i] = { doc, score };
  }
  return top;
}

/** Normalized scores of the best procedures touched by these terms, best first. */
function scoreTerms(index: TermIndex, terms: WeightedTerms, limit: number): ScoredDoc[] {
  const acc = new Float64Array(index.size);
  const touched: number[] = [];
  const k1 = index.params.k1;
  let ub = accumulate(index.folded, terms.folded, k1, acc, touched);
  ub += accumulate(index.accented, terms.accented, k1, acc, touched);
  ub += terms.unknownMass;
  return ub === 0 ? [] : topK(acc, touched, ub, limit);
}

/** Position of `doc` in a postings list (docs ascending), or -1. */
function find(docs: Int32Array, doc: number): number {
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = docs[mid]!;
    if (d === doc) return mid;
    if (d < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The normalized score of one procedure for these terms (one lookup per term, no full pass). */
function scoreDoc(index: TermIndex, terms: WeightedTerms, doc: number): number {
  const k1 = index.params.k1;
  let score = 0;
  let ub = terms.unknownMass;
  for (const [space, map] of [[index.folded, terms.folded], [index.accented, terms.accented]] as const) {
    for (const [term, weight] of map) {
      const p = space.postings.get(term);
      if (!p) continue;
      const w = weight * p.idf;
      ub += w * (k1 + 1);
      const at = find(p.docs, doc);
      if (at >= 0) score += (w * p.wtf[at]! * (k1 + 1)) / (p.wtf[at]! + k1);
    }
  }
  return ub === 0 ? 0 : score / ub;
}

/** Records and weighs how much of each candidate's own name the message contains. */
function rerankByNameCoverage(index: TermIndex, query: AnalyzedQuery, stopwords: Set<string>, ranked: ScoredDoc[], weight: number): void {
  const asked = new Set([...query.clauses.flat().map((t) => t.f), ...query.expansions.flatMap((e) => e.to)]);
  for (const r of ranked) {
    let total = 0;
    let covered = 0;
    for (const t of index.nameTerms[r.doc]!) {
      if (stopwords.has(t)) continue;
      const idf = index.folded.postings.get(t)?.idf ?? 0;
      total += idf;
      if (asked.has(t)) covered += idf;
    }
    r.nameCoverage = total > 0 ? covered / total : 0;
    r.score *= 1 - weight + weight * r.nameCoverage;
  }
  ranked.sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/**
 * Ranks by the whole message; a long message's confidence in the winner may come from its best clause
 * instead (discounted), because narrative context around the need dilutes the whole-message score
 * without changing which procedure fits best.
 */
export function retrieve(
  index: TermIndex,
  query: AnalyzedQuery,
  stopwords: Set<string>,
  params: RetrievalParams,
  limit = 10,
): ScoredDoc[] {
  const whole = collectTerms(query.clauses, query.expansions, index, stopwords, params, query.accentShare >= CAREFUL_ACCENTS);
  const ranked = scoreTerms(index, whole, limit);
  rerankByNameCoverage(index, query, stopwords, ranked, params.nameCoverageWeight);
  const contentClauses = query.clauses.filter((c) => c.filter((t) => !stopwords.has(t.f)).length >= 2);
  const best = ranked[0];
  if (best && contentClauses.length > 1 && params.clauseFactor > 0) {
    for (const clause of contentClauses) {
      const clauseScore = scoreDoc(index, collectTerms([clause], [], index, stopwords, params, query.accentShare >= CAREFUL_ACCENTS), best.doc);
      best.score = Math.max(best.score, clauseScore * params.clauseFactor);
    }
  }
  return ranked;
}

/** The normalized scores of the given procedures only (the options of a clarification), in their order. */
export function scoreAmong(index: TermIndex, query: AnalyzedQuery, stopwords: Set<string>, params: RetrievalParams, docs: number[]): number[] {
  const terms = collectTerms(query.clauses, query.expansions, index, stopwords, params, query.accentShare >= CAREFUL_ACCENTS);
  return docs.map((doc) => scoreDoc(index, terms, doc));
}
