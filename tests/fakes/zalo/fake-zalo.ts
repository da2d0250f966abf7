import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bigId, messageId, opaqueToken, zaloMac } from './sign.js';
import { postEcho } from '../echo.js';
import { obj, readBody } from '../http.js';

/**
 * A local fake of Zalo's openapi (https://openapi.zalo.me) and OAuth (https://oauth.zaloapp.com) hosts,
 * following platforms.md §1.10: two node:http servers on ephemeral ports, the real envelope (errors are
 * HTTP 200 + {error, message} without data), rotating single-use refresh tokens, the 7-day window,
 * rate limiting, failure injection, a record of every request, and, opt-in (`echoSends`), an `oa_send_*`
 * echo POSTed to the webhook after each successful send, as Zalo does. `staffSend` plays a staff member
 * answering from the OA admin / Zalo app: an `oa_send_text` echo whose msg_id no API call ever returned
 * (news-handoff-languages.md B.1.3).
 */

export interface FakeZaloOptions {
  appId?: string;
  appSecret?: string;
  oaId?: string;
  oaSecretKey?: string;
  /**
   * Where echoes are POSTed, signed like Zalo (X-ZEvent-Signature = `mac=` + sha256(app_id + body +
   * timestamp + OA secret key), with this fake's `appId` and `oaSecretKey`): the echoes of our sends when
   * `echoSends` is on, and those of `staffSend`.
   */
  webhookUrl?: string;
  /**
   * Echo each successful POST /v3.0/oa/message/cs to `webhookUrl` as an `oa_send_*` event carrying the
   * msg_id it returned (sender = the OA, recipient = the user), as Zalo does. Fire and forget: the echo is
   * POSTed before the answer is written and never delays it (wait with `echoesSettled()`); a failed POST
   * is recorded as 'error'. Off by default (default false): the webhook then gets no echo of our sends.
   */
  echoSends?: boolean;
  /** `sender.admin_id` of staff echoes (a fresh 19-digit id by default). */
  staffAdminId?: string;
  /** Users outside the 7-day interaction window: sends to them answer -230. */
  windowClosedUsers?: Iterable<string>;
  /** Answer -213 to users not in `followers` (whether Zalo requires following is UNCONFIRMED). */
  requireFollow?: boolean;
  followers?: Iterable<string>;
  /** Answer -32 once more than `max` API calls arrive within `windowMs` (Zalo: 4,000/min per app). */
  rateLimit?: { max: number; windowMs: number };
  /** `expires_in` of minted access tokens, in seconds (Zalo: "90000" = 25 h). */
  accessTtlSeconds?: number;
  /** Accept `{buttons:[…]}` templates on /message/cs (UNCONFIRMED on the real platform); else -233. */
  acceptButtonTemplates?: boolean;
  /** Template buttons per message accepted (UNCONFIRMED; default 5). */
  maxButtons?: number;
  /**
   * Approved ZBS templates for POST /v3.0/oa/message/template: template id → its parameter names
   * (every one required in `template_data`). Any other template id answers -201 (this fake's code:
   * the real ZBS error codes for a bad template are UNCONFIRMED).
   */
  templates?: Record<string, readonly string[]>;
  /** Verify calls an article answers -214 ("being processed") before it has an id (default 2). */
  articleProcessingPolls?: number;
}

/** An Article created through POST /v2.0/article/create (ZaloSpec §8.1–8.2). */
export interface FakeArticle {
  token: string;
  /** Set once a verify call found it processed. */
  id?: string;
  title: string;
  description: string;
  cover: Record<string, unknown>;
  body: unknown[];
  status: string;
  /** Verify calls still to answer -214. */
  pollsLeft: number;
}

/** A broadcast accepted by POST /v2.0/oa/message (recipient.target + one to five articles). */
export interface FakeBroadcast {
  messageId: string;
  target: Record<string, unknown>;
  articleIds: string[];
}

export interface RecordedRequest {
  server: 'api' | 'oauth';
  method: string;
  path: string;
  /** Query parameters; `data` is also given parsed in `queryData`. */
  query: Record<string, string>;
  queryData?: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text (multipart bodies are summarised in `form`). */
  body: string;
  json?: unknown;
  form?: Record<string, string | { filename: string; size: number; type: string }>;
  /** What the fake answered. */
  response: Record<string, unknown>;
  at: number;
  /** Held by holdSends() and dropped because the caller hung up before an answer: never delivered. */
  discarded?: boolean;
}

/**
 * A hold on POST /v3.0/oa/message/cs (see FakeZalo.holdSends): requests arriving while it is active
 * wait unanswered, as if the platform were slow. A held request whose connection closes (the sender
 * died) is discarded: nothing is delivered, no echo. release() answers the ones still waiting normally.
 */
export interface SendHold {
  /** Resolves once `n` requests (default 1) have been held since the hold began. */
  whenHeld(n?: number): Promise<void>;
  /** Requests held so far (waiting, discarded or released). */
  readonly heldCount: number;
  /** Held requests dropped because their connection closed before an answer. */
  readonly discardedCount: number;
  /** The senders' TCP ports of the requests still waiting (to tell one sender process's requests apart). */
  waitingFromPorts(): number[];
  /** Stops holding; requests still waiting are then served as usual. Idempotent. */
  release(): void;
}

