import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundAttachment, InboundEvent } from '../../src/domain/message.js';
import { WebhookEventError, type RawHeaders } from '../../src/ports/channel.js';
import type { MessagingEvent, MessengerEntry, MessengerInboundAttachment, MessengerInboundMessage } from './types.js';

/**
 * The Messenger webhook, pure (platforms.md §2.1–2.2): the GET verification handshake, the
 * X-Hub-Signature-256 check over the exact raw bytes, and entry[].messaging[] → InboundEvent. No I/O,
 * so all three are fixture-tested.
 */

export const MESSENGER_SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * Meta's challenge is a decimal number; anything outside this conservative alphabet is refused so the
 * router can never reflect markup back to a caller who guessed the verify token.
 */
const CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{1,512}$/;

/**
 * Answers `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` with the challenge when the mode
 * is `subscribe` and the token equals ours (compared in constant time); undefined means "answer 403".
 * Accepts flat keys (`hub.mode`, as Express's simple parser yields) and nested ones (`hub: {mode}`).
 */
export function handshake(query: Record<string, unknown>, verifyToken: string): string | undefined {
  const mode = hubParam(query, 'mode');
  const token = hubParam(query, 'verify_token');
  const challenge = hubParam(query, 'challenge');
  if (!verifyToken || mode !== 'subscribe' || token === undefined || challenge === undefined) return undefined;
  if (!CHALLENGE_PATTERN.test(challenge)) return undefined;
  return secretsEqual(token, verifyToken) ? challenge : undefined;
}

export interface MessengerSignatureCheck {
  valid: boolean;
  reason?: 'no-secret' | 'missing-header' | 'malformed-header' | 'mismatch';
}

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256(key = app secret, message = raw body). Must run
 * on the bytes as received: Meta escapes `/` and non-ASCII, so re-serialised JSON would not match.
 */
export function verifyMessengerSignature(rawBody: Buffer | string, headers: RawHeaders, appSecret: string): MessengerSignatureCheck {
  if (!appSecret) return { valid: false, reason: 'no-secret' };
  const header = headerValue(headers, MESSENGER_SIGNATURE_HEADER)?.trim();
  if (!header) return { valid: false, reason: 'missing-header' };
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header);
  if (!match) return { valid: false, reason: 'malformed-header' };
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1]!, 'hex');
  return timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: 'mismatch' };
}

/**
 * Maps a verified webhook body (raw bytes, text, or parsed JSON) to the events the core handles: user
 * messages (text, quick-reply taps, attachments), postbacks, and echoes (`message_echoes`: a message the
 * Page sent, by our app or by staff in Meta Business Suite, as kind 'echo' with the citizen as userId
 * and the sending app in `echoAppId`). Deleted messages, delivery and read receipts, reactions, opt-ins,
 * referrals and `standby` entries (another app owns the thread) are dropped. Throws SyntaxError on
 * invalid JSON text, and WebhookEventError when any `messaging[]` item has an id or timestamp of the
 * wrong type (checked for the whole body first, so no event of a bad body is produced).
 */
export function parseMessengerEvents(body: unknown): InboundEvent[] {
  const parsed =
    typeof body === 'string' || body instanceof Uint8Array ? (JSON.parse(quoteLongAppIds(Buffer.from(body).toString('utf8'))) as unknown) : body;
  const root = asRecord(parsed);
  if (!root || root.object !== 'page' || !Array.isArray(root.entry)) return [];
  root.entry.forEach(assertEntryTypes);
  const events: InboundEvent[] = [];
  for (const rawEntry of root.entry) {
    const entry = asRecord(rawEntry) as MessengerEntry | undefined;
    const pageId = idOf(entry?.id);
    if (!entry || !pageId || !Array.isArray(entry.messaging)) continue; // standby-only / feed entries
    for (const rawItem of entry.messaging) {
      const item = asRecord(rawItem) as MessagingEvent | undefined;
      const event = item ? toInboundEvent(item, pageId, entry.time) : undefined;
      if (event) events.push(event);
    }
  }
  return events;
}

