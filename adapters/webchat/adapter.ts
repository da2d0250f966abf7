import type { InboundEvent, OutboundMessage } from '../../src/domain/message.js';
import { ChannelSendError, type ChannelAdapter, type ChannelCapabilities } from '../../src/ports/channel.js';
import type { WebchatEvent, WebchatHub } from './hub.js';

/**
 * The web widget as a ChannelAdapter. Inbound does not come through a platform webhook: the widget
 * route authenticates the visitor with a signed session and hands the message to the core itself,
 * so `verify` and `parse` are never called for this channel. Outbound publishes to the visitor's open
 * event streams; the store keeps the message either way, so an absent visitor sees it in history.
 */

export const WEBCHAT_CAPABILITIES: ChannelCapabilities = { maxButtons: 10, maxTextLength: 4000 };
/** Button titles and payloads beyond these are cut, so one reply cannot flood the panel. */
const MAX_BUTTON_TITLE = 80;
const MAX_PAYLOAD = 200;

export interface WebchatAdapterOptions {
  hub: WebchatHub;
  /** The widget install this adapter sends for (InboundEvent.accountId of its messages). */
  accountId: string;
  /** Epoch ms (tests). */
  now?: () => number;
}

export interface WebchatChannelAdapter extends ChannelAdapter {
  readonly kind: 'webchat';
}

/** The assistant's message as the widget shows it, within the widget's limits. */
export function toWebchatEvent(message: Pick<OutboundMessage, 'id' | 'reply'>, at: Date): WebchatEvent {
  const { reply } = message;
  const buttons = (reply.buttons ?? [])
    .slice(0, WEBCHAT_CAPABILITIES.maxButtons)
    .map((b) => ({ title: b.title.slice(0, MAX_BUTTON_TITLE), payload: b.payload.slice(0, MAX_PAYLOAD) }));
  return {
    id: message.id,
    from: 'assistant',
    text: reply.text.slice(0, WEBCHAT_CAPABILITIES.maxTextLength),
    ...(buttons.length > 0 ? { buttons } : {}),
    ...(reply.link ? { link: { title: reply.link.title, url: reply.link.url } } : {}),
    at: at.toISOString(),
  };
}

export function createWebchatAdapter(options: WebchatAdapterOptions): WebchatChannelAdapter {
  const now = options.now ?? Date.now;
  return {
    kind: 'webchat',
    capabilities: WEBCHAT_CAPABILITIES,

    /**
     * Never used: widget requests carry a server-signed session token, checked by the widget route
     * (adapters/webchat/session.ts), not a platform signature over a webhook body. Always false, so
     * a webhook route wired to this adapter by mistake accepts nothing.
     */
    verify(): boolean {
      return false;
    },

    /** Never used: the widget route builds the InboundEvent from its validated body. Always []. */
    parse(): InboundEvent[] {
      return [];
    },

    /** Publishes to the visitor's open streams; the message id is the external id (there is no platform). */
    async send(message: OutboundMessage) {
      if (message.channel !== 'webchat') throw new ChannelSendError(`webchat adapter cannot send a ${message.channel} message`, 'permanent');
      if (message.accountId !== options.accountId) {
        throw new ChannelSendError(`webchat adapter for ${options.accountId} cannot send for ${message.accountId}`, 'permanent');
      }
      if (!message.reply.text && !message.reply.buttons?.length && !message.reply.link) {
        throw new ChannelSendError('webchat adapter refuses an empty reply', 'permanent');
      }
      try {
        await options.hub.publish(message.userId, toWebchatEvent(message, new Date(now())));
      } catch (err) {
        // A shared hub (Redis) may be briefly unreachable: let the queue retry.
        throw new ChannelSendError(`webchat hub publish failed: ${err instanceof Error ? err.message : String(err)}`, 'retryable');
      }
      return { externalId: message.id };
    },
  };
}
