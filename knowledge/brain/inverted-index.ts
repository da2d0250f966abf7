import type { Procedure } from '../../src/domain/procedure.js';
import { cleanText, foldSyllable, syllables, toneKey } from '../nlp/vietnamese.js';
import { CatalogVocabulary } from '../nlp/repair.js';

/**
 * BM25F over two term spaces (nlp.md §5): F = folded syllables and adjacent folded bigrams, which every
 * query uses; A = accent-key syllables and bigrams, which only accented queries use, as a tie-breaker.
 * Field weighting is folded into a precomputed pseudo term frequency per posting, so a query costs
 * one pass over the postings of its terms.
 */

export type FieldName = 'name' | 'aliases' | 'meta' | 'body';

export interface FieldSpec {
  boost: number;
  /** BM25 length normalization strength for this field. */
  b: number;
}

export interface IndexParams {
  k1: number;
  fields: Record<FieldName, FieldSpec>;
}

export const DEFAULT_INDEX_PARAMS: IndexParams = {
  k1: 0.9,
  fields: {
    name: { boost: 3, b: 0.7 },
    aliases: { boost: 2.5, b: 0.7 },
    meta: { boost: 1, b: 0.5 },
    body: { boost: 0.6, b: 0.75 },
  },
};

export interface Postings {
  docs: Int32Array;
  /** Field-weighted, length-normalized term frequency per doc. */
  wtf: Float32Array;
  idf: number;
}

export interface TermSpace {
  postings: Map<string, Postings>;
}

/** The text of each field as separate segments, so bigrams never cross two aliases. */
function fieldSegments(p: Procedure): Record<FieldName, string[]> {
  return {
    name: [p.name],
    aliases: p.aliases,
    meta: [p.field, ...p.keywords],
    body: [p.description, p.result, ...p.audience, ...p.documents.map((d) => d.name)],
  };
}

interface SegmentTerms {
  f: string[];
  a: string[];
}

const syllableForms = new Map<string, [string, string]>();

/** Folded form and accent key of a syllable, memoized: catalog text repeats the same few thousand. */
function forms(syllable: string): [string, string] {
  let f = syllableForms.get(syllable);
  if (!f) syllableForms.set(syllable, (f = [foldSyllable(syllable), toneKey(syllable)]));
  return f;
}

/** Terms of one text segment in both spaces: syllables plus adjacent pairs. */
export function segmentTerms(text: string): SegmentTerms {
  const syl = syllables(cleanText(text)).map(forms);
  const out: SegmentTerms = { f: syl.map((x) => x[0]), a: syl.map((x) => x[1]) };
  for (let i = 0; i + 1 < syl.length; i++) {
    out.f.push(`${syl[i]![0]} ${syl[i + 1]![0]}`);
    out.a.push(`${syl[i]![1]} ${syl[i + 1]![1]}`);
  }
  return out;
}

const FIELDS: FieldName[] = ['name', 'aliases', 'meta', 'body'];

/** Postings under construction: docs ascending, four field counts per doc, appended in doc order. */
interface RawPostings {
  docs: number[];
  counts: number[];
}

class SpaceBuilder {
  private readonly raw = new Map<string, RawPostings>();
  readonly lengths: Record<FieldName, number[]> = { name: [], aliases: [], meta: [], body: [] };

  add(doc: number, fieldIndex: number, terms: string[]): void {
    for (const term of terms) {
      let r = this.raw.get(term);
      if (!r) this.raw.set(term, (r = { docs: [], counts: [] }));
      if (r.docs[r.docs.length - 1] !== doc) {
        r.docs.push(doc);
        r.counts.push(0, 0, 0, 0);
      }
      r.counts[r.counts.length - 4 + fieldIndex]! += 1;
    }
  }

  build(docCount: number, params: IndexParams): TermSpace {
    const avg = FIELDS.map((n) => this.lengths[n].reduce((s, x) => s + x, 0) / Math.max(1, docCount) || 1);
    const postings = new Map<string, Postings>();
    for (const [term, r] of this.raw) {
      const docs = Int32Array.from(r.docs);
      const wtf = new Float32Array(r.docs.length);
      for (let i = 0; i < r.docs.length; i++) {
        let w = 0;
        for (let fi = 0; fi < 4; fi++) {
          const c = r.counts[i * 4 + fi]!;
          if (c === 0) continue;
          const spec = params.fields[FIELDS[fi]!];
          const len = this.lengths[FIELDS[fi]!][r.docs[i]!] ?? 0;
          w += (spec.boost * c) / (1 - spec.b + (spec.b * len) / avg[fi]!);
        }
        wtf[i] = w;
      }
      const df = docs.length;
      postings.set(term, { docs, wtf, idf: Math.log(1 + (docCount - df + 0.5) / (df + 0.5)) });
    }
    this.raw.clear();
    return { postings };
  }
}

/** The term spaces over any documents (procedures, published questions): what retrieval scores. */
export interface TermIndex {
  /** Number of documents. */
  size: number;
  folded: TermSpace;
  accented: TermSpace;
  vocabulary: CatalogVocabulary;
  params: IndexParams;
  /** idf a term would have if exactly one procedure contained it. */
  rareIdf: number;
  /** Distinct folded syllables of each procedure's name, for name-coverage re-ranking. */
  nameTerms: string[][];
}

export interface ProcedureIndex extends TermIndex {
  procedures: Procedure[];
}

/** A document as field segments plus its name (for name coverage). */
export interface IndexDoc {
  name: string;
  segments: Record<FieldName, string[]>;
}

/** Builds the two-space index and the spelling vocabulary from the catalog. */
export function buildIndex(procedures: Procedure[], params: IndexParams = DEFAULT_INDEX_PARAMS): ProcedureIndex {
  return { procedures, ...buildTermIndex(procedures.map((p) => ({ name: p.name, segments: fieldSegments(p) })), params) };
}

/** Builds the two-space index and the spelling vocabulary over any documents. */
export function buildTermIndex(docs: IndexDoc[], params: IndexParams = DEFAULT_INDEX_PARAMS): TermIndex {
  const folded = new SpaceBuilder();
  const accented = new SpaceBuilder();
  const words = new Map<string, number>();
  const bigrams = new Set<string>();
  docs.forEach(({ segments }, doc) => {
    const seen = new Set<string>();
    FIELDS.forEach((field, fi) => {
      let length = 0;
      for (const text of segments[field]) {
        const terms = segmentTerms(text);
        folded.add(doc, fi, terms.f);
        accented.add(doc, fi, terms.a);
        for (const t of terms.f) {
          if (t.includes(' ')) bigrams.add(t);
          else {
            length++;
            seen.add(t);
          }
        }
      }
      folded.lengths[field][doc] = length;
      accented.lengths[field][doc] = length;
    });
    for (const w of seen) words.set(w, (words.get(w) ?? 0) + 1);
  });
  const n = docs.length;
  return {
    size: n,
    folded: folded.build(n, params),
    accented: accented.build(n, params),
    vocabulary: new CatalogVocabulary(words, bigrams),
    params,
    rareIdf: Math.log(1 + (n - 0.5) / 1.5),
    nameTerms: docs.map((p) => [...new Set(segmentTerms(p.name).f.filter((t) => !t.includes(' ')))]),
  };
}