/** One `messaging[]` item → an InboundEvent, or undefined when the core has nothing to do with it. */
export function toInboundEvent(item: MessagingEvent, pageId: string, entryTime?: number): InboundEvent | undefined {
  const senderId = idOf(item.sender?.id);
  if (!senderId) return undefined;
  const timestamp = epochMs(item.timestamp) ?? epochMs(entryTime) ?? 0;
  const message = asRecord(item.message) as MessengerInboundMessage | undefined;
  // Sent by the Page (`is_echo`, or sender = the Page whatever its flags): an echo, or nothing.
  if (senderId === pageId || message?.is_echo) return message ? toEcho(item, message, pageId, timestamp) : undefined;

  const userId = senderId;
  const base = { channel: 'messenger' as const, userId, accountId: pageId, timestamp };
  if (message) {
    if (message.is_deleted || typeof message.mid !== 'string' || message.mid === '') return undefined;
    const attachments = toAttachments(message.attachments);
    const payload = asRecord(message.quick_reply)?.payload;
    return {
      ...base,
      externalId: message.mid,
      kind: 'message',
      ...(typeof message.text === 'string' && message.text !== '' ? { text: message.text } : {}),
      ...(typeof payload === 'string' ? { payload } : {}),
      ...(attachments.length ? { attachments } : {}),
    };
  }

  const postback = asRecord(item.postback);
  if (postback) {
    const mid = typeof postback.mid === 'string' && postback.mid !== '' ? postback.mid : `postback:${userId}:${timestamp}`;
    return {
      ...base,
      externalId: mid,
      kind: 'postback',
      ...(typeof postback.title === 'string' && postback.title !== '' ? { text: postback.title } : {}),
      ...(typeof postback.payload === 'string' ? { payload: postback.payload } : {}),
    };
  }
  return undefined; // read, delivery, reaction, optin, referral, handover…
}

/** Meta Page Inbox's app id: echoes carrying it were typed by staff in Meta Business Suite (B.1.2). */
export const PAGE_INBOX_APP_ID = '263902037430900';

/**
 * A `message_echoes` item → kind 'echo': userId = the citizen (the recipient), accountId = the Page,
 * externalId = the mid, echoAppId = the sending app (ours, Page Inbox 263902037430900, another app),
 * text = what was typed (or a button template's text); other non-text echoes carry attachments only.
 * Deleted echoes, echoes without a mid and echoes to the Page itself are dropped.
 */
function toEcho(item: MessagingEvent, message: MessengerInboundMessage, pageId: string, timestamp: number): InboundEvent | undefined {
  const userId = idOf(item.recipient?.id);
  if (!userId || userId === pageId) return undefined;
  if (message.is_deleted || typeof message.mid !== 'string' || message.mid === '') return undefined;
  const appId = appIdOf(message.app_id);
  const attachments = toAttachments(message.attachments);
  const text = typeof message.text === 'string' && message.text !== '' ? message.text : templateText(message.attachments);
  return {
    channel: 'messenger',
    externalId: message.mid,
    userId,
    accountId: pageId,
    kind: 'echo',
    ...(appId ? { echoAppId: appId } : {}),
    ...(text ? { text } : {}),
    ...(attachments.length ? { attachments } : {}),
    timestamp,
  };
}

/** The text of an echoed button template (how our own messages with buttons come back). */
function templateText(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const raw of list) {
    const attachment = asRecord(raw);
    const text = attachment?.type === 'template' ? asRecord(attachment.payload)?.text : undefined;
    if (typeof text === 'string' && text !== '') return text;
  }
  return undefined;
}

/**
 * `message.app_id` as a string. Meta sends it as a JSON number; raw bodies get long ones quoted before
 * parsing (quoteLongAppIds), and a number that already lost digits (not a safe integer) is not trusted.
 */
function appIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value !== '' ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return undefined;
}

