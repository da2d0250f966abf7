import type { RawHeaders } from '../../src/ports/channel.js';
import type {
  ZaloEchoEvent,
  ZaloFollowEvent,
  ZaloReceiptEvent,
  ZaloSubmitInfoEvent,
  ZaloUserMessageEvent,
  ZaloWebhookEvent,
} from './types.js';
import { isEcho, isUserMessage, parseZaloWebhook, verifyZaloSignature, type ZaloSignatureCheck, type ZaloSignatureConfig } from './webhook.js';

/**
 * zca-js's `api.listener`, for an OA (platforms.md §1.9): fed by whoever owns the HTTP route, it
 * verifies the signature, parses, and emits typed events. The production path is the ChannelAdapter
 * (ack, enqueue, process in a job); the listener serves tools and scripts that want callbacks.
 */

export interface ZaloListenerEvents {
  /** A citizen's message (text, image, file, sticker, location, link…). */
  message: ZaloUserMessageEvent;
  follow: ZaloFollowEvent;
  unfollow: ZaloFollowEvent;
  submit_info: ZaloSubmitInfoEvent;
  /** A message the OA sent echoed back (`oa_send_*`): our own API send, or staff answering from the OA admin / Zalo app. */
  echo: ZaloEchoEvent;
  receipt: ZaloReceiptEvent;
  /** Every verified event, whatever its name (also the unmapped ones). */
  event: ZaloWebhookEvent;
}

type Handler<T> = (event: T) => void;

export interface ZaloListenerResult {
  signature: ZaloSignatureCheck;
  /** The parsed event when the signature was valid. */
  event?: ZaloWebhookEvent;
}

export class ZaloListener {
  private readonly handlers = new Map<keyof ZaloListenerEvents, Set<Handler<never>>>();

  constructor(private readonly config: ZaloSignatureConfig) {}

  on<K extends keyof ZaloListenerEvents>(name: K, handler: Handler<ZaloListenerEvents[K]>): this {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as Handler<never>);
    return this;
  }

  off<K extends keyof ZaloListenerEvents>(name: K, handler: Handler<ZaloListenerEvents[K]>): this {
    this.handlers.get(name)?.delete(handler as Handler<never>);
    return this;
  }

  /** Verifies and dispatches one webhook request; emits nothing when the signature is invalid. */
  handle(rawBody: Buffer, headers: RawHeaders): ZaloListenerResult {
    const signature = verifyZaloSignature(rawBody, headers, this.config);
    if (!signature.valid) return { signature };
    const event = parseZaloWebhook(rawBody);
    const name = event.event_name;
    if (isUserMessage(event)) this.emit('message', event);
    else if (name === 'follow' || name === 'unfollow') this.emit(name, event as ZaloFollowEvent);
    else if (name === 'user_submit_info') this.emit('submit_info', event as ZaloSubmitInfoEvent);
    else if (isEcho(event)) this.emit('echo', event);
    else if (name === 'user_received_message' || name === 'user_seen_message') this.emit('receipt', event as ZaloReceiptEvent);
    this.emit('event', event);
    return { signature, event };
  }

  private emit<K extends keyof ZaloListenerEvents>(name: K, event: ZaloListenerEvents[K]): void {
    for (const handler of this.handlers.get(name) ?? []) (handler as Handler<ZaloListenerEvents[K]>)(event);
  }
}
