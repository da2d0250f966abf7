import type { ReplyButton } from '../../src/domain/message.js';
import { ZaloApiError, ZaloNetworkError } from './errors.js';
import { asObject, idString, parseJsonKeepingBigInts } from './json.js';
import { ZaloListener } from './listener.js';
import { renderReply, splitZaloText, ZALO_DEFAULT_MAX_BUTTONS, ZALO_MAX_TEXT, type ZaloRenderCopy } from './render.js';
import { ZaloTokenStore, type ZaloTokenSource, type ZaloTokenStoreOptions } from './token-store.js';
import type {
  FetchLike,
  ZaloButtonMode,
  ZaloConversationMessage,
  ZaloCsRequest,
  ZaloFollowersPage,
  ZaloFollowersQuery,
  ZaloSendData,
  ZaloSentMessage,
  ZaloTemplateRequest,
  ZaloTemplateSendData,
  ZaloUploadFileData,
  ZaloUploadImageData,
  ZaloUserProfile,
} from './types.js';

/**
 * Our typed Zalo OA SDK, zca-js style (platforms.md §1.9): one object with one method per API call and a
 * `listener` fed by the webhook. All HTTP goes through the injected `fetch`; every call carries the
 * `access_token` header and, when Zalo answers -216/-220/-124, refreshes once and retries once (§1.2).
 */

export interface ZaloOAOptions {
  appId: string;
  /** App secret: the `secret_key` header of the OAuth token endpoint. */
  appSecret: string;
  /** OA secret key for webhook signatures (its own value: which secret Zalo means is UNCONFIRMED). */
  oaSecretKey: string;
  /** A token source, or what a ZaloTokenStore needs beyond the app credentials (SecretRepo, seed…). */
  tokens: ZaloTokenSource | Omit<ZaloTokenStoreOptions, 'appId' | 'appSecret' | 'fetch' | 'oauthBase'>;
  fetch?: FetchLike;
  /** Default https://openapi.zalo.me. */
  apiBase?: string;
  /** Default https://oauth.zaloapp.com. */
  oauthBase?: string;
  /** How sendButtons renders: 'text' (default, numbered list) or 'template' (UNCONFIRMED on /message/cs). */
  buttons?: ZaloButtonMode;
  /** Template mode: more buttons than this fall back to the numbered list (default 5, UNCONFIRMED). */
  maxButtons?: number;
  /** Characters per text message (default 2,000). */
  maxTextLength?: number;
  /** Overrides the rendering copy for every language (default: the copy in each reply's language). */
  copy?: ZaloRenderCopy;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

/** A file to upload: bytes (or a Blob) plus the name Zalo will show. */
/** A normal article's content (title ≤ 150, description ≤ 300, author ≤ 50: Zalo's limits). */
export interface ZaloArticleDraft {
  title: string;
  description: string;
  author?: string;
  /** Required by Zalo (-201 "cover value is invalid" without one). */
  coverUrl: string;
  /** Text blocks of the body, in order. */
  paragraphs: readonly string[];
  trackingLink?: string;
}

export interface ZaloUpload {
  data: Blob | Uint8Array;
  filename: string;
  contentType?: string;
}

/** Zalo caps getlist's offset here (~10k users reachable per filter, platforms.md §1.8). */
export const ZALO_MAX_FOLLOWER_OFFSET = 9951;

type Request = { method: 'GET'; query?: unknown } | { method: 'POST'; json: unknown } | { method: 'POST'; form: () => FormData };

export class ZaloOA {
  readonly appId: string;
  readonly tokens: ZaloTokenSource;
  /** Feed it the raw webhook body and headers: `oa.listener.handle(rawBody, headers)`. */
  readonly listener: ZaloListener;
  readonly buttonMode: ZaloButtonMode;
  readonly maxButtons: number;
  readonly maxTextLength: number;
  /** The last `X-RateLimit-*` headers seen (4,000 requests/min per app, §1.6). */
  lastRateLimit: { limit?: number; remain?: number } = {};

  private readonly fetchFn: FetchLike;
  private readonly apiBase: string;
  private readonly copy: ZaloRenderCopy | undefined;
  private readonly timeoutMs: number;

