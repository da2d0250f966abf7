import { BotkitConversation, type Botkit, type BotkitDialogWrapper, type BotWorker } from 'botkit';
import { parsePayload, ticketPayload } from '../src/domain/payloads.js';
import type { TicketChange } from '../src/ports/flow-services.js';
import type { Copy } from '../src/domain/copy/types.js';
import { menuButtons, newQuestionButtons } from './buttons.js';
import { REOPEN_DIALOG, type FlowKit, type ReopenVars } from './dialogs.js';
import { sayWith, tidy, type Say } from './replies.js';

/**
 * `reopen`: "Chưa rõ, hỏi thêm" under an agency's answer (the ticket was checked reopenable) asks what
 * is unclear, then sends the ticket back to the agency with a new deadline. Whatever the citizen types
 * here is the reason, even when it reads like something else ("…liên hệ ai", a greeting, a code): only
 * a button leaves the dialog. The prompt offers "Đã rõ, cảm ơn" again, so the citizen can still close
 * the ticket instead; after leaving by another button, typing the tracking code shows the ticket with
 * both choices again (route.ts), so a reopen is never lost.
 */

/** Longest reopen reason kept. */
const REASON_MAX = 1000;

/** Words a close or reopen that did not happen (the ticket is someone else's, too old, or not in a state for it). */
export async function sayRefusal(say: Say, copy: Copy, code: string, result: Exclude<TicketChange, { outcome: 'done' }>): Promise<void> {
  const t = copy.bot.tickets;
  const meta = { tag: 'refusal' as const };
  switch (result.outcome) {
    case 'window-passed':
      return say({ text: t.reopenWindowPassed(result), buttons: newQuestionButtons(copy), meta });
    case 'unavailable':
      return say({ text: t.changeUnavailable(result), buttons: menuButtons(copy), meta });
    case 'invalid':
      return say({ text: t.codeInvalid(code), buttons: menuButtons(copy), meta });
    case 'not-found':
      return say({ text: t.notFound(code), buttons: menuButtons(copy), meta });
  }
}

export function register(controller: Botkit, { services, copy, reroute }: FlowKit): void {
  const reopen = new BotkitConversation(REOPEN_DIALOG, controller);
  reopen.ask(
    {
      text: (_template: unknown, vars: ReopenVars) => copy.bot.tickets.reopenPrompt(vars.code),
      quick_replies: (_template: unknown, vars: ReopenVars) => [{ title: copy.bot.tickets.answerButtons.close, payload: ticketPayload('close', vars.code) }],
      channelData: { meta: { tag: 'reopen-prompt', locale: copy.locale } },
    },
    [
      {
        default: true,
        handler: async (response: string, convo: BotkitDialogWrapper, bot: BotWorker) => {
          const vars = convo.vars as ReopenVars;
          if (parsePayload(response)) return reroute(bot, response);
          const reason = tidy(response, REASON_MAX);
          // Nothing to send (an emoji, punctuation): asked again, the dialog stays.
          if (!/[\p{L}\p{N}]/u.test(reason)) return convo.repeat();
          const say = sayWith(bot, copy.locale);
          const result = await services.reopenTicket({ code: vars.code, conversationId: vars.conversationId, reason });
          if (result.outcome === 'done') await say({ text: copy.bot.tickets.reopened(result), buttons: menuButtons(copy), meta: { tag: 'reopened' } });
          else await sayRefusal(say, copy, vars.code, result);
          return convo.stop();
        },
      },
    ],
    'reason',
  );
  controller.addDialog(reopen);
}
