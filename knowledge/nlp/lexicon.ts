import { join } from 'node:path';
import { z } from 'zod';
import { readDataFile } from '../catalog/data-file.js';
import { PhraseTable } from './phrase-table.js';
import { cleanText, foldSyllable, syllables } from './vietnamese.js';

/**
 * The lexicons that turn chat Vietnamese into catalog Vietnamese. They are data (knowledge/data),
 * edited by the province; this module only loads, validates and folds them for fast matching.
 */

const entriesSchema = z.object({ entries: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) })) });
const synonymsSchema = z.object({ groups: z.array(z.object({ canonical: z.string().min(1), variants: z.array(z.string().min(1)) })) });
const phrasesSchema = z.object({ phrases: z.array(z.string().min(1)) });
const wordsSchema = z.object({ words: z.array(z.string().min(1)) });

export interface Lexicon {
  /** Chat slang token → replacement tokens (replaces the token). */
  teencode: Map<string, string[]>;
  /** Abbreviation and colloquial phrases → catalog wording; expansions are additive. */
  expansions: PhraseTable<string[]>;
  /** Filler phrases stripped before retrieval. */
  filler: PhraseTable<true>;
  /** Question and function words that carry no procedure identity. */
  stopwords: Set<string>;
  /** Every folded syllable the lexicons and signals know, so typo repair does not "fix" them. */
  words: Set<string>;
  /**
   * Conversational phrases (intent patterns, small talk) whose words are left as typed when the whole
   * phrase is in the message: "nói chuyện với người thật" is not a misspelt "chuyển đổi".
   */
  protectedPhrases: PhraseTable<true>;
}

/** Folds a phrase written by an editor into the token form queries are matched in. */
export function foldPhrase(phrase: string): string[] {
  return syllables(cleanText(phrase)).map(foldSyllable);
}


/** Loads the lexicon files from `<dataDir>/lexicon`. Throws naming the file on invalid data. */
export function loadLexicon(dataDir: string): Lexicon {
  const dir = join(dataDir, 'lexicon');
  const teencodeData = readDataFile(join(dir, 'teencode.vi.json'), entriesSchema);
  const abbreviations = readDataFile(join(dir, 'abbreviations.vi.json'), entriesSchema);
  const synonyms = readDataFile(join(dir, 'synonyms.vi.json'), synonymsSchema);
  const filler = readDataFile(join(dir, 'filler.vi.json'), phrasesSchema);
  const stop = readDataFile(join(dir, 'stopwords.vi.json'), wordsSchema);

  const lexicon: Lexicon = { teencode: new Map(), expansions: new PhraseTable(), filler: new PhraseTable(), stopwords: new Set(), words: new Set(), protectedPhrases: new PhraseTable() };
  const expansionHeads = new Set<string>();
  const remember = (tokens: string[]) => tokens.forEach((t) => lexicon.words.add(t));

  for (const { from, to } of abbreviations.entries) {
    const key = foldPhrase(from);
    lexicon.expansions.add(key, foldPhrase(to));
    expansionHeads.add(key.join(' '));
    remember(foldPhrase(to));
  }
  for (const group of synonyms.groups) {
    const to = foldPhrase(group.canonical);
    remember(to);
    for (const variant of group.variants) {
      const key = foldPhrase(variant);
      lexicon.expansions.add(key, to);
      expansionHeads.add(key.join(' '));
    }
  }
  for (const { from, to } of teencodeData.entries) {
    const key = foldPhrase(from);
    // Only single-token slang replaces; an abbreviation with the same key wins (it is additive and safer).
    if (key.length === 1 && key[0] && !expansionHeads.has(key[0])) {
      lexicon.teencode.set(key[0], foldPhrase(to));
      remember(foldPhrase(to));
    }
  }
  for (const phrase of filler.phrases) {
    lexicon.filler.add(foldPhrase(phrase), true);
  }
  for (const w of stop.words) for (const t of foldPhrase(w)) lexicon.stopwords.add(t);
  for (const table of [lexicon.filler, lexicon.expansions]) for (const w of table.words()) lexicon.words.add(w);
  for (const w of [...lexicon.stopwords, ...lexicon.teencode.keys()]) lexicon.words.add(w);
  return lexicon;
}