  constructor(options: ZaloOAOptions) {
    if (!options.appId) throw new TypeError('ZaloOA needs appId');
    this.appId = options.appId;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.apiBase = (options.apiBase ?? 'https://openapi.zalo.me').replace(/\/+$/, '');
    this.buttonMode = options.buttons ?? 'text';
    this.maxButtons = options.maxButtons ?? ZALO_DEFAULT_MAX_BUTTONS;
    this.maxTextLength = Math.min(options.maxTextLength ?? ZALO_MAX_TEXT, ZALO_MAX_TEXT);
    this.copy = options.copy;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.tokens = isTokenSource(options.tokens)
      ? options.tokens
      : new ZaloTokenStore({
          ...options.tokens,
          appId: options.appId,
          appSecret: options.appSecret,
          fetch: this.fetchFn,
          ...(options.oauthBase ? { oauthBase: options.oauthBase } : {}),
        });
    this.listener = new ZaloListener({ appId: options.appId, oaSecretKey: options.oaSecretKey });
  }

  /* ---------------------------------------------------------------------------------------------- */
  /* Messages: POST /v3.0/oa/message/cs                                                              */
  /* ---------------------------------------------------------------------------------------------- */

  /**
   * Sends text, split at paragraph/line/sentence boundaries into messages of ≤ 2,000 chars. The quote
   * goes on the first message; if Zalo rejects it as a bad field (-201) it is retried once without.
   */
  async sendText(userId: string, text: string, options: { quoteMessageId?: string } = {}): Promise<ZaloSentMessage[]> {
    const parts = splitZaloText(text, this.maxTextLength);
    if (parts.length === 0) throw new TypeError('sendText: the text is empty');
    const sent: ZaloSentMessage[] = [];
    for (const [i, part] of parts.entries()) {
      const quote = i === 0 ? options.quoteMessageId : undefined;
      sent.push(quote ? await this.sendQuoted(userId, part, quote) : await this.sendMessage(userId, { text: part }));
    }
    return sent;
  }

  /** An image by public URL or by an `attachment_id` from uploadImage, with an optional caption. */
  sendImage(userId: string, image: { url: string } | { attachmentId: string }, options: { caption?: string } = {}): Promise<ZaloSentMessage> {
    const element = 'url' in image ? { media_type: 'image' as const, url: image.url } : { media_type: 'image' as const, attachment_id: image.attachmentId };
    return this.sendMessage(userId, {
      ...(options.caption ? { text: options.caption } : {}),
      attachment: { type: 'template', payload: { template_type: 'media', elements: [element] } },
    });
  }

  /** A file by the `token` uploadFile returned (attachment type `file`, not `template`). */
  sendFile(userId: string, token: string): Promise<ZaloSentMessage> {
    return this.sendMessage(userId, { attachment: { type: 'file', payload: { token } } });
  }

  /**
   * Text with choices. 'text' mode: a numbered list plus a hint to answer by number or words.
   * 'template' mode: `oa.query.show` template buttons on the last message (a tap comes back as user text).
   */
  async sendButtons(userId: string, text: string, buttons: readonly ReplyButton[]): Promise<ZaloSentMessage[]> {
    const rendered = renderReply(
      { text, buttons: [...buttons] },
      { mode: this.buttonMode, maxButtons: this.maxButtons, maxTextLength: this.maxTextLength, ...(this.copy ? { copy: this.copy } : {}) },
    );
    const sent: ZaloSentMessage[] = [];
    for (const [i, part] of rendered.texts.entries()) {
      const last = i === rendered.texts.length - 1;
      sent.push(
        await this.sendMessage(userId, {
          text: part,
          ...(last && rendered.buttons ? { attachment: { type: 'template', payload: { buttons: rendered.buttons } } } : {}),
        }),
      );
    }
    return sent;
  }

  /** The raw CS send: one message object as Zalo defines it (text ≤ 2,000; one attachment). */
  async sendMessage(userId: string, message: ZaloCsRequest['message']): Promise<ZaloSentMessage> {
    const body: ZaloCsRequest = { recipient: { user_id: userId }, message };
    const data = asObject(await this.call<ZaloSendData>('/v3.0/oa/message/cs', { method: 'POST', json: body })) ?? {};
    const sentTime = idString(data.sent_time);
    const quota = asObject(data.quota);
    return {
      messageId: idString(data.message_id) ?? '',
      userId: idString(data.user_id) ?? userId,
      ...(sentTime ? { sentTime } : {}),
      ...(quota ? { quota } : {}),
    };
  }

