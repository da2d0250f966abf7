import type { BotkitDialogWrapper, BotkitMessage, BotWorker } from 'botkit';
import type { Locale } from '../src/domain/locale.js';
import type { ReplyMeta } from '../src/domain/message.js';
import { parsePayload } from '../src/domain/payloads.js';
import { phoneLast4 } from '../src/domain/ticket.js';
import { isValid as isValidTrackingCode, normalize as normalizeTrackingCode } from '../src/domain/tracking-code.js';
import type { AskContext } from '../src/ports/flow-services.js';
import type { QuickReply } from './buttons.js';
import type { RouteContext } from './dialogs.js';

/**
 * What the flows share to say things and to read what the citizen typed: replies with their meta,
 * yes/no, tracking codes and phone numbers in free text, and the one shape of a free-text dialog step.
 */

/** One reply as the flows compose it: text, buttons, the online-service link, and what it is (ReplyMeta). */
export interface Shown {
  text: string;
  buttons?: QuickReply[];
  link?: { title: string; url: string } | null;
  meta: ReplyMeta;
}

export type Say = (shown: Shown) => Promise<void>;

/**
 * Says a reply outside a dialog prompt. Buttons and meta travel in `channelData` (the bridge adapter
 * turns them into the Reply stored with the outbound record); the meta's locale defaults to `locale`.
 */
export const sayWith =
  (bot: BotWorker, locale: Locale): Say =>
  async ({ text, buttons, link, meta }) => {
    await bot.say({
      text,
      channelData: {
        ...(buttons?.length ? { quick_replies: buttons } : {}),
        ...(link ? { attachment: link } : {}),
        meta: { ...meta, locale: meta.locale ?? locale },
      },
    } as Partial<BotkitMessage>);
  };

/**
 * The meta of a dialog prompt as its template carries it: Botkit renders a prompt's channelData with
 * mustache, so a prompt whose meta changes keeps it as JSON in a dialog variable (`{{{vars.meta}}}`).
 */
export const metaJson = (meta: ReplyMeta, locale: Locale): string => JSON.stringify({ ...meta, locale: meta.locale ?? locale });

/** A phone number inside what the citizen typed: digits with the usual separators, at least 8 long. */
const PHONE_LIKE = /\+?\d[\d\s.()-]{6,}\d/;

/** What looks like a phone number in a reply: a number inside words, or a reply of digits only (maybe too short). */
export function phoneCandidate(text: string): string | undefined {
  const inWords = PHONE_LIKE.exec(text)?.[0];
  if (inWords) return inWords.trim();
  return /\d/.test(text) && !/\p{L}/u.test(text) ? text.trim() : undefined;
}

/**
 * The last 4 digits of the phone number in a reply made only of digits and separators: exactly 4 digits
 * ("5678", "56 78"), or a whole phone number (its last 4). Undefined for anything else.
 */
