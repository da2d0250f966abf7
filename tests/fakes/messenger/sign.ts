import { createHmac, randomBytes, randomInt } from 'node:crypto';

/**
 * Meta's webhook signature, JSON encoding and id shapes, written independently of adapters/messenger so
 * the fake and the tests check the adapter instead of agreeing with it by construction (platforms.md §2.1).
 */

/** `sha256=` + hex HMAC-SHA256, key = App Secret, message = the raw body bytes. */
export function hubSignature256(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** The legacy `X-Hub-Signature: sha1=<hex>` (whether Meta still sends it is UNCONFIRMED). */
export function hubSignature1(appSecret: string, rawBody: string | Buffer): string {
  return `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}`;
}

/** `appsecret_proof`: hex HMAC-SHA256, key = App Secret, message = the access token. */
export function proofFor(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/**
 * JSON the way Meta's webhook bodies are encoded: `/` written as `\/` and every non-ASCII UTF-16 unit as
 * `\uXXXX`. A receiver that re-serialises the parsed body before checking the signature fails on these.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A page-scoped id: a 16–17 digit decimal string (some exceed 2^53, so always strings). */
export function newPsid(): string {
  return digits(randomInt(16, 18));
}

/** A Page id: 15 digits. */
export function newPageId(): string {
  return digits(15);
}

/** A message id in Meta's shape: `m_` + ~86 base64url characters. */
export function newMid(): string {
  return `m_${randomBytes(64).toString('base64url')}`;
}

export function newFbtraceId(): string {
  return randomBytes(8).toString('base64url').replace(/[-_]/g, 'A').slice(0, 11);
}

/** An opaque Page access token (EAA…). */
export function newPageToken(): string {
  return `EAA${randomBytes(48).toString('base64url').replace(/[-_]/g, 'Z')}`;
}

function digits(n: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < n) out += String(randomInt(0, 10));
  return out;
}
