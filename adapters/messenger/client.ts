import { createHmac } from 'node:crypto';
import { MessengerApiError, MessengerNetworkError, type ErrorOverrides } from './errors.js';
import type { DeliveryMode, FetchLike, GraphErrorBody, OutgoingMessage, PageConversationMessage, SendApiRequest, SendApiResponse, SenderAction, MessengerSentMessage } from './types.js';

/**
 * The Send API through the injected `fetch` (platforms.md §2.3): `POST {graphBase}/{version}/me/messages`
 * with the Page token and `appsecret_proof` as query parameters, as Botkit's FacebookAPI does. Failures
 * become MessengerApiError (Graph said no, classified per §2.6) or MessengerNetworkError.
 */

export const DEFAULT_GRAPH_BASE = 'https://graph.facebook.com';
/** The version Meta's samples use (platforms.md §2); v26.0 exists since 2026-07-29. */
export const DEFAULT_GRAPH_VERSION = 'v25.0';

export interface MessengerClientOptions {
  pageAccessToken: string;
  /** Signs `appsecret_proof`; without it (or with `appsecretProof: false`) no proof is sent. */
  appSecret?: string;
  /** Send `appsecret_proof` (default true: required when the app enables "Require App Secret", harmless otherwise). */
  appsecretProof?: boolean;
  graphBase?: string;
  graphVersion?: string;
  fetch?: FetchLike;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Re-classify Graph codes whose meaning is UNCONFIRMED: `"code"` or `"code/subcode"` → kind. */
  errorOverrides?: ErrorOverrides;
}

export class MessengerClient {
  readonly graphBase: string;
  readonly graphVersion: string;
  private readonly token: string;
  private readonly proof: string | undefined;
  private readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;
  private readonly overrides: ErrorOverrides;

  constructor(options: MessengerClientOptions) {
    if (!options.pageAccessToken) throw new TypeError('MessengerClient needs pageAccessToken');
    this.token = options.pageAccessToken;
    this.proof = options.appSecret && options.appsecretProof !== false ? appsecretProof(options.pageAccessToken, options.appSecret) : undefined;
    this.graphBase = (options.graphBase ?? DEFAULT_GRAPH_BASE).replace(/\/+$/, '');
    this.graphVersion = (options.graphVersion ?? DEFAULT_GRAPH_VERSION).replace(/^\/+|\/+$/g, '');
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.overrides = options.errorOverrides ?? {};
  }

  /** One message to a PSID with the given messaging type (and tag). Returns Meta's message id. */
  async sendMessage(psid: string, message: OutgoingMessage, mode: DeliveryMode): Promise<MessengerSentMessage> {
    const body: SendApiRequest = {
      recipient: { id: psid },
      messaging_type: mode.messagingType,
      ...(mode.messagingType === 'MESSAGE_TAG' ? { tag: mode.tag } : {}),
      message,
    };
    const answer = await this.post(body);
    if (typeof answer.message_id !== 'string' || answer.message_id === '') {
      throw new MessengerNetworkError(`Messenger ${this.endpoint} answered success without message_id`, this.endpoint, 200);
    }
    return { recipientId: typeof answer.recipient_id === 'string' ? answer.recipient_id : psid, messageId: answer.message_id };
  }

  /** Typing indicator or read mark: sent alone, with only `recipient` (Meta refuses anything else with it). */
  async senderAction(psid: string, action: SenderAction): Promise<void> {
    await this.post({ recipient: { id: psid }, sender_action: action });
  }

