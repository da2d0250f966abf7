/**
 * Configuration: the ONLY module that reads process.env (scripts/check-env-reads.mjs enforces it).
 * The environment is parsed once with a schema; every bad variable is reported together, and the
 * result is deep-frozen, so the rest of the code receives plain, validated values (Fastify, Bottender).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError } from './domain/errors.js';
import { parseQuietHours, type QuietHours } from './domain/news.js';
import { DEFAULT_PUSH_HOSTS, parsePushHostRules, type PushHostRule } from './domain/web-push.js';
import { DEFAULT_OPERATOR_HOURS, type OperatorHoursSpec, parseOperatorHours } from './domain/operator-hours.js';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** embedded: files in DATA_DIR + in-process queues; production: MongoDB + BullMQ on Redis. */
export type EmbeddedStoreEngine = 'auto' | 'sqlite' | 'nedb';
export type RunMode = 'embedded' | 'production';

export interface ZaloConfig {
  readonly enabled: boolean;
  readonly appId?: string;
  readonly appSecret?: string;
  readonly oaSecretKey?: string;
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly apiBase: string;
  readonly oauthBase: string;
  /** Delivery runs per second to Zalo (Zalo: 4,000 API calls/min per app). */
  readonly sendRatePerSecond: number;
  /**
   * The approved ZBS template that tells a citizen outside the 7-day window that an agency answered
   * (one template message per held answer); unset = no notice is sent.
   */
  readonly answerTemplate?: ZaloAnswerTemplateConfig;
}

/** Fields a window notice can carry, and the template parameter each one fills. */
export type ZaloTemplateField = 'code' | 'agency' | 'date';

export interface ZaloAnswerTemplateConfig {
  /** Template id as Zalo issued it on approval. */
  readonly templateId: string;
  /** Template parameter name per field; a field without a name is not sent. */
  readonly params: Readonly<Partial<Record<ZaloTemplateField, string>>>;
}

export interface MessengerConfig {
  readonly enabled: boolean;
  readonly appSecret?: string;
  readonly pageAccessToken?: string;
  readonly verifyToken?: string;
  readonly graphApiBase: string;
  readonly graphApiVersion: string;
  /** Delivery runs per second to Messenger (Meta: 300 sends/s per Page). */
  readonly sendRatePerSecond: number;
  /** Send ticket answers outside the 24 h window with MESSAGE_TAG + ACCOUNT_UPDATE (Meta decides whether that qualifies). */
  readonly accountUpdateTag: boolean;
  /** Send operator replies with MESSAGE_TAG + HUMAN_AGENT, up to 7 days (needs Meta's App Review). */
  readonly humanAgentTag: boolean;
  /**
   * FB_APP_ID: the Meta app id, so `message_echoes` carrying this `app_id` are known as our own sends
   * and other echoes as staff replies from Meta Business Suite. Optional; not a credential.
   */
  readonly appId?: string;
}

/**
 * Which reverse proxies' X-Forwarded-For the app believes (express `trust proxy`): `false` = none
 * (the client is the TCP peer), a number = that many proxy hops in front of the app, or a list of
 * proxy addresses and ranges (IPs, CIDRs, `loopback`, `linklocal`, `uniquelocal`). `req.ip`, which every
 * throttle keys on, is the first address from the right that is not a trusted proxy.
 */
export type TrustProxy = false | number | readonly string[];

/** Abuse limits on the widget's messages (README "Configuration"). */
export interface WidgetLimitsConfig {
  /** Messages per minute one widget session may send. */
  readonly perSessionPerMinute: number;
  /** Messages per minute all widget sessions from one client address may send together. */
  readonly perAddressPerMinute: number;
}

/** Ticket deadlines (README "Deadlines, reminders and escalation"). */
export interface TicketConfig {
  /** Working days to answer, per kind of ticket. */
  readonly dueWorkingDays: Readonly<{ question: number; feedback: number }>;
  /** Calendar days after delivery during which the citizen may reopen a ticket. */
  readonly reopenWindowDays: number;
  /** Working days before the due date from which the agency is reminded. */
  readonly reminderLeadWorkingDays: number;
  /** Period of the deadline sweep, in milliseconds. */
  readonly sweepEveryMs: number;
}

/** Hotline operators' live handoff (README "Configuration"). */
export interface OperatorsConfig {
  /** OPERATOR_HOURS, parsed (src/domain/operator-hours.ts); public holidays are closed unless 24/7. */
  readonly hours: OperatorHoursSpec;
  /** A queued conversation nobody claims within this time gets the out-of-hours offer and returns to the bot. */
  readonly claimTimeoutMs: number;
  /** An assigned conversation without the operator's first reply within this time is offered to another operator. */
  readonly firstReplyTimeoutMs: number;
  /** Conversations one operator holds at most when routing assigns. */
  readonly capacity: number;
  /** How long the bot stays silent after staff answered from Zalo's or Meta's own inbox; each staff message renews it. */
  readonly externalPauseMs: number;
}

