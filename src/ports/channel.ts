import type { FollowerBroadcaster } from './follower-broadcast.js';
import type { ChannelKind, InboundEvent, OutboundMessage } from '../domain/message.js';

/**
 * One platform edge (style.md §3.3): verify and parse webhooks purely, send through the platform API.
 * Adapters throw ChannelSendError so the outbound worker can tell a permanent refusal from a
 * transient failure without knowing any platform's error codes.
 */

export interface ChannelCapabilities {
  /** Max tappable options rendered with a message (0 = render them as a numbered text list). */
  maxButtons: number;
  maxTextLength: number;
}

export type RawHeaders = Record<string, string | string[] | undefined>;

export interface ChannelAdapter {
  readonly kind: ChannelKind;
  readonly capabilities: ChannelCapabilities;
  /** Answers a GET verification handshake (Messenger hub.challenge); undefined = refuse. */
  handshake?(query: Record<string, unknown>): string | undefined;
  /** Checks the platform signature over the exact raw body. */
  verify(rawBody: Buffer, headers: RawHeaders): boolean;
  /**
   * Normalizes a verified body into events. Messages the OA or Page sent to a citizen come back as
   * `echo` events (ours, or staff answering from the platform's own inbox: src/core/handoff-citizen.ts).
   */
  parse(body: unknown): InboundEvent[];
  /** Delivers one message; returns the platform message id. */
  send(message: OutboundMessage): Promise<{ externalId: string }>;
  /**
   * Present where the platform lets us read what the OA or Page sent recently (Zalo's conversation API,
   * Graph's Conversations API). After a send failed ambiguously (ChannelSendError.ambiguous: a timeout or
   * a connection lost after the request went out), the delivery worker asks this before sending again:
   * the platform message id when `message` (every part of it) reached the citizen since `check.since`,
   * else undefined (then a send resumes after any parts found). Failures are ChannelSendError like send's.
   */
  wasSent?(message: OutboundMessage, check: SentCheck): Promise<{ externalId: string } | undefined>;
  /** Shows a typing indicator to the user while a turn runs, where the platform has one (best effort). */
  typing?(userId: string): Promise<void>;
  /**
   * Present when the platform has a way to reach a citizen whose messaging window is closed (a Zalo
   * template message) and the deployment configured it: the core then sends one short notice that an
   * answer is waiting, while the answer itself stays held for the citizen's next interaction.
   */
  readonly windowNotice?: WindowNoticeSender;
  /** Present where the platform broadcasts articles to all its followers (Zalo OA): news broadcasts. */
  readonly followers?: FollowerBroadcaster;
}

/** The window of a wasSent check. */
export interface SentCheck {
  /** Only messages the platform timestamps at or after this count. */
  since: Date;
  /** Platform ids already recorded for other replies (a same text sent earlier is not this one). */
  excludeIds: readonly string[];
}

/** What a window notice tells the citizen: which ticket was answered, by whom and when. */
export interface WindowNotice {
  /** The citizen's id on this channel. */
  userId: string;
  /** The ticket's tracking code. */
  ticketCode: string;
  /** The answering agency's display name. */
  agencyName: string;
  /** When the agency answered. */
  answeredAt: Date;
}

export interface WindowNoticeSender {
  /**
   * Whether a message held with this platform code (ChannelSendError.platformCode) was held because
   * the messaging window is closed, the one case a notice is for (not e.g. a user who blocked the OA).
   */
  appliesTo(platformCode: string | number | undefined): boolean;
  /** Sends the notice; failures are ChannelSendError like send's. Returns the platform message id. */
  send(notice: WindowNotice): Promise<{ externalId: string }>;
}

/**
 * A signed webhook body that is valid JSON but has a value of the wrong type where the platform sends
 * an id or a timestamp (an object or array as `sender.id`, a fractional number as a message id, a
 * timestamp that is not a number). Adapters' `parse` throws it; the webhook router answers 400
 * HTTP.BAD_REQUEST and stores nothing. `field` is the path of the first bad value, never the value.
 */
export class WebhookEventError extends Error {
  constructor(readonly field: string) {
    super(`Webhook event field ${field} has the wrong type`);
    this.name = 'WebhookEventError';
  }
}

/**
 * `permanent`: never retry (bad recipient, bad payload, policy); `window`: the platform's messaging
 * window is closed for this user (keep the message and deliver at their next interaction);
 * `retryable`: transient (network, rate limit, platform hiccup).
 */
export type SendFailureKind = 'permanent' | 'window' | 'retryable';

export class ChannelSendError extends Error {
  /**
   * The request may have reached the platform and taken effect (a timeout, or the connection lost after
   * the request was written): whether the citizen got it is unknown until the platform is asked (wasSent).
   */
  readonly ambiguous: boolean;

  constructor(
    message: string,
    readonly kind: SendFailureKind,
    readonly platformCode?: string | number,
    options?: { ambiguous?: boolean },
  ) {
    super(message);
    this.name = 'ChannelSendError';
    this.ambiguous = options?.ambiguous ?? false;
  }
}

/**
 * No usable platform answer: transport failure, timeout, or an HTTP error without the platform's own
 * error body (grammY's HttpError, as opposed to the platform saying no). Adapters subclass it.
 */
export class ChannelNetworkError extends Error {
  constructor(
    message: string,
    readonly endpoint: string,
    /** HTTP status when there was a response. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChannelNetworkError';
  }

  /** Transport failures, 408, 429 and 5xx are worth retrying; other statuses mean a wrong URL or setup. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 408 || this.status === 429 || this.status >= 500;
  }

  /**
   * No answer came, and the request may still have been received: a timeout, or the connection lost once
   * it was open. A failure to connect at all (refused, DNS, unreachable, connect timeout) never sent anything.
   */
  get ambiguous(): boolean {
    return this.status === undefined && !neverSent(this.cause);
  }
}

/** Transport error codes (Node and undici) that mean the request never left: no connection was made. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

function neverSent(cause: unknown): boolean {
  for (let c = cause, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_FAILURES.has(code)) return true;
  }
  return false;
}
