import type { AnalyzedQuery, Expansion, QueryToken } from '../nlp/analyze.js';
import type { ProcedureIndex, TermSpace } from './inverted-index.js';

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
};

export interface ScoredDoc {
  doc: number;
  /** Normalized score in [0, 1]. */
  score: number;
}

interface WeightedTerms {
  folded: Map<string, number>;
  accented: Map<string, number>;
  /** Upper-bound mass of content syllables the catalog does not know. */
  unknownMass: number;
}

function put(map: Map<string, number>, term: string, weight: number): void {
  if ((map.get(term) ?? 0) < weight) map.set(term, weight);
}

function collectTerms(
  clauses: QueryToken[][],
  expansions: Expansion[],
  index: ProcedureIndex,
  stopwords: Set<string>,
  params: RetrievalParams,
): WeightedTerms {
  const out: WeightedTerms = { folded: new Map(), accented: new Map(), unknownMass: 0 };
  const known = index.folded.postings;
  const unknown = new Set<string>();
  const unknownPairs = new Set<string>();
  const addSequence = (tokens: QueryToken[], scale: number, fromMessage: boolean) => {
    tokens.forEach((t, i) => {
      const stop = stopwords.has(t.f);
      if (!stop) {
        if (known.has(t.f)) put(out.folded, t.f, scale);
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
  out.unknownMass = index.rareIdf * (unknown.size * params.unknownWeight + unknownPairs.size * params.unknownBigramWeight);
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

/** Normalized scores of every procedure touched by these terms, best first. */
function scoreTerms(index: ProcedureIndex, terms: WeightedTerms, limit: number): ScoredDoc[] {
  const acc = new Float64Array(index.procedures.length);
  const touched: number[] = [];
  const k1 = index.params.k1;
  let ub = accumulate(index.folded, terms.folded, k1, acc, touched);
  ub += accumulate(index.accented, terms.accented, k1, acc, touched);
  ub += terms.unknownMass;
  if (ub === 0) return [];
  const scored = touched.map((doc) => ({ doc, score: acc[doc]! / ub }));
  scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return scored.slice(0, limit);
}

export interface Retrieval {
  ranked: ScoredDoc[];
  /** Number of folded content terms the query contributed (0 = nothing to search for). */
  contentTerms: number;
}

/** Scales each candidate's score by the idf-weighted share of its name's syllables the message contains. */
function rerankByNameCoverage(index: ProcedureIndex, query: AnalyzedQuery, terms: WeightedTerms, stopwords: Set<string>, ranked: ScoredDoc[], weight: number): void {
  if (weight === 0) return;
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
    r.score *= 1 - weight + weight * (total > 0 ? covered / total : 0);
  }
  ranked.sort((a, b) => b.score - a.score || a.doc - b.doc);
  void terms;
}

/**
 * Ranks by the whole message; a long message's confidence in the winner may come from its best clause
 * instead (discounted), because narrative context around the need dilutes the whole-message score
 * without changing which procedure fits best.
 */
export function retrieve(
  index: ProcedureIndex,
  query: AnalyzedQuery,
  stopwords: Set<string>,
  params: RetrievalParams,
  limit = 10,
): Retrieval {
  const whole = collectTerms(query.clauses, query.expansions, index, stopwords, params);
  const ranked = scoreTerms(index, whole, limit);
  rerankByNameCoverage(index, query, whole, stopwords, ranked, params.nameCoverageWeight);
  const contentClauses = query.clauses.filter((c) => c.filter((t) => !stopwords.has(t.f)).length >= 2);
  const best = ranked[0];
  if (best && contentClauses.length > 1 && params.clauseFactor > 0) {
    for (const clause of contentClauses) {
      const hit = scoreTerms(index, collectTerms([clause], [], index, stopwords, params), limit).find((r) => r.doc === best.doc);
      if (hit) best.score = Math.max(best.score, hit.score * params.clauseFactor);
    }
  }
  return { ranked, contentTerms: whole.folded.size };
}