  /**
   * The Page's conversation with one person through the Conversations API: GET
   * `/{version}/me/conversations?platform=messenger&user_id=<PSID>&fields=messages.limit(n){id,message,created_time,from}`
   * (`me` = the Page of the Page token). Its messages newest first, both directions; none when there is no
   * conversation. Needs the `pages_messaging` and `pages_read_engagement` permissions, a Page token of someone
   * with the MESSAGING task, and Advanced Access for people without a role on the app; Meta allows about two
   * calls a second per Page (platforms.md §2.7). Used after an ambiguous send (issue 14).
   */
  async conversationWith(psid: string, limit = 20): Promise<PageConversationMessage[]> {
    const endpoint = `/${this.graphVersion}/me/conversations`;
    const json = await this.request('GET', endpoint, { platform: 'messenger', user_id: psid, fields: `messages.limit(${limit}){id,message,created_time,from}` });
    const conversations = Array.isArray((json as { data?: unknown }).data) ? ((json as { data: unknown[] }).data) : [];
    const out: PageConversationMessage[] = [];
    for (const c of conversations) {
      const messages = (c as { messages?: { data?: unknown } } | null)?.messages?.data;
      if (!Array.isArray(messages)) continue;
      for (const m of messages) {
        const item = m as { id?: unknown; message?: unknown; created_time?: unknown; from?: { id?: unknown } } | null;
        if (!item || typeof item.id !== 'string') continue;
        const createdAt = graphTime(item.created_time);
        out.push({ id: item.id, message: typeof item.message === 'string' ? item.message : '', createdAt, fromId: typeof item.from?.id === 'string' ? item.from.id : '' });
      }
    }
    return out;
  }

  /** `/{version}/me/messages`: the path used in errors and logs (the query carries the token). */
  get endpoint(): string {
    return `/${this.graphVersion}/me/messages`;
  }

  /** Transport errors may quote the URL (e.g. "Failed to parse URL from …"): never let the token through. */
  private redact(message: string): string {
    let out = message.split(this.token).join('[token]').split(encodeURIComponent(this.token)).join('[token]');
    if (this.proof) out = out.split(this.proof).join('[proof]');
    return out;
  }

  private async post(body: SendApiRequest): Promise<SendApiResponse> {
    return (await this.request('POST', this.endpoint, {}, body)) as SendApiResponse;
  }

  /** One Graph call with the token (and proof) in the query; `endpoint` is the path, for errors and logs. */
  private async request(method: 'GET' | 'POST', endpoint: string, params: Record<string, string>, body?: unknown): Promise<object> {
    const query = new URLSearchParams({ ...params, access_token: this.token });
    if (this.proof) query.set('appsecret_proof', this.proof);
    const url = `${this.graphBase}${endpoint}?${query.toString()}`;

    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method,
        ...(body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new MessengerNetworkError(`Messenger ${endpoint} unreachable: ${this.redact(describe(cause))}`, endpoint, undefined, { cause });
    }

    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const graphError = (json as GraphErrorBody | undefined)?.error;
    if (graphError && typeof graphError === 'object' && typeof graphError.code === 'number') {
      throw new MessengerApiError(
        graphError.code,
        typeof graphError.error_subcode === 'number' ? graphError.error_subcode : undefined,
        typeof graphError.message === 'string' ? graphError.message : '',
        typeof graphError.type === 'string' ? graphError.type : undefined,
        typeof graphError.fbtrace_id === 'string' ? graphError.fbtrace_id : undefined,
        response.status,
        endpoint,
        this.overrides,
      );
    }
    if (!response.ok) throw new MessengerNetworkError(`Messenger ${endpoint} answered HTTP ${response.status}`, endpoint, response.status);
    if (typeof json !== 'object' || json === null) {
      throw new MessengerNetworkError(`Messenger ${endpoint} answered a non-JSON body`, endpoint, response.status);
    }
    return json;
  }
}

/** `appsecret_proof` = hex HMAC-SHA256 with the app secret as key over the access token (platforms.md §2.1). */
export function appsecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken, 'utf8').digest('hex');
}

/** Graph's `created_time`: "2026-12-07T13:00:00+0000" (ISO 8601 without the colon in the offset), or epoch seconds. */
export function graphTime(value: unknown): number {
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  if (typeof value !== 'string') return Number.NaN;
  if (/^\d+$/.test(value)) return graphTime(Number(value));
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name === 'TimeoutError' ? 'timed out' : cause.message;
  return String(cause);
}
