/**
 * Personal-data masking for logs and anything else that leaves the conversation store.
 *
 * What is masked (Vietnamese formats):
 * - e-mail addresses → `[email]`;
 * - phone numbers → `[phone]`: mobiles 0[3|5|7|8|9]x xxx xxxx (10 digits), landlines 02x… (11 digits),
 *   the same with +84, (+84), 84 or 84 + 0 in front, and spaces, dots, dashes or a parenthesised area
 *   code between the digits (0912 345 678, 0912.345.678, +84 91 234 5678, (024) 3825 1234);
 * - ID numbers → `[id]`: 12-digit CCCD (also as 4-4-4 groups) and 9-digit CMND.
 *
 * What is deliberately left alone: procedure codes (1.001193), dates (05/03/2025, 05.03.2025),
 * money (100.000 đồng, 150000000 đồng, 2,000,000 VND), hotlines (1022, 1900 1234), our tracking codes
 * (letters + year + sequence, e.g. STP-2026-000123) and ID-length runs glued to a longer number by a
 * dot, comma, slash or dash. A digit run followed by a currency word is never masked.
 * Phones are masked even when glued to letters ("sdt0912345678"); ID numbers only after a non-letter
 * or a cccd/cmnd/cmt prefix, because 9-digit runs inside codes are common.
 *
 * Not masked: bank account numbers, passport numbers, addresses and names (free text cannot be
 * masked reliably; keep citizen text out of logs in the first place). Text that becomes public goes
 * through redactPersonalData below, which also guesses names and house addresses.
 */

const CURRENCY = String.raw`\s*(?:vn[dđ]|usd|₫|dong|đ(?:[oồ]\p{M}*ng)?)(?![\p{L}\p{M}\p{N}])`;
/** Not followed by more digits of the same number (05/03/2025, 1.001193), nor by a currency word. */
const NUMBER_END = String.raw`(?![\p{N}])(?![.,/\-]\p{N})(?!${CURRENCY})`;
/** Phones are long and shaped enough to be masked in lists such as 0912345678/0987654321. */
const PHONE_START = String.raw`(?<![\p{N}+])(?<!\p{N}\.)`;
const PHONE_END = String.raw`(?![\p{N}])(?!\.\p{N})(?!${CURRENCY})`;
/** One optional separator people type inside phone numbers. */
const SEP = String.raw`(?:[ .\-]|\)[ ]?)?`;
const SEP_NO_DOT = String.raw`(?:[ \-]|\)[ ]?)?`;

const mobileTail = (sep: string): string => String.raw`[35789]\d(?:${sep}\d){7}`;
const landlineTail = (sep: string): string => String.raw`2\d(?:${sep}\d){8}`;

const NATIONAL = String.raw`\(?0(?:${mobileTail(SEP)}|${landlineTail(SEP)})`;
const PLUS_84 = String.raw`(?:\+[ ]?84|\(\+?84\))[ .\-]?(?:\(?0\)?[ .\-]?)?(?:${mobileTail(SEP)}|${landlineTail(SEP)})`;
// Bare 84 (no plus) takes no dots, so amounts such as 84.900.000.000 stay intact.
const BARE_84 = String.raw`84[ \-]?(?:${mobileTail(SEP_NO_DOT)}|${landlineTail(SEP_NO_DOT)})`;

const PHONE_RE = new RegExp(`${PHONE_START}(?:${PLUS_84}|${BARE_84}|${NATIONAL})${PHONE_END}`, 'gu');

/**
 * ID numbers: căn cước/CCCD (12 digits), the social-insurance number (mã số BHXH, 10 digits), the old
 * CMND (9). Not glued to letters or to a longer number, date or code (HS-001203001234, 1.001193);
 * cccd/cmnd prefixes are fine.
 */
const ID_START = String.raw`(?:(?<![\p{L}\p{M}\p{N}_+])(?<![\p{L}\p{N}][.,/\-])|(?<=(?:cccd|cmnd|cmtnd|cmt)[:#]?))`;
const ID_RE = new RegExp(`${ID_START}(?:\\d{12}|\\d{4} \\d{4} \\d{4}|\\d{10}|\\d{9})(?![\\p{L}\\p{M}_])${NUMBER_END}`, 'giu');

const EMAIL_RE = /[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}/gu;

export const PII_PLACEHOLDERS = { phone: '[phone]', id: '[id]', email: '[email]' } as const;

/**
 * Replaces phone numbers, CCCD/CMND numbers and e-mail addresses with placeholders, so text can be
 * logged or exported without personal data. Pure and idempotent.
 */
