import type { InboundEvent, OutboundMessage } from '../../src/domain/message.js';
import { formatVietnamDate } from '../../src/domain/dates.js';
import { ChannelSendError, type ChannelAdapter, type ChannelCapabilities, type RawHeaders, type SentCheck, type WindowNotice, type WindowNoticeSender } from '../../src/ports/channel.js';
import type { Logger } from '../../src/ports/logger.js';
import type { FollowerBroadcaster } from '../../src/ports/follower-broadcast.js';
import { createZaloBroadcaster } from './broadcaster.js';
import { ZaloOA, type ZaloOAOptions } from './client.js';
import { toChannelSendError } from './errors.js';
import { renderReply, ZALO_MAX_TEXT } from './render.js';
import type { ZaloConversationMessage, ZaloSentMessage } from './types.js';
import { parseZaloEvents, verifyZaloSignature } from './webhook.js';

/**
 * The Zalo OA edge as a ChannelAdapter (style.md §3.3): verify + parse are pure; send renders a Reply into
 * CS messages and maps every failure to ChannelSendError's three kinds, so the core never sees a Zalo
 * code. A `window` failure (-230 and friends) lets the core hold the message for the citizen's next visit.
 * Every purpose, `news` included, goes to POST /v3.0/oa/message/cs (consultation): the transaction and
 * promotion endpoints stopped on 2026-03-01 and are never called; which news sends fit Zalo's 48 h (free)
 * or 7-day (paid) window is decided before queuing, in core/news-delivery.ts.
 */

export interface ZaloAdapterOptions extends ZaloOAOptions {
  /** A prebuilt client (tests, or sharing one with a token-refresh job); built from the options otherwise. */
  client?: ZaloOA;
  logger?: Logger;
  /**
   * The approved ZBS template that tells a citizen outside the 7-day window that an agency answered
   * (platforms.md §1.4). Without it the adapter has no `windowNotice` and nothing is sent.
   */
  answerTemplate?: ZaloAnswerTemplate;
}

/** Fields of a window notice a template can show. */
export type ZaloNoticeField = 'code' | 'agency' | 'date';

export interface ZaloAnswerTemplate {
  templateId: string;
  /** The template parameter each field fills (names are fixed when Zalo approves the template); unnamed fields are not sent. */
  params: Readonly<Partial<Record<ZaloNoticeField, string>>>;
  /** Error codes that mean "the 7-day window is closed" (default -230, -232); other held codes get no notice. */
  windowCodes?: readonly number[];
}

/** -230: no interaction in 7 days; -232: no interaction or it expired (platforms.md §1.4). */
export const ZALO_WINDOW_CLOSED_CODES: readonly number[] = [-230, -232];

export interface ZaloChannelAdapter extends ChannelAdapter {
  readonly kind: 'zalo';
  readonly client: ZaloOA;
  readonly windowNotice?: WindowNoticeSender;
  readonly followers: FollowerBroadcaster;
  send(message: OutboundMessage): Promise<{ externalId: string; externalIds: string[] }>;
  wasSent(message: OutboundMessage, check: SentCheck): Promise<{ externalId: string; externalIds: string[] } | undefined>;
}

/** Parts already delivered per outbound message id, so a retried send resumes instead of repeating. */
const MAX_TRACKED_PARTIAL_SENDS = 1000;
/** Pages of 10 (Zalo's cap) a sent-check reads at most, newest first: 50 messages back. */
const SENT_CHECK_PAGES = 5;