export function last4In(text: string): string | undefined {
  if (/[^\d\s.()+-]/.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  if (digits.length === 4) return digits;
  return phoneLast4(text);
}

/**
 * A tracking code inside what the citizen typed ("tra cứu k7qx 3m2pc"), in canonical form, or undefined.
 * Tries each word and each pair of neighbouring words (codes get split by a space); a candidate must
 * hold a digit, as every issued code does, so plain words never pass for one. The check symbol is not
 * checked here: a mistyped code is still a code the citizen meant.
 */
export function trackingCodeIn(text: string): string | undefined {
  const words = text
    .normalize('NFKC')
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w !== '');
  for (let i = 0; i < words.length; i += 1) {
    for (const candidate of [words[i]!, i + 1 < words.length ? `${words[i]}-${words[i + 1]}` : undefined]) {
      if (candidate === undefined || !/\d/.test(candidate)) continue;
      const code = normalizeTrackingCode(candidate);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

/** Lower case, without diacritics or trailing punctuation, so "Đồng ý!" reads as "dong y". */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether the normalized text is one of the words, or starts with one followed by more words. */
export function matches(typed: string, words: readonly string[]): boolean {
  return words.some((w) => typed === w || typed.startsWith(`${w} `));
}

/** Yes or no, from a tapped button or typed words ("có", "đồng ý", "không"…); undefined otherwise. */
export function yesNo(response: string, words: { yesWords: readonly string[]; noWords: readonly string[] }): 'yes' | 'no' | undefined {
  const payload = parsePayload(response);
  if (payload?.kind === 'answer') return payload.item === 'yes' ? 'yes' : 'no';
  if (payload) return undefined;
  const typed = normalizeAnswer(response);
  if (matches(typed, words.noWords)) return 'no';
  if (matches(typed, words.yesWords)) return 'yes';
  return undefined;
}

/** Whitespace collapsed and trimmed, cut to `max` characters. */
export function tidy(text: string, max: number): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, max).trim();
}

/** The inbound message id of the current turn (the Activity id the bridge adapter sets). */
export function turnIdOf(bot: BotWorker): string | undefined {
  const context = (bot as unknown as { getConfig(k: string): { activity?: { id?: string } } | undefined }).getConfig('context');
  return context?.activity?.id;
}

/** The turn's message as Botkit built it (SafeBotkit keeps it in the turn state). */
export function turnMessageOf(bot: BotWorker): BotkitMessage {
  const context = (bot as unknown as { getConfig(k: string): { turnState: Map<string, unknown> } }).getConfig('context');
  return context.turnState.get('botkitMessage') as BotkitMessage;
}

export function conversationIdOf(message: BotkitMessage): string {
  return String((message as unknown as { conversationId?: string }).conversationId ?? message.channel);
}

/** The locale stored on the conversation, as the bridge adapter passes it; undefined for Vietnamese by default. */
export function storedLocaleOf(message: BotkitMessage): Locale | undefined {
  return (message as unknown as { locale?: Locale }).locale;
}

type Handler = (response: string, convo: BotkitDialogWrapper, bot: BotWorker) => Promise<void>;

/**
 * The one shape of a free-text dialog step (place, name, phone): a button of another step leaves the
 * dialog (`reroute`); a skip (the skip button, or the whole reply one of `skipWords`) runs `skip`; any
 * other text goes to `accept`, which takes it, asks again (`invalid`) or leaves.
 */
export function freeTextStep(step: {
  reroute: (bot: BotWorker, text: string) => Promise<void>;
  skipWords?: readonly string[];
  skip?: (convo: BotkitDialogWrapper, bot: BotWorker) => Promise<void>;
  accept: (text: string, convo: BotkitDialogWrapper, bot: BotWorker) => Promise<void>;
}): Handler {
  return async (response, convo, bot) => {
    const payload = parsePayload(response);
    if (step.skip && payload?.kind === 'answer' && payload.item !== 'yes') return step.skip(convo, bot);
    if (payload) return step.reroute(bot, response);
    if (step.skip && step.skipWords && (response.trim() === '' || step.skipWords.includes(normalizeAnswer(response)))) return step.skip(convo, bot);
    return step.accept(response, convo, bot);
  };
}

/** Says `text` and asks the step again. */
export async function invalid(say: Say, shown: Shown, convo: BotkitDialogWrapper): Promise<void> {
  await say(shown);
  await convo.repeat();
}

/** A tracking code in the text whose check symbol holds (a code the citizen surely meant), or undefined. */
export function validCodeIn(text: string): string | undefined {
  const code = trackingCodeIn(text);
  return code !== undefined && isValidTrackingCode(code) ? code : undefined;
}

/** What the brain needs of a conversation's context: the procedure under discussion and the last clarification's options. */
export function askContextOf(context: RouteContext): AskContext {
  return {
    ...(context.procedureId ? { currentProcedureId: context.procedureId } : {}),
    ...(context.options?.length ? { options: context.options } : {}),
  };
}

/** `{ procedureId }` when there is one, else nothing: the spread every message about a procedure carries. */
export function withProcedure(from: { procedureId?: string | undefined }): { procedureId?: string } {
  return from.procedureId ? { procedureId: from.procedureId } : {};
}
