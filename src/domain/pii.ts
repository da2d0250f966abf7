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
 * masked reliably; keep citizen text out of logs in the first place).
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

/** Not glued to letters or to a longer number, date or code (HS-001203001234, 1.001193); cccd/cmnd prefixes are fine. */
const ID_START = String.raw`(?:(?<![\p{L}\p{M}\p{N}_+])(?<![\p{L}\p{N}][.,/\-])|(?<=(?:cccd|cmnd|cmtnd|cmt)[:#]?))`;
const ID_RE = new RegExp(`${ID_START}(?:\\d{12}|\\d{4} \\d{4} \\d{4}|\\d{9})(?![\\p{L}\\p{M}_])${NUMBER_END}`, 'giu');

const EMAIL_RE = /[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}/gu;

export const PII_PLACEHOLDERS = { phone: '[phone]', id: '[id]', email: '[email]' } as const;

/**
 * Replaces phone numbers, CCCD/CMND numbers and e-mail addresses with placeholders, so text can be
 * logged or exported without personal data. Pure and idempotent.
 */
export function maskPii(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(EMAIL_RE, PII_PLACEHOLDERS.email)
    .replace(PHONE_RE, PII_PLACEHOLDERS.phone)
    .replace(ID_RE, PII_PLACEHOLDERS.id);
}
