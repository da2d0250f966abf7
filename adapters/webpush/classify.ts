import { WebPushSendError, type WebPushFailureKind } from '../../src/ports/web-push.js';

/**
 * What a push service's answer means for the sender (news-handoff-languages.md A.1.6, A.4 items 7–8):
 * 404 and 410 = the subscription is gone; 403 = our VAPID key is no longer the one the browser subscribed
 * with (a key rotation), so the subscription is dead too; 429 and 5xx = try again (Retry-After when
 * given); any other 4xx (400 malformed, 413 payload too large…) = this message will never be accepted.
 * A redirect is not followed (the endpoint was checked against the allow-list, its target was not).
 */
export function classifyStatus(status: number): WebPushFailureKind {
  if (status === 404 || status === 410 || status === 403) return 'gone';
  if (status === 429 || status >= 500) return 'retryable';
  return 'permanent';
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. Capped at a day. */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  let ms: number | undefined;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) ms = Math.max(0, at - now);
  }
  return ms === undefined ? undefined : Math.min(ms, 86_400_000);
}

/** The error for a non-2xx answer. */
export function statusError(status: number, retryAfter: string | null): WebPushSendError {
  const kind = classifyStatus(status);
  const after = kind === 'retryable' ? retryAfterMs(retryAfter) : undefined;
  return new WebPushSendError(kind, `push service answered ${status}`, status, after);
}
