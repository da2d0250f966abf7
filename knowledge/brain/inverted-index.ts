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

/** Terms of one text segment in both spaces: syllables plus adjacent pairs. */
export function segmentTerms(text: string): SegmentTerms {
  const syl = syllables(cleanText(text));
  const f = syl.map(foldSyllable);
  const a = syl.map(toneKey);
  const out: SegmentTerms = { f: [...f], a: [...a] };
  for (let i = 0; i + 1 < syl.length; i++) {
    out.f.push(`${f[i]} ${f[i + 1]}`);
    out.a.push(`${a[i]} ${a[i + 1]}`);
  }
  return out;
}

class SpaceBuilder {
  /** term → (doc → per-field tf) */
  private readonly tf = new Map<string, Map<number, Float32Array>>();
  readonly lengths: Record<FieldName, number[]> = { name: [], aliases: [], meta: [], body: [] };

  add(doc: number, field: FieldName, fieldIndex: number, terms: string[]): void {
    for (const term of terms) {
      let byDoc = this.tf.get(term);
      if (!byDoc) this.tf.set(term, (byDoc = new Map()));
      let counts = byDoc.get(doc);
      if (!counts) byDoc.set(doc, (counts = new Float32Array(4)));
      counts[fieldIndex]! += 1;
    }
  }

  build(docCount: number, params: IndexParams): TermSpace {
    const names: FieldName[] = ['name', 'aliases', 'meta', 'body'];
    const avg = names.map((n) => this.lengths[n].reduce((s, x) => s + x, 0) / Math.max(1, docCount) || 1);
    const postings = new Map<string, Postings>();
    for (const [term, byDoc] of this.tf) {
      const docs = new Int32Array(byDoc.size);
      const wtf = new Float32Array(byDoc.size);
      let i = 0;
      for (const [doc, counts] of byDoc) {
        let w = 0;
        names.forEach((n, fi) => {
          const c = counts[fi]!;
          if (c === 0) return;
          const spec = params.fields[n];
          const len = this.lengths[n][doc] ?? 0;
          w += (spec.boost * c) / (1 - spec.b + (spec.b * len) / avg[fi]!);
        });
        docs[i] = doc;
        wtf[i] = w;
        i++;
      }
      const df = byDoc.size;
      postings.set(term, { docs, wtf, idf: Math.log(1 + (docCount - df + 0.5) / (df + 0.5)) });
    }
    this.tf.clear();
    return { postings };
  }
}

export interface ProcedureIndex {
  procedures: Procedure[];
  folded: TermSpace;
  accented: TermSpace;
  vocabulary: CatalogVocabulary;
  params: IndexParams;
  /** idf a term would have if exactly one procedure contained it. */
  rareIdf: number;
  /** Distinct folded syllables of each procedure's name, for name-coverage re-ranking. */
  nameTerms: string[][];
}

/** Builds the two-space index and the spelling vocabulary from the catalog. */
export function buildIndex(procedures: Procedure[], params: IndexParams = DEFAULT_INDEX_PARAMS): ProcedureIndex {
  const folded = new SpaceBuilder();
  const accented = new SpaceBuilder();
  const words = new Map<string, number>();
  const bigrams = new Set<string>();
  const fieldNames: FieldName[] = ['name', 'aliases', 'meta', 'body'];
  procedures.forEach((p, doc) => {
    const seen = new Set<string>();
    const segments = fieldSegments(p);
    fieldNames.forEach((field, fi) => {
      let length = 0;
      for (const text of segments[field]) {
        const terms = segmentTerms(text);
        folded.add(doc, field, fi, terms.f);
        accented.add(doc, field, fi, terms.a);
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
  const n = procedures.length;
  return {
    procedures,
    folded: folded.build(n, params),
    accented: accented.build(n, params),
    vocabulary: new CatalogVocabulary(words, bigrams),
    params,
    rareIdf: Math.log(1 + (n - 0.5) / 1.5),
    nameTerms: procedures.map((p) => [...new Set(segmentTerms(p.name).f.filter((t) => !t.includes(' ')))]),
  };
}