/** A portal feed polled for news (NEWS_FEEDS): the topic its items belong to, and its URL. */
export interface NewsFeedSetting {
  /** A topic id: the accent-free slug of the topic's name (knowledge/data/news-topics.vi.json), e.g. `tuyen-dung`. */
  readonly topic: string;
  /** http(s) URL of the RSS 2.0 or Atom feed, as written in NEWS_FEEDS. */
  readonly url: string;
}

/** Portal news pushed to subscribers (issue 12; README "Configuration"). */
export interface NewsConfig {
  /** NEWS_FEEDS, in the order given; empty = no feed is polled. */
  readonly feeds: readonly NewsFeedSetting[];
  /** Period of the feed poll, in milliseconds (NEWS_POLL_SECONDS). */
  readonly pollMs: number;
  /** NEWS_QUIET_HOURS parsed (src/domain/news.ts), Vietnam time; null = `off`. */
  readonly quietHours: QuietHours;
  /** Pushes per citizen per Vietnam day at most; the rest wait in "tin mới" / the digest. */
  readonly dailyCap: number;
  /** Zalo consultation messages may also go 48 h–7 d after the citizen's last message (billable). */
  readonly zaloPaidWindow: boolean;
  /**
   * Zalo Article broadcasts to the OA's followers (NEWS_ZALO_BROADCAST_CITIES, NEWS_ZALO_COVER_URL):
   * the province target in Zalo's `cities` codes and the article cover image; undefined = not set up
   * (a broadcast is refused with NEWS.BROADCAST_UNCONFIGURED).
   */
  readonly zaloBroadcast: { readonly cities: string; readonly coverUrl: string } | undefined;
}

/** Web Push of portal news to browsers subscribed on the portal page (issue 12; src/core/news-webpush.ts). */
export interface WebPushConfig {
  /**
   * WEB_PUSH_VAPID_PUBLIC_KEY and WEB_PUSH_VAPID_PRIVATE_KEY (URL-safe base64, as `web-push
   * generate-vapid-keys` prints them); undefined = generated once and kept in the store's secrets.
   */
  readonly vapid: { readonly publicKey: string; readonly privateKey: string } | undefined;
  /** WEB_PUSH_SUBJECT: the contact push services see in the VAPID token (`mailto:` or `https:`). */
  readonly subject: string;
  /** WEB_PUSH_ALLOWED_HOSTS: the push services a subscription's endpoint may name (src/domain/web-push.ts). */
  readonly allowedHosts: readonly PushHostRule[];
}

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Absolute path of the embedded store's files. */
  readonly dataDir: string;
  /**
   * The embedded store's engine: SQLite (`store/store.sqlite`), nedb (`store/*.db`), or `auto`: nedb
   * when DATA_DIR holds nedb files and no SQLite file yet (src/system/store.ts), else SQLite.
   */
  readonly embeddedStore: EmbeddedStoreEngine;
  /** Absolute path of the catalog data (procedures, agencies). */
  readonly catalogDir: string;
  readonly publicBaseUrl?: string;
  readonly mode: RunMode;
  readonly mongodbUrl?: string;
  readonly redisUrl?: string;
  /** Prefix of every BullMQ key in Redis, so several deployments (or tests) can share one server. */
  readonly queuePrefix: string;
  /** The queues' self-healing (issue 14): the reconciler's period and the bound on a pipeline add. */
  readonly queues: {
    /** RECONCILE_SECONDS in milliseconds: how often every worker process re-queues what the store says is pending. */
    readonly reconcileEveryMs: number;
    /** QUEUE_ADD_TIMEOUT_MS: longest wait for a turn or delivery add before the caller goes on without it. */
    readonly addTimeoutMs: number;
  };
  readonly sessionSecret: string;
  /**
   * True when SESSION_SECRET was unset. The system then signs widget sessions with the secret kept in
   * DATA_DIR/session-secret (src/system/session-secret.ts, created once), and `sessionSecret` is only a
   * random per-process placeholder that nothing should use.
   */
  readonly sessionSecretGenerated: boolean;
  readonly channels: { readonly zalo: ZaloConfig; readonly messenger: MessengerConfig };
  readonly tickets: TicketConfig;
  /** TRUST_PROXY: which proxies' X-Forwarded-For decides the client address (default: none). */
  readonly trustProxy: TrustProxy;
  readonly widget: WidgetLimitsConfig;
  readonly operators: OperatorsConfig;
  readonly news: NewsConfig;
  readonly webPush: WebPushConfig;
  /**
   * The circuit breaker of each platform (src/core/platform-breaker.ts): `failures` transient failures in a
   * row open it (PLATFORM_BREAKER_FAILURES); the first cool-down before a probe is `openMs`
   * (PLATFORM_BREAKER_OPEN_SECONDS), doubled after each failed probe up to 8 × `openMs` (at most 5 minutes).
   */
  readonly platformBreaker: { readonly failures: number; readonly openMs: number };
  /**
   * SEND_CLAIM_SECONDS in milliseconds: how long a reply marked `sending` stays the claiming process's
   * before another delivery run takes it over (src/core/deliver-outbound.ts). At least the longest platform
   * call: Zalo's token refresh and send, 15 s each, twice when the token expired on the way (65 s). Used
   * with Redis only: under the in-process runner, a claim found under the conversation's lease is a dead run's.
   */
  readonly sendClaimMs: number;
  /** Non-fatal findings for the start-up log (loadConfig has no logger yet). */
  readonly warnings: readonly string[];
}

