import type { ReplyButton } from '../domain/message.js';
import type { ConversationEngine } from '../ports/conversation-engine.js';
import type { FlowServices } from '../ports/flow-services.js';
import type { KeyValueRepo } from '../ports/store.js';
import { registerFlows } from '../../flows/index.js';
import { BridgeAdapter } from './bridge-adapter.js';
import { DialogStorage } from './dialog-storage.js';
import { SafeBotkit } from './safe-botkit.js';

const NUMBERED_CHOICE = /^\s*(\d{1,2})\s*[.)]?\s*$/;
const choicesKey = (conversationId: string) => `choices/${conversationId}`;

/**
 * The conversation engine on Botkit: one controller (no webserver, no console), the flows, dialog
 * state in the store. A reply of "2" picks the second option last offered, so channels that show
 * options as a numbered list (Zalo in text mode) work like channels with buttons.
 */
export async function createBotEngine(deps: { dialogState: KeyValueRepo; services: FlowServices }): Promise<ConversationEngine> {
  const adapter = new BridgeAdapter();
  const controller = new SafeBotkit({ adapter, storage: new DialogStorage(deps.dialogState), disable_webserver: true, disable_console: true });
  registerFlows(controller, deps.services);
  await new Promise<void>((resolve) => controller.ready(() => resolve()));

  /** The payload of the option a typed number picks among those last offered, if it is one. */
  async function choice(conversationId: string, typed: string | undefined): Promise<string | undefined> {
    const pick = typed !== undefined ? NUMBERED_CHOICE.exec(typed) : null;
    if (!pick) return undefined;
    const offered = (await deps.dialogState.read([choicesKey(conversationId)]))[choicesKey(conversationId)] as { buttons?: ReplyButton[] } | undefined;
    return offered?.buttons?.[Number(pick[1]) - 1]?.payload;
  }

  return {
    choice,
    async handleTurn({ conversation, message }) {
      const text = message.payload ?? (await choice(conversation.id, message.text)) ?? message.text ?? '';
      const replies = await adapter.ingest({ conversation, message, text }, (context) => controller.handleTurn(context));
      const lastWithButtons = [...replies].reverse().find((r) => r.buttons?.length);
      if (lastWithButtons) await deps.dialogState.write({ [choicesKey(conversation.id)]: { buttons: lastWithButtons.buttons } });
      return replies;
    },
    async offered(conversationId, buttons) {
      if (buttons.length > 0) await deps.dialogState.write({ [choicesKey(conversationId)]: { buttons: [...buttons] } });
    },
  };
}
