import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubSignature256, metaJson, newFbtraceId, newMid, newPageId, newPageToken, proofFor } from './sign.js';
import { postEcho } from '../echo.js';
import { obj, readBody } from '../http.js';

/**
 * A local fake of Meta's Graph API Send endpoint, following platforms.md §2.3–2.7: one node:http server on
 * an ephemeral port serving `POST /{version}/me/messages`, with Graph's error envelope
 * `{error:{message,type,code,error_subcode,fbtrace_id}}`, the access token and `appsecret_proof` checks,
 * the request shape rules, the 24 h window and HUMAN_AGENT's 7 days per PSID, blocked users, a rate
 * limit, failure injection, a record of every request, and signed echoes to a webhook: opt-in
 * (`echoSends`), `message_echoes` of our sends (`app_id` = this app), and with `staffSend`, those of staff
 * answering in Meta Business Suite (`app_id` = Page Inbox, 263902037430900; news-handoff-languages.md B.1.2).
 */

/** Meta Page Inbox's app id (Meta Business Suite): the `app_id` of echoes of messages staff typed there. */
export const PAGE_INBOX_APP_ID = '263902037430900';

export interface FakeGraphOptions {
  /** The only version served (default v25.0); any other path answers 2500. */
  version?: string;
  appId?: string;
  appSecret?: string;
  pageId?: string;
  /** The valid Page token (one is minted otherwise); more can be added with issueToken(). */
  pageAccessToken?: string;
  /** Refuse calls without `appsecret_proof` ("Require App Secret" on). A wrong proof is refused always. */
  requireAppsecretProof?: boolean;
  /** Characters per text (2,000 is UNCONFIRMED on the real platform). */
  maxTextLength?: number;
  /** Quick-reply payload limit (1,000 is UNCONFIRMED). */
  maxPayloadLength?: number;
  /** Whether the app passed App Review for HUMAN_AGENT (default true); else such sends answer 200. */
  humanAgentApproved?: boolean;
  /** Answer 613 once more than `max` calls arrive within `windowMs` (Meta: 300/s per Page). */
  rateLimit?: { max: number; windowMs: number };
  /**
   * Where echoes are POSTed, signed like Meta (X-Hub-Signature-256 = `sha256=` + HMAC-SHA256 of the raw
   * body with this fake's `appSecret`, the body encoded like Meta): the echoes of our sends when
   * `echoSends` is on, and those of `staffSend`.
   */
  webhookUrl?: string;
  /**
   * Echo each successful message send to `webhookUrl` as a `message_echoes` item (`is_echo: true`,
   * `app_id` = this fake's `appId`, the `mid` it returned; sender = the Page, recipient = the PSID), as
   * Meta does. Fire and forget: POSTed before the answer is written, never delaying it (wait with
   * `echoesSettled()`); a failed POST is recorded as 'error'. Off by default (default false).
   */
  echoSends?: boolean;
}

/** One message a staff member typed in Meta Business Suite (FakeGraph.staffSend): never an API send. */
export interface FakeStaffMessage {
  messageId: string;
  psid: string;
  text: string;
  /** The app the echo names (Page Inbox by default). */
  appId: string;
  at: number;
}

/** One echo POSTed to the webhook: of an API send (`source: 'api'`) or of a staff message (`'staff'`). */
export interface FakeEchoDelivery {
  body: unknown;
  /** The webhook's answer, or 'error' when it could not be reached. */
  status: number | 'error';
  source: 'api' | 'staff';
}

export interface GraphErrorSpec {
  code: number;
  subcode?: number;
  message?: string;
  type?: string;
  /** HTTP status (default 400; 500 for codes 1 and 2). */
  status?: number;
}

export interface RecordedGraphRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json?: unknown;
  status: number;
  response: unknown;
  at: number;
}

export interface FakeSentMessage {
  messageId: string;
  psid: string;
  messagingType: string;
  tag?: string;
  message: Record<string, unknown>;
  at: number;
}

/**
 * A platform failure lasting until `endOutage()` (issue 14): `http` = every call answers this HTTP status
 * with a proxy's HTML page (a 5xx storm); `graph` = every call answers this Graph error (613: the rate
 * limit); `slow` = each message send is carried out (recorded in `sent`: the person has it) but answered
 * only after `delayMs`, beyond a client's timeout: the ambiguous send. Other calls stay prompt under `slow`.
 */
