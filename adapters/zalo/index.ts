/** The Zalo OA adapter's public surface (see README.md for the platform facts and what is configuration). */
export {
  createZaloAdapter,
  templateData,
  ZALO_WINDOW_CLOSED_CODES,
  type ZaloAdapterOptions,
  type ZaloAnswerTemplate,
  type ZaloChannelAdapter,
  type ZaloNoticeField,
} from './adapter.js';
export { ZaloOA, ZALO_MAX_FOLLOWER_OFFSET, type ZaloArticleDraft, type ZaloOAOptions, type ZaloUpload } from './client.js';
export { createZaloBroadcaster, ZALO_ARTICLE_PROCESSING } from './broadcaster.js';
export {
  classifyZaloCode,
  toChannelSendError,
  ZALO_ERROR_CLASSES,
  ZaloApiError,
  ZaloNetworkError,
  ZaloTokenError,
  type ZaloErrorClass,
} from './errors.js';
export { parseJsonKeepingBigInts, quoteLongIntegers } from './json.js';
export { ZaloListener, type ZaloListenerEvents, type ZaloListenerResult } from './listener.js';
export {
  DEFAULT_ZALO_COPY,
  renderButtonsAsText,
  renderReply,
  splitZaloText,
  ZALO_DEFAULT_MAX_BUTTONS,
  ZALO_MAX_TEXT,
  type ZaloRenderCopy,
  zaloCopyFor,
  type ZaloRenderedReply,
} from './render.js';
export { ZaloTokenStore, type ZaloTokenSource, type ZaloTokenStoreOptions } from './token-store.js';
export * from './types.js';
export {
  isEcho,
  parseZaloEvents,
  parseZaloWebhook,
  toInboundEvent,
  verifyZaloSignature,
  ZALO_SIGNATURE_HEADER,
  ZALO_SUBMIT_INFO_PAYLOAD,
  zaloSignatureHex,
  type ZaloSignatureCheck,
  type ZaloSignatureConfig,
} from './webhook.js';
