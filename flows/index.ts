import { BotkitConversation, type Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import type { FlowServices } from '../src/ports/flow-services.js';
import { clarifyButtons, fallbackButtons, followUpButtons, menuButtons, type QuickReply } from './buttons.js';
import { parsePayload } from './payloads.js';

/**
 * The conversation flows. Outside a dialog every message goes through `route`: payloads from buttons
 * first, then the brain's intent. Two Botkit dialogs hold state across turns:
 * - `procedure`: the procedure under discussion, answering follow-ups (documents, fee, time…) and
 *   switching when the citizen names another procedure;
 * - `request`: when the brain cannot answer, or the citizen asks for an agency or an operator, it
 *   keeps the question, takes the citizen's choice and records the request.
 * A message a dialog cannot use ends the dialog and is routed afresh, so the citizen is never stuck.
 */

export const PROCEDURE_DIALOG = 'procedure';
export const REQUEST_DIALOG = 'request';

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
  reason: 'unanswered' | 'feedback' | 'agency' | 'operator';
}

type Say = (text: string, buttons?: QuickReply[]) => Promise<void>;

const sayWith = (bot: BotWorker): Say => async (text, buttons) => {
  await bot.say(buttons?.length ? { text, quick_replies: buttons } : text);
};

function conversationIdOf(message: BotkitMessage): string {
  return String((message as unknown as { conversationId?: string }).conversationId ?? message.channel);
}

export function registerFlows(controller: Botkit, services: FlowServices): void {
  const { copy } = services;

  async function recordAndConfirm(say: Say, vars: { conversationId: string; question: string }, kind: 'agency' | 'operator'): Promise<void> {
    const reference = await services.recordRequest({ conversationId: vars.conversationId, kind, question: vars.question });
    await say(copy.bot.requestRecorded(kind, reference), menuButtons(copy));
  }

  /** Handles one message outside any dialog. */
  async function route(bot: BotWorker, message: BotkitMessage, text: string): Promise<void> {
    const say = sayWith(bot);
    const conversationId = conversationIdOf(message);
    const payload = parsePayload(text);
    if (payload?.kind === 'procedure') return bot.beginDialog(PROCEDURE_DIALOG, { procedureId: payload.id });
    if (payload?.kind === 'topic') return say(copy.answers.noCurrentProcedure);
    if (payload?.kind === 'menu') return payload.item === 'ask' ? say(copy.bot.askPrompt) : say(copy.bot.help, menuButtons(copy));
    if (payload?.kind === 'request') {
      if (payload.item === 'rephrase') return say(copy.bot.rephrase);
      return bot.beginDialog(REQUEST_DIALOG, { conversationId, question: '', reason: payload.item } satisfies RequestVars);
    }
    const result = services.ask(text);
    switch (result.intent) {
      case 'greeting':
        return say(copy.bot.greeting, menuButtons(copy));
      case 'handoff':
        return recordAndConfirm(say, { conversationId, question: text }, 'operator');
      case 'news':
        return say(copy.bot.news, menuButtons(copy));
      case 'track':
        return say(copy.bot.track, menuButtons(copy));
      case 'feedback':
        return bot.beginDialog(REQUEST_DIALOG, { conversationId, question: text, reason: 'feedback' } satisfies RequestVars);
      case 'other':
        return say(copy.bot.outOfScope, menuButtons(copy));
      case 'procedure':
        if (result.decision === 'answer' && result.best) {
          return bot.beginDialog(PROCEDURE_DIALOG, { procedureId: result.best.procedure.id, ...(result.followUp ? { followUp: result.followUp } : {}) });
        }
        if (result.decision === 'clarify') return say(services.answerText(result), clarifyButtons(result));
        return bot.beginDialog(REQUEST_DIALOG, { conversationId, question: text, reason: 'unanswered' } satisfies RequestVars);
    }
  }

  /** Leaves the current dialog and treats the message as a new one. */
  async function reroute(bot: BotWorker, text: string): Promise<void> {
    const message = (bot as unknown as { getConfig(k: string): { turnState: Map<string, unknown> } }).getConfig('context').turnState.get('botkitMessage') as BotkitMessage;
    await bot.cancelAllDialogs();
    await route(bot, message, text);
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
          if (payload) return reroute(bot, response);
          const result = services.ask(response, { currentProcedureId: vars.procedureId });
          if (result.intent === 'procedure' && result.decision === 'answer' && result.best) {
            const id = result.best.procedure.id;
            convo.setVar('procedureId', id);
            return show(result.followUp ? services.followUpText(id, result.followUp) : services.procedureText(id));
          }
          if (result.intent === 'procedure' && result.decision === 'clarify') return show(services.answerText(result), clarifyButtons(result));
          return reroute(bot, response);
        },
      },
    ],
    'reply',
  );
  controller.addDialog(procedure);

  const request = new BotkitConversation(REQUEST_DIALOG, controller);
  request.ask(
    {
      text: (_template: unknown, vars: RequestVars) =>
        vars.reason === 'unanswered' ? copy.bot.fallbackOffer : vars.reason === 'feedback' ? copy.bot.feedbackOffer : vars.reason === 'operator' ? copy.bot.handoffOffer : copy.bot.askPrompt,
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
            await recordAndConfirm(say, vars, payload.item as 'agency' | 'operator');
            return convo.stop();
          }
          if (!payload && !vars.question && (vars.reason === 'agency' || vars.reason === 'operator')) {
            await recordAndConfirm(say, { conversationId: vars.conversationId, question: response }, vars.reason);
            return convo.stop();
          }
          return reroute(bot, response);
        },
      },
    ],
    'choice',
  );
  controller.addDialog(request);

  controller.on('message', async (bot: BotWorker, message: BotkitMessage) => route(bot, message, message.text ?? ''));
  controller.on('follow', async (bot: BotWorker) => sayWith(bot)(copy.bot.greeting, menuButtons(copy)));
}
