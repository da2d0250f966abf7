import type { Lexicon } from './lexicon.js';
import type { PhraseTable } from './phrase-table.js';
import { repairToken, repairBigram, type Vocabulary } from './repair.js';
import { cleanText, foldSyllable, hasDiacritics, syllables, toneKey } from './vietnamese.js';

/**
 * Turns one citizen message into the tokens retrieval and intent detection work on: clean Unicode,
 * split clauses, fold accents (keeping accent keys when the citizen typed accents), undo teencode,
 * repair typos against the catalog vocabulary, strip chat filler and add lexicon expansions.
 */

export interface QueryToken {
  /** Folded, i/y-unified syllable. */
  f: string;
  /** Placement-independent accent key when the citizen typed accents, else null. */
  a: string | null;
}

export interface Expansion {
  from: string[];
  to: string[];
}

export interface AnalyzedQuery {
  /** Cleaned message (NFC, lower-case). */
  cleaned: string;
  /** Folded tokens after slang and typo repair, filler kept: what intent patterns are matched on. */
  normalized: string[];
  /** The same tokens with their accent keys (null when not typed with accents, or repaired). */
  tokens: QueryToken[];
  /** Content clauses (filler removed), in order. */
  clauses: QueryToken[][];
  /** Catalog wording added by abbreviation and synonym rules (additive), with the words that triggered it. */
  expansions: Expansion[];
  /** Whether the citizen typed Vietnamese accents in this message. */
  accented: boolean;
  /** Share of the message's letter syllables typed with a mark (0 when none). */
  accentShare: number;
}

const CLAUSE_BREAK = /[.,;:!?\n()[\]"“”…]+/;
/** Clause connectives as written; an unaccented message can only be split on their folded forms. */
const CONNECTIVES = new Set(['nhưng', 'vì', 'nên', 'thì', 'mà']);
const FOLDED_CONNECTIVES = new Set([...CONNECTIVES].map(foldSyllable));
const SQUEEZE = /(\p{L})\1{2,}/gu;

/**
 * Splits on punctuation and connectives. A connective must be typed as one ("mà", "vì") when the
 * citizen types accents, so "ma túy", "vi phạm" and "lịch thi" keep their words.
 */
function splitClauses(cleaned: string, accented: boolean): string[][] {
  const isConnective = (syl: string) => (accented ? CONNECTIVES.has(syl) : FOLDED_CONNECTIVES.has(foldSyllable(syl)));
  const out: string[][] = [];
  for (const part of cleaned.split(CLAUSE_BREAK)) {
    let current: string[] = [];
    for (const syl of syllables(part)) {
      if (isConnective(syl) && current.length >= 3) {
        out.push(current);
        current = [];
        continue;
      }
      current.push(syl);
    }
    if (current.length > 0) out.push(current);
  }
  return out;
}

function normalizeClause(raw: string[], accented: boolean, lexicon: Lexicon, vocab: Vocabulary): QueryToken[] {
  const tokens: QueryToken[] = [];
  for (const syl of raw) {
    // Repeated letters are squeezed ("đâuuu"), except in a word the lexicon knows as it is ("cccd").
    const squeezed = lexicon.words.has(foldSyllable(syl)) ? syl : syl.replace(SQUEEZE, '$1');
    const f = foldSyllable(squeezed);
    const slang = lexicon.teencode.get(f);
    if (slang && !vocab.hasWord(f)) {
      for (const t of slang) tokens.push({ f: t, a: null });
      continue;
    }
    const typedAccents = accented && !/^\d+$/.test(squeezed);
    tokens.push({ f, a: typedAccents ? toneKey(squeezed) : null });
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!vocab.hasWord(t.f) && !lexicon.words.has(t.f)) {
      const fixed = repairToken(t.f, tokens[i - 1]?.f, tokens[i + 1]?.f, vocab);
      if (fixed !== t.f) tokens[i] = { f: fixed, a: null };
    }
  }
  const kept = new Set<number>();
  for (const hit of lexicon.protectedPhrases.scanOverlapping(tokens.map((t) => t.f))) if (hit.length > 1) for (let k = 0; k < hit.length; k++) kept.add(hit.start + k);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const left = tokens[i]!;
    const right = tokens[i + 1]!;
    if (kept.has(i) && kept.has(i + 1)) continue;
    const fixed = repairBigram(left.f, right.f, vocab, tokens[i - 1]?.f, tokens[i + 2]?.f);
    if (fixed) {
      if (fixed[0] !== left.f) tokens[i] = { f: fixed[0], a: null };
      if (fixed[1] !== right.f) tokens[i + 1] = { f: fixed[1], a: null };
    }
  }
  return tokens;
}

function strip(clause: QueryToken[], tables: Array<PhraseTable<unknown>>): QueryToken[] {
  const folded = clause.map((t) => t.f);
  const drop = new Set<number>();
  for (const table of tables) for (const hit of table.scanOverlapping(folded)) for (let k = 0; k < hit.length; k++) drop.add(hit.start + k);
  return clause.filter((_, i) => !drop.has(i));
}

/** Share of letter syllables with marks above which the whole message is treated as accented. */
const ACCENTED_SHARE = 0.2;

/**
 * @param aspects phrases that ask about an aspect rather than name a procedure ("cần giấy tờ gì",
 * "mất mấy ngày") or name a place ("phường Tân An"): stripped from retrieval like filler, kept in
 * `normalized` for follow-up and place detection.
 */
export function analyzeQuery(
  question: string,
  lexicon: Lexicon,
  vocab: Vocabulary,
  aspects: PhraseTable<unknown> | Array<PhraseTable<unknown>> = [],
): AnalyzedQuery {
  const cleaned = cleanText(question);
  const letters = syllables(cleaned).filter((s) => !/^\d+$/.test(s));
  const marked = letters.filter(hasDiacritics).length;
  const accentShare = letters.length > 0 ? marked / letters.length : 0;
  const accented = accentShare >= ACCENTED_SHARE;
  const rawClauses = splitClauses(cleaned, accented);

  const normalizedClauses = rawClauses.map((c) => normalizeClause(c, accented, lexicon, vocab));
  const tokens = normalizedClauses.flat();
  const normalized = tokens.map((t) => t.f);
  const stripTables: Array<PhraseTable<unknown>> = [lexicon.filler, ...(Array.isArray(aspects) ? aspects : [aspects])];
  const clauses = normalizedClauses.map((c) => strip(c, stripTables)).filter((c) => c.length > 0);
  const expansions = clauses.flatMap((c) => {
    const folded = c.map((t) => t.f);
    return lexicon.expansions.scanOverlapping(folded).map((h) => ({ from: folded.slice(h.start, h.start + h.length), to: h.value }));
  });
  return { cleaned, normalized, tokens, clauses, expansions, accented, accentShare };
}
