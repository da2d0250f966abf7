import { copyFor } from '../../src/domain/copy/index.js';
import { DEFAULT_LOCALE, type Locale } from '../../src/domain/locale.js';
import type { Reply, ReplyButton } from '../../src/domain/message.js';
import type { ZaloButton, ZaloButtonMode } from './types.js';

/**
 * Reply → Zalo message parts, within Zalo's limits (platforms.md §1.3): text ≤ 2,000 chars per message,
 * button title ≤ 100, `oa.query.*` payload ≤ 1,000. Pure, so the exact output is unit-tested.
 */

export const ZALO_MAX_TEXT = 2000;
export const ZALO_MAX_BUTTON_TITLE = 100;
export const ZALO_MAX_QUERY_PAYLOAD = 1000;
/** Template button count is UNCONFIRMED for /message/cs; 5 matches the documented element limit. */
export const ZALO_DEFAULT_MAX_BUTTONS = 5;

/** The copy the text rendering needs: by default the bot copy in the reply's language. */
export interface ZaloRenderCopy {
  /** Follows a numbered option list when buttons are rendered as text (the copy's `bot.chooseByNumber`). */
  chooseHint: string;
}

/** The rendering copy in one language, from the copy module (src/domain/copy). */
export function zaloCopyFor(locale: Locale = DEFAULT_LOCALE): ZaloRenderCopy {
  return { chooseHint: copyFor(locale).bot.chooseByNumber };
}

/** The rendering copy in the default language (Vietnamese). */
export const DEFAULT_ZALO_COPY: ZaloRenderCopy = zaloCopyFor(DEFAULT_LOCALE);

/**
 * Splits text into pieces of at most `max` characters (UTF-16 units, which never undercounts), breaking
 * at the last paragraph, then line, then sentence end, then space inside the window; a hard cut (never
 * inside a surrogate pair) only for an unbroken run. Breaks in the first third of a window are ignored
 * so pieces are not needlessly short.
 */
export function splitZaloText(text: string, max = ZALO_MAX_TEXT): string[] {
  if (max < 10) throw new RangeError('splitZaloText: max must be at least 10');
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = findBreak(rest, max);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Index to cut at: the end of the chosen piece (exclusive), always in (0, max]. */
function findBreak(text: string, max: number): number {
  const window = text.slice(0, max + 1); // a break char right after the window still lets us cut at max
  const floor = Math.floor(max / 3);
  // `keep`: characters of the match that stay on the piece (the punctuation, not the whitespace).
  const candidates: { pattern: RegExp; keep: (match: string) => number }[] = [
    { pattern: /\n\s*\n/g, keep: () => 0 }, // paragraph
    { pattern: /\n/g, keep: () => 0 }, // line
    { pattern: /[.!?…;:]["”’)\]]*\s/g, keep: (m) => m.length - 1 }, // sentence end (same punctuation in Vietnamese)
    { pattern: /\s/g, keep: () => 0 }, // word
  ];
  for (const { pattern, keep } of candidates) {
    let best = -1;
    for (const match of window.matchAll(pattern)) {
      const end = match.index + keep(match[0]);
      if (end <= max && end > floor) best = end;
    }
    if (best > 0) return best;
  }
  // No break: hard cut, without splitting a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** Buttons as a numbered list under the text, with a hint to answer by number or by words. */
export function renderButtonsAsText(text: string, buttons: readonly ReplyButton[], copy: ZaloRenderCopy = DEFAULT_ZALO_COPY): string {
  if (buttons.length === 0) return text;
  const list = buttons.map((b, i) => `${i + 1}. ${b.title}`).join('\n');
  return `${text.trimEnd()}\n\n${list}\n\n${copy.chooseHint}`;
}

/** Reply buttons as template actions: a tap sends `payload` back as visible user text (`oa.query.show`). */
export function toZaloQueryButtons(buttons: readonly ReplyButton[]): ZaloButton[] {
  return buttons.map((b) => ({
    title: truncate(b.title, ZALO_MAX_BUTTON_TITLE),
    type: 'oa.query.show' as const,
    payload: truncate(b.payload, ZALO_MAX_QUERY_PAYLOAD),
  }));
}

/** The link of a Reply, appended as text (Zalo shows URLs as tappable links), unless the text already shows it. */
export function appendLink(text: string, link: Reply['link']): string {
  if (!link || text.includes(link.url)) return text;
  const line = link.title ? `${link.title}: ${link.url}` : link.url;
  return text.trim() ? `${text.trimEnd()}\n\n${line}` : line;
}

/** What one Reply becomes: text messages in order, the last one optionally carrying template buttons. */
export interface ZaloRenderedReply {
  texts: string[];
  /** Template buttons for the last text (template mode only). */
  buttons?: ZaloButton[];
}

export interface RenderOptions {
  mode: ZaloButtonMode;
  maxButtons: number;
  maxTextLength?: number;
  /** Overrides the copy for every language; by default the copy in the reply's language (`reply.meta.locale`). */
  copy?: ZaloRenderCopy;
}

/**
 * Renders a Reply. Text mode: link and numbered options go into the text. Template mode: the buttons
 * ride on the last text message; more buttons than `maxButtons` fall back to the numbered list.
 */
export function renderReply(reply: Reply, options: RenderOptions): ZaloRenderedReply {
  const max = options.maxTextLength ?? ZALO_MAX_TEXT;
  const buttons = reply.buttons ?? [];
  const base = appendLink(reply.text, reply.link);
  if (buttons.length > 0 && options.mode === 'template' && buttons.length <= options.maxButtons && base.trim() !== '') {
    return { texts: splitZaloText(base, max), buttons: toZaloQueryButtons(buttons) };
  }
  const texts = splitZaloText(renderButtonsAsText(base, buttons, options.copy ?? zaloCopyFor(reply.meta?.locale)), max);
  return { texts };
}

function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.charCodeAt(max - 2) >= 0xd800 && value.charCodeAt(max - 2) <= 0xdbff ? max - 2 : max - 1;
  return `${value.slice(0, cut)}…`;
}