export function maskPii(text: string): string {
  if (text.length === 0) return text;
  // Identifiers the system generates (UUIDs: ticket, message ids) hold digit runs that read like a
  // phone or ID number ("0a63db23-0364-4446-84ab-…"); they are no personal data and stay whole.
  let out = '';
  let at = 0;
  for (const m of text.matchAll(UUID_RE)) {
    out += maskPart(text.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + maskPart(text.slice(at));
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/giu;

function maskPart(text: string): string {
  return text.replace(EMAIL_RE, PII_PLACEHOLDERS.email).replace(PHONE_RE, PII_PLACEHOLDERS.phone).replace(ID_RE, PII_PLACEHOLDERS.id);
}

/* ------------------------------------------------------------------------------------------------ */
/* Redaction for publication                                                                        */
/* ------------------------------------------------------------------------------------------------ */

/**
 * What redactPersonalData removes from text that becomes public (the Q&A page, answers the assistant
 * reuses): besides phone, ID and e-mail (as maskPii), the names and street addresses of private
 * persons, which maskPii leaves alone because log lines need no guessing. Here guessing is worth it:
 * a coordinator previews the result before publishing, and a wrongly hidden word costs far less than
 * a citizen's name on a public page.
 *
 * - names: the names the ticket knows (the contact name the citizen gave: the full name anywhere,
 *   with or without accents; the given name alone after a form of address or as a capitalised word
 *   inside a sentence); a name after a self-introduction ("tôi tên là …", "tên tôi là …", "họ tên: …",
 *   "con tôi tên là …", any case, accents or not; "tôi là / em là …" when the words look like a name:
 *   capitalised, or starting with a common family name); a capitalised name after a form of address
 *   (ông, bà, anh, chị, cô, chú, bác, em, cháu, bạn…: "Chào chị Lan", "Kính gửi ông Nguyễn Văn A").
 * - addresses: a house number ("số nhà 12", "nhà số 5", "sn 7", "12 ngõ 34", "số 8 hẻm 3") with the
 *   alleys and street that follow ("ngõ 34 ngách 5 phố Hàng Bạc"); ward, commune and province stay, they
 *   identify nobody. With `addresses: 'residential'` (an agency's answer, where "số 12 đường Lê Lợi" is
 *   usually an office), only house numbers marked as such or followed by an alley are removed.
 *
 * Pure; idempotent (placeholders are never matched again).
 */
export type PiiKind = 'name' | 'phone' | 'id' | 'email' | 'address';

export interface RedactionOptions {
  /** The text each kind is replaced with (Vietnamese on the public page: copy). */
  placeholders: Readonly<Record<PiiKind, string>>;
  /** Names known to belong to the asker (the ticket's contact name). */
  names?: readonly string[];
  /** 'all' (default: the citizen's own words) or 'residential' (an agency's answer). */
  addresses?: 'all' | 'residential';
}

export interface Redaction {
  text: string;
  /** How many spans of each kind were replaced. */
  removed: Partial<Record<PiiKind, number>>;
}

/**
 * Lower-case, accent-free copy of `text` with the same length, code unit for code unit (NFC input:
 * every precomposed Vietnamese letter folds to its base letter, đ to d), so offsets found in the folded
 * text are offsets in the original.
 */
export function foldSameLength(text: string): string {
  let out = '';
  for (const unit of text) {
    if (unit.length !== 1) {
      out += unit;
      continue;
    }
    const lower = unit.toLowerCase();
    const base = lower === 'đ' ? 'd' : lower.normalize('NFD')[0]!;
    out += base.length === 1 && lower.length === 1 ? base : unit;
  }
  return out;
}

/** Accent- and case-insensitive form for matching (search, comparisons); not length-preserving. */
export function foldVietnamese(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const isUpperStart = (word: string): boolean => /^\p{Lu}/u.test(word);

/** Forms of address before a name (folded). */
const TITLES = ['ong', 'ba', 'anh', 'chi', 'co', 'chu', 'bac', 'em', 'chau', 'ban', 'cu', 'di', 'cau', 'mo', 'thim', 'be', 'cong dan', 'nguoi dan', 'can bo'];
/** The same as typed (with accents, or without them at all): "Bắc Ninh" folds like "bác" but is no title. */
const TITLES_AS_TYPED = new Set([
  ...TITLES,
  ...'ông bà anh chị cô chú bác em cháu bạn cụ dì cậu mợ thím bé'.split(' '),
  'công dân', 'người dân', 'cán bộ',
]);
/** Places whose name starts like a form of address (Bà Rịa, Bà Đen, Bà Chiểu, Cô Tô, Ông Ích Khiêm). */
const PLACES_AFTER_TITLE = new Set(['ba ria', 'ba den', 'ba chieu', 'co to', 'ong ich']);
/** Common Vietnamese family names (folded): a lower-case "toi la nguyen van a" is a name. */
const FAMILY_NAMES = new Set(
  'nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly trinh dinh lam mai cao luong ta ha trieu tong luu quach doan kieu chu thai la lai vuong khuc kim'.split(' '),
);
/** Words after a given name that make it the subject at a sentence's start ("Lan hỏi", "Lan muốn"). */
const SUBJECT_NEXT = new Set(['hoi', 'xin', 'muon', 'can', 'dang', 'la', 'da', 'se', 'o', 'bi', 'khong', 'nho', 'oi', 'gui', 'cam', 'trinh', 'de', 'thac', 'nop', 'co', 'den', 'lien', 'phai', 'duoc', 'vui']);
/** Words after "tên là" that ask rather than name (folded). */
const NOT_A_NAME = new Set(['gi', 'ai', 'sao', 'nhu', 'the', 'nao', 'duoc']);
/** Words that end a name typed in lower case after a self-introduction (folded). */
const NAME_STOP = new Set(
  'la va o tai sinh nam so sdt dt dien thoai muon xin hoi can co nha hien dang que cmnd cccd email gmail zalo thuong tru tam dia toi minh ma thi nhung de lam duoc khong ngay thang tu den cua voi cho vi neu khi hay hoac nhe nha da se bi duoc phuong xa huyen tinh quan thanh pho con chau vo chong bo me'.split(' '),
);

interface Span {
  start: number;
  end: number;
  kind: PiiKind;
}

/** The words (letters only) starting at `from`, separated by single runs of spaces, with their offsets. */
function wordsFrom(original: string, folded: string, from: number, max: number): Array<{ start: number; end: number; word: string; folded: string }> {
  const out: Array<{ start: number; end: number; word: string; folded: string }> = [];
  const re = /[ \t]*([\p{L}\p{M}]+)/uy;
  let at = from;
  while (out.length < max) {
    re.lastIndex = at;
    const m = re.exec(original);
    if (!m) break;
    const start = m.index + m[0].length - m[1]!.length;
    const end = m.index + m[0].length;
    if (end < original.length && WORD_CHAR.test(original[end]!)) break; // glued to digits
    out.push({ start, end, word: m[1]!, folded: folded.slice(start, end) });
    at = end;
  }
  return out;
}

/** Whether `at` starts a sentence (text start, or after . ! ? : ; or a line break). */
function atSentenceStart(original: string, at: number): boolean {
  const before = original.slice(0, at).trimEnd();
  return before === '' || /[.!?:;\n"“(-]$/u.test(before);
}

function nameSpans(original: string, folded: string, names: readonly string[]): Span[] {
  const spans: Span[] = [];
  const push = (start: number, end: number): void => {
    if (end > start) spans.push({ start, end, kind: 'name' });
  };

  // 1. Self-introductions: the following words, any case, until a stop word or punctuation.
  const strong =
    /(?<![\p{L}\p{N}])(?:(?:(?:con|chau|vo|chong|bo|me|cha|be|anh|chi|em|ong|ba)\s+)?(?:toi|em|minh|chau|con|tao)\s+ten\s+(?:la\s+|:\s*)?|ten\s+(?:cua\s+)?(?:toi|em|minh|chau|be|con(?:\s+(?:toi|em|minh))?)\s+(?:la\s+|:\s*)|ho\s+(?:va\s+)?ten(?:\s+(?:cua\s+)?(?:toi|em|minh|con|chau))?\s*(?:la\s+|:\s*))/gu;
  for (const m of folded.matchAll(strong)) {
    const words = wordsFrom(original, folded, m.index + m[0].length, 4);
    const kept: typeof words = [];
    for (const w of words) {
      // Right after "tên là" the first word is the name (Minh, not mình), unless it asks (tên là gì).
      const stop = kept.length === 0 ? NOT_A_NAME.has(w.folded) : NAME_STOP.has(w.folded) && !isUpperStart(w.word);
      if (stop) break;
      kept.push(w);
    }
    if (kept.length > 0) push(kept[0]!.start, kept[kept.length - 1]!.end);
  }

  // 2. "tôi là / em là …": a name when capitalised or starting with a family name.
  const weak = /(?<![\p{L}\p{N}])(?:toi|em|minh|chau|con|tao)\s+la\s+/gu;
  for (const m of folded.matchAll(weak)) {
    const words = wordsFrom(original, folded, m.index + m[0].length, 5);
    const first = words[0];
    if (!first) continue;
    if (isUpperStart(first.word)) {
      let last = first;
      for (const w of words.slice(1)) {
        if (!isUpperStart(w.word)) break;
        last = w;
      }
      push(first.start, last.end);
    } else if (FAMILY_NAMES.has(first.folded)) {
      let last = first;
      for (const w of words.slice(1, 4)) {
        if (NAME_STOP.has(w.folded)) break;
        last = w;
      }
      push(first.start, last.end);
    }
  }

  // 3. A form of address followed by capitalised words ("chị Lan", "Kính gửi ông Nguyễn Văn A").
  const titles = new RegExp(`(?<![\\p{L}\\p{N}])(?:${TITLES.map((t) => t.replace(/ /g, '\\s+')).join('|')})\\s+`, 'gu');
  for (const m of folded.matchAll(titles)) {
    const titleWord = original.slice(m.index, m.index + m[0].trimEnd().length);
    if (!TITLES_AS_TYPED.has(titleWord.toLowerCase().replace(/\s+/g, ' '))) continue;
    // A capitalised title inside a sentence is part of a proper noun (tỉnh Bà Rịa), not an address.
    if (isUpperStart(titleWord) && !atSentenceStart(original, m.index) && !/(?:gui|chao|thua|kinh)\s+$/u.test(folded.slice(Math.max(0, m.index - 6), m.index))) continue;
    const words = wordsFrom(original, folded, m.index + m[0].length, 4);
    if (words[0] && PLACES_AFTER_TITLE.has(`${foldSameLength(titleWord.toLowerCase())} ${words[0].folded}`)) continue;
    let last: (typeof words)[number] | undefined;
    for (const w of words) {
      if (!isUpperStart(w.word)) break;
      last = w;
    }
    if (last) push(words[0]!.start, last.end);
  }

  // 4. Names the ticket knows: the full name anywhere; the given name where it reads as a name.
  for (const raw of names) {
    const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
    const tokens = foldSameLength(name).split(' ').filter((t) => /^[\p{L}]+$/u.test(t));
    if (tokens.length === 0) continue;
    if (tokens.length > 1) {
      const full = new RegExp(`(?<![\\p{L}\\p{N}])${tokens.join('\\s+')}(?![\\p{L}\\p{N}])`, 'gu');
      for (const m of folded.matchAll(full)) push(m.index, m.index + m[0].length);
    }
    const given = tokens[tokens.length - 1]!;
    if (given.length < 2) continue;
    const alone = new RegExp(`(?<![\\p{L}\\p{N}])${given}(?![\\p{L}\\p{N}])`, 'gu');
    for (const m of folded.matchAll(alone)) {
      const start = m.index;
      const end = start + m[0].length;
      const before = folded.slice(0, start).trimEnd();
      const afterTitle = new RegExp(`(?<![\\p{L}\\p{N}])(?:${TITLES.join('|')}|la|ten)$`, 'u').test(before);
      const word = original.slice(start, end);
      const prev = /([\p{L}\p{M}]+)\s*$/u.exec(original.slice(0, start))?.[1];
      const next = /^\s*([\p{L}\p{M}]+)/u.exec(original.slice(end))?.[1];
      const inProperNoun = (prev !== undefined && isUpperStart(prev) && /\s$/u.test(original.slice(0, start))) || (next !== undefined && isUpperStart(next) && /^\s/u.test(original.slice(end)));
      // At a sentence's start a capital says nothing (An toàn, Bình thường, Minh bạch): only before a
      // verb of asking or punctuation ("Lan hỏi:", "Lan xin hỏi", "Lan.").
      const nextFolded = next === undefined ? '' : foldSameLength(next);
      const readsAsSubject = next === undefined || /^\s*[^\s\p{L}\p{M}]/u.test(original.slice(end)) || SUBJECT_NEXT.has(nextFolded);
      const capitalised = isUpperStart(word) && !inProperNoun && (!atSentenceStart(original, start) || readsAsSubject);
      if (afterTitle || capitalised) push(start, end);
    }
  }
  return spans;
}

const HOUSE_MARKED = /(?<![\p{L}\p{N}])(?:so\s+nha|nha\s+so|sn)\s*:?\s*\d+[a-z]?(?:\s*[/-]\s*\d+[a-z]?)*(?![\p{L}\p{N}])/gu;
const HOUSE_BEFORE_ALLEY = /(?<![\p{L}\p{N}./-])(?:so\s+)?\d+[a-z]?(?:\/\d+[a-z]?)*(?=\s*,?\s*(?:ngo|ngach|hem|kiet)\s+\d)/gu;
const HOUSE_BEFORE_STREET = /(?<![\p{L}\p{N}])so\s+\d+[a-z]?(?:\/\d+[a-z]?)*(?=\s*,?\s*(?:duong|pho)\s+\S)/gu;
/** A slashed house number after where someone lives ("nhà ở 45/12 Nguyễn Trãi", "địa chỉ: 7/3B"). */
const HOUSE_SLASHED = /(?<=(?<![\p{L}\p{N}])(?:o|tai|dia\s+chi|nha)\s*:?\s*)\d+[a-z]?(?:\s*\/\s*\d+[a-z]?)+(?![\p{L}\p{N}])/gu;

/** Extends an address past the alleys and the street that follow the house number. */
function extendAddress(original: string, folded: string, end: number): number {
  for (;;) {
    const alley = /\s*,?\s*(?:ngo|ngach|hem|kiet)\s+\d+[a-z]?(?:\/\d+[a-z]?)*(?![\p{L}\p{N}])/uy;
    alley.lastIndex = end;
    const a = alley.exec(folded);
    if (a) {
      end = a.index + a[0].length;
      continue;
    }
    const street = /\s*,?\s*(?:duong|pho)\s+/uy;
    street.lastIndex = end;
    const s = street.exec(folded);
    if (s) {
      const numbered = /(?:so\s+)?\d+[a-z]?(?![\p{L}\p{N}])/uy;
      numbered.lastIndex = s.index + s[0].length;
      const n = numbered.exec(folded);
      if (n) return n.index + n[0].length;
      const words = wordsFrom(original, folded, s.index + s[0].length, 5);
      let last: number | undefined;
      if (words[0] && !isUpperStart(words[0].word)) {
        // Typed in lower case (often without accents): up to three words, until a stop or admin word.
        for (const w of words.slice(0, 3)) {
          if (NAME_STOP.has(w.folded)) break;
          last = w.end;
        }
        return last ?? end;
      }
      for (const w of words) {
        if (!isUpperStart(w.word)) break;
        last = w.end;
      }
      return last ?? end;
    }
    return end;
  }
}

function addressSpans(original: string, folded: string, mode: 'all' | 'residential'): Span[] {
  const spans: Span[] = [];
  const patterns = mode === 'all' ? [HOUSE_MARKED, HOUSE_BEFORE_ALLEY, HOUSE_BEFORE_STREET, HOUSE_SLASHED] : [HOUSE_MARKED, HOUSE_BEFORE_ALLEY];
  for (const re of patterns) {
    for (const m of folded.matchAll(re)) spans.push({ start: m.index, end: extendAddress(original, folded, m.index + m[0].length), kind: 'address' });
  }
  return spans;
}

/** Replaces spans (overlapping ones merged, the earlier kind wins) with placeholders. */
function applySpans(text: string, spans: Span[], placeholders: Readonly<Record<PiiKind, string>>, removed: Partial<Record<PiiKind, number>>): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  let out = '';
  let at = 0;
  for (const s of merged) {
    out += text.slice(at, s.start) + placeholders[s.kind];
    removed[s.kind] = (removed[s.kind] ?? 0) + 1;
    at = s.end;
  }
  return out + text.slice(at);
}

/** Removes personal data from text about to be published; see PiiKind's comment for what is removed. */
export function redactPersonalData(text: string, options: RedactionOptions): Redaction {
  const removed: Partial<Record<PiiKind, number>> = {};
  const p = options.placeholders;
  const count = (kind: PiiKind) => (): string => {
    removed[kind] = (removed[kind] ?? 0) + 1;
    return p[kind];
  };
  let out = text
    .normalize('NFC')
    .replace(EMAIL_RE, count('email'))
    .replace(PHONE_RE, count('phone'))
    .replace(ID_RE, count('id'));
  let folded = foldSameLength(out);
  out = applySpans(out, addressSpans(out, folded, options.addresses ?? 'all'), p, removed);
  folded = foldSameLength(out);
  out = applySpans(out, nameSpans(out, folded, options.names ?? []), p, removed);
  return { text: out, removed };
}
