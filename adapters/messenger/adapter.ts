import type { InboundEvent, OutboundMessage } from '../../src/domain/message.js';
import { ChannelSendError, type ChannelAdapter, type ChannelCapabilities, type RawHeaders, type SentCheck } from '../../src/ports/channel.js';
import type { Logger } from '../../src/ports/logger.js';
import { MessengerClient, type MessengerClientOptions } from './client.js';
import { MessengerApiError, toChannelSendError } from './errors.js';
import { decideDelivery } from './policy.js';
import { MESSENGER_MAX_QUICK_REPLIES, MESSENGER_MAX_TEXT, renderReply } from './render.js';
import type { OutgoingMessage, SenderAction } from './types.js';
import { handshake, parseMessengerEvents, verifyMessengerSignature } from './webhook.js';

/**
 * The Messenger edge as a ChannelAdapter (style.md §3.3). verify/parse are pure; send first decides the
 * messaging type from the message's purpose and the citizen's last interaction (a closed window is refused
 * locally, without calling Meta), then renders the Reply and maps every failure to ChannelSendError.
 */

export interface MessengerAdapterOptions extends Omit<MessengerClientOptions, 'appSecret'> {
  /** App Secret: webhook signatures and `appsecret_proof`. */
  appSecret: string;
  /** The token typed into the App Dashboard's webhook settings. */
  verifyToken: string;
  /** Send `update` messages outside 24 h with the ACCOUNT_UPDATE tag (default false; Meta decides what qualifies). */
  accountUpdateTag?: boolean;
  /** Send `human_agent` messages with the HUMAN_AGENT tag, 7 days (default true; needs Meta's approval, UNCONFIRMED for a government Page). */
  humanAgentTag?: boolean;
  /** Characters per message (default and cap 2,000; the limit is UNCONFIRMED). */
  maxTextLength?: number;
  /** Longest quick-reply payload (default 1,000; UNCONFIRMED); a longer one turns the options into a numbered list. */
  maxQuickReplyPayload?: number;
  /** Hint under a numbered option list, for every language (default: the bot copy's `chooseByNumber` in the reply's language). */
  chooseHint?: string;
  /** The window clock (epoch ms); Date.now by default. */
  now?: () => number;
  /** A prebuilt client (tests); built from the options otherwise. */
  client?: MessengerClient;
  logger?: Logger;
}

export interface MessengerChannelAdapter extends ChannelAdapter {
  readonly kind: 'messenger';
  readonly client: MessengerClient;
  handshake(query: Record<string, unknown>): string | undefined;
  send(message: OutboundMessage): Promise<{ externalId: string; externalIds: string[] }>;
  wasSent(message: OutboundMessage, check: SentCheck): Promise<{ externalId: string; externalIds: string[] } | undefined>;
  /** Typing indicator or read mark for a PSID; failures are ChannelSendError like send's. */
  senderAction(psid: string, action: SenderAction): Promise<void>;
}

/** Bound on the per-outbound memory of delivered parts, so a retry resumes a split reply instead of repeating it. */
const MAX_RESUMABLE = 1000;