export function createZaloAdapter(options: ZaloAdapterOptions): ZaloChannelAdapter {
  const client = options.client ?? new ZaloOA(options);
  const logger = options.logger;
  const signatureConfig = { appId: options.appId, oaSecretKey: options.oaSecretKey };
  const capabilities: ChannelCapabilities = {
    maxButtons: client.buttonMode === 'template' ? client.maxButtons : 0,
    maxTextLength: Math.min(client.maxTextLength, ZALO_MAX_TEXT),
  };
  const partial = new Map<string, ZaloSentMessage[]>();
  const windowNotice = options.answerTemplate ? templateNotice(client, options.answerTemplate, logger) : undefined;

  return {
    kind: 'zalo',
    capabilities,
    client,
    ...(windowNotice ? { windowNotice } : {}),
    followers: createZaloBroadcaster(client),

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
      const rendered = render(message);

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

    /**
     * Reads the OA's side of the conversation (GET /v2.0/oa/conversation, newest first) back to
     * `check.since` and looks for the reply's parts, in order, among the OA's messages not excluded. All
     * found: the reply arrived. Only the first ones: they are remembered, so the next send resumes after them.
     */
    async wasSent(message: OutboundMessage, check: SentCheck) {
      if (message.channel !== 'zalo') throw new ChannelSendError(`Zalo adapter cannot check a ${message.channel} message`, 'permanent');
      const texts = render(message).texts.map((t) => t.trim());
      const since = check.since.getTime();
      const excluded = new Set(check.excludeIds);
      const fromOa: ZaloConversationMessage[] = [];
      try {
        for (let page = 0; page < SENT_CHECK_PAGES; page++) {
          const items = await client.getConversation(message.userId, { offset: page * 10, count: 10 });
          fromOa.push(...items.filter((m) => m.fromOa && m.time >= since && !excluded.has(m.messageId)));
          if (items.length < 10 || items.some((m) => m.time < since)) break;
        }
      } catch (error) {
        const failure = toChannelSendError(error);
        logger?.warn({ channel: 'zalo', outboundId: message.id, kind: failure.kind, code: failure.platformCode }, 'zalo sent-check failed');
        throw failure;
      }
      fromOa.sort((a, b) => a.time - b.time);
      const found: ZaloSentMessage[] = [];
      let next = 0;
      for (const text of texts) {
        const at = fromOa.findIndex((m, i) => i >= next && (m.text ?? '').trim() === text);
        if (at < 0) break;
        found.push({ messageId: fromOa[at]!.messageId, userId: message.userId, sentTime: String(fromOa[at]!.time) });
        next = at + 1;
      }
      logger?.info({ channel: 'zalo', outboundId: message.id, parts: texts.length, found: found.length }, 'zalo sent-check');
      if (found.length === texts.length) {
        partial.delete(message.id);
        const externalIds = found.map((f) => f.messageId);
        return { externalId: externalIds[0]!, externalIds };
      }
      if (found.length > (partial.get(message.id)?.length ?? 0)) remember(partial, message.id, found);
      return undefined;
    },
  };

  function render(message: OutboundMessage) {
    const rendered = renderReply(message.reply, {
      mode: client.buttonMode,
      maxButtons: client.maxButtons,
      maxTextLength: capabilities.maxTextLength,
      ...(options.copy ? { copy: options.copy } : {}),
    });
    if (rendered.texts.length === 0) throw new ChannelSendError('Zalo adapter refuses an empty reply', 'permanent');
    return rendered;
  }
}

/** The window notice as one template message; the template's parameters are filled from configuration. */
function templateNotice(client: ZaloOA, template: ZaloAnswerTemplate, logger: Logger | undefined): WindowNoticeSender {
  const windowCodes = new Set(template.windowCodes ?? ZALO_WINDOW_CLOSED_CODES);
  return {
    appliesTo: (platformCode) => platformCode !== undefined && windowCodes.has(Number(platformCode)),
    async send(notice: WindowNotice) {
      try {
        const sent = await client.sendTemplate(notice.userId, template.templateId, templateData(template.params, notice));
        return { externalId: sent.messageId };
      } catch (error) {
        const failure = toChannelSendError(error);
        logger?.warn({ channel: 'zalo', templateId: template.templateId, kind: failure.kind, code: failure.platformCode }, 'zalo template notice failed');
        throw failure;
      }
    },
  };
}

/** Template data by parameter name: the tracking code, the agency's name and the answer's local date (dd/mm/yyyy). */
export function templateData(params: ZaloAnswerTemplate['params'], notice: WindowNotice): Record<string, string> {
  const values: Record<ZaloNoticeField, string> = { code: notice.ticketCode, agency: notice.agencyName, date: formatVietnamDate(notice.answeredAt) };
  const data: Record<string, string> = {};
  for (const field of Object.keys(values) as ZaloNoticeField[]) {
    const name = params[field];
    if (name) data[name] = values[field];
  }
  return data;
}

function remember(map: Map<string, ZaloSentMessage[]>, id: string, sent: ZaloSentMessage[]): void {
  map.delete(id);
  map.set(id, sent);
  while (map.size > MAX_TRACKED_PARTIAL_SENDS) map.delete(map.keys().next().value!);
}
