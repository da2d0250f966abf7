import { createHash, timingSafeEqual } from 'node:crypto';
import type { InboundAttachment, InboundEvent } from '../../src/domain/message.js';
import { WebhookEventError, type RawHeaders } from '../../src/ports/channel.js';
import { asObject, idString, parseJsonKeepingBigInts } from './json.js';
import {
  ECHO_EVENTS,
  USER_MESSAGE_EVENTS,
  type ZaloEchoEvent,
  type ZaloEchoEventName,
  type ZaloFollowEvent,
  type ZaloInboundAttachment,
  type ZaloSubmitInfoEvent,
  type ZaloUserMessageEvent,
  type ZaloUserMessageEventName,
  type ZaloWebhookEvent,
} from './types.js';

/**
 * The Zalo webhook, pure (platforms.md §1.7): signature check over the exact raw bytes, and parsing of
 * one event per request into our InboundEvent. No I/O, so both are fixture-tested.
 */

export const ZALO_SIGNATURE_HEADER = 'x-zevent-signature';

export interface ZaloSignatureConfig {
  /** Used when the body carries no `app_id`. */
  appId: string;
  /** The OA secret key: its own config value, since sources disagree on which secret it is (§1.7). */
  oaSecretKey: string;
}

export interface ZaloSignatureCheck {
  valid: boolean;
  /** Which header form matched (`mac=<hex>` is documented; a bare `<hex>` is accepted too). */
  variant?: 'mac-prefixed' | 'bare';
  /** Where the app id in the hash came from. */
  appIdSource?: 'body' | 'config';
  reason?: 'missing-header' | 'malformed-header' | 'bad-json' | 'missing-timestamp' | 'mismatch';
}

/**
 * Checks `X-ZEvent-Signature`: `mac=` + hex SHA-256 (a plain hash, not an HMAC) of
 * app_id + rawBody + timestamp + oaSecretKey, where timestamp is the body's field as received.
 */
export function verifyZaloSignature(rawBody: Buffer, headers: RawHeaders, config: ZaloSignatureConfig): ZaloSignatureCheck {
  const header = headerValue(headers, ZALO_SIGNATURE_HEADER)?.trim();
  if (!header) return { valid: false, reason: 'missing-header' };
  const prefixed = /^mac=/i.test(header);
  const given = (prefixed ? header.slice(4) : header).trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return { valid: false, reason: 'malformed-header' };

  let body: Record<string, unknown> | undefined;
  try {
    body = asObject(parseJsonKeepingBigInts(rawBody));
  } catch {
    return { valid: false, reason: 'bad-json' };
  }
  if (!body) return { valid: false, reason: 'bad-json' };
  const timestamp = idString(body.timestamp);
  if (!timestamp) return { valid: false, reason: 'missing-timestamp' };
  const bodyAppId = idString(body.app_id);
  const appId = bodyAppId || config.appId;

  const expected = zaloSignatureHex(appId, rawBody, timestamp, config.oaSecretKey);
  const valid = timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
  return valid
    ? { valid, variant: prefixed ? 'mac-prefixed' : 'bare', appIdSource: bodyAppId ? 'body' : 'config' }
    : { valid, reason: 'mismatch' };
}

/** Lowercase hex SHA-256 of appId + rawBody + timestamp + oaSecretKey (exported for tools and the fake). */
export function zaloSignatureHex(appId: string, rawBody: Buffer | string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(appId, 'utf8').update(rawBody).update(timestamp, 'utf8').update(oaSecretKey, 'utf8').digest('hex');
}

/**
 * Parses one webhook body into a typed event with every id a string. Accepts the raw bytes (preferred:
 * long integers survive) or an already-parsed object. Throws SyntaxError on invalid JSON and
 * WebhookEventError when an id or the timestamp has the wrong type.
 */
export function parseZaloWebhook(body: Buffer | Uint8Array | string | object): ZaloWebhookEvent {
  const parsed = typeof body === 'string' || body instanceof Uint8Array ? parseJsonKeepingBigInts(body) : body;
  const obj = asObject(parsed);
  if (!obj || typeof obj.event_name !== 'string') throw new SyntaxError('A Zalo webhook body must be a JSON object with event_name');
  assertIdTypes(obj);
  return normalizeIds(obj) as unknown as ZaloWebhookEvent;
}

