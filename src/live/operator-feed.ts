import type { Redis } from 'ioredis';
import type { OperatorFeed, OperatorFeedEvent } from '../ports/operator-feed.js';

/**
 * The operator feed (ports/operator-feed.ts) in one process (embedded mode), and over Redis pub/sub on
 * one channel `<prefix>:operators` (production mode: the worker that moved a conversation is rarely the
 * web process holding an operator's stream). Publishing over Redis does not also deliver locally: local
 * listeners get the event through Redis like everyone else's, so nothing is shown twice.
 */

type Listener = (event: OperatorFeedEvent) => void;

function fanOut(listeners: Set<Listener>, event: OperatorFeedEvent, onError: (err: unknown) => void): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (err) {
      onError(err);
    }
  }
}

export function createInProcessOperatorFeed(onError: (err: unknown) => void = () => {}): OperatorFeed {
  const listeners = new Set<Listener>();
  return {
    async publish(event) {
      fanOut(listeners, event, onError);
    },
    subscribe(listener) {
      const entry: Listener = (e) => listener(e);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    async close() {
      listeners.clear();
    },
  };
}

function isFeedEvent(value: unknown): value is OperatorFeedEvent {
  const v = value as Record<string, unknown> | null;
  return !!v && (v['type'] === 'handoff.moved' || v['type'] === 'handoff.activity') && typeof v['conversationId'] === 'string' && typeof v['at'] === 'string';
}

export function createRedisOperatorFeed(options: { redis: Redis; prefix: string; onError?: (err: unknown) => void }): OperatorFeed {
  const channel = `${options.prefix}:operators`;
  const onError = options.onError ?? (() => {});
  const listeners = new Set<Listener>();
  let subscriber: Redis | undefined;

  function ensureSubscribed(): void {
    if (subscriber) return;
    // ioredis re-subscribes by itself after a reconnection.
    subscriber = options.redis.duplicate();
    subscriber.on('error', onError);
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      try {
        const event: unknown = JSON.parse(message);
        if (isFeedEvent(event)) fanOut(listeners, event, onError);
      } catch (err) {
        onError(err);
      }
    });
    subscriber.subscribe(channel).catch(onError);
  }

  return {
    async publish(event) {
      await options.redis.publish(channel, JSON.stringify(event));
    },
    subscribe(listener) {
      ensureSubscribed();
      const entry: Listener = (e) => listener(e);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    async close() {
      listeners.clear();
      if (subscriber) await subscriber.quit().catch(() => subscriber?.disconnect());
    },
  };
}
