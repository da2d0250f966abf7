import { describe, expect, it } from 'vitest';
import { DEFAULT_NEWS_QUIET_HOURS, loadConfig, redactedSummary, type Config } from '../../src/config.js';
import { DEFAULT_DEADLINE_POLICY } from '../../src/core/ticket-deadlines.js';
import { parseQuietHours } from '../../src/domain/news.js';
import { DEFAULT_OPERATOR_HOURS, parseOperatorHours } from '../../src/domain/operator-hours.js';
import { AppError } from '../../src/domain/errors.js';
import { DEFAULT_TICKET_POLICY } from '../../src/domain/ticket.js';
import { DEFAULT_WIDGET_LIMITS } from '../../src/system/coordination.js';
import { DEFAULT_SWEEP_EVERY_MS } from '../../src/system/schedules.js';

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

  it('When MONGODB_URL and REDIS_URL are both set without SESSION_SECRET, then it is refused: every web process must share it', () => {
    expect(() => loadConfig({ MONGODB_URL: 'mongodb://db:27017/tro-ly', REDIS_URL: 'redis://cache:6379' })).toThrow(/SESSION_SECRET/);
  });

  it('When MONGODB_URL and REDIS_URL are both set, then the mode is production', () => {
    const config = loadConfig({ MONGODB_URL: 'mongodb://db:27017/tro-ly', REDIS_URL: 'redis://cache:6379', SESSION_SECRET: 'x'.repeat(32) });
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

describe('loadConfig: tickets and deadlines', () => {
  it('When nothing is set, then the defaults equal the ticket policy, the deadline policy and the sweep period in code', () => {
    // Act
    const { tickets } = loadConfig({});

    // Assert
    expect(tickets.dueWorkingDays).toEqual(DEFAULT_TICKET_POLICY.dueWorkingDays);
    expect(tickets.reopenWindowDays).toBe(DEFAULT_TICKET_POLICY.reopenWindowDays);
    expect(tickets.reminderLeadWorkingDays).toBe(DEFAULT_DEADLINE_POLICY.reminderLeadWorkingDays);
    expect(tickets.sweepEveryMs).toBe(DEFAULT_SWEEP_EVERY_MS);
    // The README's figures, so a change in code cannot silently disagree with the documentation.
    expect(tickets).toEqual({ dueWorkingDays: { question: 5, feedback: 10 }, reopenWindowDays: 7, reminderLeadWorkingDays: 1, sweepEveryMs: 5 * 60_000 });
  });

  it('When the ticket variables are set, then they are parsed (the sweep period from minutes)', () => {
    const { tickets } = loadConfig({
      TICKET_DUE_DAYS_QUESTION: '3',
      TICKET_DUE_DAYS_FEEDBACK: ' 15 ',
      TICKET_REOPEN_DAYS: '0',
      TICKET_REMINDER_LEAD_DAYS: '2',
      TICKET_SWEEP_MINUTES: '1',
    });
    expect(tickets).toEqual({ dueWorkingDays: { question: 3, feedback: 15 }, reopenWindowDays: 0, reminderLeadWorkingDays: 2, sweepEveryMs: 60_000 });
  });

  it('When ticket variables are not whole numbers in range, then each one is reported', () => {
    const issues = issuesOf({
      TICKET_DUE_DAYS_QUESTION: '0',
      TICKET_DUE_DAYS_FEEDBACK: '2.5',
      TICKET_REOPEN_DAYS: '-1',
      TICKET_REMINDER_LEAD_DAYS: '0',
      TICKET_SWEEP_MINUTES: 'five',
    });
    expect(Object.keys(issues).sort()).toEqual(['TICKET_DUE_DAYS_FEEDBACK', 'TICKET_DUE_DAYS_QUESTION', 'TICKET_REMINDER_LEAD_DAYS', 'TICKET_REOPEN_DAYS', 'TICKET_SWEEP_MINUTES']);
    expect(issues.TICKET_DUE_DAYS_QUESTION).toMatch(/between 1 and 100/);
    expect(issues.TICKET_SWEEP_MINUTES).toMatch(/between 1 and 1440/);
  });
});

describe('loadConfig: TRUST_PROXY and the widget limits', () => {
  it('When TRUST_PROXY is unset, then no proxy is trusted (X-Forwarded-For is ignored)', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  it('When TRUST_PROXY is true, a hop count or a list, then it becomes express\'s trust proxy setting', () => {
    // true trusts a proxy on this machine only, never "every hop" (which would believe any forged header).
    expect(loadConfig({ TRUST_PROXY: 'TRUE' }).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.5 ,loopback,fd00::/8,::1 ' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5', 'loopback', 'fd00::/8', '::1']);
  });

  it('When TRUST_PROXY is anything else, then it is reported with the accepted forms', () => {
    for (const bad of ['yes', '11', '10.0.0.0/33', '300.1.1.1', '10.0.0.1,', 'fd00::/129', '10.0.0.0/8/1', 'localhost']) {
      expect(issuesOf({ TRUST_PROXY: bad }), bad).toEqual({ TRUST_PROXY: expect.stringMatching(/^must be false, true .*hops.*CIDRs/) });
    }
  });

  it('When the widget limits are unset, then 20 messages a minute per session and 120 per address; set, they are parsed', () => {
    expect(loadConfig({}).widget).toEqual({ perSessionPerMinute: 20, perAddressPerMinute: 120 });
    expect(loadConfig({}).widget).toEqual(DEFAULT_WIDGET_LIMITS);
    expect(loadConfig({ WIDGET_RATE_PER_SESSION: '5', WIDGET_RATE_PER_ADDRESS: '600' }).widget).toEqual({ perSessionPerMinute: 5, perAddressPerMinute: 600 });
    expect(Object.keys(issuesOf({ WIDGET_RATE_PER_SESSION: '0', WIDGET_RATE_PER_ADDRESS: 'many' })).sort()).toEqual(['WIDGET_RATE_PER_ADDRESS', 'WIDGET_RATE_PER_SESSION']);
  });

  it('When the summary is logged, then it shows the proxy setting and the widget limits', () => {
    expect(redactedSummary(loadConfig({ TRUST_PROXY: '1' }))).toMatchObject({ trustProxy: 1, widget: { perSessionPerMinute: 20, perAddressPerMinute: 120 } });
  });
});

describe('loadConfig: Messenger tags and the Zalo answer template', () => {
  it('When nothing is set, then ACCOUNT_UPDATE is off, HUMAN_AGENT on, and no Zalo template is configured', () => {
    const config = loadConfig({ ...ZALO, ...MESSENGER });
    expect(config.channels.messenger).toMatchObject({ accountUpdateTag: false, humanAgentTag: true });
    expect(config.channels.zalo.answerTemplate).toBeUndefined();
  });

  it('When the tag flags are set, then true/false/1/0 in any case are accepted', () => {
    expect(loadConfig({ FB_ACCOUNT_UPDATE_TAG: 'TRUE', FB_HUMAN_AGENT_TAG: 'false' }).channels.messenger).toMatchObject({ accountUpdateTag: true, humanAgentTag: false });
    expect(loadConfig({ FB_ACCOUNT_UPDATE_TAG: '1', FB_HUMAN_AGENT_TAG: '0' }).channels.messenger).toMatchObject({ accountUpdateTag: true, humanAgentTag: false });
  });

  it('When a tag flag is not a boolean, then it is reported', () => {
    expect(issuesOf({ FB_ACCOUNT_UPDATE_TAG: 'yes please' })).toEqual({ FB_ACCOUNT_UPDATE_TAG: 'must be true or false' });
  });

  it('When a template id is set without parameter names, then the documented default names apply', () => {
    const config = loadConfig({ ...ZALO, ZALO_ANSWER_TEMPLATE_ID: '412345' });
    expect(config.channels.zalo.answerTemplate).toEqual({ templateId: '412345', params: { code: 'ma_ho_so', agency: 'co_quan', date: 'ngay_tra_loi' } });
    expect(config.warnings.some((w) => w.includes('ZALO_ANSWER_TEMPLATE_ID'))).toBe(false);
  });

  it('When the parameter names are configured, then only the fields named are sent, under those names', () => {
    const config = loadConfig({ ...ZALO, ZALO_ANSWER_TEMPLATE_ID: '412345', ZALO_ANSWER_TEMPLATE_PARAMS: 'code = tracking_code, date=answer_date' });
    expect(config.channels.zalo.answerTemplate?.params).toEqual({ code: 'tracking_code', date: 'answer_date' });
  });

  it('When the parameter names are malformed or repeat a field, then ZALO_ANSWER_TEMPLATE_PARAMS is reported', () => {
    for (const bad of ['code', 'phone=so_dien_thoai', 'code=a,code=b', 'code=mã hồ sơ', 'code=a,,date=b']) {
      expect(Object.keys(issuesOf({ ZALO_ANSWER_TEMPLATE_PARAMS: bad })), bad).toEqual(['ZALO_ANSWER_TEMPLATE_PARAMS']);
    }
    expect(Object.keys(issuesOf({ ZALO_ANSWER_TEMPLATE_ID: 'id with spaces' }))).toEqual(['ZALO_ANSWER_TEMPLATE_ID']);
  });

  it('When a template is set but Zalo is not configured, then a warning says no notice can be sent', () => {
    const config = loadConfig({ ZALO_ANSWER_TEMPLATE_ID: '412345' });
    expect(config.warnings.some((w) => w.includes('ZALO_ANSWER_TEMPLATE_ID'))).toBe(true);
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

describe('loadConfig: hotline operators', () => {
  it('When nothing is set, then the documented operator defaults apply', () => {
    // Act
    const { operators, channels } = loadConfig({});

    // Assert
    expect(operators).toEqual({
      hours: parseOperatorHours('mon-fri 07:30-11:30,13:30-17:00'),
      claimTimeoutMs: 10 * 60_000,
      firstReplyTimeoutMs: 2 * 60_000,
      capacity: 5,
      externalPauseMs: 30 * 60_000,
    });
    expect(operators.hours.text).toBe(DEFAULT_OPERATOR_HOURS);
    expect(channels.messenger.appId).toBeUndefined();
  });

  it('When the operator variables are set, then they are parsed (periods from minutes)', () => {
    // Act
    const config = loadConfig({
      OPERATOR_HOURS: ' 24/7 ',
      OPERATOR_CLAIM_MINUTES: '240',
      OPERATOR_FIRST_REPLY_MINUTES: '1',
      OPERATOR_CAPACITY: '50',
      OPERATOR_EXTERNAL_PAUSE_MINUTES: '1440',
      ...MESSENGER,
      FB_APP_ID: '1234567890',
    });

    // Assert
    expect(config.operators).toEqual({
      hours: { alwaysOpen: true, groups: [], text: '24/7' },
      claimTimeoutMs: 240 * 60_000,
      firstReplyTimeoutMs: 60_000,
      capacity: 50,
      externalPauseMs: 1440 * 60_000,
    });
    expect(config.channels.messenger).toMatchObject({ enabled: true, appId: '1234567890' });
    expect(config.warnings.some((w) => w.includes('FB_APP_ID'))).toBe(false);
    expect(Object.isFrozen(config.operators.hours.groups)).toBe(true);
  });

  it('When OPERATOR_HOURS is malformed, then it is reported with what is wrong', () => {
    expect(issuesOf({ OPERATOR_HOURS: 'mon-fri 25:00-26:00' })).toEqual({ OPERATOR_HOURS: expect.stringMatching(/not a time range HH:MM-HH:MM/) });
    expect(issuesOf({ OPERATOR_HOURS: 'xyz 07:00-08:00' })).toEqual({ OPERATOR_HOURS: expect.stringMatching(/not a day/) });
    expect(issuesOf({ OPERATOR_HOURS: 'mon 17:00-08:00' })).toEqual({ OPERATOR_HOURS: expect.stringMatching(/ends before it starts/) });
  });

  it('When operator numbers are out of range or not whole numbers, then each one is reported with its key', () => {
    // Act
    const issues = issuesOf({
      OPERATOR_CLAIM_MINUTES: '241',
      OPERATOR_FIRST_REPLY_MINUTES: '0',
      OPERATOR_CAPACITY: '51',
      OPERATOR_EXTERNAL_PAUSE_MINUTES: '1.5',
      OPERATOR_HOURS: 'always',
      FB_APP_ID: 'my-app',
    });

    // Assert
    expect(Object.keys(issues).sort()).toEqual(
      ['FB_APP_ID', 'OPERATOR_CAPACITY', 'OPERATOR_CLAIM_MINUTES', 'OPERATOR_EXTERNAL_PAUSE_MINUTES', 'OPERATOR_FIRST_REPLY_MINUTES', 'OPERATOR_HOURS'].sort(),
    );
    expect(issues.OPERATOR_CLAIM_MINUTES).toMatch(/between 1 and 240/);
    expect(issues.OPERATOR_FIRST_REPLY_MINUTES).toMatch(/between 1 and 120/);
    expect(issues.OPERATOR_CAPACITY).toMatch(/between 1 and 50/);
    expect(issues.OPERATOR_EXTERNAL_PAUSE_MINUTES).toMatch(/between 1 and 1440/);
    expect(issues.FB_APP_ID).toMatch(/numeric Meta app id/);
  });

  it('When FB_APP_ID is set alone, then Messenger stays disabled with a warning (it is not a credential)', () => {
    const config = loadConfig({ FB_APP_ID: '1234567890' });
    expect(config.channels.messenger.enabled).toBe(false);
    expect(config.warnings.some((w) => w.includes('FB_APP_ID'))).toBe(true);
  });

  it('When the summary is logged, then it shows the operator settings and the Meta app id', () => {
    expect(redactedSummary(loadConfig({ ...MESSENGER, FB_APP_ID: '42' }))).toMatchObject({
      channels: { messenger: { appId: '42' } },
      operators: { hours: DEFAULT_OPERATOR_HOURS, claimTimeoutMs: 600_000, firstReplyTimeoutMs: 120_000, capacity: 5, externalPauseMs: 1_800_000 },
    });
  });
});

describe('loadConfig: portal news', () => {
  it('When nothing is set, then no feed is polled, every 10 minutes, quiet 21:30–07:00, 3 pushes a day, free Zalo window only', () => {
    // Act
    const { news } = loadConfig({});

    // Assert
    expect(news).toEqual({ feeds: [], pollMs: 600_000, quietHours: { from: 21 * 60 + 30, to: 7 * 60 }, dailyCap: 3, zaloPaidWindow: false });
    expect(news.quietHours).toEqual(parseQuietHours(DEFAULT_NEWS_QUIET_HOURS));
    expect(Object.isFrozen(news.feeds)).toBe(true);
  });

  it('When the news variables are set, then they are parsed: topic=url pairs in order, seconds to ms, off, flags', () => {
    // Act
    const { news } = loadConfig({
      NEWS_FEEDS: ' tuyen-dung=https://travinh.example.gov.vn/rss/tuyen-dung.rss , thien-tai-thoi-tiet=http://kttv.example.gov.vn/rss?cat=canh-bao&page=1',
      NEWS_POLL_SECONDS: '5',
      NEWS_QUIET_HOURS: 'OFF',
      NEWS_DAILY_CAP: '50',
      NEWS_ZALO_PAID_WINDOW: 'true',
    });

    // Assert
    expect(news).toEqual({
      feeds: [
        { topic: 'tuyen-dung', url: 'https://travinh.example.gov.vn/rss/tuyen-dung.rss' },
        { topic: 'thien-tai-thoi-tiet', url: 'http://kttv.example.gov.vn/rss?cat=canh-bao&page=1' },
      ],
      pollMs: 5000,
      quietHours: null,
      dailyCap: 50,
      zaloPaidWindow: true,
    });
    expect(loadConfig({ NEWS_QUIET_HOURS: '22:00-06:30', NEWS_ZALO_PAID_WINDOW: '0' }).news).toMatchObject({ quietHours: { from: 1320, to: 390 }, zaloPaidWindow: false });
  });

  it('When every news variable is bad, then each one is reported with its key, without the value', () => {
    // Act
    const issues = issuesOf({
      NEWS_FEEDS: 'Tuyển dụng=https://a.example.gov.vn/rss,y-te=ftp://b.example.gov.vn/rss?key=s3cr3t,giao-duc',
      NEWS_POLL_SECONDS: '4',
      NEWS_QUIET_HOURS: '21:30',
      NEWS_DAILY_CAP: '0',
      NEWS_ZALO_PAID_WINDOW: 'maybe',
    });

    // Assert
    expect(Object.keys(issues).sort()).toEqual(['NEWS_DAILY_CAP', 'NEWS_FEEDS', 'NEWS_POLL_SECONDS', 'NEWS_QUIET_HOURS', 'NEWS_ZALO_PAID_WINDOW']);
    expect(issues.NEWS_FEEDS).toMatch(/pair 1: the topic must be a slug/);
    expect(issues.NEWS_FEEDS).toMatch(/pair 2: the url must be an http\(s\) URL/);
    expect(issues.NEWS_FEEDS).toMatch(/pair 3: expected topic=url/);
    expect(issues.NEWS_FEEDS).not.toContain('s3cr3t');
    expect(issues.NEWS_POLL_SECONDS).toMatch(/between 5 and 86400/);
    expect(issues.NEWS_QUIET_HOURS).toMatch(/HH:MM-HH:MM or off/);
    expect(issues.NEWS_DAILY_CAP).toMatch(/between 1 and 50/);
    expect(issues.NEWS_ZALO_PAID_WINDOW).toBe('must be true or false');
  });

  it('When Zalo broadcasts are set up, then both the province codes and the cover are needed, and each is checked', () => {
    expect(loadConfig({ NEWS_ZALO_BROADCAST_CITIES: '58', NEWS_ZALO_COVER_URL: 'https://tinh.example.gov.vn/anh/bia.png' }).news.zaloBroadcast).toEqual({ cities: '58', coverUrl: 'https://tinh.example.gov.vn/anh/bia.png' });
    expect(loadConfig({}).news.zaloBroadcast).toBeUndefined();
    expect(issuesOf({ NEWS_ZALO_BROADCAST_CITIES: '58' }).NEWS_ZALO_COVER_URL).toMatch(/need both/);
    expect(issuesOf({ NEWS_ZALO_COVER_URL: 'https://tinh.example.gov.vn/bia.png' }).NEWS_ZALO_BROADCAST_CITIES).toMatch(/need both/);
    expect(issuesOf({ NEWS_ZALO_BROADCAST_CITIES: 'Trà Vinh', NEWS_ZALO_COVER_URL: 'ftp://x' })).toMatchObject({ NEWS_ZALO_BROADCAST_CITIES: expect.stringMatching(/province codes/), NEWS_ZALO_COVER_URL: expect.any(String) });
  });

  it('When single values are out of range, then they are refused', () => {
    expect(issuesOf({ NEWS_DAILY_CAP: '51' })).toHaveProperty('NEWS_DAILY_CAP');
    expect(issuesOf({ NEWS_POLL_SECONDS: '1.5' })).toHaveProperty('NEWS_POLL_SECONDS');
    expect(issuesOf({ NEWS_QUIET_HOURS: '07:00-07:00' }).NEWS_QUIET_HOURS).toMatch(/empty range/);
    expect(issuesOf({ NEWS_QUIET_HOURS: '24:00-06:00' })).toHaveProperty('NEWS_QUIET_HOURS');
    expect(issuesOf({ NEWS_FEEDS: 'tuyen-dung=not a url' }).NEWS_FEEDS).toMatch(/^must be comma-separated topic=url pairs \(the url must be/);
    expect(issuesOf({ NEWS_FEEDS: '-tuyen-dung=https://a.example.gov.vn/rss' })).toHaveProperty('NEWS_FEEDS');
  });

  it('When the summary is logged, then feeds show topic and host only', () => {
    const summary = redactedSummary(loadConfig({ NEWS_FEEDS: 'y-te=https://syt.example.gov.vn/rss?token=abc' }));
    expect(summary).toMatchObject({ news: { feeds: ['y-te=syt.example.gov.vn'], pollMs: 600_000, dailyCap: 3, zaloPaidWindow: false } });
    expect(JSON.stringify(summary)).not.toContain('token=abc');
  });
});
