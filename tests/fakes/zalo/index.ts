export { FakeZalo, ZALO_MESSAGES, type FakeZaloOptions, type RecordedRequest, type SendHold, type SentMessage, type SentTemplate, type StaffMessage, type ZaloEchoDelivery, type ZaloOutage } from './fake-zalo.js';
export { bigId, messageId, opaqueToken, zaloMac } from './sign.js';
export { ZaloWebhookDriver, type UserEventOptions, type ZaloDelivery, type ZaloWebhookDriverOptions } from './webhook-driver.js';
export { WebhookSink, type SinkRequest } from './webhook-sink.js';