/** One bad environment variable and why; never the value, which may be a secret. */
export interface ConfigIssue {
  key: string;
  reason: string;
}

type Env = Record<string, string | undefined>;

const DEFAULT_CATALOG_DIR = fileURLToPath(new URL('../knowledge/data', import.meta.url));
const SESSION_SECRET_MIN = 32;

/** A whole number within [min, max], with a default. */
const intVar = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be a whole number between ${min} and ${max}`).max(max, `must be a whole number between ${min} and ${max}`))
    .default(fallback);

/** true/false (also 1/0, any case), with a default. */
const boolVar = (fallback: boolean) =>
  z
    .string()
    .regex(/^(true|false|1|0)$/i, 'must be true or false')
    .transform((v) => v === '1' || v.toLowerCase() === 'true')
    .default(fallback);

const TEMPLATE_FIELDS: readonly ZaloTemplateField[] = ['code', 'agency', 'date'];
/** Parameter names this deployment assumes until Zalo approves the template (README "Configuration"). */
export const DEFAULT_ZALO_TEMPLATE_PARAMS = 'code=ma_ho_so,agency=co_quan,date=ngay_tra_loi';

/** `field=param` pairs, comma-separated: which template parameter each notice field fills. */
const templateParams = z.string().transform((value, ctx): Partial<Record<ZaloTemplateField, string>> => {
  const params: Partial<Record<ZaloTemplateField, string>> = {};
  for (const part of value.split(',')) {
    const match = /^\s*(\w+)\s*=\s*([A-Za-z0-9_]{1,50})\s*$/.exec(part);
    const field = match?.[1] as ZaloTemplateField | undefined;
    if (!match || !field || !TEMPLATE_FIELDS.includes(field) || params[field] !== undefined) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated field=param pairs, fields ${TEMPLATE_FIELDS.join(', ')} at most once each, params of letters, digits and _` });
      return z.NEVER;
    }
    params[field] = match[2]!;
  }
  return params;
});

/** Named ranges express's `trust proxy` knows (proxy-addr). */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const TRUST_PROXY_HELP = 'must be false, true (a proxy on this machine), a number of proxy hops (1–10), or a comma-separated list of proxy IPs, CIDRs, loopback, linklocal or uniquelocal';

/** One trusted proxy: a named range, an IP, or an IP/prefix within the address family's length. */
function isProxyAddress(item: string): boolean {
  if (PROXY_RANGES.includes(item)) return true;
  const [ip = '', bits, ...rest] = item.split('/');
  const family = isIP(ip);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** TRUST_PROXY: false/0, true (= loopback), a hop count, or a list of proxy addresses. */
const trustProxyVar = z
  .string()
  .transform((value, ctx): TrustProxy => {
    const v = value.toLowerCase();
    if (v === 'false' || v === '0') return false;
    if (v === 'true') return ['loopback'];
    if (/^\d+$/.test(v)) {
      const hops = Number(v);
      if (hops <= 10) return hops;
    } else {
      const items = v.split(',').map((item) => item.trim());
      if (items.every((item) => item !== '' && isProxyAddress(item))) return items;
    }
    ctx.addIssue({ code: 'custom', message: TRUST_PROXY_HELP });
    return z.NEVER;
  })
  .default(false);

/** OPERATOR_HOURS: parsed by the domain, whose message says what is wrong (it quotes only pieces of the value). */
const operatorHoursVar = z
  .string()
  .transform((value, ctx): OperatorHoursSpec => {
    try {
      return parseOperatorHours(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (format in README "Configuration")` });
      return z.NEVER;
    }
  })
  .default(parseOperatorHours(DEFAULT_OPERATOR_HOURS));

/** Default of NEWS_QUIET_HOURS: 21:30 to 07:00 Vietnam time. */
export const DEFAULT_NEWS_QUIET_HOURS = '21:30-07:00';

/** NEWS_QUIET_HOURS: `HH:MM-HH:MM` (Vietnam time, may wrap past midnight) or `off`, parsed by the domain. */
const quietHoursVar = z
  .string()
  .transform((value, ctx): QuietHours => {
    try {
      return parseQuietHours(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (e.g. 21:30-07:00, or off)` });
      return z.NEVER;
    }
  })
  .default(parseQuietHours(DEFAULT_NEWS_QUIET_HOURS));

