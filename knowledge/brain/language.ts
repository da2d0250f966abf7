import { join } from 'node:path';
import { z } from 'zod';
import type { Locale } from '../../src/domain/locale.js';
import { hasDiacritics, syllables } from '../nlp/vietnamese.js';
import { readDataFile } from '../catalog/data-file.js';

/**
 * The language of one message (knowledge/data/language.json): Khmer script is Khmer; a message
 * without Vietnamese accents whose words are mostly English, with enough words that are not also
 * Vietnamese syllables typed without accents, is English; everything else is Vietnamese. "hi", "ok",
 * "hello" alone are Vietnamese chat, and "lam cccd can gi" stays Vietnamese.
 */

const schema = z.object({
  minEnglishWords: z.number().int().min(1),
  minEnglishShare: z.number().min(0).max(1),
  loanwords: z.array(z.string()),
  english: z.array(z.string()),
  greetings: z.object({ en: z.array(z.string()), km: z.array(z.string()) }),
  greetingParticles: z.array(z.string()).default([]),
});
type LanguageData = z.infer<typeof schema>;

const EMPTY: LanguageData = { minEnglishWords: 2, minEnglishShare: 0.6, loanwords: [], english: [], greetings: { en: [], km: [] }, greetingParticles: [] };

const KHMER = /[\u1780-\u17ff\u19e0-\u19ff]/gu;
const LETTER = /\p{L}/gu;
/** English words with an apostrophe are kept whole ("don't"). */
const ENGLISH_WORD = /[a-z]+(?:'[a-z]+)?/g;

export interface DetectedLanguage {
  language: Locale;
  /** The message is only a greeting in that language ("hello there", "សួស្តី"). */
  greeting: boolean;
}

export class LanguageDetector {
  private readonly english: Set<string>;
  private readonly loanwords: Set<string>;
  private readonly enGreetings: string[][];
  private readonly greetingParticles: Set<string>;

  /** @param isVietnamese whether a folded syllable is a Vietnamese word the catalog or the lexicon knows. */
  constructor(
    private readonly data: LanguageData,
    private readonly isVietnamese: (folded: string) => boolean,
  ) {
    this.english = new Set(data.english);
    this.loanwords = new Set(data.loanwords);
    this.enGreetings = data.greetings.en.map((g) => g.split(' '));
    this.greetingParticles = new Set(data.greetingParticles);
  }

  /** Every English word and loanword (so gibberish detection knows them). */
  words(): Set<string> {
    return new Set([...this.english, ...this.loanwords]);
  }

  detect(cleaned: string): DetectedLanguage {
    const khmer = cleaned.match(KHMER)?.length ?? 0;
    if (khmer > 0 && khmer * 2 >= (cleaned.match(LETTER)?.length ?? 0)) {
      return { language: 'km', greeting: this.data.greetings.km.some((g) => cleaned.includes(g)) };
    }
    if (syllables(cleaned).some(hasDiacritics)) return { language: 'vi', greeting: false };
    const words = cleaned.match(ENGLISH_WORD) ?? [];
    if (words.length === 0) return { language: 'vi', greeting: false };
    let englishOnly = 0;
    let englishLike = 0;
    for (const w of words) {
      const english = this.english.has(w);
      const loan = this.loanwords.has(w);
      if (english || loan) englishLike++;
      if (english && !loan && !this.isVietnamese(w)) englishOnly++;
    }
    const isEnglish = englishOnly >= this.data.minEnglishWords && englishLike / words.length >= this.data.minEnglishShare;
    return isEnglish ? { language: 'en', greeting: this.isEnglishGreeting(words) } : { language: 'vi', greeting: false };
  }

  /** Only greeting phrases and greeting particles ("hi there", "good morning everyone"). */
  private isEnglishGreeting(words: string[]): boolean {
    let greeted = false;
    for (let i = 0; i < words.length; ) {
      const g = this.enGreetings.filter((p) => p.every((w, k) => words[i + k] === w)).sort((a, b) => b.length - a.length)[0];
      if (g) {
        greeted = true;
        i += g.length;
      } else if (this.greetingParticles.has(words[i]!)) i++;
      else return false;
    }
    return greeted;
  }
}

export function loadLanguageData(dataDir: string): LanguageData {
  return readDataFile(join(dataDir, 'language.json'), schema, EMPTY);
}