/**
 * The ids and the timestamp the core reads, by path. Zalo quotes them, and an unquoted one is a number
 * (a long one was quoted by parseJsonKeepingBigInts), so a string or a whole number is fine; absent or
 * null means "not given" (the event is then dropped as before).
 */
const CHECKED_ID_PATHS: readonly (readonly [string] | readonly [string, string])[] = [
  ['app_id'],
  ['oa_id'],
  ['user_id_by_app'],
  ['timestamp'],
  ['sender', 'id'],
  ['recipient', 'id'],
  ['follower', 'id'],
  ['message', 'msg_id'],
];

/**
 * Throws WebhookEventError for an id or timestamp of the wrong type (object, array, boolean, a
 * fractional, negative or precision-losing number, a timestamp that is not digits), or a container of
 * one (`sender`, `message` …) that is not an object: such an event would reach the core with ids
 * like "[object Object]" or be silently dropped.
 */
function assertIdTypes(obj: Record<string, unknown>): void {
  for (const path of CHECKED_ID_PATHS) {
    let value: unknown = obj;
    for (const [i, key] of path.entries()) {
      if (value === undefined || value === null) break;
      const container = asObject(value);
      if (!container) throw new WebhookEventError(path.slice(0, i).join('.'));
      value = container[key];
    }
    if (value === undefined || value === null) continue;
    const field = path.join('.');
    if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) throw new WebhookEventError(field);
    if (typeof value !== 'number' && typeof value !== 'string') throw new WebhookEventError(field);
    if (field === 'timestamp' && typeof value === 'string' && !/^\d+$/.test(value)) throw new WebhookEventError(field);
  }
}

/**
 * Maps a webhook body to the events the core handles: citizen messages, follow, unfollow, submitted
 * info, and echoes (`oa_send_*`: a message the OA sent, ours or staff's from the OA admin / Zalo app,
 * as kind 'echo' with the citizen as userId; the core tells them apart by msg_id). Receipts, tags,
 * anonymous and group chat are dropped (an empty array).
 */
export function parseZaloEvents(body: Buffer | Uint8Array | string | object): InboundEvent[] {
  const event = parseZaloWebhook(body);
  const inbound = toInboundEvent(event);
  return inbound ? [inbound] : [];
}

/** Payload of the InboundEvent made from `user_submit_info` (kind 'postback'). */
export const ZALO_SUBMIT_INFO_PAYLOAD = 'zalo:user_submit_info';

/** One typed event → one InboundEvent, or undefined when the core has nothing to do with it. */
export function toInboundEvent(event: ZaloWebhookEvent): InboundEvent | undefined {
  const name = event.event_name;
  const timestamp = toEpochMs(event.timestamp);
  // Sender and recipient are swapped on echoes: the citizen is the recipient, the OA the sender.
  if (isUserMessage(event)) return messageEvent(event, 'message', event.sender?.id, event.recipient?.id, timestamp);
  if (isEcho(event)) return messageEvent(event, 'echo', event.recipient?.id, event.sender?.id, timestamp);
  if (name === 'follow' || name === 'unfollow') {
    const follow = event as ZaloFollowEvent;
    const userId = follow.follower?.id;
    const accountId = follow.oa_id;
    if (!userId || !accountId) return undefined;
    return { channel: 'zalo', externalId: syntheticId(name, userId, follow.timestamp), userId, accountId, kind: name, timestamp };
  }
  if (name === 'user_submit_info') {
    const submit = event as ZaloSubmitInfoEvent;
    const userId = submit.sender?.id;
    const accountId = submit.recipient?.id;
    if (!userId || !accountId) return undefined;
    const text = describeInfo(submit.info);
    return {
      channel: 'zalo',
      externalId: submit.message?.msg_id || syntheticId(name, userId, submit.timestamp),
      userId,
      accountId,
      kind: 'postback',
      payload: ZALO_SUBMIT_INFO_PAYLOAD,
      ...(text ? { text } : {}),
      timestamp,
    };
  }
  return undefined; // receipts, add_user_to_tag, anonymous_*, group chat (user_send_group_*, oa_send_group_*), ZNS…
}