const TOPIC_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * NEWS_FEEDS: comma-separated `topic=url` pairs. Each problem names the pair by its position, never its
 * text (a feed URL may carry an access key).
 */
const newsFeedsVar = z
  .string()
  .transform((value, ctx): NewsFeedSetting[] => {
    const feeds: NewsFeedSetting[] = [];
    const problems: string[] = [];
    value.split(',').forEach((part, index) => {
      const at = value.includes(',') ? `pair ${index + 1}: ` : '';
      const eq = part.indexOf('=');
      const topic = eq < 0 ? '' : part.slice(0, eq).trim();
      const url = eq < 0 ? '' : part.slice(eq + 1).trim();
      if (eq < 0 || !topic || !url) return void problems.push(`${at}expected topic=url`);
      if (!TOPIC_SLUG.test(topic)) return void problems.push(`${at}the topic must be a slug of a-z, 0-9 and - (the accent-free topic name, e.g. tuyen-dung)`);
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return void problems.push(`${at}the url must be an http(s) URL`);
      feeds.push({ topic, url });
    });
    if (problems.length > 0) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated topic=url pairs (${problems.join('; ')})` });
      return z.NEVER;
    }
    return feeds;
  })
  .default([]);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''));

/** WEB_PUSH_ALLOWED_HOSTS: comma-separated push service hosts (src/domain/web-push.ts); each problem names the entry by position. */
const pushHostsVar = z
  .string()
  .transform((value, ctx): PushHostRule[] => {
    const problems: string[] = [];
    value.split(',').forEach((part, index) => {
      try {
        parsePushHostRules(part);
      } catch (err) {
        problems.push(`entry ${index + 1}: ${(err as Error).message}`);
      }
    });
    const rules = problems.length === 0 ? parsePushHostRules(value) : [];
    if (problems.length > 0 || rules.length === 0) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated push service hosts (${problems.join('; ') || 'none given'})` });
      return z.NEVER;
    }
    return rules;
  })
  .default(parsePushHostRules(DEFAULT_PUSH_HOSTS));

/** VAPID keys as web-push prints them: URL-safe base64 of the 65-byte public point and the 32-byte private scalar. */
const vapidPublicKey = z.string().regex(/^B[A-Za-z0-9_-]{86}$/, 'must be the URL-safe base64 VAPID public key (87 characters, from `npx web-push generate-vapid-keys`)');
const vapidPrivateKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the URL-safe base64 VAPID private key (43 characters)');

const envSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be an integer between 0 and 65535')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be an integer between 0 and 65535'))
    .default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  NODE_ENV: z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }).default('development'),
  DATA_DIR: z.string().default('./data'),
  EMBEDDED_STORE: z.enum(['auto', 'sqlite', 'nedb'], { error: 'must be auto, sqlite or nedb' }).default('auto'),
  CATALOG_DIR: z.string().default(DEFAULT_CATALOG_DIR),
  PUBLIC_BASE_URL: httpUrl.optional(),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URL').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL').optional(),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _').default('troly1022'),
  RECONCILE_SECONDS: intVar(1, 3600, 30),
  QUEUE_ADD_TIMEOUT_MS: intVar(100, 60_000, 2000),
  ZALO_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric Zalo app id').optional(),
  ZALO_APP_SECRET: z.string().optional(),
  ZALO_OA_SECRET_KEY: z.string().optional(),
  ZALO_ACCESS_TOKEN: z.string().optional(),
  ZALO_REFRESH_TOKEN: z.string().optional(),
  ZALO_API_BASE: httpUrl.default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: httpUrl.default('https://oauth.zaloapp.com'),
  ZALO_SEND_RATE: z.string().regex(/^\d+$/, 'must be a positive integer').transform(Number).pipe(z.number().min(1, 'must be at least 1').max(10000, 'must be at most 10000')).default(60),
  ZALO_ANSWER_TEMPLATE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the template id Zalo issued (letters, digits, - or _)').optional(),
  ZALO_ANSWER_TEMPLATE_PARAMS: templateParams.default(templateParams.parse(DEFAULT_ZALO_TEMPLATE_PARAMS)),
  FB_APP_SECRET: z.string().optional(),
  FB_PAGE_ACCESS_TOKEN: z.string().optional(),
  FB_VERIFY_TOKEN: z.string().optional(),
  GRAPH_API_BASE: httpUrl.default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v25.0').default('v25.0'),
  FB_SEND_RATE: z.string().regex(/^\d+$/, 'must be a positive integer').transform(Number).pipe(z.number().min(1, 'must be at least 1').max(10000, 'must be at most 10000')).default(250),
  FB_ACCOUNT_UPDATE_TAG: boolVar(false),
  FB_HUMAN_AGENT_TAG: boolVar(true),
  FB_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric Meta app id').optional(),
  OPERATOR_HOURS: operatorHoursVar,
  OPERATOR_CLAIM_MINUTES: intVar(1, 240, 10),
  OPERATOR_FIRST_REPLY_MINUTES: intVar(1, 120, 2),
  OPERATOR_CAPACITY: intVar(1, 50, 5),
  OPERATOR_EXTERNAL_PAUSE_MINUTES: intVar(1, 1440, 30),
  // Defaults equal DEFAULT_TICKET_POLICY (domain/ticket.ts), DEFAULT_DEADLINE_POLICY (core/ticket-deadlines.ts)
  // and DEFAULT_SWEEP_EVERY_MS (system/schedules.ts); tests/unit/config.test.ts keeps them in step.
  TICKET_DUE_DAYS_QUESTION: intVar(1, 100, 5),
  TICKET_DUE_DAYS_FEEDBACK: intVar(1, 100, 10),
  TICKET_REOPEN_DAYS: intVar(0, 365, 7),
  TICKET_REMINDER_LEAD_DAYS: intVar(1, 30, 1),
  TICKET_SWEEP_MINUTES: intVar(1, 1440, 5),
  TRUST_PROXY: trustProxyVar,
  WIDGET_RATE_PER_SESSION: intVar(1, 10_000, 20),
  WIDGET_RATE_PER_ADDRESS: intVar(1, 100_000, 120),
  NEWS_FEEDS: newsFeedsVar,
  NEWS_POLL_SECONDS: intVar(5, 86_400, 600),
  NEWS_QUIET_HOURS: quietHoursVar,
  NEWS_DAILY_CAP: intVar(1, 50, 3),
  NEWS_ZALO_PAID_WINDOW: boolVar(false),
  NEWS_ZALO_BROADCAST_CITIES: z
    .string()
    .trim()
    .regex(/^\d{1,2}(,\d{1,2})*$/, "must be Zalo's province codes, comma-separated (e.g. 58)")
    .optional(),
  NEWS_ZALO_COVER_URL: httpUrl.optional(),
  WEB_PUSH_VAPID_PUBLIC_KEY: vapidPublicKey.optional(),
  WEB_PUSH_VAPID_PRIVATE_KEY: vapidPrivateKey.optional(),
  WEB_PUSH_SUBJECT: z.string().regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL').optional(),
  WEB_PUSH_ALLOWED_HOSTS: pushHostsVar,
  PLATFORM_BREAKER_FAILURES: intVar(1, 1000, 5),
  PLATFORM_BREAKER_OPEN_SECONDS: intVar(1, 3600, 30),
  SEND_CLAIM_SECONDS: intVar(5, 3600, 65),
  SESSION_SECRET: z.string().min(SESSION_SECRET_MIN, `must be at least ${SESSION_SECRET_MIN} characters`).optional(),
});

type EnvKey = keyof typeof envSchema.shape;
/** Every variable the application reads, in documentation order. */
export const CONFIG_KEYS = Object.keys(envSchema.shape) as EnvKey[];

/** Reads only our keys; surrounding whitespace is dropped and empty strings count as unset. */
function pickEnv(env: Env): Partial<Record<EnvKey, string>> {
  const out: Partial<Record<EnvKey, string>> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key]?.trim();
    if (value) out[key] = value;
  }
  return out;
}

