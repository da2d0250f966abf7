import type { BotkitMessage, BotWorker } from 'botkit';
import type { Copy } from '../src/domain/copy/types.js';
import type { Locale } from '../src/domain/locale.js';
import { reachedOperators } from '../src/domain/handoff.js';
import { parsePayload, type Payload } from '../src/domain/payloads.js';
import { isValid as isValidTrackingCode } from '../src/domain/tracking-code.js';
import type { AskResult, FlowServices, NewsCommand } from '../src/ports/flow-services.js';
import { menuButtons, ticketButtons } from './buttons.js';
import { answerShown, concernShown, contactShown, languageShown, outsideShown, repairShown, talkShown } from './compose.js';
import { REOPEN_DIALOG, REQUEST_DIALOG, TRACK_PROOF_DIALOG, type ReopenVars, type RequestVars, type RouteContext, type TrackProofVars } from './dialogs.js';
import { newsRequestOf, newsShown, type NewsRequest } from './news.flow.js';
import { beginTopic, topicStep } from './procedure.flow.js';
import { sayRefusal } from './reopen.flow.js';
import { requestOperator } from './request.flow.js';
import { ticketShown } from './track-proof.flow.js';
import { askContextOf, conversationIdOf, type Say, sayWith, type Shown, storedLocaleOf, trackingCodeIn, withProcedure } from './replies.js';

/**
 * The out-of-dialog router: one message outside any dialog (or handed back by one, with what it knew)
 * goes down an ordered table of (matcher, handler) rows, and the first row that matches handles it.
 * Button payloads come first, then what the brain understood of the typed text. Nothing here opens a
 * ticket: tickets are opened by the request dialog after the citizen's explicit yes; an operator
 * request is recorded only on the citizen's explicit wish (the button, or the brain's `handoff`).
 */

/** One message being routed. The brain is asked at most once, and only for typed text. */
interface Turn {
  bot: BotWorker;
  text: string;
  payload: Payload | undefined;
  conversationId: string;
  context: RouteContext;
  say: Say;
  /** The language stored on the conversation (absent: Vietnamese). */
  storedLocale: Locale | undefined;
  /** The copy in the conversation's language, for the fixed texts (help, prompts, the operator request). */
  fixed: Copy;
  result(): AskResult;
  /** Whatever in the text reads as a tracking code (canonical), its check symbol right or not. */
  codeInText(): string | undefined;
  /** A tracking code typed in the text, canonical, with a valid check symbol. */
  typedCode(): string | undefined;
  /** A code with a wrong check symbol typed alone (or read as a lookup): "looks mistyped", not gibberish. */
  mistypedCode(): boolean;
  /** A news command in the typed text ("đăng ký nhận tin…", "hủy nhận tin", "stop", "tin mới"), read by the news service. */
  newsCommand(): NewsCommand | undefined;
}

interface Row {
  /** What the row is for, as a reader of the table needs it. */
  name: string;
  when: (turn: Turn) => boolean;
  run: (turn: Turn) => Promise<void>;
}

type PayloadOf<K extends Payload['kind']> = Extract<Payload, { kind: K }>;

/** Matches a button payload of this kind (and, optionally, more). */
const payload =
  <K extends Payload['kind']>(kind: K, also: (p: PayloadOf<K>, turn: Turn) => boolean = () => true) =>
  (turn: Turn): boolean =>
    turn.payload?.kind === kind && also(turn.payload as PayloadOf<K>, turn);

/** Matches typed text the brain read this way. */
const typed =
  (test: (result: AskResult, turn: Turn) => boolean) =>
  (turn: Turn): boolean =>
    turn.payload === undefined && test(turn.result(), turn);

const payloadOf = <K extends Payload['kind']>(turn: Turn) => turn.payload as PayloadOf<K>;

/** The brain's concern when the flows answer it with a reply: a dispute, an entitlement or a legal judgement (a complaint is feedback). */
const concernReply = (r: AskResult) => (r.concern && r.concern.kind !== 'complaint' ? { ...r.concern, kind: r.concern.kind } : undefined);

