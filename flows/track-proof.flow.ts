import { BotkitConversation, type Botkit, type BotkitDialogWrapper, type BotWorker } from 'botkit';
import { parsePayload } from '../src/domain/payloads.js';
import type { TicketDetails } from '../src/ports/flow-services.js';
import type { Copy } from '../src/domain/copy/types.js';
import { menuButtons, skipButtons, ticketButtons } from './buttons.js';
import { TRACK_PROOF_DIALOG, type FlowKit, type TrackProofVars } from './dialogs.js';
import { last4In, normalizeAnswer, sayWith, validCodeIn, type Shown } from './replies.js';

/**
 * `track-proof`: a typed tracking code not found with this conversation as proof gets the usual "not
 * found" and the offer to prove being the asker with the last 4 digits of the phone number given with
 * the question (asked from another channel). It holds only the code; the digits are checked once
 * (failed attempts limited by FlowServices) and never kept in the dialog's state.
 */

/** One ticket's detail; while its answer awaits the asker, with "Đã rõ" and "Chưa rõ" again (a reopen is never lost). */
export function ticketShown(copy: Copy, ticket: TicketDetails): Shown {
  return { text: copy.bot.tickets.detail(ticket), buttons: ticket.awaitingAsker ? ticketButtons(copy, ticket.code) : menuButtons(copy), meta: { tag: 'tickets' } };
}

export function register(controller: Botkit, { services, copy, reroute }: FlowKit): void {
  const t = copy.bot.tickets;
  const trackProof = new BotkitConversation(TRACK_PROOF_DIALOG, controller);
  trackProof.ask(
    {
      text: (_template: unknown, vars: TrackProofVars) => `${t.notFound(vars.code)}\n\n${t.phoneProofOffer}`,
      quick_replies: () => skipButtons(copy),
      channelData: { meta: { tag: 'track-proof', locale: copy.locale } },
    },
    [
      {
        default: true,
        handler: async (response: string, convo: BotkitDialogWrapper, bot: BotWorker) => {
          const vars = convo.vars as TrackProofVars;
          const say = sayWith(bot, copy.locale);
          const payload = parsePayload(response);
          const typed = payload ? undefined : normalizeAnswer(response);
          if ((payload?.kind === 'answer' && payload.item !== 'yes') || (typed !== undefined && (t.skipWords.includes(typed) || t.noWords.includes(typed)))) {
            await say({ text: t.phoneProofSkipped, buttons: menuButtons(copy), meta: { tag: 'tickets' } });
            return convo.stop();
          }
          if (payload) return reroute(bot, response);
          // Another code (even one of digits only) is a new lookup.
          if (validCodeIn(response) !== undefined) return reroute(bot, response);
          const last4 = last4In(response);
          if (last4 === undefined) return reroute(bot, response);
          const found = await services.lookupTicketByPhone(vars.code, last4, vars.conversationId);
          const meta = { tag: 'tickets' as const };
          switch (found.outcome) {
            case 'found':
              // Closing or reopening takes the asking conversation as proof: no choices offered from here.
              await say(ticketShown(copy, { ...found.ticket, awaitingAsker: false }));
              break;
            case 'limited':
              await say({ text: t.phoneLookupLimited, buttons: menuButtons(copy), meta });
              break;
            case 'invalid':
              await say({ text: t.codeInvalid(vars.code), buttons: menuButtons(copy), meta });
              break;
            case 'not-found':
              await say({ text: t.phoneNotFound(vars.code), buttons: menuButtons(copy), meta });
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
}