/** One accepted template message (POST /v3.0/oa/message/template). */
export interface SentTemplate {
  messageId: string;
  userId: string;
  templateId: string;
  data: Record<string, unknown>;
  accessToken: string;
}

export interface SentMessage {
  messageId: string;
  userId: string;
  message: Record<string, unknown>;
  accessToken: string;
  /** When the fake accepted it (its clock, epoch ms). */
  at: number;
}

/**
 * A platform failure lasting until `endOutage()` (issue 14): `http` = every API call answers this HTTP
 * status with a proxy's HTML page (a 5xx storm; the token endpoint too); `code` = every API call answers
 * this Zalo error code in the usual HTTP 200 envelope (-32: the rate limit); `slow` = each POST
 * /v3.0/oa/message/cs is carried out (recorded in `sent`, the citizen has it) but answered only after
 * `delayMs`, beyond a client's timeout: the ambiguous send. Other calls stay prompt under `slow`.
 */
export type ZaloOutage = { kind: 'http'; status: number } | { kind: 'code'; code: number } | { kind: 'slow'; delayMs: number };

/** One message a staff member typed in the OA admin / Zalo app (FakeZalo.staffSend): never an API send. */
export interface StaffMessage {
  messageId: string;
  userId: string;
  text: string;
  adminId: string;
}

/** One echo POSTed to the webhook: of an API send (`source: 'api'`) or of a staff message (`'staff'`). */
export interface ZaloEchoDelivery {
  event: Record<string, unknown>;
  /** The webhook's answer, or 'error' when it could not be reached. */
  status: number | 'error';
  source: 'api' | 'staff';
}

interface Injected {
  code: number;
  remaining: number;
  path?: string;
  message?: string;
}

export const ZALO_MESSAGES: Record<number, string> = {
  [-32]: 'Your application/OA reached limit call api',
  [-100]: 'Unknown error',
  [-200]: 'Send message failed',
  [-201]: 'Parameters are invalid',
  [-211]: 'Out of quota',
  [-213]: 'User has not followed OA',
  [-216]: 'Access token is invalid',
  [-220]: 'access_token is expired or removed',
  [-227]: 'User has been banned or has been inactive for more than 45 days',
  [-230]: 'User has not interacted with the OA in the past 7 days',
  [-232]: 'User has not interacted with the OA or the last interaction has expired',
  [-233]: 'Message type is invalid or not supported',
  [-234]: 'Cannot be sent at night (10:00PM - 6:00AM)',
  [-214]: 'Article is being processed',
  [-223]: 'Your OA has reach the limit quota create article',
};

const BUTTON_TYPES = new Set(['oa.open.url', 'oa.query.show', 'oa.query.hide', 'oa.open.sms', 'oa.open.phone']);
const IMAGE_TYPES = /\.(jpe?g|png)$/i;
const FILE_TYPES = /\.(pdf|docx?|csv)$/i;

export class FakeZalo {
  readonly appId: string;
  readonly appSecret: string;
  readonly oaId: string;
  readonly oaSecretKey: string;
  webhookUrl: string | undefined;
  /** See FakeZaloOptions.echoSends (settable at any time). */
  echoSends: boolean;
  readonly requests: RecordedRequest[] = [];
  readonly sent: SentMessage[] = [];
  /** Template messages accepted, in order (they are not subject to the 7-day window). */
  readonly sentTemplates: SentTemplate[] = [];
  /** Approved templates: id → parameter names (see FakeZaloOptions.templates). */
  readonly templates: Map<string, readonly string[]>;
  /** Echo deliveries to the webhook, with the status it answered and whether an API send or staff caused it. */
  readonly echoes: ZaloEchoDelivery[] = [];
  /** Messages staff typed in the OA admin (staffSend), in order: their ids are in no API answer. */
  readonly staffSent: StaffMessage[] = [];
  /** `sender.admin_id` on staff echoes. */
  readonly staffAdminId: string;
  readonly windowClosed: Set<string>;
  readonly followers: Set<string>;
  requireFollow: boolean;
  acceptButtonTemplates: boolean;
  accessTtlSeconds: number;
  /** Delay before the token endpoint answers, to widen race windows in concurrency tests. */
  oauthDelayMs = 0;
  /** Users returned by /user/getlist, in order. */
  users: string[] = [];
  readonly profiles = new Map<string, Record<string, unknown>>();
  /** Articles by token, in creation order. */
  readonly articles = new Map<string, FakeArticle>();
  /** Broadcasts accepted, in order. */
  readonly broadcasts: FakeBroadcast[] = [];
  /** See FakeZaloOptions.articleProcessingPolls (settable at any time, for articles created after). */
  articleProcessingPolls: number;

  private readonly accessTokens = new Map<string, { expiresAt: number }>();
  private readonly refreshTokens = new Map<string, { used: boolean }>();
  private readonly uploads = new Map<string, 'image' | 'gif' | 'file'>();
  private readonly injected: Injected[] = [];
  private readonly callTimes: number[] = [];
  private readonly pendingEchoes = new Set<Promise<void>>();
  private readonly maxButtons: number;
  private rateLimit: { max: number; windowMs: number } | undefined;
  private sendHold: ActiveHold | undefined;
  private outage: ZaloOutage | undefined;
  /** When each staff message was typed (the fake's clock), for the conversation API. */
  private readonly staffSentAt = new Map<string, number>();
  /** API calls answered by an outage (or slowed by one) since the fake started. */
  outageHits = 0;
  private clockOffset = 0;
  private apiServer: Server | undefined;
  private oauthServer: Server | undefined;
  apiBase = '';
  oauthBase = '';