/** A channel is either fully configured or not at all; a partial set is a deployment mistake. */
function channelIssues(raw: Partial<Record<EnvKey, string>>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const zaloKeys = ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_ACCESS_TOKEN', 'ZALO_REFRESH_TOKEN'] as const;
  const zaloSet = zaloKeys.filter((k) => raw[k] !== undefined);
  if (zaloSet.length > 0) {
    const because = `required because ${zaloSet.join(', ')} ${zaloSet.length === 1 ? 'is' : 'are'} set (Zalo credentials are all or nothing)`;
    if (!raw.ZALO_APP_ID) issues.push({ key: 'ZALO_APP_ID', reason: because });
    if (!raw.ZALO_OA_SECRET_KEY) issues.push({ key: 'ZALO_OA_SECRET_KEY', reason: because });
    if (!raw.ZALO_ACCESS_TOKEN && !raw.ZALO_REFRESH_TOKEN) {
      issues.push({ key: 'ZALO_ACCESS_TOKEN', reason: `${because}; set ZALO_ACCESS_TOKEN or ZALO_REFRESH_TOKEN` });
    }
    if (raw.ZALO_REFRESH_TOKEN && !raw.ZALO_APP_SECRET) {
      issues.push({ key: 'ZALO_APP_SECRET', reason: 'required with ZALO_REFRESH_TOKEN (the token endpoint needs the app secret)' });
    }
  }
  const fbKeys = ['FB_APP_SECRET', 'FB_PAGE_ACCESS_TOKEN', 'FB_VERIFY_TOKEN'] as const;
  const fbSet = fbKeys.filter((k) => raw[k] !== undefined);
  if (fbSet.length > 0 && fbSet.length < fbKeys.length) {
    const because = `required because ${fbSet.join(', ')} ${fbSet.length === 1 ? 'is' : 'are'} set (Messenger credentials are all or nothing)`;
    for (const key of fbKeys) if (!raw[key]) issues.push({ key, reason: because });
  }
  // The VAPID pair: both or neither (neither = generated once and kept in the store).
  if (Boolean(raw.WEB_PUSH_VAPID_PUBLIC_KEY) !== Boolean(raw.WEB_PUSH_VAPID_PRIVATE_KEY)) {
    const missing = raw.WEB_PUSH_VAPID_PUBLIC_KEY ? 'WEB_PUSH_VAPID_PRIVATE_KEY' : 'WEB_PUSH_VAPID_PUBLIC_KEY';
    issues.push({ key: missing, reason: 'required with the other VAPID key (the key pair is all or nothing)' });
  }
  return issues;
}

/** Makes accidental mutation of shared configuration throw instead of silently diverging. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses and validates the environment once at start-up, so a misconfigured deployment fails fast
 * with every bad variable listed (AppError CONFIG.INVALID), instead of failing later on first use.
 */
export function loadConfig(env: Env = process.env): Config {
  const raw = pickEnv(env);
  const parsed = envSchema.safeParse(raw);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ key: String(i.path[0] ?? '(root)'), reason: i.message }));
  issues.push(...channelIssues(raw));
  if (Boolean(raw.NEWS_ZALO_BROADCAST_CITIES) !== Boolean(raw.NEWS_ZALO_COVER_URL)) {
    const missing = raw.NEWS_ZALO_BROADCAST_CITIES ? 'NEWS_ZALO_COVER_URL' : 'NEWS_ZALO_BROADCAST_CITIES';
    issues.push({ key: missing, reason: 'Zalo broadcasts need both NEWS_ZALO_BROADCAST_CITIES and NEWS_ZALO_COVER_URL' });
  }
  const nodeEnv = parsed.success ? parsed.data.NODE_ENV : (raw.NODE_ENV ?? 'development');
  if (nodeEnv === 'production' && !raw.SESSION_SECRET) {
    issues.push({ key: 'SESSION_SECRET', reason: 'required when NODE_ENV=production' });
  } else if (raw.MONGODB_URL && raw.REDIS_URL && !raw.SESSION_SECRET) {
    // Every web process must verify the sessions the others issued; a file in one DATA_DIR is not shared.
    issues.push({ key: 'SESSION_SECRET', reason: 'required in production mode (MONGODB_URL and REDIS_URL set): every web process must share it' });
  }
  if (!parsed.success || issues.length > 0) {
    const order = (k: string): number => CONFIG_KEYS.indexOf(k as EnvKey);
    issues.sort((a, b) => order(a.key) - order(b.key));
    throw new AppError(
      'CONFIG.INVALID',
      `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.key}: ${i.reason}`).join('\n'),
      { details: { issues } },
    );
  }
  return deepFreeze(buildConfig(parsed.data));
}