  /**
   * GET /v2.0/oa/conversation?data={"user_id","offset","count"}: one page of the messages between the OA
   * and `userId`, newest first (offset 0 = the newest; count 1..10, Zalo's cap). The delivery worker reads it
   * after an ambiguous send to learn whether the message arrived (issue 14).
   */
  async getConversation(userId: string, options: { offset?: number; count?: number } = {}): Promise<ZaloConversationMessage[]> {
    const offset = options.offset ?? 0;
    const count = options.count ?? 10;
    if (!Number.isInteger(count) || count < 1 || count > 10) throw new RangeError('getConversation: count must be 1..10');
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError('getConversation: offset must be ≥ 0');
    const data = await this.call<unknown>('/v2.0/oa/conversation', { method: 'GET', query: { user_id: userId, offset, count } });
    const items = Array.isArray(data) ? data : [];
    return items.flatMap((item) => {
      const o = asObject(item);
      const messageId = idString(o?.message_id);
      if (!o || !messageId) return [];
      const fromId = idString(o.from_id);
      const toId = idString(o.to_id);
      return [
        {
          messageId,
          fromOa: Number(o.src) === 0,
          time: Number(o.time ?? 0),
          type: typeof o.type === 'string' ? o.type : '',
          ...(typeof o.message === 'string' ? { text: o.message } : {}),
          ...(fromId ? { fromId } : {}),
          ...(toId ? { toId } : {}),
        },
      ];
    });
  }

  /* ---------------------------------------------------------------------------------------------- */
  /* Template messages: POST /v3.0/oa/message/template (ZBS, formerly ZNS; §1.4)                     */
  /* ---------------------------------------------------------------------------------------------- */

  /**
   * Sends an approved ZBS template message by user id: the way to reach a user outside the 7-day CS
   * window. `data` fills the template's parameters by the names Zalo approved. Templates are billed
   * and need approval; a refusal arrives as ZaloApiError like any call (classified by the same table).
   */
  async sendTemplate(userId: string, templateId: string, data: Readonly<Record<string, string>>): Promise<ZaloSentMessage> {
    if (!templateId) throw new TypeError('sendTemplate: templateId is empty');
    const body: ZaloTemplateRequest = { user_id: userId, template_id: templateId, template_data: { ...data } };
    const endpoint = '/v3.0/oa/message/template';
    const result = asObject(await this.call<ZaloTemplateSendData>(endpoint, { method: 'POST', json: body })) ?? {};
    const messageId = idString(result.message_id) ?? idString(result.msg_id);
    const sentTime = idString(result.sent_time);
    return { messageId: requireField(messageId, endpoint, 'message_id'), userId, ...(sentTime ? { sentTime } : {}) };
  }

  private async sendQuoted(userId: string, text: string, quoteMessageId: string): Promise<ZaloSentMessage> {
    try {
      return await this.sendMessage(userId, { text, quote_message_id: quoteMessageId });
    } catch (error) {
      if (error instanceof ZaloApiError && error.code === -201) return this.sendMessage(userId, { text });
      throw error;
    }
  }

  /* ---------------------------------------------------------------------------------------------- */
  /* Articles and broadcast to followers (news-handoff-languages.md A.1.1–A.1.2; ZaloSpec §5.5, §8) */
  /* ---------------------------------------------------------------------------------------------- */

  /** POST /v2.0/article/create (a normal article, shown): Zalo's async `token`, not the article's id. */
  async createArticle(article: ZaloArticleDraft): Promise<{ token: string }> {
    const endpoint = '/v2.0/article/create';
    const body = {
      type: 'normal',
      title: article.title,
      ...(article.author !== undefined && { author: article.author }),
      description: article.description,
      cover: { cover_type: 'photo', photo_url: article.coverUrl, status: 'show' },
      body: article.paragraphs.map((content) => ({ type: 'text', content })),
      status: 'show',
      comment: 'hide',
      ...(article.trackingLink !== undefined && { tracking_link: article.trackingLink }),
    };
    const data = asObject(await this.call<{ token?: unknown }>(endpoint, { method: 'POST', json: body }));
    return { token: requireField(idString(data?.token), endpoint, 'token') };
  }

  /** POST /v2.0/article/verify: the article's id once processed; ZaloApiError -214 while it is not yet. */
  async verifyArticle(token: string): Promise<{ id: string }> {
    const endpoint = '/v2.0/article/verify';
    const data = asObject(await this.call<{ id?: unknown }>(endpoint, { method: 'POST', json: { token } }));
    return { id: requireField(idString(data?.id), endpoint, 'id') };
  }

