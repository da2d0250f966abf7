import type { InboundEvent, OutboundMessage } from '../../src/domain/message.js';
import { ChannelSendError, type ChannelAdapter, type ChannelCapabilities, type RawHeaders } from '../../src/ports/channel.js';
import type { Logger } from '../../src/ports/logger.js';
import { ZaloOA, type ZaloOAOptions } from './client.js';
import { toChannelSendError } from './errors.js';
import { renderReply, ZALO_MAX_TEXT } from './render.js';
import type { ZaloSentMessage } from './types.js';
import { parseZaloEvents, verifyZaloSignature } from './webhook.js';

/**
 * The Zalo OA edge as a ChannelAdapter (style.md §3.3): verify + parse are pure; send renders a Reply into
 * CS messages and maps every failure to ChannelSendError's three kinds, so the core never sees a Zalo
 * code. A `window` failure (-230 and friends) lets the core hold the message for the citizen's next visit.
 */

export interface ZaloAdapterOptions extends ZaloOAOptions {
  /** A prebuilt client (tests, or sharing one with a token-refresh job); built from the options otherwise. */
  client?: ZaloOA;
  logger?: Logger;
}

export interface ZaloChannelAdapter extends ChannelAdapter {
  readonly kind: 'zalo';
  readonly client: ZaloOA;
  send(message: OutboundMessage): Promise<{ externalId: string; externalIds: string[] }>;
}

/** Parts already delivered per outbound message id, so a retried send resumes instead of repeating. */
const MAX_TRACKED_PARTIAL_SENDS = 1000;

export function createZaloAdapter(options: ZaloAdapterOptions): ZaloChannelAdapter {
  const client = options.client ?? new ZaloOA(options);
  const logger = options.logger;
  const signatureConfig = { appId: options.appId, oaSecretKey: options.oaSecretKey };
  const capabilities: ChannelCapabilities = {
    maxButtons: client.buttonMode === 'template' ? client.maxButtons : 0,
    maxTextLength: Math.min(client.maxTextLength, ZALO_MAX_TEXT),
  };
  const partial = new Map<string, ZaloSentMessage[]>();

  return {
    kind: 'zalo',
    capabilities,
    client,

    verify(rawBody: Buffer, headers: RawHeaders): boolean {
      const check = verifyZaloSignature(rawBody, headers, signatureConfig);
      if (check.valid) logger?.debug({ channel: 'zalo', variant: check.variant, appIdSource: check.appIdSource }, 'zalo signature accepted');
      else logger?.warn({ channel: 'zalo', reason: check.reason }, 'zalo signature rejected');
      return check.valid;
    },

    /** Prefer the raw body (Buffer/string): unquoted long ids then survive exactly. */
    parse(body: unknown): InboundEvent[] {
      if (body === null || (typeof body !== 'object' && typeof body !== 'string')) return [];
      return parseZaloEvents(body as Buffer | string | object);
    },

    async send(message: OutboundMessage) {
      if (message.channel !== 'zalo') throw new ChannelSendError(`Zalo adapter cannot send a ${message.channel} message`, 'permanent');
      const rendered = renderReply(message.reply, {
        mode: client.buttonMode,
        maxButtons: client.maxButtons,
        maxTextLength: capabilities.maxTextLength,
        ...(options.copy ? { copy: options.copy } : {}),
      });
      if (rendered.texts.length === 0) throw new ChannelSendError('Zalo adapter refuses an empty reply', 'permanent');

      const sent = partial.get(message.id) ?? [];
      for (let i = sent.length; i < rendered.texts.length; i++) {
        const last = i === rendered.texts.length - 1;
        try {
          sent.push(
            await client.sendMessage(message.userId, {
              text: rendered.texts[i]!,
              ...(last && rendered.buttons ? { attachment: { type: 'template', payload: { buttons: rendered.buttons } } } : {}),
            }),
          );
        } catch (error) {
          if (sent.length > 0) remember(partial, message.id, sent);
          const failure = toChannelSendError(error);
          logger?.warn({ channel: 'zalo', outboundId: message.id, kind: failure.kind, code: failure.platformCode, part: i }, 'zalo send failed');
          throw failure;
        }
      }
      partial.delete(message.id);
      const externalIds = sent.map((m) => m.messageId);
      return { externalId: externalIds[0]!, externalIds };
    },
  };
}

function remember(map: Map<string, ZaloSentMessage[]>, id: string, sent: ZaloSentMessage[]): void {
  map.delete(id);
  map.set(id, sent);
  while (map.size > MAX_TRACKED_PARTIAL_SENDS) map.delete(map.keys().next().value!);
}
