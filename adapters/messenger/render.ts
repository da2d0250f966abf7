import { copyFor } from '../../src/domain/copy/index.js';
import { DEFAULT_LOCALE } from '../../src/domain/locale.js';
import type { Reply, ReplyButton } from '../../src/domain/message.js';
import type { ButtonTemplateAttachment, OutgoingMessage, QuickReply } from './types.js';

/**
 * Reply → Send API `message` objects within Messenger's limits (platforms.md §2.3): text per message,
 * up to 13 quick replies (title shown up to 20 chars), a button template (text ≤ 640, button title ≤ 20)
 * for a link. Pure, so the exact output is unit-tested.
 */

/** Per-message text limit: 2,000 is UNCONFIRMED (Salesforce reports 1,994 effective), so it is an option. */
export const MESSENGER_MAX_TEXT = 2000;
export const MESSENGER_MAX_QUICK_REPLIES = 13;
export const MESSENGER_QUICK_REPLY_TITLE = 20;
/** Quick-reply payload limit: UNCONFIRMED, so it is an option. */
export const MESSENGER_DEFAULT_MAX_PAYLOAD = 1000;
export const BUTTON_TEMPLATE_MAX_TEXT = 640;
export const BUTTON_TITLE_MAX = 20;

export interface MessengerRenderOptions {
  maxTextLength?: number;
  maxQuickReplyPayload?: number;
  /**
   * Under a numbered option list, for every language (default: the bot copy's `chooseByNumber` in the
   * reply's language, `reply.meta.locale`).
   */
  chooseHint?: string;
}

/**
 * Renders a Reply into one or more messages, in order. Text is split at paragraph, line, sentence and
 * word boundaries. Buttons become quick replies on the last message; more than 13 (or a payload over the
 * limit) become a numbered list in the text instead. A link becomes a `web_url` button template when the
 * last piece fits its 640-char text, else a "title: url" line.
 */
export function renderReply(reply: Reply, options: MessengerRenderOptions = {}): OutgoingMessage[] {
  const max = Math.min(options.maxTextLength ?? MESSENGER_MAX_TEXT, MESSENGER_MAX_TEXT);
  const maxPayload = options.maxQuickReplyPayload ?? MESSENGER_DEFAULT_MAX_PAYLOAD;
  const buttons = reply.buttons ?? [];
  const quickReplies = buttons.length > 0 && quickRepliesFit(buttons, maxPayload) ? toQuickReplies(buttons) : undefined;
  const chooseHint = options.chooseHint ?? copyFor(reply.meta?.locale ?? DEFAULT_LOCALE).bot.chooseByNumber;

  let text = reply.text.trim();
  if (buttons.length > 0 && !quickReplies) text = withNumberedOptions(text, buttons, chooseHint);

  const link = reply.link && isWebUrl(reply.link.url) && reply.link.title.trim() !== '' ? reply.link : undefined;
  const pieces = splitMessengerText(text, max);
  const last = pieces.at(-1);
  const messages: OutgoingMessage[] = [];

  if (link && last !== undefined && last.length <= BUTTON_TEMPLATE_MAX_TEXT) {
    for (const piece of pieces.slice(0, -1)) messages.push({ text: piece });
    messages.push({ attachment: buttonTemplate(last, link) });
  } else {
    // The link as a "title: url" line, unless the text already shows that address (never the same URL twice).
    const withLink = reply.link && !text.includes(reply.link.url) ? splitMessengerText(appendLinkLine(text, reply.link), max) : pieces;
    for (const piece of withLink) messages.push({ text: piece });
  }
  if (quickReplies) {
    if (messages.length === 0) messages.push({ text: chooseHint });
    messages[messages.length - 1] = { ...messages[messages.length - 1]!, quick_replies: quickReplies };
  }
  return messages;
}

/**
 * Splits text into pieces of at most `max` UTF-16 units (never undercounts characters). It tries coarse
 * units first (paragraphs), packs as many as fit per piece, and only descends (lines → sentences →
 * words → a hard cut that keeps surrogate pairs whole) for a unit that alone is too long.
 */
export function splitMessengerText(text: string, max = MESSENGER_MAX_TEXT): string[] {
  if (!Number.isInteger(max) || max < 2) throw new RangeError('splitMessengerText: max must be an integer ≥ 2');
  return splitAt(text.trim(), max, 0)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '');
}

/** Separators by level; each keeps what precedes it on the earlier piece (the punctuation of a sentence). */
const SEPARATORS: readonly RegExp[] = [
  /(\n[ \t]*\n\s*)/, // paragraphs
  /(\n)/, // lines
  /(?<=[.!?…;:]["'”’)\]]*)(\s+)/, // sentences (Vietnamese uses the same punctuation)
  /(\s+)/, // words
];

function splitAt(text: string, max: number, level: number): string[] {
  if (text.length <= max) return [text];
  const separator = SEPARATORS[level];
  if (!separator) return hardCut(text, max);
  // With a capturing group, split() interleaves units (even indexes) and separators (odd indexes).
  const parts = text.split(separator);
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < parts.length; i += 2) {
    const unit = parts[i]!;
    const glue = i > 0 ? parts[i - 1]! : '';
    if (unit.length > max) {
      if (current) out.push(current);
      current = '';
      out.push(...splitAt(unit, max, level + 1));
    } else if (current === '') {
      current = unit;
    } else if (current.length + glue.length + unit.length <= max) {
      current += glue + unit;
    } else {
      out.push(current);
      current = unit;
    }
  }
  if (current) out.push(current);
  return out;
}

function hardCut(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const high = rest.charCodeAt(max - 1);
    const cut = high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}

/** Every button must have a title and a payload within the limit; otherwise the list goes into the text. */
function quickRepliesFit(buttons: readonly ReplyButton[], maxPayload: number): boolean {
  return (
    buttons.length <= MESSENGER_MAX_QUICK_REPLIES &&
    buttons.every((b) => b.title.trim() !== '' && b.payload !== '' && b.payload.length <= maxPayload)
  );
}

function toQuickReplies(buttons: readonly ReplyButton[]): QuickReply[] {
  return buttons.map((b) => ({ content_type: 'text', title: clip(b.title.trim(), MESSENGER_QUICK_REPLY_TITLE), payload: b.payload }));
}

/** "text\n\n1. A\n2. B\n\nhint": the core maps a typed number back to the option it offered. */
export function withNumberedOptions(text: string, buttons: readonly ReplyButton[], hint: string): string {
  const lines = buttons.map((b, i) => `${i + 1}. ${b.title.trim()}`);
  return [text, lines.join('\n'), hint].filter((block) => block !== '').join('\n\n');
}

function buttonTemplate(text: string, link: { title: string; url: string }): ButtonTemplateAttachment {
  return {
    type: 'template',
    payload: { template_type: 'button', text, buttons: [{ type: 'web_url', url: link.url, title: clip(link.title.trim(), BUTTON_TITLE_MAX) }] },
  };
}

function appendLinkLine(text: string, link: { title: string; url: string }): string {
  const line = link.title.trim() ? `${link.title.trim()}: ${link.url}` : link.url;
  return text ? `${text}\n\n${line}` : line;
}

function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Shortens to `max` UTF-16 units ending in "…", without splitting a surrogate pair. */
function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const high = value.charCodeAt(end - 1);
  if (high >= 0xd800 && high <= 0xdbff) end--;
  return `${value.slice(0, end).trimEnd()}…`;
}
