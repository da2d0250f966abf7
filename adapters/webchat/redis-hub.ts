import type { Redis } from 'ioredis';
import type { WebchatEvent, WebchatHub, WebchatListener } from './hub.js';

/**
 * The widget's live events between processes (production mode): the worker that sends a reply is
 * rarely the web process holding the citizen's event stream, so replies travel over Redis pub/sub.
 *
 * One channel per visitor, `<prefix>:webchat:<visitorId>` (prefix = QUEUE_PREFIX). A process subscribes
 * to a visitor's channel while it holds at least one open stream of that visitor and unsubscribes with
 * the last one, so Redis sends each event only to the processes that show it, and this process keeps
 * one map entry per visitor with an open stream here: memory is bounded by the open streams. All
 * subscriptions share ONE subscriber connection per hub (one hub per process); publishing uses the
 * caller's command connection. Publishing never delivers locally by itself: the local streams get the
 * event through Redis like everyone else's, so nothing is shown twice.
 *
 * Like the in-process hub, a visitor with no open stream misses the live event (the history has it).
 * A subscription becomes active a moment after the stream opens (one round trip to Redis); `subscribed`
 * lets a caller wait for it.
 */

export interface RedisWebchatHubOptions {
  /** A command connection for PUBLISH; the caller owns and closes it. The hub's subscriber is a duplicate of it. */
  redis: Redis;
  /** QUEUE_PREFIX; must not contain ':'. */
  prefix: string;
  /** A listener that threw, an unreadable event, or a failed (un)subscribe. */
  onError?: (err: unknown) => void;
}

export interface RedisWebchatHub extends WebchatHub {
  /** Open subscriptions of one visitor in this process, or of all visitors. */
  listenerCount(visitorId?: string): number;
  /** Resolves once this process's subscription to the visitor's channel is active (tests, diagnostics). */
  subscribed(visitorId: string): Promise<void>;
  /** Ends every local subscription and closes the subscriber connection (not the caller's). */
  close(): Promise<void>;
}

interface VisitorEntry {
  listeners: Set<WebchatListener>;
  /** Settles once SUBSCRIBE for the visitor's channel has been acknowledged (or failed). */
  ready: Promise<void>;
}

function isWebchatEvent(value: unknown): value is WebchatEvent {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'string' && (v['from'] === 'assistant' || v['from'] === 'citizen') && typeof v['text'] === 'string' && typeof v['at'] === 'string';
}

export function createRedisHub(options: RedisWebchatHubOptions): RedisWebchatHub {
  if (options.prefix.includes(':')) throw new Error(`hub prefix must not contain ':' (got "${options.prefix}")`);
  const channelPrefix = `${options.prefix}:webchat:`;
  const channelOf = (visitorId: string) => channelPrefix + visitorId;
  const reportError = (err: unknown): void => options.onError?.(err);
  const visitors = new Map<string, VisitorEntry>();
  let total = 0;
  let closed = false;

  // ioredis re-subscribes this connection's channels by itself after a reconnection.
  const subscriber = options.redis.duplicate();
  subscriber.on('error', reportError);
  subscriber.on('message', (channel: string, message: string) => {
    if (!channel.startsWith(channelPrefix)) return;
    const entry = visitors.get(channel.slice(channelPrefix.length));
    if (!entry) return; // unsubscribed meanwhile
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch (err) {
      reportError(err);
      return;
    }
    if (!isWebchatEvent(event)) {
      reportError(new Error('webchat hub: ignored a message that is not a widget event'));
      return;
    }
    // Copy: a listener may unsubscribe (stream closed) while we iterate.
    for (const listener of [...entry.listeners]) {
      try {
        listener(event);
      } catch (err) {
        reportError(err);
      }
    }
  });

  return {
    async publish(visitorId, event) {
      await options.redis.publish(channelOf(visitorId), JSON.stringify(event));
    },

    subscribe(visitorId, listener) {
      if (closed) throw new Error('webchat hub is closed');
      // A fresh wrapper per call: the same function subscribed twice is two subscriptions.
      const wrapper: WebchatListener = (event) => listener(event);
      let entry = visitors.get(visitorId);
      if (!entry) {
        const ready = subscriber.subscribe(channelOf(visitorId)).then(
          () => undefined,
          (err: unknown) => reportError(err),
        );
        entry = { listeners: new Set(), ready };
        visitors.set(visitorId, entry);
      }
      entry.listeners.add(wrapper);
      total += 1;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        total -= 1;
        const current = visitors.get(visitorId);
        if (!current) return;
        current.listeners.delete(wrapper);
        if (current.listeners.size > 0) return;
        visitors.delete(visitorId);
        // Commands on one connection run in order: a later SUBSCRIBE for this visitor still wins.
        if (!closed) subscriber.unsubscribe(channelOf(visitorId)).catch(reportError);
      };
    },

    listenerCount(visitorId) {
      return visitorId === undefined ? total : (visitors.get(visitorId)?.listeners.size ?? 0);
    },

    async subscribed(visitorId) {
      await visitors.get(visitorId)?.ready;
    },

    async close() {
      if (closed) return;
      closed = true;
      visitors.clear();
      total = 0;
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    },
  };
}