export function createRoute(services: FlowServices): (bot: BotWorker, message: BotkitMessage, text: string, context?: RouteContext) => Promise<void> {
  const copy: Copy = services.copy;
  const menu = () => menuButtons(copy);

  /** The ticket lookup of typed text: a code (this conversation's ticket, or the phone-digits offer), else the list. */
  async function track(turn: Turn): Promise<void> {
    const code = turn.typedCode() ?? turn.codeInText();
    if (code !== undefined) {
      const found = await services.lookupTicket(code, turn.conversationId);
      if (found.outcome === 'found') return turn.say(ticketShown(copy, found.ticket));
      if (found.outcome === 'invalid') return turn.say({ text: copy.bot.tickets.codeInvalid(code), buttons: menu(), meta: { tag: 'tickets' } });
      // Not this conversation's: maybe asked from another channel with a phone number (the same offer whether the code exists or not).
      return turn.bot.beginDialog(TRACK_PROOF_DIALOG, { conversationId: turn.conversationId, code } satisfies TrackProofVars);
    }
    const tickets = await services.trackTickets(turn.conversationId);
    // The newest answer still awaiting the citizen keeps its two choices (a reopen is never lost).
    const awaiting = tickets.find((t) => t.awaitingAsker);
    return turn.say({
      text: tickets.length > 0 ? copy.bot.tickets.list(tickets) : copy.bot.tickets.none,
      buttons: awaiting ? ticketButtons(copy, awaiting.code) : menu(),
      meta: { tag: 'tickets' },
    });
  }

  /**
   * "Chưa hiểu / vẫn chưa rõ" while an agency's answer awaits the citizen: that answer again, with
   * "Đã rõ" and "Chưa rõ, hỏi thêm" (typed words bring a reopen back); undefined when none awaits.
   */
  async function awaitingAnswer(turn: Turn): Promise<Shown | undefined> {
    const awaiting = (await services.trackTickets(turn.conversationId)).find((t) => t.awaitingAsker);
    if (!awaiting) return undefined;
    const found = await services.lookupTicket(awaiting.code, turn.conversationId);
    return found.outcome === 'found' ? ticketShown(copy, found.ticket) : undefined;
  }

  /** News in the conversation's language: the menu, a subscription, leaving, the latest items (news.flow.ts). */
  const news = async (turn: Turn, request: NewsRequest, said: Copy = turn.fixed) => turn.say(await newsShown(services, said, turn.conversationId, request));

  const request = (turn: Turn, vars: Omit<RequestVars, 'conversationId'>) =>
    turn.bot.beginDialog(REQUEST_DIALOG, { conversationId: turn.conversationId, locale: turn.fixed.locale, ...vars } satisfies RequestVars);

  const rows: Row[] = [
    // Buttons.
    {
      name: 'close a ticket (under its answer)',
      when: payload('ticket', (p) => p.action === 'close'),
      run: async (turn) => {
        const { code } = payloadOf<'ticket'>(turn);
        const closed = await services.closeTicket(code, turn.conversationId);
        if (closed.outcome === 'done') return turn.say({ text: copy.bot.tickets.closed(closed.code), buttons: menu(), meta: { tag: 'closed' } });
        return sayRefusal(turn.say, copy, code, closed);
      },
    },
    {
      name: 'reopen a ticket: ask what is unclear',
      when: payload('ticket', (p) => p.action === 'reopen'),
      run: async (turn) => {
        const { code } = payloadOf<'ticket'>(turn);
        const check = await services.checkReopenTicket(code, turn.conversationId);
        if (check.outcome === 'done') return turn.bot.beginDialog(REOPEN_DIALOG, { conversationId: turn.conversationId, code: check.code } satisfies ReopenVars);
        return sayRefusal(turn.say, copy, code, check);
      },
    },
    {
      name: 'a procedure chosen',
      when: payload('procedure'),
      run: (turn) => beginTopic(turn.bot, services, { before: [], prompt: answerShown(services, payloadOf<'procedure'>(turn).id), state: { procedureId: payloadOf<'procedure'>(turn).id } }),
    },
    {
      name: 'a follow-up button about the procedure under discussion',
      when: payload('topic', (_p, turn) => turn.context.procedureId !== undefined),
      run: (turn) => {
        const id = turn.context.procedureId!;
        return beginTopic(turn.bot, services, { before: [], prompt: answerShown(services, id, payloadOf<'topic'>(turn).topic), state: { procedureId: id } });
      },
    },
    { name: 'a follow-up button with no procedure under discussion', when: payload('topic'), run: (turn) => turn.say({ text: copy.answers.noCurrentProcedure, meta: { tag: 'ask-prompt' } }) },
    { name: 'menu: ask', when: payload('menu', (p) => p.item === 'ask'), run: (turn) => turn.say({ text: turn.fixed.bot.askPrompt, meta: { tag: 'ask-prompt', locale: turn.fixed.locale } }) },
    {
      name: 'menu: help',
      when: payload('menu'),
      run: (turn) => turn.say({ text: turn.fixed.bot.help, buttons: menuButtons(turn.fixed), meta: { tag: 'help', locale: turn.fixed.locale } }),
    },
    {
      name: 'continue in Vietnamese (or another language)',
      when: payload('language'),
      run: async (turn) => {
        const { locale } = payloadOf<'language'>(turn);
        if (locale !== (turn.storedLocale ?? copy.locale)) await services.setLocale(turn.conversationId, locale);
        const chosen = services.copyFor(locale);
        return turn.say({ text: chosen.bot.greeting, buttons: menuButtons(chosen), meta: { tag: 'greeting', locale } });
      },
    },
    {
      name: 'a news button: a topic subscribed, one topic or all stopped, the latest items, the topics',
      when: payload('news'),
      run: (turn) => news(turn, payloadOf<'news'>(turn)),
    },
    // A yes/no/skip button from a dialog that has already ended.
    { name: 'a stale yes, no or skip', when: payload('answer'), run: (turn) => turn.say({ text: copy.bot.help, buttons: menu(), meta: { tag: 'help' } }) },
    { name: '"none of these" / "no" under a clarification', when: payload('request', (p) => p.item === 'none'), run: (turn) => turn.say(repairShown(copy)) },
    { name: 'rephrase', when: payload('request', (p) => p.item === 'rephrase'), run: (turn) => turn.say({ text: copy.bot.rephrase, meta: { tag: 'ask-prompt' } }) },
    {
      name: 'a person: the handoff starts at once (the button is the explicit wish)',
      when: payload('request', (p) => p.item === 'operator'),
      run: async (turn) => {
        await requestOperator(turn.bot, services, { conversationId: turn.conversationId, question: turn.context.question ?? '', ...withProcedure(turn.context) }, turn.fixed.locale);
      },
    },
    {
      name: 'the rating of a human conversation',
      when: payload('csat'),
      run: async (turn) => {
        const { rating, handoffId } = payloadOf<'csat'>(turn);
        if (await services.rateHandoff(turn.conversationId, handoffId, rating)) return turn.say({ text: turn.fixed.bot.handoff.csatThanks, meta: { tag: 'csat' } });
        return turn.say({ text: copy.bot.help, buttons: menu(), meta: { tag: 'help' } });
      },
    },
    // "Never mind" under a queue notice that has already ended (the operator took it, or it timed out).
    { name: 'a stale "leave the queue"', when: payload('handoff'), run: (turn) => turn.say({ text: copy.bot.help, buttons: menu(), meta: { tag: 'help' } }) },
    {
      // The hotline desk is an agency of the directory: a call-back is a ticket whose phone step the citizen fills in.
      name: 'an agency, or a call-back when no operator could be reached: the question (known after "none of these"), else asked for',
      when: payload('request', (p) => p.item === 'agency' || p.item === 'callback'),
      run: (turn) => request(turn, { question: turn.context.question ?? '', reason: 'agency', ...withProcedure(turn.context) }),
    },
    // Typed text.
    {
      name: 'nothing typed (only spaces, an empty message): help',
      when: (turn) => turn.payload === undefined && turn.text.trim() === '',
      run: (turn) => turn.say({ text: turn.fixed.bot.help, buttons: menuButtons(turn.fixed), meta: { tag: 'help', locale: turn.fixed.locale } }),
    },
    {
      name: 'a tracking code: valid however typed ("k7qx 3m2pc"), or one the brain reads as a lookup (a mistyped check symbol)',
      when: (turn) => turn.payload === undefined && (turn.typedCode() !== undefined || turn.mistypedCode()),
      run: track,
    },
    // Before other languages and small talk, which would take "stop", "ឈប់" or "hủy" for something else.
    {
      name: 'a news command typed: "đăng ký nhận tin [chủ đề]", "hủy nhận tin [chủ đề]" / HỦY / DỪNG / STOP, "tin mới" (accents optional)',
      when: (turn) => turn.payload === undefined && turn.newsCommand() !== undefined,
      run: (turn) => {
        // "ឈប់" in a Vietnamese conversation is answered in Khmer; Vietnamese words in the conversation's language.
        const { language } = turn.result();
        return news(turn, newsRequestOf(turn.newsCommand()!), language !== copy.locale ? services.copyFor(language) : turn.fixed);
      },
    },
    {
      name: 'Khmer or English: what the assistant can do, in that language',
      when: typed((r) => r.language !== copy.locale),
      run: async (turn) => {
        const locale = turn.result().language;
        if (locale !== turn.storedLocale) await services.setLocale(turn.conversationId, locale);
        // The topic dialog keeps the message, so "a person" under this reply carries it to the operator.
        return beginTopic(turn.bot, services, { before: [], prompt: languageShown(services, locale), state: { question: turn.text } });
      },
    },
    {
      name: 'small talk and repair: a short reply, nothing opened ("chưa rõ" under an answer: that answer and its choices)',
      when: typed((r) => r.smallTalk !== undefined),
      run: async (turn) => {
        const answer = turn.result().smallTalk === 'confused' ? await awaitingAnswer(turn) : undefined;
        return turn.say(answer ?? talkShown(turn.fixed, turn.result())!);
      },
    },
    {
      name: 'an emergency: the emergency numbers at once, and a person when one can be reached',
      when: typed((r) => r.sensitive === 'emergency'),
      run: async (turn) => {
        await requestOperator(turn.bot, services, { conversationId: turn.conversationId, question: turn.text, reason: 'sensitive', preface: turn.fixed.bot.emergency }, turn.fixed.locale);
      },
    },
    {
      name: 'a denunciation or a complaint: a person when one can be reached, else the feedback offer with the citizen’s own words',
      when: typed((r) => r.sensitive === 'denunciation' || r.concern?.kind === 'complaint'),
      run: async (turn) => {
        const related = turn.result().concern?.related?.id;
        const handed = await services.requestOperator({ conversationId: turn.conversationId, reason: 'sensitive', question: turn.text, ...withProcedure({ procedureId: related }) });
        if (reachedOperators(handed)) return;
        return request(turn, { question: turn.text, reason: 'feedback', complaint: turn.result().concern?.kind === 'complaint', ...withProcedure({ procedureId: related }) });
      },
    },
    // A concern about a procedure carries the citizen's own words: before the wish to write to an agency
    // (which asks for the question again) and the generic feedback offer.
    {
      name: 'a dispute, an entitlement or a legal judgement: what it needs, the related procedure as context (the topic dialog keeps the question, to send it on)',
      when: typed((r) => concernReply(r) !== undefined),
      run: (turn) => {
        const shown = concernShown(copy, concernReply(turn.result())!);
        return beginTopic(turn.bot, services, { before: [], prompt: shown, state: { ...withProcedure(shown.meta), question: turn.text } });
      },
    },
    {
      name: 'a question for an agency, said in words',
      when: typed((r) => r.wantsAgency === true),
      run: (turn) => request(turn, { question: '', reason: 'agency', ...withProcedure(turn.context) }),
    },
    { name: 'greeting', when: typed((r) => r.intent === 'greeting'), run: (turn) => turn.say({ text: copy.bot.greeting, buttons: menu(), meta: { tag: 'greeting' } }) },
    {
      name: 'an explicit wish to talk to a person',
      when: typed((r) => r.intent === 'handoff'),
      run: async (turn) => {
        await requestOperator(turn.bot, services, { conversationId: turn.conversationId, question: turn.text, ...withProcedure(turn.context) });
      },
    },
    { name: 'news, in other words: the topic menu (or "not available yet")', when: typed((r) => r.intent === 'news'), run: (turn) => news(turn, { action: 'menu' }) },
    { name: "the citizen's tickets", when: typed((r) => r.intent === 'track'), run: track },
    { name: 'a problem reported: the feedback offer', when: typed((r) => r.intent === 'feedback'), run: (turn) => request(turn, { question: turn.text, reason: 'feedback' }) },
    {
      name: 'a matter outside the catalog: its competent body (the topic dialog keeps the question, to send it on)',
      when: typed((r) => r.outside !== undefined),
      run: (turn) => beginTopic(turn.bot, services, { before: [], prompt: outsideShown(copy, turn.result().outside!), state: { question: turn.text } }),
    },
    {
      name: 'who to contact: the directory entry',
      when: typed((r, turn) => contactShown(services, r, turn.context.procedureId) !== undefined),
      run: async (turn) => {
        const shown = contactShown(services, turn.result(), turn.context.procedureId)!;
        if (!shown.meta.procedureId) return turn.say(shown);
        return beginTopic(turn.bot, services, { before: [], prompt: shown, state: { procedureId: shown.meta.procedureId } });
      },
    },
    { name: 'out of scope', when: typed((r) => r.intent === 'other'), run: (turn) => turn.say({ text: copy.bot.outOfScope, buttons: menu(), meta: { tag: 'out-of-scope' } }) },
    {
      name: 'a procedure: answered, or a clarification (the topic dialog keeps it)',
      when: typed((r, turn) => topicStep(services, r, turn.text, turn.context) !== undefined),
      run: (turn) => beginTopic(turn.bot, services, topicStep(services, turn.result(), turn.text, turn.context)!),
    },
    {
      name: 'no answer: an agency’s published answer, else the offer to send the question on',
      when: () => true,
      run: async (turn) => {
        // The catalog has no answer: an agency may have answered a similar question publicly.
        const published = turn.payload === undefined ? await services.publishedAnswer(turn.text) : undefined;
        if (published) return request(turn, { question: turn.text, reason: 'published', published: published.text, ...withProcedure(turn.context) });
        // Two questions in a row without an answer: a person, when one can be reached.
        if (turn.payload === undefined && (await services.lastReplyWasFallback(turn.conversationId))) {
          const handed = await services.requestOperator({ conversationId: turn.conversationId, reason: 'fallbacks', question: turn.text, ...withProcedure(turn.context) });
          if (reachedOperators(handed)) return;
        }
        return request(turn, { question: turn.text, reason: 'unanswered', ...withProcedure(turn.context) });
      },
    },
  ];

  return async function route(bot, message, text, context = {}) {
    let result: AskResult | undefined;
    let inText: { code: string | undefined } | undefined;
    let newsCommand: { command: NewsCommand | undefined } | undefined;
    const storedLocale = storedLocaleOf(message);
    const turn: Turn = {
      bot,
      text,
      payload: parsePayload(text),
      conversationId: conversationIdOf(message),
      context,
      say: sayWith(bot, copy.locale),
      storedLocale,
      fixed: services.copyFor(storedLocale ?? copy.locale),
      result: () =>
        (result ??= services.ask(text, askContextOf(context))),
      codeInText: () => (inText ??= { code: trackingCodeIn(text) }).code,
      newsCommand: () => (newsCommand ??= { command: services.news?.read(text) }).command,
      typedCode() {
        // The brain knows codes written with their dash; a valid code typed another way ("k7qx 3m2pc") is a lookup too.
        const found = turn.codeInText();
        return found !== undefined && /\p{L}/u.test(found) && isValidTrackingCode(found) ? found : undefined;
      },
      mistypedCode() {
        const found = turn.codeInText();
        if (found === undefined || !/\p{L}/u.test(found)) return false;
        return text.trim().split(/\s+/).length <= 2 || turn.result().intent === 'track';
      },
    };
    // A Vietnamese message in a conversation that was in another language: back to Vietnamese. Small
    // talk and greetings ("ok", "hi", "thank you", "no") are shared words, not a change of language.
    if (turn.payload === undefined && storedLocale !== undefined && storedLocale !== copy.locale && /\p{L}/u.test(text)) {
      const { language, smallTalk, intent } = turn.result();
      if (language === copy.locale && smallTalk === undefined && intent !== 'greeting') await services.setLocale(turn.conversationId, language);
    }
    const row = rows.find((r) => r.when(turn))!;
    await row.run(turn);
  };
}
