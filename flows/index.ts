import { BotkitConversation, type Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import { phoneLast4 } from '../src/domain/ticket.js';
import { isValid as isValidTrackingCode, normalize as normalizeTrackingCode } from '../src/domain/tracking-code.js';
import type { FlowServices, TicketChange } from '../src/ports/flow-services.js';
import { clarifyButtons, fallbackButtons, followUpButtons, menuButtons, newQuestionButtons, skipButtons, yesNoButtons, type QuickReply } from './buttons.js';
import { parsePayload } from '../src/domain/payloads.js';

/**
 * The conversation flows. Outside a dialog every message goes through `route`: payloads from buttons
 * first, then the brain's intent. Two Botkit dialogs hold state across turns:
 * - `procedure`: the procedure under discussion, answering follow-ups (documents, fee, time…) and
 *   switching when the citizen names another procedure;
 * - `request`: when the brain cannot answer, the citizen reports a problem (feedback), or asks for an
 *   agency or an operator, it keeps the question and takes the citizen's choice. For an agency it
 *   shows the question back and asks consent to forward it, for feedback where the problem is
 *   (required), consent to publish without personal data, an optional name and an optional phone for
 *   a call-back, then opens a ticket and gives its tracking code, agency and due date. Asked for from
 *   the procedure dialog, the ticket carries that procedure (its agency gets it). For an operator it
 *   records the request (live handoff comes later). When an agency has published an answer to a
 *   similar question, the dialog starts with that answer, naming the agency, and the same choices in
 *   case it does not fit;
 * - `reopen`: "still unclear" under an agency's answer asks what is unclear, then sends the ticket
 *   back to the agency with a new deadline. "That answers it" closes the ticket without a dialog.
 * - `track-proof`: a typed tracking code not found with this conversation as proof gets the usual
 *   "not found" and the offer to prove being the asker with the last 4 digits of the phone number given
 *   with the question (asked from another channel). It holds only the code; the digits are checked once
 *   (failed attempts limited by FlowServices) and never kept in the dialog's state.
 * A message a dialog cannot use ends the dialog and is routed afresh, so the citizen is never stuck.
 */

export const PROCEDURE_DIALOG = 'procedure';
export const REQUEST_DIALOG = 'request';
export const REOPEN_DIALOG = 'reopen';
export const TRACK_PROOF_DIALOG = 'track-proof';

/** Longest name kept (the rest is cut): a name, not a message. */
const NAME_MAX = 60;
/** Longer than this, or with a question mark, a reply to the name step is a new message, not a name. */
const NAME_MAX_WORDS = 7;
/** Longest place and reopen reason kept. */
const PLACE_MAX = 300;
const REASON_MAX = 1000;

interface ProcedureVars {
  procedureId: string;
  say: string;
  buttons?: QuickReply[];
  link?: { title: string; url: string } | null;
}

interface RequestVars {
  conversationId: string;
  question: string;
  /** Why the dialog started: no answer found, a local problem reported, or a menu choice. */
  reason: 'unanswered' | 'published' | 'feedback' | 'agency' | 'operator';
  /** For `published`: an agency's published answer to a similar question, shown with the offer. */
  published?: string;
  /** The citizen's consent to publish question and answer without personal data. */
  publish?: boolean;
  /** Feedback only: where the problem is. */
  place?: string;
  /** The optional name the agency may address the citizen by. */
  name?: string;
  /** The procedure under discussion when the citizen asked for an agency or an operator. */
  procedureId?: string;
}

interface ReopenVars {
  conversationId: string;
  code: string;
}

interface TrackProofVars {
  conversationId: string;
  /** The code the citizen typed, in canonical form. */
  code: string;
}

/** What the dialog that handed a message over knew: the procedure under discussion. */
interface RouteContext {
  procedureId?: string;
}

type Say = (text: string, buttons?: QuickReply[]) => Promise<void>;

const sayWith = (bot: BotWorker): Say => async (text, buttons) => {
  await bot.say(buttons?.length ? { text, quick_replies: buttons } : text);
};

/** A phone number inside what the citizen typed: digits with the usual separators, at least 8 long. */
const PHONE_LIKE = /\+?\d[\d\s.()-]{6,}\d/;

/** What looks like a phone number in a reply: a number inside words, or a reply of digits only (maybe too short). */
function phoneCandidate(text: string): string | undefined {
  const inWords = PHONE_LIKE.exec(text)?.[0];
  if (inWords) return inWords.trim();
  return /\d/.test(text) && !/\p{L}/u.test(text) ? text.trim() : undefined;
}

/**
 * The last 4 digits of the phone number in a reply made only of digits and separators: exactly 4 digits
 * ("5678", "56 78"), or a whole phone number (its last 4). Undefined for anything else.
 */
function last4In(text: string): string | undefined {
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
function normalizeAnswer(text: string): string {
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
function matches(typed: string, words: readonly string[]): boolean {
  return words.some((w) => typed === w || typed.startsWith(`${w} `));
}

/** The inbound message id of the current turn (the Activity id the bridge adapter sets). */
function turnIdOf(bot: BotWorker): string | undefined {
  const context = (bot as unknown as { getConfig(k: string): { activity?: { id?: string } } | undefined }).getConfig('context');
  return context?.activity?.id;
}

/** Whitespace collapsed and trimmed, cut to `max` characters. */
function tidy(text: string, max: number): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, max).trim();
}

function conversationIdOf(message: BotkitMessage): string {
  return String((message as unknown as { conversationId?: string }).conversationId ?? message.channel);
}

export function registerFlows(controller: Botkit, services: FlowServices): void {
  const { copy } = services;

  async function requestOperator(say: Say, vars: { conversationId: string; question: string; procedureId?: string }): Promise<void> {
    const reference = await services.requestOperator({
      conversationId: vars.conversationId,
      question: vars.question,
      ...(vars.procedureId ? { procedureId: vars.procedureId } : {}),
    });
    await say(copy.bot.operatorRequested(reference), menuButtons(copy));
  }

  /** Yes or no, from a tapped button or typed words ("có", "đồng ý", "không"…); undefined otherwise. */
  function yesNo(response: string): 'yes' | 'no' | undefined {
    const payload = parsePayload(response);
    if (payload?.kind === 'answer') return payload.item === 'yes' ? 'yes' : 'no';
    if (payload) return undefined;
    const typed = normalizeAnswer(response);
    if (matches(typed, copy.bot.tickets.noWords)) return 'no';
    if (matches(typed, copy.bot.tickets.yesWords)) return 'yes';
    return undefined;
  }

  /**
   * Whether a typed reply to a free-text step (place, reopen reason) is clearly something else: a
   * tracking code, a greeting, a call for an operator, a lookup or news. Such a reply is routed afresh.
   */
  function isOtherMessage(text: string): boolean {
    const code = trackingCodeIn(text);
    if (code !== undefined && isValidTrackingCode(code)) return true;
    const intent = services.ask(text).intent;
    return intent === 'greeting' || intent === 'handoff' || intent === 'track' || intent === 'news';
  }

  /** Words a close or reopen that did not happen (the ticket is someone else's, too old, or not in a state for it). */
  async function sayRefusal(say: Say, code: string, result: Exclude<TicketChange, { outcome: 'done' }>): Promise<void> {
    switch (result.outcome) {
      case 'window-passed':
        return say(copy.bot.tickets.reopenWindowPassed(result), newQuestionButtons(copy));
      case 'unavailable':
        return say(copy.bot.tickets.changeUnavailable(result), menuButtons(copy));
      case 'invalid':
        return say(copy.bot.tickets.codeInvalid(code), menuButtons(copy));
      case 'not-found':
        return say(copy.bot.tickets.notFound(code), menuButtons(copy));
    }
  }

  /** Handles one message outside any dialog; `context` is what the dialog it came from knew. */
  async function route(bot: BotWorker, message: BotkitMessage, text: string, context: RouteContext = {}): Promise<void> {
    const say = sayWith(bot);
    const conversationId = conversationIdOf(message);
    const payload = parsePayload(text);
    const procedureId = context.procedureId;
    if (payload?.kind === 'ticket') {
      if (payload.action === 'close') {
        const closed = await services.closeTicket(payload.code, conversationId);
        return closed.outcome === 'done' ? say(copy.bot.tickets.closed(closed.code), menuButtons(copy)) : sayRefusal(say, payload.code, closed);
      }
      const check = await services.checkReopenTicket(payload.code, conversationId);
      if (check.outcome === 'done') return bot.beginDialog(REOPEN_DIALOG, { conversationId, code: check.code } satisfies ReopenVars);
      return sayRefusal(say, payload.code, check);
    }
    if (payload?.kind === 'procedure') return bot.beginDialog(PROCEDURE_DIALOG, { procedureId: payload.id });
    if (payload?.kind === 'topic') return say(copy.answers.noCurrentProcedure);
    if (payload?.kind === 'menu') return payload.item === 'ask' ? say(copy.bot.askPrompt) : say(copy.bot.help, menuButtons(copy));
    // A yes/no/skip button from a dialog that has already ended.
    if (payload?.kind === 'answer') return say(copy.bot.help, menuButtons(copy));
    if (payload?.kind === 'request') {
      if (payload.item === 'rephrase') return say(copy.bot.rephrase);
      return bot.beginDialog(REQUEST_DIALOG, { conversationId, question: '', reason: payload.item, ...(procedureId ? { procedureId } : {}) } satisfies RequestVars);
    }
    const result = services.ask(text);
    // The brain knows codes written with their dash; a valid code typed another way ("k7qx 3m2pc") is a lookup too.
    const typedCode = trackingCodeIn(text);
    const intent = result.intent !== 'track' && typedCode !== undefined && /\p{L}/u.test(typedCode) && isValidTrackingCode(typedCode) ? 'track' : result.intent;
    switch (intent) {
      case 'greeting':
        return say(copy.bot.greeting, menuButtons(copy));
      case 'handoff':
        return requestOperator(say, { conversationId, question: text, ...(procedureId ? { procedureId } : {}) });
      case 'news':
        return say(copy.bot.news, menuButtons(copy));
      case 'track': {
        const code = typedCode;
        if (code !== undefined) {
          const found = await services.lookupTicket(code, conversationId);
          if (found.outcome === 'found') return say(copy.bot.tickets.detail(found.ticket), menuButtons(copy));
          if (found.outcome === 'invalid') return say(copy.bot.tickets.codeInvalid(code), menuButtons(copy));
          // Not this conversation's: maybe asked from another channel with a phone number (the same offer whether the code exists or not).
          return bot.beginDialog(TRACK_PROOF_DIALOG, { conversationId, code } satisfies TrackProofVars);
        }
        const tickets = await services.trackTickets(conversationId);
        return say(tickets.length > 0 ? copy.bot.tickets.list(tickets) : copy.bot.tickets.none, menuButtons(copy));
      }
      case 'feedback':
        return bot.beginDialog(REQUEST_DIALOG, { conversationId, question: text, reason: 'feedback' } satisfies RequestVars);
      case 'other':
        return say(copy.bot.outOfScope, menuButtons(copy));
      case 'procedure':
        if (result.decision === 'answer' && result.best) {
          return bot.beginDialog(PROCEDURE_DIALOG, { procedureId: result.best.procedure.id, ...(result.followUp ? { followUp: result.followUp } : {}) });
        }
        if (result.decision === 'clarify') return say(services.answerText(result), clarifyButtons(result));
        {
          // The catalog has no answer: an agency may have answered a similar question publicly.
          const published = await services.publishedAnswer(text);
          if (published) return bot.beginDialog(REQUEST_DIALOG, { conversationId, question: text, reason: 'published', published: published.text } satisfies RequestVars);
        }
        return bot.beginDialog(REQUEST_DIALOG, { conversationId, question: text, reason: 'unanswered' } satisfies RequestVars);
    }
  }

  /** Leaves the current dialog and treats the message as a new one. */
  async function reroute(bot: BotWorker, text: string, context: RouteContext = {}): Promise<void> {
    const message = (bot as unknown as { getConfig(k: string): { turnState: Map<string, unknown> } }).getConfig('context').turnState.get('botkitMessage') as BotkitMessage;
    await bot.cancelAllDialogs();
    await route(bot, message, text, context);
  }

  const procedure = new BotkitConversation(PROCEDURE_DIALOG, controller);
  // `before` runs again on every repeat: only the first run composes the answer.
  procedure.before('default', async (convo) => {
    const vars = convo.vars as ProcedureVars & { followUp?: Parameters<FlowServices['followUpText']>[1] };
    if (vars.say) return;
    convo.setVar('say', vars.followUp ? services.followUpText(vars.procedureId, vars.followUp) : services.procedureText(vars.procedureId));
    convo.setVar('link', services.procedureLink(vars.procedureId) ?? null);
  });
  procedure.ask(
    {
      text: (_template: unknown, vars: ProcedureVars) => vars.say,
      quick_replies: (_template: unknown, vars: ProcedureVars) => vars.buttons ?? followUpButtons(copy),
      attachment: (_template: unknown, vars: ProcedureVars) => (vars.buttons ? null : (vars.link ?? null)),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const vars = convo.vars as ProcedureVars;
          const payload = parsePayload(response);
          const show = async (say: string, buttons?: QuickReply[]) => {
            convo.setVar('say', say);
            convo.setVar('buttons', buttons);
            convo.setVar('link', services.procedureLink(convo.vars.procedureId as string) ?? null);
            await convo.repeat();
          };
          if (payload?.kind === 'topic') return show(services.followUpText(vars.procedureId, payload.topic));
          if (payload?.kind === 'procedure') {
            convo.setVar('procedureId', payload.id);
            return show(services.procedureText(payload.id));
          }
          // A request for an agency or an operator from here is about this procedure.
          if (payload) return reroute(bot, response, { procedureId: vars.procedureId });
          const result = services.ask(response, { currentProcedureId: vars.procedureId });
          if (result.intent === 'procedure' && result.decision === 'answer' && result.best) {
            const id = result.best.procedure.id;
            convo.setVar('procedureId', id);
            return show(result.followUp ? services.followUpText(id, result.followUp) : services.procedureText(id));
          }
          if (result.intent === 'procedure' && result.decision === 'clarify') return show(services.answerText(result), clarifyButtons(result));
          return reroute(bot, response, { procedureId: vars.procedureId });
        },
      },
    ],
    'reply',
  );
  controller.addDialog(procedure);

  const request = new BotkitConversation(REQUEST_DIALOG, controller);
  // Step 1: what to do with the question (or, from the menu, the question itself).
  request.ask(
    {
      text: (_template: unknown, vars: RequestVars) =>
        vars.reason === 'published' && vars.published
          ? `${vars.published}\n\n${copy.bot.publishedAnswerOffer}`
          : vars.reason === 'unanswered'
          ? copy.bot.fallbackOffer
          : vars.reason === 'feedback'
            ? copy.bot.feedbackOffer
            : vars.reason === 'operator'
              ? copy.bot.handoffOffer
              : vars.procedureId && services.getProcedure(vars.procedureId)
                ? copy.bot.tickets.questionPromptAbout(services.getProcedure(vars.procedureId)!.name)
                : copy.bot.tickets.questionPrompt,
      quick_replies: (_template: unknown, vars: RequestVars) => (vars.question ? fallbackButtons(copy) : []),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const vars = convo.vars as RequestVars;
          const payload = parsePayload(response);
          const say = sayWith(bot);
          if (payload?.kind === 'request' && payload.item === 'rephrase') {
            await say(copy.bot.rephrase);
            return convo.stop();
          }
          if (payload?.kind === 'request' && vars.question) {
            if (payload.item === 'operator') {
              await requestOperator(say, vars);
              return convo.stop();
            }
            return convo.gotoThread('consent');
          }
          if (!payload && !vars.question && (vars.reason === 'agency' || vars.reason === 'operator')) {
            if (vars.reason === 'operator') {
              await requestOperator(say, { conversationId: vars.conversationId, question: response, ...(vars.procedureId ? { procedureId: vars.procedureId } : {}) });
              return convo.stop();
            }
            convo.setVar('question', response.trim());
            return convo.gotoThread('consent');
          }
          return reroute(bot, response);
        },
      },
    ],
    'choice',
  );

  // Step 2: the question shown back, and consent to forward it.
  request.addQuestion(
    {
      text: (_template: unknown, vars: RequestVars) => copy.bot.tickets.consentPrompt(vars.question),
      quick_replies: () => yesNoButtons(copy.bot.tickets.consentButtons),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const answer = yesNo(response);
          if (answer === 'yes') return convo.gotoThread((convo.vars as RequestVars).reason === 'feedback' ? 'place' : 'publish');
          if (answer === 'no') {
            await sayWith(bot)(copy.bot.tickets.consentDeclined, menuButtons(copy));
            return convo.stop();
          }
          return reroute(bot, response);
        },
      },
    ],
    'consent',
    'consent',
  );

  // Step 2b, feedback only: where the problem is. Required: the agency has to find it.
  request.addQuestion(
    {
      text: () => copy.bot.tickets.placePrompt,
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          if (parsePayload(response)) return reroute(bot, response);
          const place = tidy(response, PLACE_MAX);
          // A yes or a no (a reply to the consent typed twice, say) is no place: asked again.
          if (!/\p{L}/u.test(place) || yesNo(response) !== undefined) {
            await sayWith(bot)(copy.bot.tickets.placeInvalid);
            return convo.repeat();
          }
          if (isOtherMessage(response)) return reroute(bot, response);
          convo.setVar('place', place);
          return convo.gotoThread('publish');
        },
      },
    ],
    'placeReply',
    'place',
  );

  // Step 3: may the question and answer be published without personal data.
  request.addQuestion(
    {
      text: () => copy.bot.tickets.publishPrompt,
      quick_replies: () => yesNoButtons(copy.bot.tickets.publishButtons),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const answer = yesNo(response);
          if (answer === undefined) return reroute(bot, response);
          convo.setVar('publish', answer === 'yes');
          return convo.gotoThread('name');
        },
      },
    ],
    'publish',
    'publish',
  );

  // Step 4: an optional name, so the agency can address the citizen.
  request.addQuestion(
    {
      text: () => copy.bot.tickets.namePrompt,
      quick_replies: () => skipButtons(copy),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const payload = parsePayload(response);
          if (payload?.kind === 'answer' && payload.item !== 'yes') return convo.gotoThread('phone');
          if (payload) return reroute(bot, response);
          const name = tidy(response, NAME_MAX);
          // Only the whole reply skips: names may start like a skip word (K'Thành reads as "k thanh").
          if (name === '' || copy.bot.tickets.skipWords.includes(normalizeAnswer(response))) return convo.gotoThread('phone');
          // A question or a long message is not a name: the citizen moved on.
          if (response.includes('?') || response.trim().split(/\s+/).length > NAME_MAX_WORDS) return reroute(bot, response);
          const code = trackingCodeIn(response);
          if (code !== undefined && isValidTrackingCode(code)) return reroute(bot, response);
          if (/\d/.test(name) || !/\p{L}/u.test(name)) {
            await sayWith(bot)(copy.bot.tickets.nameInvalid);
            return convo.repeat();
          }
          convo.setVar('name', name);
          return convo.gotoThread('phone');
        },
      },
    ],
    'nameReply',
    'name',
  );

  // Step 5: an optional phone number for a call-back; then the ticket is opened.
  request.addQuestion(
    {
      text: () => copy.bot.tickets.phonePrompt,
      quick_replies: () => skipButtons(copy),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const vars = convo.vars as RequestVars;
          const payload = parsePayload(response);
          const typed = payload ? undefined : normalizeAnswer(response);
          let phone: string | undefined;
          if ((payload?.kind === 'answer' && payload.item !== 'yes') || (typed !== undefined && matches(typed, copy.bot.tickets.skipWords))) {
            phone = undefined;
          } else if (!payload && phoneCandidate(response) !== undefined) {
            const found = phoneCandidate(response)!;
            if (phoneLast4(found) === undefined) {
              await sayWith(bot)(copy.bot.tickets.phoneInvalid);
              return convo.repeat();
            }
            phone = found;
          } else {
            return reroute(bot, response);
          }
          const opened = await services.openTicket({
            conversationId: vars.conversationId,
            requestId: turnIdOf(bot),
            kind: vars.reason === 'feedback' ? 'feedback' : 'question',
            question: vars.question,
            ...(vars.reason === 'feedback' && vars.place ? { place: vars.place } : {}),
            ...(vars.procedureId ? { procedureId: vars.procedureId } : {}),
            publish: vars.publish === true,
            ...(vars.name ? { name: vars.name } : {}),
            ...(phone ? { phone } : {}),
          });
          const place = vars.reason === 'feedback' && vars.place ? { place: vars.place } : {};
          await sayWith(bot)(copy.bot.tickets.opened({ ...opened, callback: phone !== undefined, ...place }), menuButtons(copy));
          return convo.stop();
        },
      },
    ],
    'phone',
    'phone',
  );
  controller.addDialog(request);

  // "Still unclear" under an agency's answer (the ticket was checked reopenable): what is unclear, then the reopen.
  const reopen = new BotkitConversation(REOPEN_DIALOG, controller);
  reopen.ask(
    {
      text: (_template: unknown, vars: ReopenVars) => copy.bot.tickets.reopenPrompt(vars.code),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const vars = convo.vars as ReopenVars;
          const reason = tidy(response, REASON_MAX);
          if (parsePayload(response) || !/\p{L}/u.test(reason) || yesNo(response) !== undefined || isOtherMessage(response)) return reroute(bot, response);
          const say = sayWith(bot);
          const result = await services.reopenTicket({ code: vars.code, conversationId: vars.conversationId, reason });
          if (result.outcome === 'done') await say(copy.bot.tickets.reopened(result), menuButtons(copy));
          else await sayRefusal(say, vars.code, result);
          return convo.stop();
        },
      },
    ],
    'reason',
  );
  controller.addDialog(reopen);

  // A typed code not found from this conversation: "not found", and the offer to prove being the asker with the phone's last 4 digits.
  const trackProof = new BotkitConversation(TRACK_PROOF_DIALOG, controller);
  trackProof.ask(
    {
      text: (_template: unknown, vars: TrackProofVars) => `${copy.bot.tickets.notFound(vars.code)}\n\n${copy.bot.tickets.phoneProofOffer}`,
      quick_replies: () => skipButtons(copy),
    },
    [
      {
        default: true,
        handler: async (response: string, convo, bot) => {
          const vars = convo.vars as TrackProofVars;
          const say = sayWith(bot);
          const payload = parsePayload(response);
          const typed = payload ? undefined : normalizeAnswer(response);
          if ((payload?.kind === 'answer' && payload.item !== 'yes') || (typed !== undefined && (copy.bot.tickets.skipWords.includes(typed) || copy.bot.tickets.noWords.includes(typed)))) {
            await say(copy.bot.tickets.phoneProofSkipped, menuButtons(copy));
            return convo.stop();
          }
          if (payload) return reroute(bot, response);
          // Another code (even one of digits only) is a new lookup.
          const code = trackingCodeIn(response);
          if (code !== undefined && isValidTrackingCode(code)) return reroute(bot, response);
          const last4 = last4In(response);
          if (last4 === undefined) return reroute(bot, response);
          const found = await services.lookupTicketByPhone(vars.code, last4, vars.conversationId);
          switch (found.outcome) {
            case 'found':
              await say(copy.bot.tickets.detail(found.ticket), menuButtons(copy));
              break;
            case 'limited':
              await say(copy.bot.tickets.phoneLookupLimited, menuButtons(copy));
              break;
            case 'invalid':
              await say(copy.bot.tickets.codeInvalid(vars.code), menuButtons(copy));
              break;
            case 'not-found':
              await say(copy.bot.tickets.phoneNotFound(vars.code), menuButtons(copy));
              break;
          }
          return convo.stop();
        },
      },
    ],
    // No key: the digits are not kept in the dialog's state.
    null,
  );
  controller.addDialog(trackProof);

  controller.on('message', async (bot: BotWorker, message: BotkitMessage) => route(bot, message, message.text ?? ''));
  controller.on('follow', async (bot: BotWorker) => sayWith(bot)(copy.bot.greeting, menuButtons(copy)));
}
