import { BotkitConversation, type Botkit, type BotkitDialogWrapper, type BotWorker } from 'botkit';
import type { Locale } from '../src/domain/locale.js';
import { parsePayload } from '../src/domain/payloads.js';
import type { AskResult, FlowServices } from '../src/ports/flow-services.js';
import { answerShown, clarifyShown, contactShown, repairShown, talkShown } from './compose.js';
import { PROCEDURE_DIALOG, type FlowKit, type ProcedureVars, type RouteContext } from './dialogs.js';
import { askContextOf, metaJson, sayWith, type Shown, storedLocaleOf, turnMessageOf, withProcedure, yesNo } from './replies.js';

/**
 * `procedure`: the topic under discussion. It holds the procedure being talked about and the options of
 * the last clarification, so that typed follow-ups ("nộp online được không", "mất bao lâu") are read
 * in that context (AskContext), a reply naming one option picks it, and a new procedure named switches
 * the topic. Small talk, "không phải" and contact questions are answered without leaving it. A message
 * it cannot use (another intent, a button of another dialog) ends it and is routed afresh with what
 * it knew (RouteContext).
 */

/** What the dialog shows for a procedure result: replies said first (a second procedure's answer), then its prompt and state. */
interface TopicStep {
  before: Shown[];
  prompt: Shown;
  state: RouteContext;
}

/**
 * An answer (also of two procedures named in one message: the first said, the second the prompt and
 * the new topic) or a clarification; undefined for an abstention.
 */
export function topicStep(services: FlowServices, result: AskResult, question: string, context: RouteContext = {}): TopicStep | undefined {
  if (result.intent !== 'procedure' || !result.best) return undefined;
  if (result.decision === 'answer') {
    const id = result.best.procedure.id;
    const second = result.also?.procedure.id;
    const place = result.place?.text;
    if (second && second !== id) {
      const first = answerShown(services, id, result.followUp, place, question);
      const intro = services.copy.bot.talk.both(result.best.procedure.name, result.also!.procedure.name);
      return {
        before: [{ text: `${intro}\n\n${first.text}`, link: first.link ?? null, meta: first.meta }],
        prompt: answerShown(services, second, result.followUp, place, question),
        state: { procedureId: second },
      };
    }
    return { before: [], prompt: answerShown(services, id, result.followUp, place, question), state: { procedureId: id } };
  }
  if (result.decision === 'clarify') {
    const shown = clarifyShown(services, result);
    return { before: [], prompt: shown, state: { ...withProcedure(context), options: shown.options, question, ...(result.followUp ? { topic: result.followUp } : {}) } };
  }
  return undefined;
}

/** The dialog's variables for a prompt and a state. */
function varsOf(shown: Shown, state: RouteContext, locale: Locale): ProcedureVars {
  return {
    ...state,
    say: shown.text,
    buttons: shown.buttons?.length ? shown.buttons : null,
    link: shown.link ?? null,
    meta: metaJson(shown.meta, locale),
  };
}

/** Starts the topic: `before` said, then the prompt, the dialog keeping `state`. */
export async function beginTopic(bot: BotWorker, services: FlowServices, step: TopicStep): Promise<void> {
  const say = sayWith(bot, services.copy.locale);
  for (const shown of step.before) await say(shown);
  await bot.beginDialog(PROCEDURE_DIALOG, varsOf(step.prompt, step.state, services.copy.locale));
}

export function register(controller: Botkit, { services, copy, reroute }: FlowKit): void {
  const procedure = new BotkitConversation(PROCEDURE_DIALOG, controller);
  procedure.ask(
    {
      text: (_template: unknown, vars: ProcedureVars) => vars.say,
      quick_replies: (_template: unknown, vars: ProcedureVars) => (vars.say ? (vars.buttons ?? []) : []),
      attachment: (_template: unknown, vars: ProcedureVars) => (vars.say ? vars.link : null),
      channelData: { meta: '{{{vars.meta}}}' },
    },
    [
      {
        default: true,
        handler: async (response: string, convo: BotkitDialogWrapper, bot: BotWorker) => {
          const vars = convo.vars as ProcedureVars;
          const context: RouteContext = {
            ...withProcedure(vars),
            ...(vars.options?.length ? { options: vars.options } : {}),
            ...(vars.question ? { question: vars.question } : {}),
          };
          const say = sayWith(bot, copy.locale);
          /** The next prompt, with the topic's new state (what it leaves out is cleared). */
          const show = async (shown: Shown, state: RouteContext) => {
            for (const key of ['procedureId', 'options', 'question', 'topic'] as const) convo.setVar(key, state[key]);
            for (const [key, value] of Object.entries(varsOf(shown, state, copy.locale))) convo.setVar(key, value);
            await convo.repeat();
          };
          /** A reply said outside the prompt; the topic stays as it is. */
          const aside = async (shown: Shown) => {
            await say(shown);
            convo.setVar('say', '');
            convo.setVar('meta', '');
            await convo.repeat();
          };

          const payload = parsePayload(response);
          // A settled clarification answers the aspect its question asked about ("… nộp ở đâu?").
          const asked = (id: string) => (vars.options?.includes(id) ? vars.topic : undefined);
          if (payload?.kind === 'procedure') return show(answerShown(services, payload.id, asked(payload.id)), { procedureId: payload.id });
          if (payload?.kind === 'topic' && vars.procedureId) return show(answerShown(services, vars.procedureId, payload.topic), { procedureId: vars.procedureId });
          if (payload?.kind === 'request' && payload.item === 'none') return aside(repairShown(copy));
          // A request for an agency or an operator from here is about this topic.
          if (payload) return reroute(bot, response, context);

          // A typed yes to "Có phải…?" picks its procedure; a typed no to a confirmation or a clarification is repair.
          const typed = vars.options?.length ? yesNo(response, copy.bot.tickets) : undefined;
          if (typed === 'yes' && vars.options?.length === 1) return show(answerShown(services, vars.options[0]!, vars.topic), { procedureId: vars.options[0]! });
          if (typed === 'no') return aside(repairShown(copy));

          const result = services.ask(response, askContextOf(vars));
          if (result.language !== copy.locale) return reroute(bot, response, context);
          // Small talk in the conversation's language (a Khmer or English conversation stays in it).
          const talk = talkShown(services.copyFor(storedLocaleOf(turnMessageOf(bot)) ?? copy.locale), result);
          if (talk) return aside(talk);
          const contact = contactShown(services, result, vars.procedureId);
          if (contact) return show(contact, { ...withProcedure(contact.meta) });
          const step = topicStep(services, result, response, context);
          if (step) {
            for (const shown of step.before) await say(shown);
            return show(step.prompt, step.state);
          }
          return reroute(bot, response, context);
        },
      },
    ],
    'reply',
  );
  controller.addDialog(procedure);
}