  /**
   * POST /v2.0/oa/message with `recipient.target`: one to five articles to the OA's followers matching
   * the target (e.g. `{cities: "58"}`); each follower gets a few broadcasts a month at most.
   */
  async broadcastArticles(articleIds: readonly string[], target: Readonly<Record<string, string>>): Promise<{ messageId: string }> {
    if (articleIds.length < 1 || articleIds.length > 5) throw new RangeError('broadcastArticles: one to five articles');
    const endpoint = '/v2.0/oa/message';
    const body = {
      recipient: { target: { ...target } },
      message: { attachment: { type: 'template', payload: { template_type: 'media', elements: articleIds.map((id) => ({ media_type: 'article', attachment_id: id })) } } },
    };
    const data = asObject(await this.call<{ message_id?: unknown }>(endpoint, { method: 'POST', json: body }));
    return { messageId: requireField(idString(data?.message_id), endpoint, 'message_id') };
  }

  /* ---------------------------------------------------------------------------------------------- */
  /* Uploads: POST /v2.0/oa/upload/*, multipart field `file`; assets expire after 7 days (§1.3)      */
  /* ---------------------------------------------------------------------------------------------- */

  /** jpg/png ≤ 1 MB → `attachment_id` for sendImage. */
  async uploadImage(file: ZaloUpload): Promise<{ attachmentId: string }> {
    const data = await this.call<ZaloUploadImageData>('/v2.0/oa/upload/image', { method: 'POST', form: () => toForm(file) });
    return { attachmentId: requireField(idString(asObject(data)?.attachment_id), '/v2.0/oa/upload/image', 'attachment_id') };
  }

  /** GIF → `attachment_id`. */
  async uploadGif(file: ZaloUpload): Promise<{ attachmentId: string }> {
    const data = await this.call<ZaloUploadImageData>('/v2.0/oa/upload/gif', { method: 'POST', form: () => toForm(file) });
    return { attachmentId: requireField(idString(asObject(data)?.attachment_id), '/v2.0/oa/upload/gif', 'attachment_id') };
  }

  /** PDF/DOC/DOCX/CSV ≤ 5 MB → `token` for sendFile. */
  async uploadFile(file: ZaloUpload): Promise<{ token: string }> {
    const data = await this.call<ZaloUploadFileData>('/v2.0/oa/upload/file', { method: 'POST', form: () => toForm(file) });
    return { token: requireField(idString(asObject(data)?.token), '/v2.0/oa/upload/file', 'token') };
  }

  /* ---------------------------------------------------------------------------------------------- */
  /* Users (§1.8)                                                                                    */
  /* ---------------------------------------------------------------------------------------------- */

  /** GET /v3.0/oa/user/detail?data={"user_id":"…"}. */
  async getUserProfile(userId: string): Promise<ZaloUserProfile> {
    const data = asObject(await this.call<ZaloUserProfile>('/v3.0/oa/user/detail', { method: 'GET', query: { user_id: userId } })) ?? {};
    return { ...(data as Partial<ZaloUserProfile>), user_id: idString(data.user_id) ?? userId } as ZaloUserProfile;
  }

  /** One page of GET /v3.0/oa/user/getlist (count 1..50, offset ≤ 9951). */
  async getFollowers(query: ZaloFollowersQuery = {}): Promise<ZaloFollowersPage> {
    const offset = query.offset ?? 0;
    const count = query.count ?? 50;
    if (!Number.isInteger(count) || count < 1 || count > 50) throw new RangeError('getFollowers: count must be 1..50');
    if (!Number.isInteger(offset) || offset < 0 || offset > ZALO_MAX_FOLLOWER_OFFSET) throw new RangeError(`getFollowers: offset must be 0..${ZALO_MAX_FOLLOWER_OFFSET}`);
    const data = asObject(
      await this.call<ZaloFollowersPage>('/v3.0/oa/user/getlist', {
        method: 'GET',
        query: {
          offset,
          count,
          ...(query.tagName !== undefined ? { tag_name: query.tagName } : {}),
          ...(query.lastInteractionPeriod !== undefined ? { last_interaction_period: query.lastInteractionPeriod } : {}),
          ...(query.isFollower !== undefined ? { is_follower: query.isFollower } : {}),
        },
      }),
    ) ?? {};
    const users = Array.isArray(data.users) ? data.users : [];
    return {
      total: Number(data.total ?? 0),
      count: Number(data.count ?? users.length),
      offset: Number(data.offset ?? offset),
      users: users.flatMap((u) => {
        const id = idString(asObject(u)?.user_id);
        return id ? [{ user_id: id }] : [];
      }),
    };
  }

