/**
 * Vietnamese orthography primitives: cleaning, diacritic folding and placement-independent tone keys.
 * Everything here is pure and allocation-light because it runs for every query token.
 */

const INVISIBLES = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const SPACES = /[\s\u00A0]+/g;
const TONE_MARKS: Record<string, number> = { '\u0300': 2, '\u0301': 1, '\u0303': 4, '\u0309': 3, '\u0323': 5, '\u0340': 2, '\u0341': 1 };
const COMBINING = /[\u0300-\u036f]/g;

/**
 * Unicode clean-up in the order nlp.md §2.1 prescribes: NFKC (full-width, compatibility forms), drop
 * invisibles, eth (Ð/ð, often typed for Đ) to Đ/đ, NFC, lower-case, collapse spaces.
 */
export function cleanText(input: string): string {
  return input
    .normalize('NFKC')
    .replace(INVISIBLES, '')
    .replace(/Ð/g, 'Đ')
    .replace(/ð/g, 'đ')
    .normalize('NFC')
    .toLowerCase()
    .replace(SPACES, ' ')
    .trim();
}

/** Removes every diacritic, including the đ stroke that NFD does not decompose. */
export function foldDiacritics(s: string): string {
  return s.normalize('NFD').replace(COMBINING, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** True when the syllable carries any Vietnamese mark (tone, vowel mark or đ). */
export function hasDiacritics(s: string): boolean {
  return /[đ\u0300-\u036f]/.test(s.normalize('NFD'));
}

/**
 * Spelling variants that the 2018 orthography rule and everyday usage treat as the same syllable:
 * a lone final y after a consonant is written i (kỹ/kĩ, lý/lí), and "qui" is "quy".
 * Applied to folded and keyed forms alike.
 */
export function unifyIY(syllable: string): string {
  if (syllable.startsWith('qui')) return 'quy' + syllable.slice(3);
  const m = /^([bcdđghklmnprstvx]+)y(\d?)$/.exec(syllable);
  if (m && m[1] !== 'qu') return `${m[1]}i${m[2] ?? ''}`;
  return syllable;
}

/**
 * Placement-independent accent key: vowel marks kept, tone mark removed and appended as a digit,
 * so "hoà"/"hòa" → "hoa2" and "thuỷ"/"thủy" → "thuy3". Unaccented syllables get tone 0.
 */
export function toneKey(syllable: string): string {
  const nfd = syllable.normalize('NFD');
  let tone = 0;
  let base = '';
  for (const ch of nfd) {
    const t = TONE_MARKS[ch];
    if (t !== undefined) tone = t;
    else base += ch;
  }
  return unifyIY(base.normalize('NFC') + String(tone));
}

/** Folded, i/y-unified form of one syllable: the key of the accent-insensitive term space. */
export function foldSyllable(syllable: string): string {
  return unifyIY(foldDiacritics(syllable));
}

/** Splits cleaned text into syllables (letters and digits), dropping punctuation. */
export function syllables(cleaned: string): string[] {
  return cleaned.match(/[\p{L}\p{N}]+/gu) ?? [];
}
/**
 * Whether a folded syllable is spelled like a Vietnamese one: onset, one to three vowels, optional
 * final, with the spelling rules for k/c, gh/g and ngh/ng. Keyboard mashing ("asdfgh") is not.
 */
export function looksVietnamese(folded: string): boolean {
  const m = /^(ngh|ng|nh|ch|tr|th|kh|ph|gh|gi|qu|[bcdghklmnprstvx])?([aeiouy]{1,3})(ch|nh|ng|[cmnpt])?$/.exec(folded);
  if (!m) return false;
  const [, onset = '', vowels = ''] = m;
  const front = /^[eiy]/.test(vowels);
  // "gi" before a vowel is its own onset (gì, giêng); g before e is spelt gh.
  if ((onset === 'c' || onset === 'ng') && front) return false;
  if (onset === 'g' && vowels.startsWith('e')) return false;
  if ((onset === 'k' || onset === 'gh' || onset === 'ngh') && !front) return false;
  return true;
}
