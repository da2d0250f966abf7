import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Zalo's webhook signature and id shapes, written independently of adapters/zalo so the fake and the
 * tests check the adapter rather than agree with it by construction (platforms.md §1.7).
 */

/** `mac=` + hex SHA-256 over the plain concatenation app_id + raw body + timestamp + OA secret key. */
export function zaloMac(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return `mac=${createHash('sha256').update(`${appId}${rawBody}${timestamp}${oaSecretKey}`, 'utf8').digest('hex')}`;
}

/** A numeric-looking id above 2^53 (19 digits), like Zalo's user, OA and app ids. */
export function bigId(): string {
  let id = String(randomInt(1, 9));
  for (let i = 0; i < 18; i++) id += String(randomInt(0, 10));
  return id;
}

/** A message id: Zalo's are opaque strings (hex here). */
export function messageId(): string {
  return randomBytes(16).toString('hex');
}

/** An opaque token of the length and alphabet Zalo uses (base64url-ish). */
export function opaqueToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}
