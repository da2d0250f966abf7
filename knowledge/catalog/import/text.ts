/**
 * Small Vietnamese text helpers for the catalog importer: accent folding that keeps string offsets,
 * comparison keys, slugs and splitting of list cells.
 */

/** Text written for a fact the source export left empty. Always paired with `verified: false`. */
export const PLACEHOLDER = 'Chưa có thông tin trong dữ liệu nguồn';

function foldChar(ch: string): string {
  if (ch === 'đ' || ch === 'Đ') return 'd';
  if (ch.length !== 1) return ch;
  const base = ch.normalize('NFD')[0] ?? ch;
  const lower = base.toLowerCase();
  return lower.length === 1 ? lower : base;
}

/**
 * Lower-cases and removes Vietnamese diacritics (đ → d) one character for one character, so an index
 * found in the folded text is the same index in the NFC input. Callers must pass NFC text (see `clean`).
 */
export function fold(nfcText: string): string {
  let out = '';
  for (let i = 0; i < nfcText.length; i++) out += foldChar(nfcText.charAt(i));
  return out;
}

/** NFC, Unix newlines, no non-breaking or zero-width spaces, trimmed. */
export function clean(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\u00d0/g, 'Đ')
    .replace(/\u00f0/g, 'đ')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b\ufeff]/g, '')
    .trim();
}

/** Collapses all whitespace (newlines included) to single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Accent-, case- and punctuation-insensitive key: "Mã thủ tục", "ma_thu_tuc" and "MaThuTuc" → "mathutuc". */
export function compactKey(text: string): string {
  return fold(clean(text)).replace(/[^a-z0-9]/g, '');
}

/** Accent- and case-insensitive words separated by single spaces, for whole-word matching. */
export function wordKey(text: string): string {
  return oneLine(fold(clean(text)).replace(/[^a-z0-9]+/g, ' '));
}

/** Kebab-case slug from Vietnamese text, cut at a word boundary to at most `max` characters. */
export function slugify(text: string, max = 80): string {
  const words = wordKey(text).split(' ').filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > max && slug) break;
    slug = next;
  }
  return slug;
}

/** Removes a leading list marker ("-", "+", "•", "*", "a)", "1.") and surrounding spaces. */
export function stripBullet(line: string): string {
  return line.replace(/^\s*(?:[-+•*–·]+|\(?(?:\d{1,2}|[a-zđ])[).](?=\s))\s*/i, '').trim();
}

/** Splits on the given separators outside parentheses, trimming and dropping empty parts. */
export function splitTopLevel(text: string, separators = ',;\n'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    else if ((ch === ')' || ch === ']') && depth > 0) depth--;
    if (depth === 0 && separators.includes(ch)) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => oneLine(stripBullet(p))).filter((p) => p.length > 0);
}

/** Keeps the first of several strings that are equal ignoring accents, case and punctuation. */
export function uniqueFolded(values: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of values) {
    const key = wordKey(v);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

/** Trims spaces and the punctuation that separates labelled parts (".", ";", ",", ":", "-"). */
export function trimPunctuation(text: string): string {
  return oneLine(text).replace(/^[\s.;,:\-–|]+/, '').replace(/[\s;,:\-–|]+$/, '').replace(/\s*\.$/, '').trim();
}
