/**
 * The web widget channel (server side + the embeddable browser widget in client/). See README.md.
 * `createWebchat` builds everything the composition root needs: the ChannelAdapter for the delivery
 * worker, and the hub, sessions and assets that the widget route (src/http/widget.router.ts) gets injected.
 */
import { createWebchatAdapter, type WebchatChannelAdapter } from './adapter.js';
import { loadWidgetAssets, type WidgetAssets } from './assets.js';
import { createInProcessHub, type WebchatHub } from './hub.js';
import { createWebchatSessions, type WebchatSessions } from './session.js';

export { createWebchatAdapter, toWebchatEvent, WEBCHAT_CAPABILITIES, type WebchatAdapterOptions, type WebchatChannelAdapter } from './adapter.js';
export { loadWidgetAssets, WIDGET_CLIENT_DIR, type WidgetAssets } from './assets.js';
export { createInProcessHub, type InProcessWebchatHub, type WebchatEvent, type WebchatHub, type WebchatListener } from './hub.js';
export { createRedisHub, type RedisWebchatHub, type RedisWebchatHubOptions } from './redis-hub.js';
export {
  createWebchatSessions,
  DEFAULT_SESSION_TTL_MS,
  MAX_TOKEN_LENGTH,
  newVisitorId,
  type IssuedSession,
  type WebchatSession,
  type WebchatSessionOptions,
  type WebchatSessions,
} from './session.js';

export interface WebchatOptions {
  sessionSecret: string;
  /** The widget install id (InboundEvent.accountId), e.g. 'portal'. */
  accountId: string;
  /** Defaults to the in-process hub; pass a Redis pub/sub hub when web and workers are separate processes. */
  hub?: WebchatHub;
  sessionTtlMs?: number;
}

export interface Webchat {
  accountId: string;
  adapter: WebchatChannelAdapter;
  hub: WebchatHub;
  sessions: WebchatSessions;
  assets: WidgetAssets;
}

/** One widget install: adapter, hub, sessions and the browser files, sharing one hub. */
export function createWebchat(options: WebchatOptions): Webchat {
  const hub = options.hub ?? createInProcessHub();
  return {
    accountId: options.accountId,
    adapter: createWebchatAdapter({ hub, accountId: options.accountId }),
    hub,
    sessions: createWebchatSessions({ secret: options.sessionSecret, ...(options.sessionTtlMs ? { ttlMs: options.sessionTtlMs } : {}) }),
    assets: loadWidgetAssets(),
  };
}
