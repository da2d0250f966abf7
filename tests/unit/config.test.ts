import { describe, expect, it } from 'vitest';
import { loadConfig, redactedSummary, type Config } from '../../src/config.js';
import { AppError } from '../../src/domain/errors.js';

const ZALO = {
  ZALO_APP_ID: '1234567890123456789',
  ZALO_APP_SECRET: 'zalo-app-secret-value',
  ZALO_OA_SECRET_KEY: 'zalo-oa-secret-value',
  ZALO_ACCESS_TOKEN: 'zalo-access-token-value',
  ZALO_REFRESH_TOKEN: 'zalo-refresh-token-value',
};
const MESSENGER = { FB_APP_SECRET: 'fb-app-secret-value', FB_PAGE_ACCESS_TOKEN: 'fb-page-token-value', FB_VERIFY_TOKEN: 'fb-verify-value' };
const SECRET = 'x'.repeat(40);

/** Runs loadConfig expecting CONFIG.INVALID and returns the reported issues by key. */
function issuesOf(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const appError = err as AppError;
    expect(appError.code).toBe('CONFIG.INVALID');
    const issues = appError.details?.issues as { key: string; reason: string }[];
    for (const { key } of issues) expect(appError.message).toContain(`${key}:`);
    return Object.fromEntries(issues.map((i) => [i.key, i.reason]));
  }
  throw new Error('expected CONFIG.INVALID');
}

describe('loadConfig', () => {
  it('When the environment is empty, then the documented defaults apply in embedded mode', () => {
    // Act
    const config = loadConfig({});

    // Assert
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      mode: 'embedded',
      sessionSecretGenerated: true,
    });
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.catalogDir).toMatch(/\/knowledge\/data$/);
    expect(config.channels.zalo).toMatchObject({ enabled: false, apiBase: 'https://openapi.zalo.me', oauthBase: 'https://oauth.zaloapp.com' });
    expect(config.channels.messenger).toMatchObject({ enabled: false, graphApiBase: 'https://graph.facebook.com', graphApiVersion: 'v25.0' });
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.warnings.some((w) => w.includes('SESSION_SECRET'))).toBe(true);
  });

  it('When SESSION_SECRET is unset, then each load gets a different random secret', () => {
    expect(loadConfig({}).sessionSecret).not.toBe(loadConfig({}).sessionSecret);
  });

  it('When values are set, then they are parsed, trimmed and base URLs lose their trailing slash', () => {
    // Act
    const config = loadConfig({
      PORT: ' 8080 ',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'test',
      DATA_DIR: '/srv/1022/data',
      PUBLIC_BASE_URL: 'https://1022.example.gov.vn/',
      ZALO_API_BASE: 'http://127.0.0.1:9001/',
      SESSION_SECRET: SECRET,
    });

    // Assert
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('debug');
    expect(config.nodeEnv).toBe('test');
    expect(config.dataDir).toBe('/srv/1022/data');
    expect(config.publicBaseUrl).toBe('https://1022.example.gov.vn');
    expect(config.channels.zalo.apiBase).toBe('http://127.0.0.1:9001');
    expect(config.sessionSecret).toBe(SECRET);
    expect(config.sessionSecretGenerated).toBe(false);
  });

  it('When MONGODB_URL and REDIS_URL are both set, then the mode is production', () => {
    const config = loadConfig({ MONGODB_URL: 'mongodb://db:27017/tro-ly', REDIS_URL: 'redis://cache:6379' });
    expect(config.mode).toBe('production');
  });

  it('When only one of MONGODB_URL and REDIS_URL is set, then the mode stays embedded with a warning', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.mode).toBe('embedded');
    expect(config.warnings.some((w) => w.includes('REDIS_URL is set without MONGODB_URL'))).toBe(true);
  });

  it('When empty strings are given, then they count as unset', () => {
    const config = loadConfig({ PORT: '', MONGODB_URL: '', REDIS_URL: '  ', ZALO_APP_ID: '', FB_APP_SECRET: '' });
    expect(config.port).toBe(3000);
    expect(config.mode).toBe('embedded');
    expect(config.channels.zalo.enabled).toBe(false);
  });

  it('When several variables are bad, then every one is reported in one CONFIG.INVALID error', () => {
    // Act
    const issues = issuesOf({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      NODE_ENV: 'staging',
      PUBLIC_BASE_URL: 'not a url',
      MONGODB_URL: 'postgres://db',
      REDIS_URL: 'http://cache',
      ZALO_OAUTH_BASE: 'ftp://oauth',
      GRAPH_API_VERSION: '25',
      SESSION_SECRET: 'short',
    });

    // Assert
    expect(Object.keys(issues).sort()).toEqual(
      ['GRAPH_API_VERSION', 'LOG_LEVEL', 'MONGODB_URL', 'NODE_ENV', 'PORT', 'PUBLIC_BASE_URL', 'REDIS_URL', 'SESSION_SECRET', 'ZALO_OAUTH_BASE'].sort(),
    );
  });

  it('When a port is out of range, then PORT is reported', () => {
    expect(issuesOf({ PORT: '70000' })).toHaveProperty('PORT');
  });

  it('When NODE_ENV is production without SESSION_SECRET, then SESSION_SECRET is reported', () => {
    expect(issuesOf({ NODE_ENV: 'production' }).SESSION_SECRET).toMatch(/production/);
  });

  it('When NODE_ENV is production with SESSION_SECRET, then no secret is generated', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET });
    expect(config.sessionSecretGenerated).toBe(false);
    expect(config.warnings).toEqual([]);
  });

  it('When the error message is built, then it never contains the bad values', () => {
    try {
      loadConfig({ SESSION_SECRET: 'my-short-secret', FB_APP_SECRET: 'fb-app-secret-value' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('my-short-secret');
      expect((err as Error).message).not.toContain('fb-app-secret-value');
    }
  });
});

