/**
 * Sending one Web Push message to one browser subscription (RFC 8030 with VAPID, RFC 8292, and the
 * aes128gcm payload encryption of RFC 8291), as the news fan-out needs it. The adapter
 * (adapters/webpush) signs, encrypts and POSTs; failures come back classified so the use case can act
 * without reading HTTP statuses itself.
 */

/** RFC 8030 §5.3: how soon the push service should wake the device. */
export type WebPushUrgency = 'very-low' | 'low' | 'normal' | 'high';

/** What the browser's PushSubscription.toJSON() gives: the push service URL and the keys to encrypt for. */
export interface WebPushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushSendOptions {
  /** Seconds the push service keeps the message for an offline browser (the TTL header). */
  ttlSec: number;
  urgency: WebPushUrgency;
  /** At most 32 URL-safe base64 characters: a later message with the same topic replaces an undelivered one. */
  topic?: string;
}

/**
 * - `gone`: the subscription no longer exists (404, 410) or no longer accepts our key (403 after a VAPID
 *   key change): remove it, never retry.
 * - `retryable`: try again later (429, 5xx, network failure, timeout); `retryAfterMs` when the service said.
 * - `permanent`: this message will never be accepted (400, 413 and the other 4xx): record it, do not retry.
 */
export type WebPushFailureKind = 'gone' | 'retryable' | 'permanent';

/** A refused or failed send. Carries no payload, key or endpoint path (they are secrets of the browser). */
export class WebPushSendError extends Error {
  constructor(
    readonly kind: WebPushFailureKind,
    message: string,
    /** The push service's HTTP status; absent for a network failure or a timeout. */
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WebPushSendError';
  }
}

export interface WebPushSender {
  /** The VAPID public key browsers subscribe with (applicationServerKey), URL-safe base64. */
  readonly publicKey: string;
  /** Encrypts `payload` for the target and sends it; resolves with the push service's 2xx status, else throws WebPushSendError. */
  send(target: WebPushTarget, payload: string, options: WebPushSendOptions): Promise<{ status: number }>;
}

/** A VAPID key pair, URL-safe base64 (65-byte uncompressed public point, 32-byte private scalar). */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}