export function createMessengerAdapter(options: MessengerAdapterOptions): MessengerChannelAdapter {
  const client = options.client ?? new MessengerClient(options);
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const maxTextLength = Math.min(options.maxTextLength ?? MESSENGER_MAX_TEXT, MESSENGER_MAX_TEXT);
  const capabilities: ChannelCapabilities = { maxButtons: MESSENGER_MAX_QUICK_REPLIES, maxTextLength };
  const delivered = new Map<string, string[]>();

  return {
    kind: 'messenger',
    capabilities,
    client,

    handshake(query: Record<string, unknown>): string | undefined {
      const challenge = handshake(query, options.verifyToken);
      if (challenge === undefined) logger?.warn({ channel: 'messenger' }, 'messenger webhook verification refused');
      return challenge;
    },

    verify(rawBody: Buffer, headers: RawHeaders): boolean {
      const check = verifyMessengerSignature(rawBody, headers, options.appSecret);
      if (!check.valid) logger?.warn({ channel: 'messenger', reason: check.reason }, 'messenger signature rejected');
      return check.valid;
    },

    parse(body: unknown): InboundEvent[] {
      return parseMessengerEvents(body);
    },

    async send(message: OutboundMessage) {
      if (message.channel !== 'messenger') throw new ChannelSendError(`Messenger adapter cannot send a ${message.channel} message`, 'permanent');
      let decision;
      try {
        decision = decideDelivery(message.purpose, message.lastInboundAt, now(), options);
      } catch (error) {
        throw new ChannelSendError(error instanceof Error ? error.message : String(error), 'permanent');
      }
      if (!decision.allowed) {
        logger?.info({ channel: 'messenger', outboundId: message.id, purpose: message.purpose, window: decision.window }, 'messenger window closed; not sent');
        throw new ChannelSendError(`Messenger refuses ${decision.reason}`, 'window', `window:${decision.window}`);
      }
      const parts = render(message);

      const ids = delivered.get(message.id) ?? [];
      for (let i = ids.length; i < parts.length; i++) {
        try {
          ids.push((await client.sendMessage(message.userId, parts[i]!, decision.mode)).messageId);
        } catch (error) {
          if (ids.length > 0) remember(delivered, message.id, ids);
          throw report(error, { outboundId: message.id, part: i });
        }
      }
      delivered.delete(message.id);
      return { externalId: ids[0]!, externalIds: ids };
    },

    /**
     * Reads the Page's conversation with the PSID (Conversations API, the 20 latest messages) and looks for
     * the reply's parts, in order, among what the Page sent since `check.since`, other replies' ids
     * excluded. All found: it arrived. Only the first ones: remembered, so the next send resumes after them.
     */
    async wasSent(message: OutboundMessage, check: SentCheck) {
      if (message.channel !== 'messenger') throw new ChannelSendError(`Messenger adapter cannot check a ${message.channel} message`, 'permanent');
      const texts = render(message).map(partText);
      let recent;
      try {
        recent = await client.conversationWith(message.userId);
      } catch (error) {
        throw report(error, { outboundId: message.id, check: 'conversations' });
      }
      const since = check.since.getTime();
      const excluded = new Set(check.excludeIds);
      const fromPage = recent
        .filter((m) => m.fromId !== message.userId && !(m.createdAt < since) && !excluded.has(m.id))
        .sort((a, b) => a.createdAt - b.createdAt);
      const found: string[] = [];
      let next = 0;
      for (const text of texts) {
        const at = text === '' ? -1 : fromPage.findIndex((m, i) => i >= next && m.message.trim() === text);
        if (at < 0) break;
        found.push(fromPage[at]!.id);
        next = at + 1;
      }
      logger?.info({ channel: 'messenger', outboundId: message.id, parts: texts.length, found: found.length }, 'messenger sent-check');
      if (found.length === texts.length) {
        delivered.delete(message.id);
        return { externalId: found[0]!, externalIds: found };
      }
      if (found.length > (delivered.get(message.id)?.length ?? 0)) remember(delivered, message.id, found);
      return undefined;
    },

    typing(psid: string): Promise<void> {
      return this.senderAction(psid, 'typing_on');
    },

    async senderAction(psid: string, action: SenderAction): Promise<void> {
      try {
        await client.senderAction(psid, action);
      } catch (error) {
        throw report(error, { action });
      }
    },
  };

  function render(message: OutboundMessage): OutgoingMessage[] {
    const parts = renderReply(message.reply, {
      maxTextLength,
      ...(options.maxQuickReplyPayload !== undefined ? { maxQuickReplyPayload: options.maxQuickReplyPayload } : {}),
      ...(options.chooseHint !== undefined ? { chooseHint: options.chooseHint } : {}),
    });
    if (parts.length === 0) throw new ChannelSendError('Messenger adapter refuses an empty reply', 'permanent');
    return parts;
  }

  /** Maps a failure and logs it; token, restriction and permission problems are logged as alerts. */
  function report(error: unknown, context: Record<string, unknown>): ChannelSendError {
    const failure = toChannelSendError(error);
    const fields = { channel: 'messenger', ...context, kind: failure.kind, code: failure.platformCode, fbtraceId: error instanceof MessengerApiError ? error.fbtraceId : undefined };
    if (error instanceof MessengerApiError && error.alert) logger?.error({ ...fields, alert: true }, 'messenger send refused: needs an administrator');
    else logger?.warn(fields, 'messenger send failed');
    return failure;
  }
}

/** The text a part shows (a button template's text); '' when it has none to match on. */
function partText(part: OutgoingMessage): string {
  return ('text' in part ? part.text : (part.attachment.payload.text ?? '')).trim();
}

function remember(map: Map<string, string[]>, id: string, ids: string[]): void {
  map.delete(id);
  map.set(id, ids);
  while (map.size > MAX_RESUMABLE) map.delete(map.keys().next().value!);
}