  /** Every page from `query.offset`, stopping at the end, at `total`, or at Zalo's offset cap. */
  async *followerPages(query: ZaloFollowersQuery = {}): AsyncGenerator<ZaloFollowersPage> {
    const count = query.count ?? 50;
    let offset = query.offset ?? 0;
    while (offset <= ZALO_MAX_FOLLOWER_OFFSET) {
      const page = await this.getFollowers({ ...query, offset, count });
      yield page;
      if (page.users.length < count || offset + page.users.length >= page.total) return;
      offset += page.users.length;
    }
  }

  /** Every follower id, page by page. */
  async *followers(query: ZaloFollowersQuery = {}): AsyncGenerator<string> {
    for await (const page of this.followerPages(query)) for (const user of page.users) yield user.user_id;
  }

  /* ---------------------------------------------------------------------------------------------- */
  /* Transport                                                                                       */
  /* ---------------------------------------------------------------------------------------------- */

  /** One API call with the token protocol: on a token error, refresh once (shared) and retry once. */
  private async call<T>(endpoint: string, request: Request): Promise<T | undefined> {
    const token = await this.tokens.getAccessToken();
    try {
      return await this.callOnce<T>(endpoint, request, token);
    } catch (error) {
      if (!(error instanceof ZaloApiError) || error.classification !== 'token') throw error;
      const fresh = await this.tokens.refreshAfterRejection(token);
      return this.callOnce<T>(endpoint, request, fresh);
    }
  }

  private async callOnce<T>(endpoint: string, request: Request, accessToken: string): Promise<T | undefined> {
    let url = `${this.apiBase}${endpoint}`;
    const headers: Record<string, string> = { access_token: accessToken };
    let body: string | FormData | undefined;
    if (request.method === 'GET') {
      if (request.query !== undefined) url += `?data=${encodeURIComponent(JSON.stringify(request.query))}`;
    } else if ('json' in request) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else {
      body = request.form(); // fetch sets the multipart boundary
    }

    let response: Response;
    try {
      response = await this.fetchFn(url, { method: request.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (cause) {
      throw new ZaloNetworkError(`Zalo ${endpoint} unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, endpoint, undefined, { cause });
    }
    this.readRateLimit(response);
    if (!response.ok) throw new ZaloNetworkError(`Zalo ${endpoint} answered HTTP ${response.status}`, endpoint, response.status);

    let envelope: Record<string, unknown> | undefined;
    try {
      envelope = asObject(parseJsonKeepingBigInts(await response.text()));
    } catch (cause) {
      throw new ZaloNetworkError(`Zalo ${endpoint} answered a non-JSON body`, endpoint, response.status, { cause });
    }
    const code = envelope ? Number(envelope.error) : Number.NaN;
    if (!envelope || !Number.isInteger(code)) throw new ZaloNetworkError(`Zalo ${endpoint} answered without an error field`, endpoint, response.status);
    if (code !== 0) throw new ZaloApiError(code, typeof envelope.message === 'string' ? envelope.message : '', endpoint);
    return envelope.data as T | undefined;
  }

  private readRateLimit(response: Response): void {
    const limit = Number(response.headers.get('x-ratelimit-limit') ?? Number.NaN);
    const remain = Number(response.headers.get('x-ratelimit-remain') ?? Number.NaN);
    if (Number.isFinite(limit) || Number.isFinite(remain)) {
      this.lastRateLimit = { ...(Number.isFinite(limit) ? { limit } : {}), ...(Number.isFinite(remain) ? { remain } : {}) };
    }
  }
}

function isTokenSource(value: ZaloOAOptions['tokens']): value is ZaloTokenSource {
  return typeof (value as ZaloTokenSource).getAccessToken === 'function' && typeof (value as ZaloTokenSource).refreshAfterRejection === 'function';
}

function toForm(file: ZaloUpload): FormData {
  const blob = file.data instanceof Blob ? file.data : new Blob([file.data], file.contentType ? { type: file.contentType } : {});
  const form = new FormData();
  form.append('file', blob, file.filename);
  return form;
}

function requireField(value: string | undefined, endpoint: string, field: string): string {
  if (!value) throw new ZaloNetworkError(`Zalo ${endpoint} answered success without data.${field}`, endpoint);
  return value;
}
