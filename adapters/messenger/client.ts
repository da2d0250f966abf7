import { createHmac } from 'node:crypto';
import { MessengerApiError, MessengerNetworkError, type ErrorOverrides } from './errors.js';
import type { DeliveryMode, FetchLike, GraphErrorBody, OutgoingMessage, SendApiRequest, SendApiResponse, SenderAction, MessengerSentMessage } from './types.js';

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
    const query = new URLSearchParams({ access_token: this.token });
    if (this.proof) query.set('appsecret_proof', this.proof);
    const url = `${this.graphBase}${this.endpoint}?${query.toString()}`;

    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new MessengerNetworkError(`Messenger ${this.endpoint} unreachable: ${this.redact(describe(cause))}`, this.endpoint, undefined, { cause });
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
        this.endpoint,
        this.overrides,
      );
    }
    if (!response.ok) throw new MessengerNetworkError(`Messenger ${this.endpoint} answered HTTP ${response.status}`, this.endpoint, response.status);
    if (typeof json !== 'object' || json === null) {
      throw new MessengerNetworkError(`Messenger ${this.endpoint} answered a non-JSON body`, this.endpoint, response.status);
    }
    return json as SendApiResponse;
  }
}

/** `appsecret_proof` = hex HMAC-SHA256 with the app secret as key over the access token (platforms.md §2.1). */
export function appsecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken, 'utf8').digest('hex');
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name === 'TimeoutError' ? 'timed out' : cause.message;
  return String(cause);
}
