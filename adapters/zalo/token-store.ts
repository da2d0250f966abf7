import { randomUUID } from 'node:crypto';
import type { SecretRepo } from '../../src/ports/store.js';
import { ZaloNetworkError, ZaloTokenError } from './errors.js';
import type { FetchLike, ZaloSeedTokens, ZaloTokenPair, ZaloTokenResponse } from './types.js';

/**
 * The OA token pair, shared by every worker and process through one SecretRepo key (platforms.md §1.2).
 *
 * Zalo's refresh token is single-use and rotating: spending it twice loses the OA until an admin
 * re-consents in a browser. So a refresh is a claim-then-spend protocol on the versioned secret:
 *   1. read {pair, version}; if the pair is already fresher than the token the caller saw, use it;
 *   2. claim: compareAndSet(version → version+1) writing the same pair plus a lease {owner, until};
 *      the loser of that CAS re-reads and waits for the winner's pair (never spends the token);
 *   3. the winner POSTs the refresh, then persists the new pair with compareAndSet(version+1 → +2)
 *      BEFORE returning the new access token to anyone.
 * Inside one process concurrent callers share a single in-flight refresh. A lease older than
 * `leaseMs` (the winner crashed) may be taken over by others.
 */

/** What the client needs from a token source; ZaloTokenStore is the real one, tests may stub it. */
export interface ZaloTokenSource {
  /** A usable access token, refreshing first if the stored one has (nearly) expired. */
  getAccessToken(): Promise<string>;
  /** Zalo rejected `rejected` (-216/-220/-124): returns a different token, refreshing only if nobody has. */
  refreshAfterRejection(rejected: string): Promise<string>;
}

export interface ZaloTokenStoreOptions {
  appId: string;
  /** The app secret, sent as the `secret_key` header of the token endpoint. */
  appSecret: string;
  secrets: SecretRepo;
  /** SecretRepo key holding the pair; default `zalo:<appId>:tokens`. One key per OA/app. */
  key?: string;
  /** Initial tokens (from env / the console's API Explorer): written only while the key is absent. */
  seed?: ZaloSeedTokens;
  fetch?: FetchLike;
  /** Default https://oauth.zaloapp.com. */
  oauthBase?: string;
  now?: () => number;
  /** Treat the access token as expired this long before Zalo would (default 5 min). */
  refreshMarginMs?: number;
  /** How long a refresh claim holds before another worker may take it over (default 30 s). */
  leaseMs?: number;
  /** How often a waiting worker re-reads the store (default 100 ms). */
  pollIntervalMs?: number;
  /** HTTP timeout of the refresh call (default 10 s). */
  timeoutMs?: number;
  /** Refresh-token lifetime when Zalo does not state one (default 90 days, "3 months"). */
  refreshTtlMs?: number;
}

const ACCESS_TTL_FALLBACK_MS = 25 * 3600_000;
const REFRESH_TTL_MS = 90 * 24 * 3600_000;
const MAX_ROUNDS = 1_000;

interface Lease {
  owner: string;
  until: number;
}

interface Stored {
  pair: ZaloTokenPair;
  lease?: Lease;
  version: number;
}

export class ZaloTokenStore implements ZaloTokenSource {
  readonly key: string;
  private readonly owner = randomUUID();
  private readonly fetchFn: FetchLike;
  private readonly oauthBase: string;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly refreshTtlMs: number;
  private cached: ZaloTokenPair | undefined;
  private inflight: Promise<string> | undefined;

  constructor(private readonly options: ZaloTokenStoreOptions) {
    if (!options.appId || !options.appSecret) throw new TypeError('ZaloTokenStore needs appId and appSecret');
    this.key = options.key ?? `zalo:${options.appId}:tokens`;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.oauthBase = trimSlash(options.oauthBase ?? 'https://oauth.zaloapp.com');
    this.now = options.now ?? Date.now;
    this.marginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollIntervalMs ?? 100;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.refreshTtlMs = options.refreshTtlMs ?? REFRESH_TTL_MS;
  }

  async getAccessToken(): Promise<string> {
    if (this.cached && this.isFresh(this.cached)) return this.cached.accessToken;
    const stored = await this.load();
    if (this.isFresh(stored.pair)) return stored.pair.accessToken;
    return this.refresh(stored.pair.accessToken);
  }

  async refreshAfterRejection(rejected: string): Promise<string> {
    if (this.cached && this.cached.accessToken !== rejected && this.isFresh(this.cached)) return this.cached.accessToken;
    return this.refresh(rejected);
  }

  /** For a scheduled job: refreshes when the access token expires within `withinMs` (default 1 h). */
  async refreshIfExpiring(withinMs = 3600_000): Promise<boolean> {
    const stored = await this.load();
    if (stored.pair.accessExpiresAt - this.now() > withinMs) return false;
    await this.refresh(stored.pair.accessToken, withinMs);
    return true;
  }

  /** The stored pair (for health checks; never log it). */
  async current(): Promise<ZaloTokenPair | undefined> {
    const record = await this.options.secrets.get(this.key);
    return record ? decode(record.value, record.version)?.pair : undefined;
  }

