import { Botkit, BotWorker, type BotkitMessage } from 'botkit';
import { TurnContext } from 'botbuilder';

/**
 * Botkit 4.15 runs its middleware through `ware` callbacks inside `new Promise(executor)`: an error in
 * a handler, a send or a storage write becomes an unhandled rejection and the turn never settles
 * (botkit.md §5). These subclasses run the same sequence with every step awaited, so a failure
 * rejects the turn — the turn worker then apologizes and the process lives on.
 */

interface Ware {
  run(...args: unknown[]): void;
}

function run<T extends unknown[]>(ware: Ware, ...args: T): Promise<void> {
  return new Promise((resolve, reject) => ware.run(...args, (err: unknown) => (err ? reject(err) : resolve())));
}

/** Botkit's private members this wrapper drives (they are public in the JS, not in the typings). */
interface BotkitInternals {
  middleware: Record<'ingest' | 'receive' | 'interpret' | 'send', Ware>;
  dialogSet: { createContext(ctx: TurnContext): Promise<{ continueDialog(): Promise<{ status: string } | undefined> }> };
  listenForInterrupts(bot: BotWorker, message: BotkitMessage): Promise<unknown>;
  listenForTriggers(bot: BotWorker, message: BotkitMessage): Promise<unknown>;
  trigger(event: string, bot: BotWorker, message: BotkitMessage): Promise<unknown>;
}

export class SafeBotkit extends Botkit {
  /** Botkit's own version prints the error with console.error (bypassing log redaction) and rethrows a copy. */
  override async trigger(event: string, bot?: BotWorker, message?: BotkitMessage): Promise<any> {
    const handlers = ((this as unknown as { _events: Record<string, Array<(b?: BotWorker, m?: BotkitMessage) => unknown>> })._events[event] ?? []);
    for (const handler of handlers) {
      if ((await handler.call(bot, bot, message)) === false) break;
    }
  }

  override async handleTurn(turnContext: TurnContext): Promise<void> {
    const self = this as unknown as BotkitInternals;
    const activity = turnContext.activity;
    const channelData = (activity.channelData ?? {}) as Record<string, unknown>;
    const message = {
      ...channelData,
      type: (channelData.botkitEventType as string | undefined) ?? activity.type,
      user: activity.from.id,
      text: activity.text,
      channel: activity.conversation.id,
      value: activity.value,
      reference: TurnContext.getConversationReference(activity),
      context: turnContext,
      incoming_message: activity,
    } as unknown as BotkitMessage;
    turnContext.turnState.set('botkitMessage', message);
    const dialogContext = await self.dialogSet.createContext(turnContext);
    const bot = await this.spawn(dialogContext);
    await run(self.middleware.ingest, bot, message);
    await run(self.middleware.receive, bot, message);
    const interrupted = await self.listenForInterrupts(bot, message);
    if (interrupted === false) {
      const result = await dialogContext.continueDialog();
      if (result && result.status === 'empty') {
        await run(self.middleware.interpret, bot, message);
        const heard = await self.listenForTriggers(bot, message);
        if (heard === false) await self.trigger(message.type, bot, message);
      }
    }
    await this.saveState(bot);
  }
}

export class SafeBotWorker extends BotWorker {
  override async say(message: Partial<BotkitMessage> | string): Promise<any> {
    const activity = this.ensureMessageFormat(message);
    const controller = this.controller as unknown as BotkitInternals;
    await run(controller.middleware.send, this, activity);
    return (this.getConfig('context') as TurnContext).sendActivity(activity);
  }
}