  constructor(options: FakeZaloOptions = {}) {
    this.appId = options.appId ?? bigId();
    this.appSecret = options.appSecret ?? opaqueToken('appsecret');
    this.oaId = options.oaId ?? bigId();
    this.oaSecretKey = options.oaSecretKey ?? opaqueToken('oasecret');
    this.webhookUrl = options.webhookUrl;
    this.echoSends = options.echoSends ?? false;
    this.staffAdminId = options.staffAdminId ?? bigId();
    this.windowClosed = new Set(options.windowClosedUsers ?? []);
    this.followers = new Set(options.followers ?? []);
    this.requireFollow = options.requireFollow ?? false;
    this.rateLimit = options.rateLimit;
    this.accessTtlSeconds = options.accessTtlSeconds ?? 90_000;
    this.acceptButtonTemplates = options.acceptButtonTemplates ?? true;
    this.maxButtons = options.maxButtons ?? 5;
    this.templates = new Map(Object.entries(options.templates ?? {}));
    this.articleProcessingPolls = options.articleProcessingPolls ?? 2;
  }

  async start(): Promise<this> {
    this.apiServer = await listen((req, res) => this.serve('api', req, res));
    this.oauthServer = await listen((req, res) => this.serve('oauth', req, res));
    this.apiBase = baseOf(this.apiServer);
    this.oauthBase = baseOf(this.oauthServer);
    return this;
  }

