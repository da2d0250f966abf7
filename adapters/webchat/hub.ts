import type { ReplyButton } from '../../src/domain/message.js';

/**
 * Live delivery to the browsers of one visitor. The widget route subscribes each open event stream
 * (SSE) under the visitor id; the adapter publishes replies. A visitor with no open stream simply
 * misses the live event: the message is in the store, and the widget's history shows it when they return.
 *
 * The in-process implementation below only reaches streams held by THIS process. A deployment with
 * several web processes (production mode) needs a Redis pub/sub implementation of the same interface
 * (one channel per visitor, or one shared channel filtered by visitor id), because the worker that sends
 * a reply is not the process holding the citizen's stream.
 */

/** One message as the widget shows it (live on the stream, and in history). */
export interface WebchatEvent {
  /** Outbound message id for the assistant; the client message id for the citizen's own messages. */
  id: string;
  from: 'assistant' | 'citizen';
  text: string;
  buttons?: ReplyButton[];
  link?: { title: string; url: string };
  /** ISO 8601. */
  at: string;
}

export type WebchatListener = (event: WebchatEvent) => void;

export interface WebchatHub {
  /** Delivers to every current subscriber of the visitor; resolves once handed over (not once shown). */
  publish(visitorId: string, event: WebchatEvent): Promise<void>;
  /** Returns the unsubscribe function; call it when the stream closes, or the listener leaks. */
  subscribe(visitorId: string, listener: WebchatListener): () => void;
}

export interface InProcessWebchatHub extends WebchatHub {
  /** Open subscriptions of one visitor, or of all visitors (metrics, tests). */
  listenerCount(visitorId?: string): number;
}

/** Map of visitor → listeners; a visitor's entry is deleted with its last listener, so nothing grows. */
export function createInProcessHub(options: { onListenerError?: (err: unknown) => void } = {}): InProcessWebchatHub {
  const listeners = new Map<string, Set<WebchatListener>>();
  let total = 0;

  return {
    async publish(visitorId, event) {
      const set = listeners.get(visitorId);
      if (!set) return;
      // Copy: a listener may unsubscribe (stream closed) while we iterate.
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (err) {
          options.onListenerError?.(err);
        }
      }
    },

    subscribe(visitorId, listener) {
      // A fresh wrapper per call: the same function subscribed twice is two subscriptions.
      const entry: WebchatListener = (event) => listener(event);
      let set = listeners.get(visitorId);
      if (!set) {
        set = new Set();
        listeners.set(visitorId, set);
      }
      set.add(entry);
      total += 1;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        total -= 1;
        const current = listeners.get(visitorId);
        current?.delete(entry);
        if (current && current.size === 0) listeners.delete(visitorId);
      };
    },

    listenerCount(visitorId) {
      return visitorId === undefined ? total : (listeners.get(visitorId)?.size ?? 0);
    },
  };
}