  /** One refresh per process at a time; later callers join it. */
  private refresh(stale: string, marginMs = this.marginMs): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.refreshShared(stale, marginMs).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async refreshShared(stale: string, marginMs: number): Promise<string> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const stored = await this.load();
      const { pair, lease } = stored;
      // Someone (another worker, another process) already rotated past the token our caller saw.
      if (pair.accessToken !== stale && this.isFresh(pair, marginMs)) return pair.accessToken;
      if (lease && lease.owner !== this.owner && lease.until > this.now()) {
        await sleep(this.pollMs);
        continue;
      }
      const claimed = await this.options.secrets.compareAndSet(this.key, stored.version, encode(pair, { owner: this.owner, until: this.now() + this.leaseMs }));
      if (!claimed) continue; // lost the claim: re-read and use (or wait for) the winner's pair
      return this.spend(pair, stored.version + 1);
    }
    throw new ZaloTokenError('Gave up waiting for another worker to refresh the Zalo token');
  }

  /** We hold the lease at `leasedVersion`: spend the refresh token, persist the new pair, then use it. */
  private async spend(old: ZaloTokenPair, leasedVersion: number): Promise<string> {
    let fresh: ZaloTokenPair;
    try {
      fresh = await this.postRefresh(old.refreshToken);
    } catch (error) {
      // Release the claim so another worker may try; the token may or may not have been spent.
      await this.options.secrets.compareAndSet(this.key, leasedVersion, encode(old)).catch(() => false);
      throw error;
    }
    let version = leasedVersion;
    for (let attempt = 0; attempt < 10; attempt++) {
      if (await this.options.secrets.compareAndSet(this.key, version, encode(fresh))) {
        this.cached = fresh;
        return fresh.accessToken;
      }
      // Only possible if our lease expired and someone else wrote: our pair is still the newest valid one.
      const record = await this.options.secrets.get(this.key);
      version = record?.version ?? 0;
    }
    throw new ZaloTokenError('Could not persist the rotated Zalo token pair; refusing to use it unsaved');
  }

  private async postRefresh(refreshToken: string): Promise<ZaloTokenPair> {
    const endpoint = '/v4/oa/access_token';
    const body = new URLSearchParams({ app_id: this.options.appId, grant_type: 'refresh_token', refresh_token: refreshToken });
    let response: Response;
    try {
      response = await this.fetchFn(`${this.oauthBase}${endpoint}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', secret_key: this.options.appSecret },
        body: body.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new ZaloNetworkError(`Zalo token refresh failed: ${describe(cause)}`, endpoint, undefined, { cause });
    }
    if (!response.ok) throw new ZaloNetworkError(`Zalo token refresh answered HTTP ${response.status}`, endpoint, response.status);
    let json: ZaloTokenResponse;
    try {
      json = (await response.json()) as ZaloTokenResponse;
    } catch (cause) {
      throw new ZaloNetworkError('Zalo token refresh answered a non-JSON body', endpoint, response.status, { cause });
    }
    if (typeof json.access_token !== 'string' || typeof json.refresh_token !== 'string' || !json.access_token || !json.refresh_token) {
      const reason = json.error_description ?? json.error_reason ?? json.error_name ?? json.message ?? 'no tokens in the answer';
      const code = typeof json.error === 'number' ? json.error : undefined;
      throw new ZaloTokenError(`Zalo refused the token refresh (${code ?? 'no code'}): ${reason}; an OA admin may need to re-consent`, code);
    }
    const issuedAt = this.now();
    const seconds = Number(json.expires_in);
    return {
      accessToken: json.access_token,
      refreshToken: json.refresh_token,
      accessExpiresAt: issuedAt + (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : ACCESS_TTL_FALLBACK_MS),
      refreshExpiresAt: issuedAt + this.refreshTtlMs,
      issuedAt,
    };
  }

  /** Reads the pair, seeding it from the configured tokens only when the key is absent. */
  private async load(): Promise<Stored> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await this.options.secrets.get(this.key);
      if (record) {
        const stored = decode(record.value, record.version);
        if (!stored) throw new ZaloTokenError(`The stored Zalo token record "${this.key}" is malformed`);
        this.cached = stored.pair;
        return stored;
      }
      const seed = this.options.seed;
      if (!seed?.accessToken || !seed.refreshToken) {
        throw new ZaloTokenError(`No Zalo tokens are stored under "${this.key}" and none are configured to seed it`);
      }
      const at = this.now();
      const pair: ZaloTokenPair = {
        accessToken: seed.accessToken,
        refreshToken: seed.refreshToken,
        accessExpiresAt: seed.accessExpiresAt ?? at + ACCESS_TTL_FALLBACK_MS,
        refreshExpiresAt: seed.refreshExpiresAt ?? at + this.refreshTtlMs,
        issuedAt: at,
      };
      // Only if absent (version 0): a concurrent seeder or an existing rotation always wins.
      await this.options.secrets.compareAndSet(this.key, 0, encode(pair));
    }
    throw new ZaloTokenError(`Could not read or seed the Zalo token record "${this.key}"`);
  }

  private isFresh(pair: ZaloTokenPair, marginMs = this.marginMs): boolean {
    return pair.accessExpiresAt - marginMs > this.now();
  }
}

function encode(pair: ZaloTokenPair, lease?: Lease): Record<string, unknown> {
  return lease ? { ...pair, lease } : { ...pair };
}

function decode(value: Record<string, unknown>, version: number): Stored | undefined {
  const { accessToken, refreshToken, accessExpiresAt, refreshExpiresAt, issuedAt, lease } = value;
  if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || typeof accessExpiresAt !== 'number') return undefined;
  const pair: ZaloTokenPair = {
    accessToken,
    refreshToken,
    accessExpiresAt,
    refreshExpiresAt: typeof refreshExpiresAt === 'number' ? refreshExpiresAt : 0,
    issuedAt: typeof issuedAt === 'number' ? issuedAt : 0,
  };
  const l = lease as Partial<Lease> | undefined;
  return l && typeof l.owner === 'string' && typeof l.until === 'number' ? { pair, lease: { owner: l.owner, until: l.until }, version } : { pair, version };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
