import { readFileSync } from 'node:fs';
import { ZaloOA, type ZaloOAOptions } from '../../../adapters/zalo/index.js';
import { MemorySecretRepo } from '../../fakes/memory-secrets.js';
import { FakeZalo, type FakeZaloOptions } from '../../fakes/zalo/index.js';

/** Raw bytes of a fixture under tests/adapters/zalo/fixtures. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

export async function startFake(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  return new FakeZalo(options).start();
}

/** A client wired to the fake, seeded with a pair the fake minted (as the console's API Explorer would). */
export function clientFor(
  fake: FakeZalo,
  secrets: MemorySecretRepo,
  overrides: Partial<ZaloOAOptions> & { seed?: { accessToken: string; refreshToken: string } } = {},
): ZaloOA {
  const { seed, ...rest } = overrides;
  const pair = seed ?? fake.issueTokens();
  return new ZaloOA({
    appId: fake.appId,
    appSecret: fake.appSecret,
    oaSecretKey: fake.oaSecretKey,
    apiBase: fake.apiBase,
    oauthBase: fake.oauthBase,
    tokens: { secrets, seed: { accessToken: pair.accessToken, refreshToken: pair.refreshToken }, pollIntervalMs: 5 },
    ...rest,
  });
}

export const REFRESH_PATH = '/v4/oa/access_token';
export const CS_PATH = '/v3.0/oa/message/cs';
