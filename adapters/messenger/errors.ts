import { ChannelNetworkError, ChannelSendError, type SendFailureKind } from '../../src/ports/channel.js';

/**
 * Messenger failures, split the grammY way (style.md §3.6): MessengerApiError = Graph answered with an
 * error body; MessengerNetworkError = no usable answer (transport failure, timeout, a non-Graph body).
 * The classification table is data, from platforms.md §2.6; numbers marked UNCONFIRMED there can be
 * re-classified per deployment with `overrides`. Messages never carry the token or citizen text.
 */

export interface ErrorRule {
  code: number;
  /** Matches any subcode when absent. */
  subcode?: number;
  kind: SendFailureKind;
  /** Needs a human (re-authorise the token, lift a restriction, grant a permission). */
  alert?: boolean;
  why: string;
}

/** Most specific first: a (code, subcode) rule beats a code-only rule. */
export const MESSENGER_ERROR_RULES: readonly ErrorRule[] = [
  { code: 190, kind: 'permanent', alert: true, why: 'invalid or expired Page access token: re-authorise the Page' },
  { code: 10, subcode: 2018278, kind: 'window', why: 'sent outside the allowed window: keep for the next interaction' },
  { code: 10, subcode: 1893063, kind: 'permanent', alert: true, why: 'Page temporarily restricted from sending' },
  { code: 10, subcode: 2018108, kind: 'permanent', why: 'app in development mode: recipient is not an admin/tester (community mapping)' },
  { code: 551, kind: 'permanent', why: 'this person is not available (blocked the Page, messages off, or deactivated)' },
  { code: 613, kind: 'retryable', why: 'rate limit (300 sends/s per Page)' },
  { code: 4, subcode: 2018354, kind: 'permanent', why: 'marketing-message frequency limit: skip' },
  { code: 9, subcode: 2018352, kind: 'permanent', why: 'marketing-message frequency limit: skip' },
  { code: 4, kind: 'retryable', why: 'application request limit' },
  { code: 17, kind: 'retryable', why: 'user request limit' },
  { code: 32, kind: 'retryable', why: 'Page request limit' },
  { code: 2, kind: 'retryable', why: 'temporary Graph failure' },
  { code: 1200, kind: 'retryable', why: 'temporary send message failure' },
  { code: 1, subcode: 1357046, kind: 'permanent', why: 'the request body was not valid JSON' },
  { code: 1, kind: 'retryable', why: 'unknown Graph error' },
  { code: 100, kind: 'permanent', why: 'invalid parameter or no matching user' },
  { code: 200, kind: 'permanent', alert: true, why: 'permission error (pages_messaging, HUMAN_AGENT review…)' },
];

/** Deployment overrides: `"code"` or `"code/subcode"` → kind (for the UNCONFIRMED numbers of §2.6). */
export type ErrorOverrides = Readonly<Record<string, SendFailureKind>>;

export interface Classification {
  kind: SendFailureKind;
  alert: boolean;
  why: string;
}

/**
 * Classifies a Graph error. Code 10 with an unknown subcode is a window refusal when Meta's message says
 * so ("…outside of allowed window…", whose subcode is UNCONFIRMED), else a permission problem. Codes 200–299
 * are the permission family. Anything else unknown is retryable on HTTP 5xx, permanent otherwise.
 */
export function classifyGraphError(
  error: { code: number; subcode?: number; message?: string; status?: number },
  overrides: ErrorOverrides = {},
): Classification {
  const override = (error.subcode !== undefined ? overrides[`${error.code}/${error.subcode}`] : undefined) ?? overrides[String(error.code)];
  if (override) return { kind: override, alert: false, why: 'deployment override' };
  const exact = MESSENGER_ERROR_RULES.find((r) => r.code === error.code && r.subcode !== undefined && r.subcode === error.subcode);
  const general = exact ?? MESSENGER_ERROR_RULES.find((r) => r.code === error.code && r.subcode === undefined);
  if (general) return { kind: general.kind, alert: general.alert ?? false, why: general.why };
  if (error.code === 10) {
    return /window/i.test(error.message ?? '')
      ? { kind: 'window', alert: false, why: 'sent outside the allowed window (unlisted subcode)' }
      : { kind: 'permanent', alert: true, why: 'permission denied for this action' };
  }
  if (error.code >= 200 && error.code <= 299) return { kind: 'permanent', alert: true, why: 'permission error' };
  if (error.status !== undefined && error.status >= 500) return { kind: 'retryable', alert: false, why: 'server error' };
  return { kind: 'permanent', alert: false, why: 'unlisted Graph error' };
}

/** Graph answered with `{error:{message,type,code,error_subcode,fbtrace_id}}`. */
export class MessengerApiError extends Error {
  readonly kind: SendFailureKind;
  readonly alert: boolean;

  constructor(
    readonly code: number,
    readonly subcode: number | undefined,
    /** Graph's own message, e.g. "(#10) This message is sent outside of allowed window." */
    readonly platformMessage: string,
    readonly type: string | undefined,
    readonly fbtraceId: string | undefined,
    /** HTTP status of the answer. */
    readonly status: number,
    /** Path only, never the query (it carries the access token). */
    readonly endpoint: string,
    overrides?: ErrorOverrides,
  ) {
    const label = subcode !== undefined ? `${code}/${subcode}` : String(code);
    super(`Messenger ${endpoint} answered error ${label}: ${platformMessage}`);
    this.name = 'MessengerApiError';
    const classification = classifyGraphError({ code, ...(subcode !== undefined ? { subcode } : {}), message: platformMessage, status }, overrides);
    this.kind = classification.kind;
    this.alert = classification.alert;
  }

  /** `190`, or `"10/2018278"` when a subcode came with it. */
  get platformCode(): string | number {
    return this.subcode !== undefined ? `${this.code}/${this.subcode}` : this.code;
  }
}

/** No usable Graph answer: transport failure, timeout, or an HTTP error without a Graph error body. */
export class MessengerNetworkError extends ChannelNetworkError {
  override readonly name = 'MessengerNetworkError';
}

/** Any failure of a Messenger call → the channel port's three kinds, keeping the original as `cause`. */
export function toChannelSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof MessengerApiError) return withCause(new ChannelSendError(error.message, error.kind, error.platformCode), error);
  if (error instanceof MessengerNetworkError) {
    return withCause(new ChannelSendError(error.message, error.retryable ? 'retryable' : 'permanent', error.status, { ambiguous: error.ambiguous }), error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return withCause(new ChannelSendError(`Messenger send failed: ${message}`, 'retryable'), error);
}

function withCause(target: ChannelSendError, cause: unknown): ChannelSendError {
  Object.defineProperty(target, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return target;
}