describe('loadConfig: channels', () => {
  it('When all Zalo credentials are set, then Zalo is enabled', () => {
    expect(loadConfig(ZALO).channels.zalo.enabled).toBe(true);
  });

  it('When Zalo has an access token but no refresh token or app secret, then it is enabled', () => {
    const { ZALO_APP_ID, ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN } = ZALO;
    expect(loadConfig({ ZALO_APP_ID, ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN }).channels.zalo.enabled).toBe(true);
  });

  it('When only part of the Zalo credentials is set, then the missing ones are named', () => {
    // Act
    const issues = issuesOf({ ZALO_APP_ID: ZALO.ZALO_APP_ID, ZALO_REFRESH_TOKEN: ZALO.ZALO_REFRESH_TOKEN });

    // Assert
    expect(Object.keys(issues).sort()).toEqual(['ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY']);
  });

  it('When Zalo has no token at all, then ZALO_ACCESS_TOKEN is reported with the alternative', () => {
    const issues = issuesOf({ ZALO_APP_ID: ZALO.ZALO_APP_ID, ZALO_OA_SECRET_KEY: ZALO.ZALO_OA_SECRET_KEY });
    expect(issues.ZALO_ACCESS_TOKEN).toMatch(/ZALO_REFRESH_TOKEN/);
  });

  it('When all Messenger credentials are set, then Messenger is enabled', () => {
    expect(loadConfig(MESSENGER).channels.messenger.enabled).toBe(true);
  });

  it('When only FB_VERIFY_TOKEN is set, then FB_APP_SECRET and FB_PAGE_ACCESS_TOKEN are reported', () => {
    const issues = issuesOf({ FB_VERIFY_TOKEN: MESSENGER.FB_VERIFY_TOKEN });
    expect(Object.keys(issues).sort()).toEqual(['FB_APP_SECRET', 'FB_PAGE_ACCESS_TOKEN']);
    expect(issues.FB_APP_SECRET).toMatch(/FB_VERIFY_TOKEN/);
  });
});

describe('config immutability and summary', () => {
  const config: Config = loadConfig({ ...ZALO, ...MESSENGER, SESSION_SECRET: SECRET, MONGODB_URL: 'mongodb://u:pw@db/x', REDIS_URL: 'redis://:pw@cache' });

  it('When code tries to change the config, then it throws because the config is deep-frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.channels.zalo)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.channels.zalo as { enabled: boolean }).enabled = false;
    }).toThrow(TypeError);
  });

  it('When the summary is built, then secrets and connection URLs show only set/unset', () => {
    // Act
    const summary = JSON.stringify(redactedSummary(config));

    // Assert
    for (const secret of [...Object.values(ZALO).slice(1), ...Object.values(MESSENGER), SECRET, 'pw@']) {
      expect(summary).not.toContain(secret);
    }
    expect(redactedSummary(config)).toMatchObject({
      mode: 'production',
      mongodbUrl: 'set',
      sessionSecret: 'set',
      channels: { zalo: { enabled: true, accessToken: 'set', appSecret: 'set' }, messenger: { enabled: true, verifyToken: 'set' } },
    });
  });
});
