import { BotkitConversation, type Botkit, type BotkitDialogWrapper, type BotWorker } from 'botkit';
import type { Locale } from '../src/domain/locale.js';
import type { ReplyMeta } from '../src/domain/message.js';
import { reachedOperators, type HandoffReason } from '../src/domain/handoff.js';
import { parsePayload, REQUEST_AGENCY, REQUEST_CALLBACK } from '../src/domain/payloads.js';
import { phoneLast4 } from '../src/domain/ticket.js';
import type { FlowServices } from '../src/ports/flow-services.js';
import { fallbackButtons, menuButtons, skipButtons, yesNoButtons } from './buttons.js';
import { REQUEST_DIALOG, type FlowKit, type RequestVars } from './dialogs.js';
import { freeTextStep, invalid, matches, metaJson, normalizeAnswer, phoneCandidate, sayWith, tidy, turnIdOf, validCodeIn, withProcedure, yesNo } from './replies.js';

/**
 * `request`: sending a question or a problem report to an agency. It starts from an offer (no answer
 * found, an agency's published answer to a similar question, a problem reported) or from the citizen's
 * own choice of an agency (then it asks for the question, or goes straight to consent when the question
 * is known). A complaint about how a procedure was handled is feedback whose offer names that procedure
 * as context; the complaint itself, as written, is what is forwarded. The question is shown back and
 * forwarded only on an explicit yes (a button or a typed yes); feedback then asks where the problem is
 * (required); then consent to publish without personal data, an optional name and an optional phone for
 * a call-back; then the ticket is opened and the citizen gets its tracking code, agency and due date. An
 * operator is asked for with a button: the handoff starts at once (no step waits for it). A message
 * a step cannot use ends the dialog and is routed afresh, so the citizen is never stuck and nothing is
 * opened by accident.
 */

/** Longest name kept (the rest is cut): a name, not a message. */
const NAME_MAX = 60;
/** Longer than this, or with a question mark, a reply to the name step is a new message, not a name. */
const NAME_MAX_WORDS = 7;
/** Longest place kept. */
const PLACE_MAX = 300;

/**
 * The citizen needs a person (`reason`): the conversation joins the hotline's queue, whose notice (place
 * and wait) the handoff sends itself, so nothing more is said here; when nobody can be reached (out of
 * hours, nobody online) the citizen is told so at once, in the conversation's language, and offered to
 * leave the question for an agency or to be called back. `preface` (an emergency's numbers) comes first
 * either way. Returns whether it was queued.
 */
export async function requestOperator(
  bot: BotWorker,
  services: FlowServices,
  input: { conversationId: string; question: string; procedureId?: string; reason?: HandoffReason; preface?: string },
  locale: Locale = services.copy.locale,
): Promise<boolean> {
  const result = await services.requestOperator({
    conversationId: input.conversationId,
    reason: input.reason ?? 'requested',
    question: input.question,
    ...withProcedure(input),
    ...(input.preface !== undefined && { preface: input.preface }),
  });
  if (reachedOperators(result)) return true;
  const copy = services.copyFor(locale);
  const handoff = copy.bot.handoff;
  const say = sayWith(bot, locale);
  // Said by the queue notice when queued; here, before the offer.
  if (input.preface !== undefined) await say({ text: input.preface, meta: { tag: 'handoff' } });
  await say({
    text: result.outcome === 'out-of-hours' ? handoff.outOfHours(result) : handoff.nobodyOnline,
    buttons: [
      { title: handoff.offerButtons.agency, payload: REQUEST_AGENCY },
      { title: handoff.offerButtons.callback, payload: REQUEST_CALLBACK },
    ],
    meta: { tag: 'operator-requested', ...withProcedure(input) },
  });
  return false;
}

