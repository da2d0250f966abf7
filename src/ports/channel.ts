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
  constructor(
    message: string,
    readonly kind: SendFailureKind,
    readonly platformCode?: string | number,
  ) {
    super(message);
    this.name = 'ChannelSendError';
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
}
