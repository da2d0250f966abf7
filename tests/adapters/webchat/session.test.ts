import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWebchatSessions, DEFAULT_SESSION_TTL_MS, newVisitorId } from '../../../adapters/webchat/session.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const DAY = 24 * 60 * 60 * 1000;

/** A session signer whose clock the test moves. */
function sessionsAt(start = Date.UTC(2026, 0, 1)) {
  const clock = { now: start };
  const sessions = createWebchatSessions({ secret: SECRET, now: () => clock.now });
  return { sessions, clock };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('webchat sessions', () => {
  it('When a session is issued, then the server chose a 128-bit base64url visitor id and the token verifies to it', () => {
    // Arrange
    const { sessions, clock } = sessionsAt();

    // Act
    const { token, session } = sessions.issue();

    // Assert
    expect(session.visitorId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(session.visitorId, 'base64url')).toHaveLength(16);
    expect(session.expiresAt - session.issuedAt).toBe(DEFAULT_SESSION_TTL_MS);
    expect(session.issuedAt).toBe(clock.now);
    expect(sessions.verify(token)).toEqual(session);
    const [body] = token.split('.');
    expect(JSON.parse(Buffer.from(body!, 'base64url').toString())).toEqual({ v: session.visitorId, iat: clock.now / 1000, exp: session.expiresAt / 1000 });
  });

  it('When two sessions are issued, then their visitor ids differ', () => {
    const { sessions } = sessionsAt();
    expect(sessions.issue().session.visitorId).not.toBe(sessions.issue().session.visitorId);
    expect(newVisitorId()).not.toBe(newVisitorId());
  });

  it('When the token has expired, then it does not verify and cannot be renewed', () => {
    // Arrange
    const { sessions, clock } = sessionsAt();
    const { token } = sessions.issue();

    // Act
    clock.now += 90 * DAY;

    // Assert
    expect(sessions.verify(token)).toBeUndefined();
    expect(sessions.renew(token)).toBeUndefined();
  });

  it('When a valid token is renewed later, then the same visitor gets a later expiry', () => {
    // Arrange
    const { sessions, clock } = sessionsAt();
    const first = sessions.issue();
    clock.now += 30 * DAY;

    // Act
    const renewed = sessions.renew(first.token);

    // Assert
    expect(renewed?.session.visitorId).toBe(first.session.visitorId);
    expect(renewed!.session.expiresAt).toBe(first.session.expiresAt + 30 * DAY);
    expect(sessions.verify(renewed!.token)?.visitorId).toBe(first.session.visitorId);
  });

  it('When the payload is changed to another visitor id, then the signature no longer matches', () => {
    // Arrange
    const { sessions } = sessionsAt();
    const victim = sessions.issue();
    const attacker = sessions.issue();
    const [attackerBody, attackerSig] = attacker.token.split('.');
    const claims = JSON.parse(Buffer.from(attackerBody!, 'base64url').toString());

    // Act
    const forged = `${b64({ ...claims, v: victim.session.visitorId })}.${attackerSig}`;

    // Assert
    expect(sessions.verify(forged)).toBeUndefined();
  });

  it('When the signature is altered, truncated or missing, then the token is rejected', () => {
    const { sessions } = sessionsAt();
    const { token } = sessions.issue();
    const [body, sig] = token.split('.') as [string, string];
    const flipped = (sig.startsWith('A') ? 'B' : 'A') + sig.slice(1);
    // The last character carries 2 padding bits: another character can decode to the same bytes.
    const lastChar = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = sig.slice(0, -1) + lastChar[lastChar.indexOf(sig.at(-1)!) ^ 1];
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    for (const bad of [`${body}.${flipped}`, `${body}.${sameBytes}`, `${body}.${sig.slice(0, 20)}`, `${body}.`, body, `.${sig}`, `${token}.x`, `${body}.${sig}=`, '', 'x'.repeat(300)]) {
      expect(sessions.verify(bad), bad).toBeUndefined();
    }
    expect(sessions.verify(undefined)).toBeUndefined();
    expect(sessions.verify(null)).toBeUndefined();
  });

  it('When a token is signed with another secret, then it is rejected', () => {
    const other = createWebchatSessions({ secret: 'another-secret-that-is-long-enough-9876543210' });
    const { sessions } = sessionsAt(Date.now());
    expect(sessions.verify(other.issue().token)).toBeUndefined();
  });

  it('When a correctly signed token carries bad claims, then it is rejected (id shape, lifetime, future iat)', () => {
    // Arrange: sign arbitrary claims with the derived key, as only the server could.
    const { sessions, clock } = sessionsAt();
    const key = createHmac('sha256', SECRET).update('tro-ly-1022/webchat-session/v1').digest();
    const sign = (claims: unknown) => {
      const body = b64(claims);
      return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    };
    const now = clock.now / 1000;
    const v = newVisitorId();

    // Assert: the signing recipe is right (a good token passes) …
    expect(sessions.verify(sign({ v, iat: now, exp: now + 60 }))?.visitorId).toBe(v);
    // … and each bad claim is refused.
    expect(sessions.verify(sign({ v: 'alice', iat: now, exp: now + 60 }))).toBeUndefined();
    expect(sessions.verify(sign({ v, iat: now, exp: now + 365 * 86400 }))).toBeUndefined();
    expect(sessions.verify(sign({ v, iat: now + 3600, exp: now + 7200 }))).toBeUndefined();
    expect(sessions.verify(sign({ v, iat: String(now), exp: now + 60 }))).toBeUndefined();
    expect(sessions.verify(sign([v, now, now + 60]))).toBeUndefined();
  });

  it('When the secret is too short, then creating the signer fails', () => {
    expect(() => createWebchatSessions({ secret: 'short' })).toThrow(/at least 32/);
  });
});