/**
 * Quotes `"app_id": <16+ digits>` in raw JSON text so an app id above 2^53 keeps its digits. Only a key
 * can match: inside a JSON string every `"` is escaped, so `app_id"` cannot occur there.
 */
function quoteLongAppIds(text: string): string {
  return text.replace(/("app_id"\s*:\s*)(\d{16,})(?=\s*[,}])/g, '$1"$2"');
}

/**
 * Attachments as the core sees them. A sticker arrives as `type:"sticker"` and, during Meta's 2026
 * transition, also as an image carrying `sticker_id`; both collapse into one `sticker` entry.
 */
function toAttachments(list: unknown): InboundAttachment[] {
  if (!Array.isArray(list)) return [];
  const out: InboundAttachment[] = [];
  const seen = new Set<string>();
  for (const raw of list) {
    const attachment = asRecord(raw) as MessengerInboundAttachment | undefined;
    if (!attachment || typeof attachment.type !== 'string') continue;
    const payload = asRecord(attachment.payload);
    const isSticker = attachment.type === 'sticker' || (attachment.type === 'image' && payload?.sticker_id !== undefined);
    const type = isSticker ? 'sticker' : attachment.type;
    const url = typeof payload?.url === 'string' ? payload.url : typeof attachment.url === 'string' ? attachment.url : undefined;
    const name = typeof attachment.title === 'string' ? attachment.title : typeof payload?.title === 'string' ? payload.title : undefined;
    const key = isSticker ? `sticker:${String(payload?.sticker_id ?? url)}` : `${type}:${url ?? out.length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ type, ...(url ? { url } : {}), ...(name ? { name } : {}) });
  }
  return out;
}

/**
 * Meta sends every id as a string (PSIDs and Page ids exceed 2^53, so a JSON number may already have
 * lost digits) and timestamps as epoch-ms numbers. A value of another type where the core reads one
 * (an object or array as `sender.id`, a number as a `mid`, a timestamp that is not a number) makes the
 * body malformed; absent or null values keep their old meaning (the item is skipped or gets a derived id).
 */
function assertEntryTypes(rawEntry: unknown, e: number): void {
  const entry = asRecord(rawEntry);
  if (!entry) return;
  const at = `entry[${e}]`;
  expectType(entry.id, 'string', `${at}.id`);
  expectType(entry.time, 'timestamp', `${at}.time`);
  if (!Array.isArray(entry.messaging)) return;
  entry.messaging.forEach((rawItem: unknown, m: number) => {
    const item = asRecord(rawItem);
    const where = `${at}.messaging[${m}]`;
    if (!item) throw new WebhookEventError(where);
    expectType(item.timestamp, 'timestamp', `${where}.timestamp`);
    for (const [key, idKey] of [['sender', 'id'], ['recipient', 'id'], ['message', 'mid'], ['postback', 'mid']] as const) {
      const value = item[key];
      if (value === undefined || value === null) continue;
      const container = asRecord(value);
      if (!container) throw new WebhookEventError(`${where}.${key}`);
      expectType(container[idKey], 'string', `${where}.${key}.${idKey}`);
    }
  });
}

function expectType(value: unknown, kind: 'string' | 'timestamp', field: string): void {
  if (value === undefined || value === null) return;
  const ok =
    kind === 'string'
      ? typeof value === 'string'
      : (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (typeof value === 'string' && /^\d{1,16}$/.test(value));
  if (!ok) throw new WebhookEventError(field);
}

/* ------------------------------------------------------------------------------------------------ */

function hubParam(query: Record<string, unknown>, name: 'mode' | 'verify_token' | 'challenge'): string | undefined {
  const flat = query[`hub.${name}`];
  const nested = asRecord(query.hub)?.[name];
  const value = flat ?? nested;
  return typeof value === 'string' ? value : undefined;
}

/** Constant-time equality of two strings of any length (both hashed first, so lengths do not leak). */
function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function headerValue(headers: RawHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function epochMs(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
