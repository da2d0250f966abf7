import type { Botkit, BotkitMessage, BotWorker } from 'botkit';
import type { FlowServices } from '../src/ports/flow-services.js';
import { menuButtons } from './buttons.js';
import type { FlowKit, Reroute } from './dialogs.js';
import { register as registerProcedure } from './procedure.flow.js';
import { register as registerReopen } from './reopen.flow.js';
import { register as registerRequest } from './request.flow.js';
import { conversationIdOf, sayWith, turnMessageOf } from './replies.js';
import { createRoute } from './route.js';
import { register as registerTrackProof } from './track-proof.flow.js';

/**
 * The conversation flows (flows/README.md): the out-of-dialog router (route.ts) and one Botkit dialog
 * per file (`*.flow.ts`). A message a dialog cannot use ends the dialog and is routed afresh, with what
 * the dialog knew, so the citizen is never stuck.
 */

export function registerFlows(controller: Botkit, services: FlowServices): void {
  const route = createRoute(services);
  const reroute: Reroute = async (bot, text, context = {}) => {
    const message = turnMessageOf(bot);
    await bot.cancelAllDialogs();
    await route(bot, message, text, context);
  };
  const kit: FlowKit = { services, copy: services.copy, reroute };
  for (const register of [registerProcedure, registerRequest, registerReopen, registerTrackProof]) register(controller, kit);

  controller.on('message', async (bot: BotWorker, message: BotkitMessage) => route(bot, message, message.text ?? ''));
  controller.on('follow', async (bot: BotWorker) => sayWith(bot, services.copy.locale)({ text: services.copy.bot.greeting, buttons: menuButtons(services.copy), meta: { tag: 'greeting' } }));
  // Unfollowing the OA is leaving its news too (news-handoff-languages.md A.4.7): the subscription goes, silently.
  controller.on('unfollow', async (_bot: BotWorker, message: BotkitMessage) => {
    if (services.news?.available) await services.news.unsubscribe(conversationIdOf(message));
  });
}