export function register(controller: Botkit, { services, copy, reroute }: FlowKit): void {
  const meta = (tag: ReplyMeta['tag']) => ({ meta: { tag, locale: copy.locale } });
  const tickets = copy.bot.tickets;
  /** The ticket texts in the language the dialog began in (Khmer and English translate the consent and the confirmation). */
  const ticketsIn = (vars: RequestVars) => services.copyFor(vars.locale ?? copy.locale).bot.tickets;

  /**
   * Whether a typed reply to the place step is clearly something else: a tracking code, a greeting, a
   * call for an operator, a lookup or news. Such a reply is routed afresh.
   */
  function isOtherMessage(text: string): boolean {
    if (validCodeIn(text) !== undefined) return true;
    const intent = services.ask(text).intent;
    return intent === 'greeting' || intent === 'handoff' || intent === 'track' || intent === 'news';
  }

  const request = new BotkitConversation(REQUEST_DIALOG, controller);
  request.before('default', async (convo) => {
    const vars = convo.vars as RequestVars;
    // The citizen chose an agency and the question is known ("none of these", a matter outside the catalog): straight to consent.
    if (vars.reason === 'agency' && vars.question) return convo.gotoThread('consent');
    convo.setVar('meta', metaJson({ tag: vars.question ? 'offer' : 'ask-prompt', ...withProcedure(vars), ...(vars.reason === 'unanswered' && { fallback: true }) }, copy.locale));
  });

  // Step 1: what to do with the question (or, after the citizen chose an agency, the question itself).
  request.ask(
    {
      text: (_template: unknown, vars: RequestVars) => {
        if (vars.reason === 'published' && vars.published) return `${vars.published}\n\n${copy.bot.publishedAnswerOffer}`;
        if (vars.reason === 'unanswered') return copy.bot.fallbackOffer;
        const procedure = vars.procedureId ? services.getProcedure(vars.procedureId) : undefined;
        if (vars.reason === 'feedback') return vars.complaint && procedure ? copy.bot.complaintOffer(procedure.name) : copy.bot.feedbackOffer;
        return procedure ? tickets.questionPromptAbout(procedure.name) : tickets.questionPrompt;
      },
      quick_replies: (_template: unknown, vars: RequestVars) => (vars.question ? fallbackButtons(copy) : []),
      channelData: { meta: '{{{vars.meta}}}' },
    },
    [
      {
        default: true,
        handler: async (response: string, convo: BotkitDialogWrapper, bot: BotWorker) => {
          const vars = convo.vars as RequestVars;
          const payload = parsePayload(response);
          const say = sayWith(bot, copy.locale);
          if (payload?.kind === 'request' && payload.item === 'rephrase') {
            await say({ text: copy.bot.rephrase, meta: { tag: 'ask-prompt' } });
            return convo.stop();
          }
          if (payload?.kind === 'request' && payload.item === 'operator') {
            await requestOperator(bot, services, { conversationId: vars.conversationId, question: vars.question ?? '', ...withProcedure(vars) });
            return convo.stop();
          }
          if (payload?.kind === 'request' && payload.item === 'agency' && vars.question) return convo.gotoThread('consent');
          if (payload) return reroute(bot, response, withProcedure(vars));
          if (!vars.question) {
            // "Cảm ơn", "thôi", "không phải" are no question: answered as small talk, the dialog left.
            if (services.ask(response).smallTalk !== undefined) return reroute(bot, response);
            // The citizen chose to write to an agency: this is the question (shown back before anything is sent).
            convo.setVar('question', tidy(response, 2000));
            return convo.gotoThread('consent');
          }
          // "Có" / "không" to the offer: yes goes on to the consent step (nothing is sent before it), no ends it.
          const answer = yesNo(response, tickets);
          if (answer === 'yes') return convo.gotoThread('consent');
          if (answer === 'no') {
            await say({ text: tickets.consentDeclined, buttons: menuButtons(copy), meta: { tag: 'help' } });
            return convo.stop();
          }
          return reroute(bot, response, withProcedure(vars));
        },
      },
    ],
    'choice',
  );

  // Step 2: the question shown back, and consent to forward it: only an explicit yes goes on.
  request.addQuestion(
    {
      text: (_template: unknown, vars: RequestVars) => ticketsIn(vars).consentPrompt(vars.question, vars.reason === 'feedback' ? 'feedback' : 'question'),
      quick_replies: (_template: unknown, vars: RequestVars) => yesNoButtons(ticketsIn(vars).consentButtons),
      channelData: meta('consent'),
    },
    [
      {
        default: true,
        handler: async (response: string, convo: BotkitDialogWrapper, bot: BotWorker) => {
          const answer = yesNo(response, tickets);
          if (answer === 'yes') return convo.gotoThread((convo.vars as RequestVars).reason === 'feedback' ? 'place' : 'publish');
          if (answer === 'no') {
            await sayWith(bot, copy.locale)({ text: tickets.consentDeclined, buttons: menuButtons(copy), meta: { tag: 'help' } });
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
    { text: () => tickets.placePrompt, channelData: meta('place') },
    [
      {
        default: true,
        handler: freeTextStep({
          reroute: (bot, text) => reroute(bot, text),
          accept: async (response, convo, bot) => {
            const place = tidy(response, PLACE_MAX);
            // A yes or a no (a reply to the consent typed twice, say) is no place: asked again.
            if (!/\p{L}/u.test(place) || yesNo(response, tickets) !== undefined) {
              return invalid(sayWith(bot, copy.locale), { text: tickets.placeInvalid, meta: { tag: 'place' } }, convo);
            }
            if (isOtherMessage(response)) return reroute(bot, response);
            convo.setVar('place', place);
            return convo.gotoThread('publish');
          },
        }),
      },
    ],
    'placeReply',
    'place',
  );

  // Step 3: may the question and answer be published without personal data.
  request.addQuestion(
    { text: () => tickets.publishPrompt, quick_replies: () => yesNoButtons(tickets.publishButtons), channelData: meta('publish') },
    [
      {
        default: true,
        handler: async (response: string, convo: BotkitDialogWrapper, bot: BotWorker) => {
          const answer = yesNo(response, tickets);
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
    { text: () => tickets.namePrompt, quick_replies: () => skipButtons(copy), channelData: meta('name') },
    [
      {
        default: true,
        handler: freeTextStep({
          reroute: (bot, text) => reroute(bot, text),
          // Only the whole reply skips: names may start like a skip word (K'Thành reads as "k thanh").
          skipWords: tickets.skipWords,
          skip: (convo) => convo.gotoThread('phone'),
          accept: async (response, convo, bot) => {
            const name = tidy(response, NAME_MAX);
            // A question or a long message is not a name: the citizen moved on.
            if (response.includes('?') || response.trim().split(/\s+/).length > NAME_MAX_WORDS) return reroute(bot, response);
            if (validCodeIn(response) !== undefined) return reroute(bot, response);
            if (/\d/.test(name) || !/\p{L}/u.test(name)) return invalid(sayWith(bot, copy.locale), { text: tickets.nameInvalid, meta: { tag: 'name' } }, convo);
            convo.setVar('name', name);
            return convo.gotoThread('phone');
          },
        }),
      },
    ],
    'nameReply',
    'name',
  );

  /** The last step: the ticket is opened (the citizen consented at step 2) and its confirmation said. */
  async function open(bot: BotWorker, vars: RequestVars, phone: string | undefined): Promise<void> {
    const feedback = vars.reason === 'feedback';
    const opened = await services.openTicket({
      conversationId: vars.conversationId,
      requestId: turnIdOf(bot),
      kind: feedback ? 'feedback' : 'question',
      question: vars.question,
      ...(feedback && vars.place ? { place: vars.place } : {}),
      ...withProcedure(vars),
      publish: vars.publish === true,
      ...(vars.name ? { name: vars.name } : {}),
      ...(phone ? { phone } : {}),
    });
    const place = feedback && vars.place ? { place: vars.place } : {};
    const confirmation = services.copyFor(vars.locale ?? copy.locale);
    await sayWith(bot, confirmation.locale)({
      text: confirmation.bot.tickets.opened({ ...opened, callback: phone !== undefined, kind: feedback ? 'feedback' : 'question', ...place }),
      buttons: menuButtons(confirmation),
      meta: { tag: 'ticket-opened', ...withProcedure(vars) },
    });
  }

  // Step 5: an optional phone number for a call-back; then the ticket is opened.
  request.addQuestion(
    { text: () => tickets.phonePrompt, quick_replies: () => skipButtons(copy), channelData: meta('phone') },
    [
      {
        default: true,
        handler: freeTextStep({
          reroute: (bot, text) => reroute(bot, text),
          skipWords: tickets.skipWords,
          skip: async (convo, bot) => {
            await open(bot, convo.vars as RequestVars, undefined);
            await convo.stop();
          },
          accept: async (response, convo, bot) => {
            const found = phoneCandidate(response);
            if (found === undefined) {
              // "không cần đâu", "thôi khỏi": a skip said in more words.
              if (!matches(normalizeAnswer(response), tickets.skipWords)) return reroute(bot, response);
            } else if (phoneLast4(found) === undefined) {
              return invalid(sayWith(bot, copy.locale), { text: tickets.phoneInvalid, meta: { tag: 'phone' } }, convo);
            }
            await open(bot, convo.vars as RequestVars, found);
            return convo.stop();
          },
        }),
      },
    ],
    'phone',
    'phone',
  );
  controller.addDialog(request);
}