  async stop(): Promise<void> {
    await this.flushEchoes();
    await Promise.all([close(this.apiServer), close(this.oauthServer)]);
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Controls                                                                                   */
  /* ------------------------------------------------------------------------------------------ */

  /** Mints a valid pair directly, as the developer console's API Explorer does. */
  /** The ZALO_* environment that points our Zalo channel at this fake, with a token pair it issued. */
  env(tokens: { accessToken: string; refreshToken: string } = this.issueTokens()): Record<string, string> {
    return {
      ZALO_APP_ID: this.appId,
      ZALO_APP_SECRET: this.appSecret,
      ZALO_OA_SECRET_KEY: this.oaSecretKey,
      ZALO_ACCESS_TOKEN: tokens.accessToken,
      ZALO_REFRESH_TOKEN: tokens.refreshToken,
      ZALO_API_BASE: this.apiBase,
      ZALO_OAUTH_BASE: this.oauthBase,
    };
  }

  issueTokens(): { accessToken: string; refreshToken: string; expiresIn: number } {
    return this.mint();
  }

  /** The fake's clock (epoch ms), movable with advanceTime. */
  now(): number {
    return Date.now() + this.clockOffset;
  }

  advanceTime(ms: number): void {
    this.clockOffset += ms;
  }

  /** Makes a token (or every token) answer -220 from now on. */
  expireAccessToken(token?: string): void {
    for (const [t, state] of this.accessTokens) if (token === undefined || t === token) state.expiresAt = this.now() - 1;
  }

  /** Forgets a token (or every token): it answers -216 from now on. */
  revokeAccessToken(token?: string): void {
    if (token === undefined) this.accessTokens.clear();
    else this.accessTokens.delete(token);
  }

  isRefreshTokenLive(token: string): boolean {
    return this.refreshTokens.get(token)?.used === false;
  }

  /** The next `n` API calls (to `path` if given) answer `code` instead of doing anything. */
  failNext(code: number, n = 1, options: { path?: string; message?: string } = {}): void {
    this.injected.push({ code, remaining: n, ...options });
  }

  /** Starts an outage (see ZaloOutage), replacing any running one. */
  setOutage(outage: ZaloOutage): void {
    this.outage = outage;
  }

  /** Ends the outage: calls are served normally again. */
  endOutage(): void {
    this.outage = undefined;
  }

  /**
   * Opt-in: from now on, hold every POST /v3.0/oa/message/cs unanswered until `release()`. A send only
   * counts as delivered once its answer was written; a held request whose connection closes first is
   * discarded (recorded with `discarded: true`, not in `sent`, no echo), as when a sender dies mid-call.
   * Crash tests kill the sender while a send is held instead of in the instant between the platform's
   * answer and the sender recording it, a window that at-least-once delivery cannot close.
   */
  holdSends(): SendHold {
    if (this.sendHold) throw new Error('FakeZalo: sends are already held');
    const hold: ActiveHold = {
      waiting: new Map(),
      heldCount: 0,
      discardedCount: 0,
      watchers: [],
      release: () => {
        if (this.sendHold === hold) this.sendHold = undefined;
        for (const resume of [...hold.waiting.keys()]) resume();
        hold.waiting.clear();
      },
    };
    this.sendHold = hold;
    return {
      whenHeld: (n = 1) =>
        new Promise<void>((resolve) => {
          if (hold.heldCount >= n) resolve();
          else hold.watchers.push({ n, resolve });
        }),
      get heldCount() {
        return hold.heldCount;
      },
      get discardedCount() {
        return hold.discardedCount;
      },
      waitingFromPorts: () => [...hold.waiting.values()].filter((p): p is number => p !== undefined),
      release: hold.release,
    };
  }

  setRateLimit(limit: { max: number; windowMs: number } | undefined): void {
    this.rateLimit = limit;
    this.callTimes.length = 0;
  }

  /** Requests to one path (e.g. "/v4/oa/access_token"). */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Waits until every echo POSTed so far has been answered. */
  async flushEchoes(): Promise<void> {
    while (this.pendingEchoes.size > 0) await Promise.all([...this.pendingEchoes]);
  }

  /** Same as flushEchoes: resolves once every echo POSTed so far was answered or failed (never rejects). */
  echoesSettled(): Promise<void> {
    return this.flushEchoes();
  }

  /**
   * A staff member answers `userId` from the OA admin / Zalo app: Zalo POSTs an `oa_send_text` echo
   * (sender = the OA with `admin_id`, recipient = the citizen) with a NEW msg_id, one no API call of this
   * fake ever returned. Resolves with that msg_id once the webhook answered (or could not be reached:
   * the status is then 'error' in `echoes`; it never rejects for that). Throws when no webhookUrl is set.
   */
  async staffSend(userId: string, text: string): Promise<string> {
    if (!this.webhookUrl) throw new Error('FakeZalo.staffSend: no webhookUrl configured');
    const msgId = messageId();
    this.staffSent.push({ messageId: msgId, userId, text, adminId: this.staffAdminId });
    this.staffSentAt.set(msgId, this.now());
    await this.postEcho('staff', 'oa_send_text', userId, { msg_id: msgId, text }, String(this.now()));
    return msgId;
  }

  /* ------------------------------------------------------------------------------------------ */
  /* HTTP                                                                                       */
  /* ------------------------------------------------------------------------------------------ */

  private async serve(server: 'api' | 'oauth', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const record: RecordedRequest = {
      server,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: raw.toString('utf8'),
      response: {},
      at: this.now(),
    };
    if (String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      try {
        record.json = JSON.parse(record.body);
      } catch {
        // recorded as text only; the route answers -201
      }
    }
    this.requests.push(record);
    if (server === 'api' && record.method === 'POST' && record.path === '/v3.0/oa/message/cs' && this.sendHold) {
      if ((await waitWhileHeld(this.sendHold, res)) === 'closed') {
        record.discarded = true;
        return;
      }
    }
    const outage = this.outage;
    if (outage?.kind === 'http') {
      this.outageHits++;
      record.response = { httpStatus: outage.status };
      res.writeHead(outage.status, { 'Content-Type': 'text/html' }).end(`<html><body><h1>${outage.status}</h1>openapi.zalo.me is unavailable</body></html>`);
      return;
    }
    if (outage?.kind === 'code' && server === 'api') {
      this.outageHits++;
      record.response = zaloError(outage.code);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(record.response));
      return;
    }
    let answer: Record<string, unknown>;
    let status = 200;
    try {
      if (server === 'oauth' && this.oauthDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.oauthDelayMs));
      answer = server === 'oauth' ? this.oauth(req, url, raw, record) : await this.api(req, url, raw, record);
    } catch (error) {
      status = 500;
      answer = { error: -1, message: `fake crashed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (answer.__notFound) {
      status = 404;
      answer = { error: 404, message: 'Not Found' };
    }
    record.response = answer;
    // The ambiguous send: done (the message is in `sent`), answered too late for the caller.
    if (outage?.kind === 'slow' && server === 'api' && record.method === 'POST' && record.path === '/v3.0/oa/message/cs') {
      this.outageHits++;
      await new Promise((resolve) => setTimeout(resolve, outage.delayMs));
      if (res.destroyed) return;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
    if (server === 'api') {
      const max = this.rateLimit?.max ?? 4000;
      headers['X-RateLimit-Limit'] = String(max);
      headers['X-RateLimit-Remain'] = String(Math.max(0, max - this.callTimes.length));
    }
    res.writeHead(status, headers).end(JSON.stringify(answer));
  }

  /** POST /v4/oa/access_token: `secret_key` header, form body, single-use rotating refresh token. */
  private oauth(req: IncomingMessage, url: URL, raw: Buffer, record: RecordedRequest): Record<string, unknown> {
    if (url.pathname !== '/v4/oa/access_token' || req.method !== 'POST') return { __notFound: true };
    // OAuth failure codes below are this fake's (the real failure shape is UNCONFIRMED).
    if (req.headers['secret_key'] !== this.appSecret) return oauthError(-14002, 'Invalid secret key');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(-14001, 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    record.form = Object.fromEntries(form);
    if (form.get('app_id') !== this.appId) return oauthError(-14001, 'Invalid app_id');
    if (form.get('grant_type') !== 'refresh_token') return oauthError(-14001, 'Unsupported grant_type');
    const refreshToken = form.get('refresh_token') ?? '';
    const state = this.refreshTokens.get(refreshToken);
    if (!state || state.used) return oauthError(-14014, 'Invalid refresh token');
    state.used = true; // the old one dies on use
    const pair = this.mint();
    return { access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(pair.expiresIn) };
  }

  private async api(req: IncomingMessage, url: URL, raw: Buffer, record: RecordedRequest): Promise<Record<string, unknown>> {
    const route = `${req.method} ${url.pathname}`;
    const known = [
      'POST /v3.0/oa/message/cs',
      'POST /v3.0/oa/message/template',
      'POST /v2.0/oa/upload/image',
      'POST /v2.0/oa/upload/gif',
      'POST /v2.0/oa/upload/file',
      'GET /v3.0/oa/user/detail',
      'GET /v3.0/oa/user/getlist',
      'POST /v2.0/article/create',
      'POST /v2.0/article/verify',
      'POST /v2.0/oa/message',
      'GET /v2.0/oa/conversation',
    ];
    if (!known.includes(route)) return { __notFound: true };

    const injected = this.injected.find((i) => i.remaining > 0 && (!i.path || i.path === url.pathname));
    if (injected) {
      injected.remaining--;
      return zaloError(injected.code, injected.message);
    }
    if (this.rateLimit) {
      const now = this.now();
      while (this.callTimes.length && this.callTimes[0]! <= now - this.rateLimit.windowMs) this.callTimes.shift();
      this.callTimes.push(now);
      if (this.callTimes.length > this.rateLimit.max) return zaloError(-32);
    }
    const token = req.headers['access_token'];
    const accessToken = typeof token === 'string' ? token : '';
    const tokenState = this.accessTokens.get(accessToken);
    if (!tokenState) return zaloError(-216);
    if (tokenState.expiresAt <= this.now()) return zaloError(-220);

    if (url.searchParams.has('data')) {
      try {
        record.queryData = JSON.parse(url.searchParams.get('data')!);
      } catch {
        return zaloError(-201, 'data is invalid!');
      }
    }
    switch (route) {
      case 'POST /v3.0/oa/message/cs':
        return this.sendCs(req, raw, record, accessToken);
      case 'POST /v3.0/oa/message/template':
        return this.sendTemplate(req, raw, record, accessToken);
      case 'POST /v2.0/oa/upload/image':
        return this.upload(req, raw, record, 'image');
      case 'POST /v2.0/oa/upload/gif':
        return this.upload(req, raw, record, 'gif');
      case 'POST /v2.0/oa/upload/file':
        return this.upload(req, raw, record, 'file');
      case 'GET /v3.0/oa/user/detail':
        return this.userDetail(record.queryData);
      case 'POST /v2.0/article/create':
        return this.createArticle(req, raw, record);
      case 'POST /v2.0/article/verify':
        return this.verifyArticle(req, raw, record);
      case 'POST /v2.0/oa/message':
        return this.broadcast(req, raw, record);
      case 'GET /v2.0/oa/conversation':
        return this.conversation(record.queryData);
      default:
        return this.userList(record.queryData);
    }
  }

  private sendCs(req: IncomingMessage, raw: Buffer, record: RecordedRequest, accessToken: string): Record<string, unknown> {
    const body = jsonBody(req, raw);
    if (!body) return zaloError(-201, 'body is invalid!');
    record.json = body;
    const recipient = obj(body.recipient);
    const userId = recipient?.user_id;
    if (typeof userId !== 'string' || !/^\d+$/.test(userId)) return zaloError(-201, 'user_id is invalid!');
    const message = obj(body.message);
    if (!message) return zaloError(-201, 'message is invalid!');
    const problem = this.checkMessage(message);
    if (problem) return problem;
    if (this.windowClosed.has(userId)) return zaloError(-230);
    if (this.requireFollow && !this.followers.has(userId)) return zaloError(-213);

    const id = messageId();
    const sentTime = String(this.now());
    this.sent.push({ messageId: id, userId, message, accessToken, at: this.now() });
    this.echo(userId, id, message, sentTime);
    return {
      error: 0,
      message: 'Success',
      data: { message_id: id, user_id: userId, sent_time: sentTime, quota: { quota_type: 'reply', remain: 8, total: 8 } },
    };
  }

  /**
   * A ZBS template message by user id: JSON body {user_id, template_id, template_data}; the template
   * must be approved (known to this fake) and every one of its parameters given as a string or number.
   * Not limited by the 7-day CS window: reaching users outside it is what templates are for.
   */
  private sendTemplate(req: IncomingMessage, raw: Buffer, record: RecordedRequest, accessToken: string): Record<string, unknown> {
    const body = jsonBody(req, raw);
    if (!body) return zaloError(-201, 'body is invalid!');
    record.json = body;
    const userId = body.user_id;
    if (typeof userId !== 'string' || !/^\d+$/.test(userId)) return zaloError(-201, 'user_id is invalid!');
    const templateId = body.template_id;
    if (typeof templateId !== 'string' || templateId === '') return zaloError(-201, 'template_id is invalid!');
    const params = this.templates.get(templateId);
    if (!params) return zaloError(-201, 'template_id is invalid!');
    const data = obj(body.template_data);
    if (!data) return zaloError(-201, 'template_data is invalid!');
    for (const name of params) {
      const value = data[name];
      if ((typeof value !== 'string' || value === '') && typeof value !== 'number') return zaloError(-201, `template_data.${name} is invalid!`);
    }
    const id = messageId();
    const sentTime = String(this.now());
    this.sentTemplates.push({ messageId: id, userId, templateId, data, accessToken });
    return { error: 0, message: 'Success', data: { message_id: id, sent_time: sentTime } };
  }

  /** The payload checks of /message/cs; undefined = acceptable. */
  private checkMessage(message: Record<string, unknown>): Record<string, unknown> | undefined {
    const text = message.text;
    if (text !== undefined && (typeof text !== 'string' || text.length === 0 || text.length > 2000)) return zaloError(-201, 'text is invalid!');
    const quote = message.quote_message_id;
    if (quote !== undefined && (typeof quote !== 'string' || quote === '')) return zaloError(-201, 'quote_message_id is invalid!');
    const attachment = obj(message.attachment);
    if (message.attachment !== undefined && !attachment) return zaloError(-201, 'attachment is invalid!');
    if (!attachment) return text === undefined ? zaloError(-201, 'message is invalid!') : undefined;
    const payload = obj(attachment.payload);
    if (!payload) return zaloError(-201, 'payload is invalid!');
    if (attachment.type === 'file') {
      return typeof payload.token === 'string' && this.uploads.get(payload.token) === 'file' ? undefined : zaloError(-201, 'token is invalid!');
    }
    if (attachment.type !== 'template') return zaloError(-201, 'attachment.type is invalid!');
    if (payload.template_type === 'media') {
      const elements = payload.elements;
      if (!Array.isArray(elements) || elements.length !== 1) return zaloError(-201, 'elements is invalid!');
      const el = obj(elements[0]);
      if (!el || (el.media_type !== 'image' && el.media_type !== 'gif')) return zaloError(-201, 'media_type is invalid!');
      const hasUrl = typeof el.url === 'string' && /^https?:\/\//.test(el.url);
      const hasId = typeof el.attachment_id === 'string';
      if (hasUrl === hasId) return zaloError(-201, 'url or attachment_id is invalid!');
      if (hasId && !this.uploads.has(el.attachment_id as string)) return zaloError(-100, 'attachment_id was expired');
      return undefined;
    }
    if (payload.template_type === undefined && Array.isArray(payload.buttons)) {
      if (!this.acceptButtonTemplates) return zaloError(-233);
      if (typeof text !== 'string') return zaloError(-201, 'text is invalid!');
      const buttons = payload.buttons;
      if (buttons.length === 0 || buttons.length > this.maxButtons) return zaloError(-201, 'buttons is invalid!');
      for (const b of buttons) {
        const button = obj(b);
        if (!button || typeof button.title !== 'string' || button.title.length === 0 || button.title.length > 100) return zaloError(-201, 'title is invalid!');
        if (typeof button.type !== 'string' || !BUTTON_TYPES.has(button.type)) return zaloError(-201, 'type is invalid!');
        if (button.type.startsWith('oa.query.') && (typeof button.payload !== 'string' || button.payload.length > 1000)) {
          return zaloError(-201, 'payload is invalid!');
        }
      }
      return undefined;
    }
    return zaloError(-201, 'template_type is invalid!');
  }

  private async upload(req: IncomingMessage, raw: Buffer, record: RecordedRequest, kind: 'image' | 'gif' | 'file'): Promise<Record<string, unknown>> {
    let form: FormData;
    try {
      form = await new Request('http://fake.local/upload', { method: 'POST', headers: { 'content-type': String(req.headers['content-type'] ?? '') }, body: raw }).formData();
    } catch {
      return zaloError(-201, 'file is invalid!');
    }
    record.form = {};
    for (const [key, value] of form) {
      record.form[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size, type: value.type };
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') return zaloError(-201, 'file is invalid!');
    const limit = kind === 'file' ? 5 * 1024 * 1024 : 1024 * 1024;
    const typeOk = kind === 'file' ? FILE_TYPES.test(file.name) : kind === 'gif' ? /\.gif$/i.test(file.name) : IMAGE_TYPES.test(file.name);
    if (file.size === 0 || file.size > limit || !typeOk) return zaloError(-201, 'file is invalid!');
    const id = opaqueToken(kind);
    this.uploads.set(id, kind);
    return { error: 0, message: 'Success', data: kind === 'file' ? { token: id } : { attachment_id: id } };
  }

  /**
   * A normal article (ZaloSpec §8.1): title 1–150, author ≤ 50, description 1–300, a photo cover
   * (else -201 "cover value is invalid"), a non-empty body of text/image blocks, status show|hide. The
   * answer is an async token, not the article's id.
   */
  private createArticle(req: IncomingMessage, raw: Buffer, record: RecordedRequest): Record<string, unknown> {
    const body = jsonBody(req, raw);
    if (!body) return zaloError(-201, 'body is invalid!');
    record.json = body;
    if (body.type !== 'normal') return zaloError(-201, 'type is invalid!');
    const { title, author, description, status } = body;
    if (typeof title !== 'string' || title.length === 0 || title.length > 150) return zaloError(-201, 'title is invalid!');
    if (author !== undefined && (typeof author !== 'string' || author.length > 50)) return zaloError(-201, 'author is invalid!');
    if (typeof description !== 'string' || description.length === 0 || description.length > 300) return zaloError(-201, 'description is invalid!');
    const cover = obj(body.cover);
    if (!cover || cover.cover_type !== 'photo' || typeof cover.photo_url !== 'string' || !/^https?:\/\//.test(cover.photo_url) || cover.status !== 'show') {
      return zaloError(-201, 'cover value is invalid');
    }
    const blocks = body.body;
    if (!Array.isArray(blocks) || blocks.length === 0) return zaloError(-201, 'body is invalid!');
    for (const b of blocks) {
      const block = obj(b);
      if (!block || (block.type !== 'text' && block.type !== 'image')) return zaloError(-201, 'body is invalid!');
      if (block.type === 'text' && (typeof block.content !== 'string' || block.content === '')) return zaloError(-201, 'body is invalid!');
    }
    if (status !== undefined && status !== 'show' && status !== 'hide') return zaloError(-201, 'status is invalid!');
    const token = opaqueToken('article');
    this.articles.set(token, { token, title, description, cover, body: blocks, status: (status as string | undefined) ?? 'hide', pollsLeft: this.articleProcessingPolls });
    return { error: 0, message: 'Success', data: { token } };
  }

  /** {token} → -214 while the article is processed, then its id (the same id on every later call). */
  private verifyArticle(req: IncomingMessage, raw: Buffer, record: RecordedRequest): Record<string, unknown> {
    const body = jsonBody(req, raw);
    if (!body) return zaloError(-201, 'body is invalid!');
    record.json = body;
    const article = typeof body.token === 'string' ? this.articles.get(body.token) : undefined;
    if (!article) return zaloError(-201, 'token is invalid!');
    if (article.pollsLeft > 0) {
      article.pollsLeft--;
      return zaloError(-214, 'Article is being processed');
    }
    article.id ??= opaqueToken('articleid');
    return { error: 0, message: 'Success', data: { id: article.id } };
  }

  /**
   * A broadcast (ZaloSpec §5.5): `recipient.target` (ages, gender, locations, cities, platform; at least
   * one object) and a media template of one to five articles, each a processed article's id.
   */
  private broadcast(req: IncomingMessage, raw: Buffer, record: RecordedRequest): Record<string, unknown> {
    const body = jsonBody(req, raw);
    if (!body) return zaloError(-201, 'body is invalid!');
    record.json = body;
    const target = obj(obj(body.recipient)?.target);
    if (!target) return zaloError(-201, 'recipient is invalid!');
    for (const [key, value] of Object.entries(target)) {
      if (!['ages', 'gender', 'locations', 'cities', 'platform'].includes(key) || typeof value !== 'string' || !/^\d+(,\d+)*$/.test(value)) return zaloError(-201, 'target is invalid!');
    }
    const payload = obj(obj(obj(body.message)?.attachment)?.payload);
    const elements = payload?.elements;
    if (!payload || payload.template_type !== 'media' || !Array.isArray(elements) || elements.length === 0 || elements.length > 5) return zaloError(-201, 'elements is invalid!');
    const known = new Set([...this.articles.values()].flatMap((a) => (a.id ? [a.id] : [])));
    const articleIds: string[] = [];
    for (const e of elements) {
      const element = obj(e);
      if (!element || element.media_type !== 'article' || typeof element.attachment_id !== 'string' || !known.has(element.attachment_id)) return zaloError(-201, 'attachment_id is invalid!');
      articleIds.push(element.attachment_id);
    }
    const id = messageId();
    this.broadcasts.push({ messageId: id, target, articleIds });
    return { error: 0, message: 'Success', data: { message_id: id } };
  }

  /**
   * "Lấy danh sách tin nhắn trong một hội thoại": data={user_id, offset, count} (count 1..10), the messages
   * between the OA and the user, newest first, as Zalo's items: src (0 = the OA sent it, 1 = the user),
   * time (epoch ms), sent_time ("HH:mm:ss dd/MM/yyyy"), from_/to_ id, display name and avatar, message_id,
   * type and message (the text). This fake knows only what the OA sent (API sends and staff messages).
   */
  private conversation(data: unknown): Record<string, unknown> {
    const query = obj(data) ?? {};
    const userId = typeof query.user_id === 'number' ? String(query.user_id) : query.user_id;
    const offset = Number(query.offset ?? 0);
    const count = Number(query.count ?? 5);
    if (typeof userId !== 'string' || !/^\d+$/.test(userId)) return zaloError(-201, 'user_id is invalid!');
    if (!Number.isInteger(offset) || offset < 0) return zaloError(-201, 'offset is invalid!');
    if (!Number.isInteger(count) || count < 1 || count > 10) return zaloError(-201, 'count is invalid!');
    const fromOa = [
      ...this.sent.filter((m) => m.userId === userId).map((m) => ({ id: m.messageId, at: m.at, text: typeof m.message.text === 'string' ? m.message.text : '' })),
      ...this.staffSent.filter((m) => m.userId === userId).map((m) => ({ id: m.messageId, at: this.staffSentAt.get(m.messageId) ?? 0, text: m.text })),
    ].sort((a, b) => b.at - a.at);
    const items = fromOa.slice(offset, offset + count).map((m) => ({
      src: 0,
      time: m.at,
      sent_time: zaloSentTime(m.at),
      from_id: this.oaId,
      from_display_name: 'Trợ lý 1022',
      from_avatar: '',
      to_id: userId,
      to_display_name: '',
      to_avatar: '',
      message_id: m.id,
      type: 'text',
      message: m.text,
    }));
    return { error: 0, message: 'Success', data: items };
  }

  private userDetail(data: unknown): Record<string, unknown> {
    const userId = obj(data)?.user_id;
    if (typeof userId !== 'string' || !/^\d+$/.test(userId)) return zaloError(-201, 'user_id is invalid!');
    const profile = this.profiles.get(userId);
    if (!profile) return zaloError(-201, 'user_id is invalid!');
    return { error: 0, message: 'Success', data: { user_id: userId, user_is_follower: this.followers.has(userId), ...profile } };
  }

  private userList(data: unknown): Record<string, unknown> {
    const query = obj(data) ?? {};
    const offset = query.offset ?? 0;
    const count = query.count ?? 5;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > 9951) return zaloError(-201, 'offset is invalid!');
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 50) return zaloError(-201, 'count is invalid!');
    const users = this.users.slice(offset, offset + count).map((user_id) => ({ user_id }));
    return { error: 0, message: 'Success', data: { total: this.users.length, count: users.length, offset, users } };
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Internals                                                                                  */
  /* ------------------------------------------------------------------------------------------ */

  private mint(): { accessToken: string; refreshToken: string; expiresIn: number } {
    const accessToken = opaqueToken('access');
    const refreshToken = opaqueToken('refresh');
    this.accessTokens.set(accessToken, { expiresAt: this.now() + this.accessTtlSeconds * 1000 });
    this.refreshTokens.set(refreshToken, { used: false });
    return { accessToken, refreshToken, expiresIn: this.accessTtlSeconds };
  }

  /** POSTs the `oa_send_*` echo Zalo sends after our own message (sender = the OA), fire and forget. */
  private echo(userId: string, msgId: string, message: Record<string, unknown>, timestamp: string): void {
    if (!this.webhookUrl || !this.echoSends) return;
    const attachment = obj(message.attachment);
    const payload = obj(attachment?.payload);
    const eventName =
      attachment?.type === 'file' ? 'oa_send_file' : payload?.template_type === 'media' ? 'oa_send_image' : payload?.buttons ? 'oa_send_list' : 'oa_send_text';
    void this.postEcho('api', eventName, userId, { msg_id: msgId, ...(typeof message.text === 'string' ? { text: message.text } : {}) }, timestamp);
  }

  /**
   * Signs and POSTs one echo event to the webhook; the returned promise (also kept in pendingEchoes)
   * settles once it was answered or failed, and never rejects.
   */
  private postEcho(source: 'api' | 'staff', eventName: string, userId: string, message: Record<string, unknown>, timestamp: string): Promise<void> {
    const url = this.webhookUrl;
    if (!url) return Promise.resolve();
    const event: Record<string, unknown> = {
      app_id: this.appId,
      user_id_by_app: bigId(),
      event_name: eventName,
      timestamp,
      sender: source === 'staff' ? { id: this.oaId, admin_id: this.staffAdminId } : { id: this.oaId },
      recipient: { id: userId },
      message,
    };
    const raw = JSON.stringify(event);
    const headers = { 'Content-Type': 'application/json', 'X-ZEvent-Signature': zaloMac(this.appId, raw, timestamp, this.oaSecretKey) };
    return new Promise<void>((resolve) =>
      postEcho(this.pendingEchoes, url, headers, raw, (status) => {
        this.echoes.push({ event, status, source });
        resolve();
      }),
    );
  }
}

interface ActiveHold {
  /** Resumers of the requests waiting now, with the sender's TCP port. */
  waiting: Map<() => void, number | undefined>;
  heldCount: number;
  discardedCount: number;
  watchers: { n: number; resolve: () => void }[];
  release(): void;
}

/** Parks a request until the hold is released ('released') or its connection closes first ('closed'). */
function waitWhileHeld(hold: ActiveHold, res: ServerResponse): Promise<'released' | 'closed'> {
  hold.heldCount++;
  for (const watcher of hold.watchers.filter((w) => hold.heldCount >= w.n)) {
    hold.watchers.splice(hold.watchers.indexOf(watcher), 1);
    watcher.resolve();
  }
  return new Promise((resolve) => {
    const onClose = () => {
      hold.waiting.delete(resume);
      hold.discardedCount++;
      resolve('closed');
    };
    const resume = () => {
      res.off('close', onClose);
      resolve('released');
    };
    if (res.destroyed) return onClose();
    res.on('close', onClose);
    hold.waiting.set(resume, res.socket?.remotePort);
  });
}

/** A JSON object body sent as application/json, or undefined (Zalo answers -201 to anything else). */
function jsonBody(req: IncomingMessage, raw: Buffer): Record<string, unknown> | undefined {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  try {
    return obj(JSON.parse(raw.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** Zalo's `sent_time` of a conversation item: "HH:mm:ss dd/MM/yyyy" in Vietnam time. */
function zaloSentTime(ms: number): string {
  const d = new Date(ms + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

function zaloError(code: number, message?: string): Record<string, unknown> {
  return { error: code, message: message ?? ZALO_MESSAGES[code] ?? 'Unknown error' };
}

function oauthError(code: number, description: string): Record<string, unknown> {
  return { error: code, error_name: 'Invalid parameter', error_reason: description, error_description: description };
}


function listen(handler: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<Server> {
  return new Promise((resolve, reject) => {
    // A caller that dies mid-request makes reading the body fail: drop that connection quietly.
    const server = createServer((req, res) => {
      Promise.resolve(handler(req, res)).catch(() => res.destroy());
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server?.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function baseOf(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
