import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Conversation, InboundMessage } from '../domain/conversation.js';
import { isLocale } from '../domain/locale.js';
import type { Reply, ReplyButton, ReplyMeta } from '../domain/message.js';
import { SafeBotWorker } from './safe-botkit.js';

/**
 * The one Botkit adapter (botkit.md §6): fed by the turn worker with a stored message, it builds an
 * Activity, runs Botkit's turn, and collects what the flows say as Replies instead of sending them —
 * the core stores and queues them for the channel's outbound worker. No webserver is involved.
 */

const REPLIES = Symbol('replies');

export interface TurnInput {
  conversation: Conversation;
  message: InboundMessage;
  /** Text to present to the flows (a numbered choice already resolved to its payload). */
  text: string;
}

/** Botkit message fields that carry our buttons and links through its templates. */
interface OutgoingChannelData {
  quick_replies?: Array<{ title: string; payload: string }>;
  /** A dialog line's `attachment` template: our link to an online service. */
  attachment?: { title?: string; url?: string } | null;
  /**
   * What the reply is (flows/replies.ts): an object from `bot.say`, or its JSON from a dialog prompt's
   * template (Botkit renders channelData templates as strings). Kept with the outbound record, never sent.
   */
  meta?: ReplyMeta | string;
}

/** The reply meta a flow attached, validated; undefined when there is none or it is malformed. */
function readMeta(raw: ReplyMeta | string | undefined): ReplyMeta | undefined {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return undefined;
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m['tag'] !== 'string' || m['tag'] === '') return undefined;
  const options = Array.isArray(m['options']) ? m['options'].filter((o): o is string => typeof o === 'string') : undefined;
  return {
    tag: m['tag'] as ReplyMeta['tag'],
    ...(typeof m['procedureId'] === 'string' && m['procedureId'] !== '' ? { procedureId: m['procedureId'] } : {}),
    ...(typeof m['topic'] === 'string' && m['topic'] !== '' ? { topic: m['topic'] as NonNullable<ReplyMeta['topic']> } : {}),
    ...(options?.length ? { options } : {}),
    ...(m['fallback'] === true ? { fallback: true } : {}),
    ...(isLocale(m['locale']) ? { locale: m['locale'] } : {}),
  };
}

export class BridgeAdapter extends BotAdapter {
  readonly name = 'tro-ly-1022-bridge';
  readonly botkit_worker = SafeBotWorker;

  toActivity({ conversation, message, text }: TurnInput): Partial<Activity> {
    const event = message.kind === 'follow' || message.kind === 'unfollow';
    return {
      type: event ? ActivityTypes.Event : ActivityTypes.Message,
      id: message.id,
      channelId: conversation.channel,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: conversation.userId, name: '' },
      recipient: { id: conversation.accountId, name: '' },
      text,
      timestamp: message.receivedAt,
      channelData: {
        ...(event ? { botkitEventType: message.kind } : {}),
        ...(message.payload ? { payload: message.payload } : {}),
        conversationId: conversation.id,
        inboundKind: message.kind,
        ...(conversation.locale ? { locale: conversation.locale } : {}),
      },
    };
  }

  /** Runs one turn through `logic` (Botkit's handleTurn) and returns what the flows said. */
  async ingest(input: TurnInput, logic: (context: TurnContext) => Promise<void>): Promise<Reply[]> {
    const context = new TurnContext(this, this.toActivity(input));
    const replies: Reply[] = [];
    context.turnState.set(REPLIES, replies);
    await this.runMiddleware(context, logic);
    return replies;
  }

  async sendActivities(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const replies = context.turnState.get(REPLIES) as Reply[] | undefined;
    if (!replies) throw new Error('bridge adapter: sendActivities outside of a turn');
    const out: ResourceResponse[] = [];
    for (const activity of activities) {
      // A prompt without text is a dialog waiting after a reply it already said (flows/procedure.flow.ts): nothing to send.
      if (activity.type !== ActivityTypes.Message || !activity.text) continue;
      const data = (activity.channelData ?? {}) as OutgoingChannelData;
      const buttons: ReplyButton[] | undefined = data.quick_replies?.map((q) => ({ title: q.title, payload: q.payload }));
      const link = data.attachment?.title && data.attachment.url ? { title: data.attachment.title, url: data.attachment.url } : undefined;
      const meta = readMeta(data.meta);
      replies.push({ text: activity.text, ...(buttons?.length ? { buttons } : {}), ...(link ? { link } : {}), ...(meta ? { meta } : {}) });
      out.push({ id: `${context.activity.id}#${replies.length - 1}` });
    }
    return out;
  }

  async updateActivity(): Promise<void> {
    throw new Error('bridge adapter: updating a sent message is not supported by the channels');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('bridge adapter: deleting a sent message is not supported by the channels');
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}