function buildConfig(e: z.output<typeof envSchema>): Config {
  const warnings: string[] = [];
  if (e.MONGODB_URL && !e.REDIS_URL) {
    warnings.push('MONGODB_URL is set without REDIS_URL: production mode needs both, so the embedded store and in-process queues are used');
  }
  if (e.REDIS_URL && !e.MONGODB_URL) {
    warnings.push('REDIS_URL is set without MONGODB_URL: queues run on Redis, the store stays embedded, so only one process may run');
  }
  const zaloEnabled = Boolean(e.ZALO_APP_ID && e.ZALO_OA_SECRET_KEY && (e.ZALO_ACCESS_TOKEN || e.ZALO_REFRESH_TOKEN));
  if (e.ZALO_ANSWER_TEMPLATE_ID && !zaloEnabled) {
    warnings.push('ZALO_ANSWER_TEMPLATE_ID is set but Zalo is not configured: no template notice can be sent');
  }
  if (e.NEWS_ZALO_BROADCAST_CITIES && !zaloEnabled) {
    warnings.push('NEWS_ZALO_BROADCAST_CITIES is set but Zalo is not configured: news cannot be broadcast');
  }
  const messengerEnabled = Boolean(e.FB_APP_SECRET && e.FB_PAGE_ACCESS_TOKEN && e.FB_VERIFY_TOKEN);
  if (e.FB_APP_ID && !messengerEnabled) {
    warnings.push('FB_APP_ID is set but Messenger is not configured: it is unused');
  }
  const sessionSecretGenerated = !e.SESSION_SECRET;
  if (sessionSecretGenerated) {
    warnings.push('SESSION_SECRET is unset: widget sessions are signed with the secret kept in DATA_DIR/session-secret (created once, owner-only); set SESSION_SECRET when web processes do not share one DATA_DIR');
  }
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    dataDir: resolve(e.DATA_DIR),
    embeddedStore: e.EMBEDDED_STORE,
    catalogDir: resolve(e.CATALOG_DIR),
    publicBaseUrl: e.PUBLIC_BASE_URL,
    mode: e.MONGODB_URL && e.REDIS_URL ? 'production' : 'embedded',
    mongodbUrl: e.MONGODB_URL,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    queues: { reconcileEveryMs: e.RECONCILE_SECONDS * 1000, addTimeoutMs: e.QUEUE_ADD_TIMEOUT_MS },
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    sessionSecretGenerated,
    channels: {
      zalo: {
        enabled: zaloEnabled,
        appId: e.ZALO_APP_ID,
        appSecret: e.ZALO_APP_SECRET,
        oaSecretKey: e.ZALO_OA_SECRET_KEY,
        accessToken: e.ZALO_ACCESS_TOKEN,
        refreshToken: e.ZALO_REFRESH_TOKEN,
        apiBase: e.ZALO_API_BASE,
        oauthBase: e.ZALO_OAUTH_BASE,
        sendRatePerSecond: e.ZALO_SEND_RATE,
        ...(e.ZALO_ANSWER_TEMPLATE_ID ? { answerTemplate: { templateId: e.ZALO_ANSWER_TEMPLATE_ID, params: e.ZALO_ANSWER_TEMPLATE_PARAMS } } : {}),
      },
      messenger: {
        enabled: messengerEnabled,
        appSecret: e.FB_APP_SECRET,
        pageAccessToken: e.FB_PAGE_ACCESS_TOKEN,
        verifyToken: e.FB_VERIFY_TOKEN,
        graphApiBase: e.GRAPH_API_BASE,
        graphApiVersion: e.GRAPH_API_VERSION,
        sendRatePerSecond: e.FB_SEND_RATE,
        accountUpdateTag: e.FB_ACCOUNT_UPDATE_TAG,
        humanAgentTag: e.FB_HUMAN_AGENT_TAG,
        appId: e.FB_APP_ID,
      },
    },
    tickets: {
      dueWorkingDays: { question: e.TICKET_DUE_DAYS_QUESTION, feedback: e.TICKET_DUE_DAYS_FEEDBACK },
      reopenWindowDays: e.TICKET_REOPEN_DAYS,
      reminderLeadWorkingDays: e.TICKET_REMINDER_LEAD_DAYS,
      sweepEveryMs: e.TICKET_SWEEP_MINUTES * 60_000,
    },
    trustProxy: e.TRUST_PROXY,
    widget: { perSessionPerMinute: e.WIDGET_RATE_PER_SESSION, perAddressPerMinute: e.WIDGET_RATE_PER_ADDRESS },
    operators: {
      hours: e.OPERATOR_HOURS,
      claimTimeoutMs: e.OPERATOR_CLAIM_MINUTES * 60_000,
      firstReplyTimeoutMs: e.OPERATOR_FIRST_REPLY_MINUTES * 60_000,
      capacity: e.OPERATOR_CAPACITY,
      externalPauseMs: e.OPERATOR_EXTERNAL_PAUSE_MINUTES * 60_000,
    },
    news: {
      feeds: e.NEWS_FEEDS,
      pollMs: e.NEWS_POLL_SECONDS * 1000,
      quietHours: e.NEWS_QUIET_HOURS,
      dailyCap: e.NEWS_DAILY_CAP,
      zaloPaidWindow: e.NEWS_ZALO_PAID_WINDOW,
      zaloBroadcast: e.NEWS_ZALO_BROADCAST_CITIES && e.NEWS_ZALO_COVER_URL ? { cities: e.NEWS_ZALO_BROADCAST_CITIES, coverUrl: e.NEWS_ZALO_COVER_URL } : undefined,
    },
    webPush: {
      vapid: e.WEB_PUSH_VAPID_PUBLIC_KEY && e.WEB_PUSH_VAPID_PRIVATE_KEY ? { publicKey: e.WEB_PUSH_VAPID_PUBLIC_KEY, privateKey: e.WEB_PUSH_VAPID_PRIVATE_KEY } : undefined,
      // Push services want a way to reach the sender: the deployment's https address, else a placeholder.
      subject: e.WEB_PUSH_SUBJECT ?? (e.PUBLIC_BASE_URL?.startsWith('https://') ? e.PUBLIC_BASE_URL : 'mailto:troly1022@localhost'),
      allowedHosts: e.WEB_PUSH_ALLOWED_HOSTS,
    },
    platformBreaker: { failures: e.PLATFORM_BREAKER_FAILURES, openMs: e.PLATFORM_BREAKER_OPEN_SECONDS * 1000 },
    sendClaimMs: e.SEND_CLAIM_SECONDS * 1000,
    warnings,
  };
}

