import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toChannelSendError, ZaloOA, ZaloTokenError, ZaloTokenStore, type FetchLike } from '../../../adapters/zalo/index.js';
import { MemorySecretRepo } from '../../fakes/memory-secrets.js';
import type { FakeZalo } from '../../fakes/zalo/index.js';
import { clientFor, CS_PATH, REFRESH_PATH, startFake } from './helpers.js';

let fake: FakeZalo;
const keyOf = (f: FakeZalo) => `zalo:${f.appId}:tokens`;

beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.stop();
});

describe('ZaloTokenStore through the client', () => {
  it('When Zalo answers -216 once, then the client refreshes once, retries once and the send succeeds', async () => {
    const secrets = new MemorySecretRepo();
    const seed = fake.issueTokens();
    const oa = clientFor(fake, secrets, { seed });
    fake.failNext(-216, 1, { path: CS_PATH });

    const [sent] = await oa.sendText(fake.users[0] ?? '1234567890123456789', 'Xin chào');

    expect(sent?.messageId).toMatch(/^[0-9a-f]{32}$/);
    expect(fake.requestsTo(REFRESH_PATH)).toHaveLength(1);
    const sends = fake.requestsTo(CS_PATH);
    expect(sends.map((r) => r.headers['access_token'])).toEqual([seed.accessToken, secrets.peek(keyOf(fake))!.value.accessToken]);
    expect(fake.isRefreshTokenLive(seed.refreshToken)).toBe(false);
    expect(fake.isRefreshTokenLive(String(secrets.peek(keyOf(fake))!.value.refreshToken))).toBe(true);
  });

  it('When the refresh request is sent, then it is form-encoded with the secret_key header and the three fields', async () => {
    const secrets = new MemorySecretRepo();
    const seed = fake.issueTokens();
    const oa = clientFor(fake, secrets, { seed });
    fake.expireAccessToken();

    await oa.sendText('1234567890123456789', 'a');

    const [refresh] = fake.requestsTo(REFRESH_PATH);
    expect(refresh?.method).toBe('POST');
    expect(refresh?.headers['secret_key']).toBe(fake.appSecret);
    expect(refresh?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(refresh?.form).toEqual({ app_id: fake.appId, grant_type: 'refresh_token', refresh_token: seed.refreshToken });
    const stored = secrets.peek(keyOf(fake))!.value;
    expect(stored.accessExpiresAt).toBeGreaterThan(Date.now() + 24 * 3600_000); // expires_in "90000" read as a string
  });

  it('When Zalo rejects the token twice in a row, then the call fails after exactly one refresh (no loop)', async () => {
    const oa = clientFor(fake, new MemorySecretRepo());
    fake.failNext(-220, 2, { path: CS_PATH });

    await expect(oa.sendText('1234567890123456789', 'a')).rejects.toMatchObject({ name: 'ZaloApiError', code: -220 });
    expect(fake.requestsTo(REFRESH_PATH)).toHaveLength(1);
    expect(fake.requestsTo(CS_PATH)).toHaveLength(2);
  });

  it('When 20 calls on one client and 20 on a second client sharing the SecretRepo hit an expired token, then exactly one refresh reaches Zalo', async () => {
    const secrets = new MemorySecretRepo({ delayMs: 2 }); // real interleaving between the two "processes"
    const seed = fake.issueTokens();
    const a = clientFor(fake, secrets, { seed });
    const b = clientFor(fake, secrets, { seed });
    await Promise.all([a.tokens.getAccessToken(), b.tokens.getAccessToken()]);
    fake.expireAccessToken(); // Zalo now answers -220 to the pair both clients hold
    fake.oauthDelayMs = 150; // the second client's -220s surely arrive while the first refresh is in flight

    const users = Array.from({ length: 40 }, (_, i) => `90000000000000000${String(i).padStart(2, '0')}`);
    const results = await Promise.all(users.map((u, i) => (i < 20 ? a : b).sendText(u, `tin ${i}`)));

    expect(results.flat()).toHaveLength(40);
    expect(fake.requestsTo(REFRESH_PATH)).toHaveLength(1);
    const stored = secrets.peek(keyOf(fake))!.value;
    expect(stored.lease).toBeUndefined();
    const retried = fake.requestsTo(CS_PATH).filter((r) => r.response.error === 0);
    expect(new Set(retried.map((r) => r.headers['access_token']))).toEqual(new Set([stored.accessToken]));
  });

  it('When the store holds a token expired by our clock, then all in-process callers share one refresh before calling Zalo', async () => {
    const secrets = new MemorySecretRepo();
    const seed = fake.issueTokens();
    const oa = new ZaloOA({
      appId: fake.appId,
      appSecret: fake.appSecret,
      oaSecretKey: fake.oaSecretKey,
      apiBase: fake.apiBase,
      oauthBase: fake.oauthBase,
      tokens: { secrets, seed: { ...seed, accessExpiresAt: Date.now() - 1 } },
    });

    await Promise.all(Array.from({ length: 10 }, () => oa.sendText('1234567890123456789', 'a')));

    expect(fake.requestsTo(REFRESH_PATH)).toHaveLength(1);
    expect(fake.requestsTo(CS_PATH).every((r) => r.response.error === 0)).toBe(true); // no -220 round trip
  });

  it('When the pair rotates, then the new pair is persisted before the new access token is ever used', async () => {
    const secrets = new MemorySecretRepo();
    const seed = fake.issueTokens();
    const key = keyOf(fake);
    const violations: string[] = [];
    const checkingFetch: FetchLike = (input, init) => {
      const token = new Headers(init?.headers).get('access_token');
      if (token && token !== seed.accessToken && secrets.peek(key)?.value.accessToken !== token) violations.push(input);
      return fetch(input, init);
    };
    const oa = clientFor(fake, secrets, { seed, fetch: checkingFetch });
    fake.expireAccessToken();

    await oa.sendText('1234567890123456789', 'a');

    expect(violations).toEqual([]);
    const rotated = secrets.writes.filter((w) => w.value.accessToken !== seed.accessToken);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]!.value.lease).toBeUndefined();
    // seed (v1) → lease claim (v2) → new pair (v3)
    expect(secrets.writes.map((w) => [w.version, w.value.lease ? 'lease' : 'pair'])).toEqual([
      [1, 'pair'],
      [2, 'lease'],
      [3, 'pair'],
    ]);
  });

  it('When the store already holds a pair, then the configured seed is ignored', async () => {
    const secrets = new MemorySecretRepo();
    const stored = fake.issueTokens();
    await clientFor(fake, secrets, { seed: stored }).tokens.getAccessToken();
    const stale = fake.issueTokens();

    const token = await clientFor(fake, secrets, { seed: stale }).tokens.getAccessToken();

    expect(token).toBe(stored.accessToken);
    expect(secrets.writes).toHaveLength(1);
  });

  it('When nothing is stored and no seed is configured, then a ZaloTokenError explains it', async () => {
    const store = new ZaloTokenStore({ appId: fake.appId, appSecret: fake.appSecret, secrets: new MemorySecretRepo(), oauthBase: fake.oauthBase });
    await expect(store.getAccessToken()).rejects.toBeInstanceOf(ZaloTokenError);
  });

  it('When the refresh token was already spent elsewhere, then the refresh fails as a token error, the lease is released, and sends map to retryable', async () => {
    const seed = fake.issueTokens();
    const winner = clientFor(fake, new MemorySecretRepo(), { seed });
    fake.expireAccessToken();
    await winner.sendText('1234567890123456789', 'a'); // spends seed.refreshToken
    const secrets = new MemorySecretRepo();
    const loser = clientFor(fake, secrets, { seed }); // a misconfigured second store with the old pair

    const failure = await loser.sendText('1234567890123456789', 'b').catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ZaloTokenError);
    expect((failure as ZaloTokenError).code).toBe(-14014);
    expect(toChannelSendError(failure).kind).toBe('retryable');
    expect(secrets.peek(keyOf(fake))!.value.lease).toBeUndefined();
  });

  it('When another worker holds a fresh lease and then writes the new pair, then the waiter uses that pair without refreshing', async () => {
    const secrets = new MemorySecretRepo();
    const seed = fake.issueTokens();
    const oa = clientFor(fake, secrets, { seed });
    await oa.tokens.getAccessToken();
    const key = keyOf(fake);
    const current = secrets.peek(key)!;
    await secrets.compareAndSet(key, current.version, { ...current.value, lease: { owner: 'other-process', until: Date.now() + 10_000 } });
    fake.expireAccessToken();

    const sending = oa.sendText('1234567890123456789', 'a');
    await new Promise((r) => setTimeout(r, 30));
    const other = fake.issueTokens(); // what the other process got from its refresh
    const leased = secrets.peek(key)!;
    await secrets.compareAndSet(key, leased.version, { ...current.value, accessToken: other.accessToken, refreshToken: other.refreshToken, accessExpiresAt: Date.now() + 3600_000 });
    await sending;

    expect(fake.requestsTo(REFRESH_PATH)).toHaveLength(0);
    expect(fake.requestsTo(CS_PATH).at(-1)?.headers['access_token']).toBe(other.accessToken);
  });

  it('When a lease was left by a crashed worker, then it is taken over after it expires', async () => {
    const secrets = new MemorySecretRepo();
    const seed = fake.issueTokens();
    const key = keyOf(fake);
    await secrets.compareAndSet(key, 0, {
      accessToken: seed.accessToken,
      refreshToken: seed.refreshToken,
      accessExpiresAt: Date.now() - 1,
      refreshExpiresAt: Date.now() + 1e9,
      issuedAt: Date.now(),
      lease: { owner: 'crashed', until: Date.now() + 60 },
    });
    const store = new ZaloTokenStore({ appId: fake.appId, appSecret: fake.appSecret, secrets, oauthBase: fake.oauthBase, pollIntervalMs: 10 });

    const token = await store.getAccessToken();

    expect(token).not.toBe(seed.accessToken);
    expect(fake.requestsTo(REFRESH_PATH)).toHaveLength(1);
  });

  it('When refreshIfExpiring runs for a token far from expiry, then nothing is refreshed; close to expiry, it refreshes', async () => {
    const secrets = new MemorySecretRepo();
    const seed = fake.issueTokens();
    const store = new ZaloTokenStore({ appId: fake.appId, appSecret: fake.appSecret, secrets, oauthBase: fake.oauthBase, seed });

    expect(await store.refreshIfExpiring(3600_000)).toBe(false);
    expect(await store.refreshIfExpiring(30 * 3600_000)).toBe(true);
    expect(fake.requestsTo(REFRESH_PATH)).toHaveLength(1);
    expect((await store.current())?.accessToken).not.toBe(seed.accessToken);
  });
});
