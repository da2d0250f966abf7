export {
  FakeGraph,
  GRAPH_MESSAGES,
  PAGE_INBOX_APP_ID,
  type FakeEchoDelivery,
  type GraphOutage,
  type FakeGraphOptions,
  type FakeStaffMessage,
  type FakeSentMessage,
  type GraphErrorSpec,
  type RecordedGraphRequest,
} from './fake-graph.js';
export { hubSignature1, hubSignature256, metaJson, newFbtraceId, newMid, newPageId, newPageToken, newPsid, proofFor } from './sign.js';
export {
  MessengerWebhookDriver,
  type EntrySpec,
  type EventOptions,
  type MessagingItem,
  type MessengerDelivery,
  type MessengerWebhookDriverOptions,
} from './webhook-driver.js';
export { MessengerWebhookReceiver, type ReceivedRequest } from './webhook-receiver.js';