const presence = (value: string | undefined): 'set' | 'unset' => (value ? 'set' : 'unset');

/** What the start-up log may show: every setting, with secrets and connection URLs reduced to set/unset. */
export function redactedSummary(config: Config): Record<string, unknown> {
  const { zalo, messenger } = config.channels;
  return {
    nodeEnv: config.nodeEnv,
    mode: config.mode,
    host: config.host,
    port: config.port,
    logLevel: config.logLevel,
    dataDir: config.dataDir,
    embeddedStore: config.embeddedStore,
    catalogDir: config.catalogDir,
    publicBaseUrl: config.publicBaseUrl ?? 'unset',
    mongodbUrl: presence(config.mongodbUrl),
    redisUrl: presence(config.redisUrl),
    sessionSecret: config.sessionSecretGenerated ? 'unset' : 'set',
    channels: {
      zalo: {
        enabled: zalo.enabled,
        appId: presence(zalo.appId),
        appSecret: presence(zalo.appSecret),
        oaSecretKey: presence(zalo.oaSecretKey),
        accessToken: presence(zalo.accessToken),
        refreshToken: presence(zalo.refreshToken),
        apiBase: zalo.apiBase,
        oauthBase: zalo.oauthBase,
        answerTemplate: zalo.answerTemplate ? { templateId: zalo.answerTemplate.templateId, params: zalo.answerTemplate.params } : 'unset',
      },
      messenger: {
        enabled: messenger.enabled,
        appSecret: presence(messenger.appSecret),
        pageAccessToken: presence(messenger.pageAccessToken),
        verifyToken: presence(messenger.verifyToken),
        graphApiBase: messenger.graphApiBase,
        graphApiVersion: messenger.graphApiVersion,
        accountUpdateTag: messenger.accountUpdateTag,
        humanAgentTag: messenger.humanAgentTag,
        appId: messenger.appId ?? 'unset',
      },
    },
    tickets: config.tickets,
    trustProxy: config.trustProxy,
    widget: config.widget,
    operators: {
      hours: config.operators.hours.text,
      claimTimeoutMs: config.operators.claimTimeoutMs,
      firstReplyTimeoutMs: config.operators.firstReplyTimeoutMs,
      capacity: config.operators.capacity,
      externalPauseMs: config.operators.externalPauseMs,
    },
    news: {
      // Topic and host only: a feed URL's path or query may carry an access key.
      feeds: config.news.feeds.map((f) => `${f.topic}=${new URL(f.url).host}`),
      pollMs: config.news.pollMs,
      quietHours: config.news.quietHours,
      dailyCap: config.news.dailyCap,
      zaloPaidWindow: config.news.zaloPaidWindow,
      zaloBroadcast: config.news.zaloBroadcast ? { cities: config.news.zaloBroadcast.cities, coverHost: new URL(config.news.zaloBroadcast.coverUrl).host } : 'off',
    },
    webPush: {
      // The public key is public; the private one is never shown.
      vapid: config.webPush.vapid ? { publicKey: config.webPush.vapid.publicKey, privateKey: 'set' } : 'generated (store)',
      subject: config.webPush.subject,
      allowedHosts: config.webPush.allowedHosts.map((r) => `${r.scheme === 'http' || r.port ? `${r.scheme}://` : ''}${r.wildcard ? '*.' : ''}${r.host}${r.port ? `:${r.port}` : ''}`),
    },
  };
}