export type GraphOutage = { kind: 'http'; status: number } | { kind: 'graph'; error: GraphErrorSpec } | { kind: 'slow'; delayMs: number };

type Fault = { remaining: number } & ({ kind: 'graph'; error: GraphErrorSpec } | { kind: 'http'; status: number; body: string } | { kind: 'drop' });

interface Answer {
  status: number;
  body: unknown;
}

export const GRAPH_MESSAGES: Record<string, string> = {
  '190': 'Invalid OAuth access token - Cannot parse access token',
  '190/463': 'Error validating access token: Session has expired.',
  '10/2018278': '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
  '10/1893063': '(#10) This Page is temporarily restricted from sending messages.',
  '551/1545041': "(#551) This person isn't available right now.",
  '613': '(#613) Calls to this API have exceeded the rate limit.',
  '4/2018022': '(#4) Application request limit reached',
  '1200': '(#1200) Temporary send message failure. Please try again later',
  '2': 'An unexpected error has occurred. Please retry your request later.',
  '100/2018001': '(#100) No matching user found',
  '200': '(#200) The HUMAN_AGENT tag requires the Human Agent permission',
};

const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
const TAGS = new Set(['HUMAN_AGENT', 'ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'CUSTOMER_FEEDBACK']);
const SENDER_ACTIONS = new Set(['typing_on', 'typing_off', 'mark_seen']);
const TOP_LEVEL_KEYS = new Set(['recipient', 'messaging_type', 'tag', 'message', 'sender_action', 'notification_type', 'persona_id']);
const DAY = 24 * 60 * 60 * 1000;

export class FakeGraph {
  readonly version: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly pageId: string;
  readonly pageAccessToken: string;
  requireAppsecretProof: boolean;
  humanAgentApproved: boolean;
  webhookUrl: string | undefined;
  /** See FakeGraphOptions.echoSends (settable at any time). */
  echoSends: boolean;
  readonly requests: RecordedGraphRequest[] = [];
  readonly sent: FakeSentMessage[] = [];
  readonly actions: { psid: string; action: string; at: number }[] = [];
  /** Echo deliveries to the webhook, with the status it answered and whether an API send or staff caused it. */
  readonly echoes: FakeEchoDelivery[] = [];
  /** Messages staff typed in Meta Business Suite (staffSend), in order: their mids are in no API answer. */
  readonly staffSent: FakeStaffMessage[] = [];
  /** PSID → last user interaction (epoch ms on the fake's clock). */
  readonly lastInteraction = new Map<string, number>();
  readonly blocked = new Set<string>();
  base = '';

  private readonly tokens = new Map<string, { expired: boolean }>();
  private readonly faults: Fault[] = [];
  private readonly callTimes: number[] = [];
  private readonly pendingEchoes = new Set<Promise<void>>();
  private readonly maxText: number;
  private readonly maxPayload: number;
  private rateLimit: { max: number; windowMs: number } | undefined;
  private outage: GraphOutage | undefined;
  /** Calls answered by an outage (or slowed by one) since the fake started. */
  outageHits = 0;
  private clockOffset = 0;
  private server: Server | undefined;

  constructor(options: FakeGraphOptions = {}) {
    this.version = options.version ?? 'v25.0';
    this.appId = options.appId ?? String(1_000_000_000_000 + Math.floor(Math.random() * 1e12));
    this.appSecret = options.appSecret ?? newMid().slice(2, 34);
    this.pageId = options.pageId ?? newPageId();
    this.pageAccessToken = options.pageAccessToken ?? newPageToken();
    this.tokens.set(this.pageAccessToken, { expired: false });
    this.requireAppsecretProof = options.requireAppsecretProof ?? false;
    this.humanAgentApproved = options.humanAgentApproved ?? true;
    this.maxText = options.maxTextLength ?? 2000;
    this.maxPayload = options.maxPayloadLength ?? 1000;
    this.rateLimit = options.rateLimit;
    this.webhookUrl = options.webhookUrl;
    this.echoSends = options.echoSends ?? false;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.flushEchoes();
    const server = this.server;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Controls                                                                                   */
  /* ------------------------------------------------------------------------------------------ */

  /** `/{version}/me/messages`. */
  get messagesPath(): string {
    return `/${this.version}/me/messages`;
  }

  now(): number {
    return Date.now() + this.clockOffset;
  }

  advanceTime(ms: number): void {
    this.clockOffset += ms;
  }

  /** Records a user action that opens the window (a message, a postback, a quick-reply tap…). */
  interact(psid: string, at: number = this.now()): void {
    this.lastInteraction.set(psid, at);
  }

  /** The user blocked the Page or turned messages off: sends answer 551/1545041. */
  block(psid: string): void {
    this.blocked.add(psid);
  }

  /** Another valid Page token. */
  issueToken(): string {
    const token = newPageToken();
    this.tokens.set(token, { expired: false });
    return token;
  }

  /** The token (default: the Page token) answers 190/463 from now on. */
  expireToken(token: string = this.pageAccessToken): void {
    this.tokens.set(token, { expired: true });
  }

  /** Forgets a token: it answers 190 (cannot parse) from now on. */
  revokeToken(token: string = this.pageAccessToken): void {
    this.tokens.delete(token);
  }

  /** The next `n` calls answer this Graph error (after the path check, before auth). */
  failNext(error: GraphErrorSpec, n = 1): void {
    this.faults.push({ kind: 'graph', error, remaining: n });
  }

  /** The next `n` calls answer a bare HTTP status with a non-Graph body (a proxy's 502 page…). */
  failNextHttp(status: number, body = '<html><body>Bad Gateway</body></html>', n = 1): void {
    this.faults.push({ kind: 'http', status, body, remaining: n });
  }

  /** The next `n` calls get their connection destroyed without an answer. */
  dropNext(n = 1): void {
    this.faults.push({ kind: 'drop', remaining: n });
  }

  /** Starts an outage (see GraphOutage), replacing any running one. */
  setOutage(outage: GraphOutage): void {
    this.outage = outage;
  }

  /** Ends the outage: calls are served normally again. */
  endOutage(): void {
    this.outage = undefined;
  }

  /** `/{version}/{pageId}/conversations` (also served as `/{version}/me/conversations`). */
  get conversationsPath(): string {
    return `/${this.version}/${this.pageId}/conversations`;
  }

  setRateLimit(limit: { max: number; windowMs: number } | undefined): void {
    this.rateLimit = limit;
    this.callTimes.length = 0;
  }

  requestsTo(path: string = this.messagesPath): RecordedGraphRequest[] {
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
   * A staff member answers `psid` from Meta Business Suite: Meta POSTs a `message_echoes` item (sender =
   * the Page, recipient = the PSID, `is_echo: true`, `app_id` = Page Inbox 263902037430900 unless
   * `opts.appId` names another app) with a NEW mid, one no API call of this fake ever returned. Resolves
   * with that mid once the webhook answered (or could not be reached: the status is then 'error' in
   * `echoes`; it never rejects for that). Throws when no webhookUrl is set. Not subject to the window.
   */
  async staffSend(psid: string, text: string, opts: { appId?: string } = {}): Promise<string> {
    if (!this.webhookUrl) throw new Error('FakeGraph.staffSend: no webhookUrl configured');
    const mid = newMid();
    const appId = opts.appId ?? PAGE_INBOX_APP_ID;
    this.staffSent.push({ messageId: mid, psid, text, appId, at: this.now() });
    await this.postEcho('staff', psid, { mid, is_echo: true, app_id: Number(appId), text });
    return mid;
  }

  /* ------------------------------------------------------------------------------------------ */
  /* HTTP                                                                                       */
  /* ------------------------------------------------------------------------------------------ */

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://graph.local');
    const record: RecordedGraphRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: raw.toString('utf8'),
      status: 0,
      response: undefined,
      at: this.now(),
    };
    this.requests.push(record);

    const outage = this.outage;
    if (outage?.kind === 'http') {
      this.outageHits++;
      const body = `<html><body><h1>${outage.status}</h1>graph.facebook.com is unavailable</body></html>`;
      record.status = outage.status;
      record.response = body;
      res.writeHead(outage.status, { 'Content-Type': 'text/html' }).end(body);
      return;
    }
    if (outage?.kind === 'graph') {
      this.outageHits++;
      const answer = graphError(outage.error);
      record.status = answer.status;
      record.response = answer.body;
      res.writeHead(answer.status, { 'Content-Type': 'application/json; charset=UTF-8' }).end(JSON.stringify(answer.body));
      return;
    }
    const fault = url.pathname === this.messagesPath ? this.takeFault() : undefined;
    if (fault?.kind === 'drop') {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    let answer: Answer;
    if (fault?.kind === 'http') {
      record.status = fault.status;
      record.response = fault.body;
      res.writeHead(fault.status, { 'Content-Type': 'text/html' }).end(fault.body);
      return;
    }
    try {
      answer = fault?.kind === 'graph' ? graphError(fault.error) : this.route(req, url, raw, record);
    } catch (error) {
      answer = graphError({ code: 2, message: `fake crashed: ${error instanceof Error ? error.message : String(error)}` });
    }
    record.status = answer.status;
    record.response = answer.body;
    // The ambiguous send: done (the message is in `sent`), answered too late for the caller.
    if (outage?.kind === 'slow' && url.pathname === this.messagesPath && req.method === 'POST') {
      this.outageHits++;
      await new Promise((resolve) => setTimeout(resolve, outage.delayMs));
      if (res.destroyed) return;
    }
    res
      .writeHead(answer.status, {
        'Content-Type': 'application/json; charset=UTF-8',
        ...(answer.status >= 400 ? { 'WWW-Authenticate': 'OAuth "Facebook Platform" "invalid_request"' } : {}),
      })
      .end(JSON.stringify(answer.body));
  }

  private takeFault(): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0);
    if (fault) fault.remaining--;
    return fault;
  }

  private route(req: IncomingMessage, url: URL, raw: Buffer, record: RecordedGraphRequest): Answer {
    if (req.method === 'GET' && (url.pathname === this.conversationsPath || url.pathname === `/${this.version}/me/conversations`)) {
      return this.conversations(req, url);
    }
    if (url.pathname !== this.messagesPath || req.method !== 'POST') {
      return graphError({ code: 2500, message: `Unknown path components: ${url.pathname}`, type: 'OAuthException' });
    }
    // 1. Authentication: the token from the query (or an OAuth/Bearer header), then appsecret_proof.
    const token = url.searchParams.get('access_token') ?? bearer(req.headers.authorization);
    if (!token) return graphError({ code: 2500, message: 'An active access token must be used to query information about the current user.' });
    const state = this.tokens.get(token);
    if (!state) return graphError({ code: 190 });
    if (state.expired) return graphError({ code: 190, subcode: 463 });
    const proof = url.searchParams.get('appsecret_proof');
    if (proof !== null && proof !== proofFor(token, this.appSecret)) {
      return graphError({ code: 100, message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException' });
    }
    if (proof === null && this.requireAppsecretProof) {
      return graphError({ code: 100, message: 'API calls from the server require an appsecret_proof argument', type: 'GraphMethodException' });
    }
    // 2. Rate limit (per Page).
    if (this.rateLimit) {
      const now = this.now();
      while (this.callTimes.length > 0 && this.callTimes[0]! <= now - this.rateLimit.windowMs) this.callTimes.shift();
      this.callTimes.push(now);
      if (this.callTimes.length > this.rateLimit.max) return graphError({ code: 613 });
    }
    // 3. Shape.
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return invalid('(#100) The parameter recipient is required');
    let body: Record<string, unknown> | undefined;
    try {
      body = obj(JSON.parse(raw.toString('utf8')));
    } catch {
      return graphError({ code: 1, subcode: 1357046, message: 'Received Invalid JSON reply.', status: 400 });
    }
    record.json = body;
    if (!body) return invalid('(#100) The parameter recipient is required');
    const unknownKey = Object.keys(body).find((k) => !TOP_LEVEL_KEYS.has(k));
    if (unknownKey) return invalid(`(#100) Param ${unknownKey} is not a valid parameter`);
    const psid = obj(body.recipient)?.id;
    if (typeof psid !== 'string' || !/^\d+$/.test(psid)) return invalid('(#100) The parameter recipient is required');
    const hasMessage = body.message !== undefined;
    const hasAction = body.sender_action !== undefined;
    if (hasMessage === hasAction) return invalid('(#100) Must send either message or sender_action');

    if (hasAction) {
      if (Object.keys(body).some((k) => k !== 'recipient' && k !== 'sender_action')) return invalid('(#100) sender_action must be sent alone, with only recipient');
      if (typeof body.sender_action !== 'string' || !SENDER_ACTIONS.has(body.sender_action)) return invalid('(#100) Param sender_action must be one of {typing_on, typing_off, mark_seen}');
      const refusal = this.recipientRefusal(psid, 'RESPONSE', undefined);
      if (refusal) return refusal;
      this.actions.push({ psid, action: body.sender_action, at: this.now() });
      return { status: 200, body: { recipient_id: psid } };
    }

    const messagingType = body.messaging_type;
    if (typeof messagingType !== 'string' || !MESSAGING_TYPES.has(messagingType)) {
      return invalid('(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
    }
    const tag = body.tag;
    if (messagingType === 'MESSAGE_TAG') {
      if (tag === undefined) return invalid('(#100) Tag is required for MESSAGE_TAG messaging type');
      if (typeof tag !== 'string' || !TAGS.has(tag)) return invalid('(#100) Param tag must be a valid message tag');
    } else if (tag !== undefined) {
      return invalid('(#100) Tag can only be used with MESSAGE_TAG messaging type');
    }
    const message = obj(body.message);
    if (!message) return invalid('(#100) Param message must be an object');
    const problem = this.checkMessage(message);
    if (problem) return invalid(problem);

    const refusal = this.recipientRefusal(psid, messagingType, tag as string | undefined);
    if (refusal) return refusal;

    const messageId = newMid();
    this.sent.push({ messageId, psid, messagingType, ...(typeof tag === 'string' ? { tag } : {}), message, at: this.now() });
    this.echo(psid, messageId, message);
    return { status: 200, body: { recipient_id: psid, message_id: messageId } };
  }

  /** The Page token check of every call (query `access_token` or an OAuth/Bearer header, then appsecret_proof). */
  private authRefusal(req: IncomingMessage, url: URL): Answer | undefined {
    const token = url.searchParams.get('access_token') ?? bearer(req.headers.authorization);
    if (!token) return graphError({ code: 2500, message: 'An active access token must be used to query information about the current user.' });
    const state = this.tokens.get(token);
    if (!state) return graphError({ code: 190 });
    if (state.expired) return graphError({ code: 190, subcode: 463 });
    const proof = url.searchParams.get('appsecret_proof');
    if (proof !== null && proof !== proofFor(token, this.appSecret)) {
      return graphError({ code: 100, message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException' });
    }
    if (proof === null && this.requireAppsecretProof) {
      return graphError({ code: 100, message: 'API calls from the server require an appsecret_proof argument', type: 'GraphMethodException' });
    }
    return undefined;
  }

  /**
   * The Conversations API (developers.facebook.com/docs/messenger-platform/conversations): GET
   * /{page-id}/conversations (or /me/…) with `platform=messenger|instagram` (required), optional `user_id`
   * (a PSID: only the conversation with that person) and `fields` such as
   * `messages{message,created_time,from}` or `messages.limit(20){id,message,created_time,from}`.
   * Answers `{data:[{id, messages?:{data:[…], paging}}]}`, messages newest first with `id` always and the
   * requested subfields (`from` = {name, email, id}; `created_time` like "2026-12-07T13:00:00+0000"); details
   * only for the 20 most recent messages, as Meta documents. This fake knows what the Page sent.
   */
  private conversations(req: IncomingMessage, url: URL): Answer {
    const refusal = this.authRefusal(req, url);
    if (refusal) return refusal;
    const platform = url.searchParams.get('platform');
    if (platform !== 'messenger' && platform !== 'instagram') return invalid('(#100) The parameter platform is required and must be one of {messenger, instagram}');
    if (platform === 'instagram') return { status: 200, body: { data: [] } };
    const userId = url.searchParams.get('user_id');
    const fields = url.searchParams.get('fields') ?? '';
    const expand = /(?:^|,)messages(?:\.limit\((\d+)\))?(?:\{([^}]*)\})?/.exec(fields);
    const limit = Math.min(20, Number(expand?.[1] ?? 25));
    const subfields = new Set((expand?.[2] ?? '').split(',').map((f) => f.trim()).filter(Boolean));
    const psids = userId ? [userId] : [...new Set([...this.sent.map((m) => m.psid), ...this.staffSent.map((m) => m.psid)])];
    const data = psids.flatMap((psid) => {
      const messages = [
        ...this.sent.filter((m) => m.psid === psid).map((m) => ({ id: m.messageId, at: m.at, text: sentText(m.message) })),
        ...this.staffSent.filter((m) => m.psid === psid).map((m) => ({ id: m.messageId, at: m.at, text: m.text })),
      ].sort((a, b) => b.at - a.at);
      if (messages.length === 0) return [];
      const conversation: Record<string, unknown> = { id: `t_${psid}` };
      if (fields.includes('updated_time')) conversation.updated_time = graphTime(messages[0]!.at);
      if (expand) {
        conversation.messages = {
          data: messages.slice(0, limit).map((m) => ({
            ...(subfields.has('message') ? { message: m.text } : {}),
            ...(subfields.has('created_time') ? { created_time: graphTime(m.at) } : {}),
            ...(subfields.has('from') ? { from: { name: 'Trợ lý 1022', email: `${this.pageId}@facebook.com`, id: this.pageId } } : {}),
            id: m.id,
          })),
          paging: { cursors: { before: 'QVFIUmZA', after: 'QVFIUmZB' } },
        };
      }
      return [conversation];
    });
    return { status: 200, body: { data, paging: { cursors: { before: 'QVFIUmZA', after: 'QVFIUmZB' } } } };
  }

  /** Send API payload rules (platforms.md §2.3); undefined = acceptable. */
  private checkMessage(message: Record<string, unknown>): string | undefined {
    const hasText = message.text !== undefined;
    const hasAttachment = message.attachment !== undefined;
    if (hasText === hasAttachment) return '(#100) Must send either text or attachment';
    if (hasText) {
      if (typeof message.text !== 'string' || message.text.trim() === '') return '(#100) Param message[text] must be a non-empty UTF-8 encoded string';
      if (message.text.length > this.maxText) return `(#100) Length of param message[text] must be less than or equal to ${this.maxText}`;
    } else {
      const problem = this.checkAttachment(obj(message.attachment));
      if (problem) return problem;
    }
    if (message.quick_replies !== undefined) {
      const list = message.quick_replies;
      if (!Array.isArray(list) || list.length === 0) return '(#100) param message[quick_replies] must be a non-empty array';
      if (list.length > 13) return '(#100) param message[quick_replies] must have a maximum of 13 elements';
      for (const [i, raw] of list.entries()) {
        const qr = obj(raw);
        if (!qr) return `(#100) param message[quick_replies][${i}] must be an object`;
        if (qr.content_type === 'user_phone_number' || qr.content_type === 'user_email') continue;
        if (qr.content_type !== 'text') return `(#100) param message[quick_replies][${i}][content_type] is invalid`;
        if (typeof qr.title !== 'string' || qr.title === '' || qr.title.length > 20) return `(#100) param message[quick_replies][${i}][title] must be 1-20 characters`;
        if (typeof qr.payload !== 'string' && typeof qr.payload !== 'number') return `(#100) param message[quick_replies][${i}][payload] is required`;
        if (String(qr.payload).length > this.maxPayload) return `(#100) param message[quick_replies][${i}][payload] must be at most ${this.maxPayload} characters`;
      }
    }
    return undefined;
  }

  private checkAttachment(attachment: Record<string, unknown> | undefined): string | undefined {
    if (!attachment || attachment.type !== 'template') return '(#100) Unsupported attachment type in this fake';
    const payload = obj(attachment.payload);
    if (payload?.template_type !== 'button') return '(#100) Unsupported template_type in this fake';
    if (typeof payload.text !== 'string' || payload.text === '' || payload.text.length > 640) return '(#100) param message[attachment][payload][text] must be 1-640 characters';
    const buttons = payload.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return '(#100) param message[attachment][payload][buttons] must have 1-3 elements';
    for (const raw of buttons) {
      const button = obj(raw);
      if (!button || typeof button.title !== 'string' || button.title === '' || button.title.length > 20) return '(#100) button title must be 1-20 characters';
      if (button.type === 'web_url') {
        if (typeof button.url !== 'string' || !/^https?:\/\//.test(button.url)) return '(#100) button url must be an http(s) URL';
      } else if (button.type === 'postback') {
        if (typeof button.payload !== 'string' || button.payload.length > 1000) return '(#100) button payload must be at most 1000 characters';
      } else {
        return '(#100) Unsupported button type in this fake';
      }
    }
    return undefined;
  }

  /** The recipient and window rules: unknown PSID, blocked, 24 h for RESPONSE/UPDATE, 7 days for HUMAN_AGENT. */
  private recipientRefusal(psid: string, messagingType: string, tag: string | undefined): Answer | undefined {
    const last = this.lastInteraction.get(psid);
    if (last === undefined) return graphError({ code: 100, subcode: 2018001 });
    if (this.blocked.has(psid)) return graphError({ code: 551, subcode: 1545041 });
    const elapsed = this.now() - last;
    if (messagingType !== 'MESSAGE_TAG') return elapsed > DAY ? graphError({ code: 10, subcode: 2018278 }) : undefined;
    if (tag === 'HUMAN_AGENT') {
      if (!this.humanAgentApproved) return graphError({ code: 200 });
      return elapsed > 7 * DAY ? graphError({ code: 10, subcode: 2018278 }) : undefined;
    }
    return undefined; // the other tags are for outside the window (policy, not checked)
  }

  /** POSTs the `message_echoes` event Meta sends for a message the Page sent through this app, fire and forget. */
  private echo(psid: string, mid: string, message: Record<string, unknown>): void {
    if (!this.webhookUrl || !this.echoSends) return;
    // A template send comes back as a `template` attachment (title and url empty, payload as sent).
    const attachment = obj(message.attachment);
    const attachments = attachment ? [{ title: '', url: '', type: attachment.type, payload: attachment.payload }] : undefined;
    void this.postEcho('api', psid, {
      mid,
      is_echo: true,
      app_id: Number(this.appId),
      ...(typeof message.text === 'string' ? { text: message.text } : {}),
      ...(attachments ? { attachments } : {}),
    });
  }

  /**
   * Encodes, signs and POSTs one echo item to the webhook; the returned promise (also kept in
   * pendingEchoes) settles once it was answered or failed, and never rejects.
   */
  private postEcho(source: 'api' | 'staff', psid: string, echoed: Record<string, unknown>): Promise<void> {
    const url = this.webhookUrl;
    if (!url) return Promise.resolve();
    const at = this.now();
    const body = {
      object: 'page',
      entry: [
        {
          id: this.pageId,
          time: at,
          messaging: [
            {
              sender: { id: this.pageId },
              recipient: { id: psid },
              timestamp: at,
              message: echoed,
            },
          ],
        },
      ],
    };
    const raw = metaJson(body);
    const headers = { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hubSignature256(this.appSecret, raw) };
    return new Promise<void>((resolve) =>
      postEcho(this.pendingEchoes, url, headers, raw, (status) => {
        this.echoes.push({ body, status, source });
        resolve();
      }),
    );
  }
}

/** The text of a sent message: its text, or a button template's text. */
function sentText(message: Record<string, unknown>): string {
  if (typeof message.text === 'string') return message.text;
  const payload = obj(obj(message.attachment)?.payload);
  return typeof payload?.text === 'string' ? payload.text : '';
}

/** Graph's date format: "2026-12-07T13:00:00+0000". */
function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function graphError(spec: GraphErrorSpec): Answer {
  const key = spec.subcode !== undefined ? `${spec.code}/${spec.subcode}` : String(spec.code);
  return {
    status: spec.status ?? (spec.code === 1 || spec.code === 2 ? 500 : 400),
    body: {
      error: {
        message: spec.message ?? GRAPH_MESSAGES[key] ?? GRAPH_MESSAGES[String(spec.code)] ?? `(#${spec.code}) Error`,
        type: spec.type ?? 'OAuthException',
        code: spec.code,
        ...(spec.subcode !== undefined ? { error_subcode: spec.subcode } : {}),
        fbtrace_id: newFbtraceId(),
      },
    },
  };
}

function invalid(message: string): Answer {
  return graphError({ code: 100, message, type: 'OAuthException' });
}

function bearer(header: string | undefined): string | null {
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}
