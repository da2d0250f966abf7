/** The Messenger adapter's public surface (see README.md for the platform facts and what is configuration). */
export { createMessengerAdapter, type MessengerAdapterOptions, type MessengerChannelAdapter } from './adapter.js';
export { appsecretProof, DEFAULT_GRAPH_BASE, DEFAULT_GRAPH_VERSION, graphTime, MessengerClient, type MessengerClientOptions } from './client.js';
export {
  classifyGraphError,
  MESSENGER_ERROR_RULES,
  MessengerApiError,
  MessengerNetworkError,
  toChannelSendError,
  type Classification,
  type ErrorOverrides,
  type ErrorRule,
} from './errors.js';
export { decideDelivery, HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS, type DeliveryDecision, type DeliveryPolicyOptions } from './policy.js';
export {
  BUTTON_TEMPLATE_MAX_TEXT,
  BUTTON_TITLE_MAX,
  MESSENGER_DEFAULT_MAX_PAYLOAD,
  MESSENGER_MAX_QUICK_REPLIES,
  MESSENGER_MAX_TEXT,
  MESSENGER_QUICK_REPLY_TITLE,
  renderReply,
  splitMessengerText,
  withNumberedOptions,
  type MessengerRenderOptions,
} from './render.js';
export * from './types.js';
export {
  handshake,
  MESSENGER_SIGNATURE_HEADER,
  PAGE_INBOX_APP_ID,
  parseMessengerEvents,
  toInboundEvent,
  verifyMessengerSignature,
  type MessengerSignatureCheck,
} from './webhook.js';
