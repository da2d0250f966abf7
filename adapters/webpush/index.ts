import webpush from 'web-push';
import { WebPushSendError, type VapidKeys, type WebPushSender, type WebPushSendOptions, type WebPushTarget } from '../../src/ports/web-push.js';
import { statusError } from './classify.js';

/**
 * The Web Push sender over the npm `web-push` library (3.6.7): it builds the request (VAPID JWT signed
 * with ES256 for the endpoint's origin, valid 12 h; the payload encrypted as aes128gcm for the
 * browser's keys; TTL, Urgency and Topic headers) with `generateRequestDetails`, and this adapter POSTs
 * it with the injected fetch, with a timeout and without following redirects. (`sendNotification`
 * would always speak https to the endpoint's host and hide Retry-After; owning the POST lets a test's
 * fake push service run on plain http when WEB_PUSH_ALLOWED_HOSTS lists it so.)
 *
 * The private key stays inside the library's VAPID signing: it is never logged nor put in an error.
 */

export interface WebPushSenderOptions {
  vapid: VapidKeys & { subject: string };
  /** Milliseconds before a send counts as a (retryable) timeout; default 15 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export const DEFAULT_WEB_PUSH_TIMEOUT_MS = 15_000;

export function createWebPushSender(options: WebPushSenderOptions): WebPushSender {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEB_PUSH_TIMEOUT_MS;
  const vapidDetails = { subject: options.vapid.subject, publicKey: options.vapid.publicKey, privateKey: options.vapid.privateKey };
  return {
    publicKey: options.vapid.publicKey,
    async send(target: WebPushTarget, payload: string, sendOptions: WebPushSendOptions) {
      let details: ReturnType<typeof webpush.generateRequestDetails>;
      try {
        details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: target.keys }, payload, {
          vapidDetails,
          TTL: sendOptions.ttlSec,
          urgency: sendOptions.urgency,
          contentEncoding: 'aes128gcm',
          ...(sendOptions.topic && { topic: sendOptions.topic }),
        });
      } catch (err) {
        // Keys that are not a browser's, a topic out of the alphabet: this message can never be sent.
        throw new WebPushSendError('permanent', `web push request not built: ${(err as Error).message}`);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(details.headers)) {
        // fetch computes Content-Length itself.
        if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
      }
      let response: Response;
      try {
        response = await doFetch(details.endpoint, {
          method: 'POST',
          headers,
          ...(details.body && { body: new Uint8Array(details.body) }),
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw new WebPushSendError('retryable', timedOut ? 'push service timed out' : 'push service unreachable');
      }
      // The body is not needed (push services answer 201 with an empty body or a short error text).
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { status: response.status };
      throw statusError(response.status, response.headers.get('retry-after'));
    },
  };
}

/** A fresh VAPID key pair (the zero-configuration start keeps it in the store's secrets). */
export function generateVapidKeys(): VapidKeys {
  const keys = webpush.generateVAPIDKeys();
  return { publicKey: keys.publicKey, privateKey: keys.privateKey };
}