/**
 * A citizen's message, or an echo of one sent to them: only what was typed is text (a photo, or an
 * `oa_send_image` echo, carries none; its attachments say what it was).
 */
function messageEvent(event: ZaloUserMessageEvent | ZaloEchoEvent, kind: 'message' | 'echo', userId: string | undefined, accountId: string | undefined, timestamp: number): InboundEvent | undefined {
  if (!userId || !accountId) return undefined;
  const message = event.message ?? ({} as ZaloUserMessageEvent['message']);
  const attachments = (message.attachments ?? []).map(toAttachment);
  return {
    channel: 'zalo',
    externalId: message.msg_id || syntheticId(event.event_name, userId, event.timestamp),
    userId,
    accountId,
    kind,
    ...(typeof message.text === 'string' && message.text !== '' ? { text: message.text } : {}),
    ...(attachments.length ? { attachments } : {}),
    timestamp,
  };
}

export function isUserMessage(event: ZaloWebhookEvent): event is ZaloUserMessageEvent {
  return (USER_MESSAGE_EVENTS as readonly string[]).includes(event.event_name as ZaloUserMessageEventName);
}

/** An `oa_send_*` echo of a message the OA sent to one citizen (not group or anonymous chat). */
export function isEcho(event: ZaloWebhookEvent): event is ZaloEchoEvent {
  return (ECHO_EVENTS as readonly string[]).includes(event.event_name as ZaloEchoEventName);
}

/** Stable across redeliveries of the same event (Zalo resends identical bodies), so dedupe works. */
function syntheticId(eventName: string, userId: string, timestamp: string): string {
  return `${eventName}:${userId}:${timestamp}`;
}

function toAttachment(attachment: ZaloInboundAttachment): InboundAttachment {
  const payload = attachment.payload ?? {};
  const type = String(attachment.type ?? 'unknown');
  if (type === 'location') {
    const lat = idString(payload.coordinates?.latitude);
    const long = idString(payload.coordinates?.longitude);
    return lat && long ? { type, url: `geo:${lat},${long}` } : { type };
  }
  const url = typeof payload.url === 'string' ? payload.url : typeof payload.thumbnail === 'string' ? payload.thumbnail : undefined;
  const nameField = [payload.name, payload.title, type === 'sticker' ? payload.id : undefined].find((v) => typeof v === 'string' && v !== '');
  return { type, ...(url ? { url } : {}), ...(typeof nameField === 'string' ? { name: nameField } : {}) };
}

/** `key: value` lines of the submitted info (both documented generations), nested address flattened. */
function describeInfo(info: ZaloSubmitInfoEvent['info'] | undefined): string {
  const lines: string[] = [];
  const visit = (obj: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(obj)) {
      if (typeof value === 'string' && value.trim() !== '') lines.push(`${key}: ${value.trim()}`);
      else if (typeof value === 'number') lines.push(`${key}: ${value}`);
      else if (asObject(value)) visit(value as Record<string, unknown>);
    }
  };
  if (info && asObject(info)) visit(info);
  return lines.join('\n');
}

function toEpochMs(timestamp: string | undefined): number {
  const n = Number(timestamp);
  return Number.isFinite(n) ? n : 0;
}

const ID_FIELDS = ['app_id', 'oa_id', 'user_id_by_app', 'timestamp', 'msg_id', 'quote_msg_id', 'id', 'admin_id', 'user_id'];
const ID_LIST_FIELDS = ['msg_ids', 'user_ids'];

/** Turns every known id field (at any depth) into a string, so no number-typed id reaches the core. */
function normalizeIds(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (ID_FIELDS.includes(key) && (typeof v === 'number' || typeof v === 'bigint')) out[key] = idString(v);
    else if (ID_LIST_FIELDS.includes(key) && Array.isArray(v)) out[key] = v.map((item) => idString(item) ?? item);
    else if (Array.isArray(v)) out[key] = v.map((item) => (asObject(item) ? normalizeIds(item as Record<string, unknown>) : item));
    else if (asObject(v)) out[key] = normalizeIds(v as Record<string, unknown>);
    else out[key] = v;
  }
  return out;
}

function headerValue(headers: RawHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
