import { ChannelNetworkError, ChannelSendError, type SendFailureKind } from '../../src/ports/channel.js';

/**
 * Zalo failures, split the grammY way (style.md §2): ZaloApiError = the platform answered and said no
 * (an `error` ≠ 0 in the envelope, which Zalo sends with HTTP 200); ZaloNetworkError = we never got a
 * usable answer (DNS, reset, timeout, 5xx, non-JSON). Messages never carry tokens or citizen text.
 */

/** What the client does with a platform code: `token` = refresh once and retry once (platforms.md §1.2). */
export type ZaloErrorClass = 'token' | 'retryable' | 'window' | 'permanent';

/**
 * The classification table, as data (platforms.md §1.5, Chatwoot's sets widened per the brief). Any code
 * not listed is permanent: bad field (-201), OA disabled/missing (-204/-205), API not supported or not
 * registered (-209/-212), message type invalid (-233), v2 shut down (-240), appsecret_proof (-242),
 * content policy (-248)…
 */
export const ZALO_ERROR_CLASSES: Readonly<Record<Exclude<ZaloErrorClass, 'permanent'>, readonly number[]>> = {
  /** -216 token invalid, -220 expired or removed, -124 ZNS-side invalid token. */
  token: [-216, -220, -124],
  /** -32 rate limit, -100 generic/expired attachment, -200 send failed, -211 out of quota (later). */
  retryable: [-32, -100, -200, -211],
  /** The user is outside what the OA may send to now; keep the message for their next interaction. */
  window: [-213, -217, -227, -230, -232, -234, -244],
};

const CLASS_BY_CODE: ReadonlyMap<number, ZaloErrorClass> = new Map(
  (Object.entries(ZALO_ERROR_CLASSES) as [ZaloErrorClass, readonly number[]][]).flatMap(([cls, codes]) =>
    codes.map((code) => [code, cls] as const),
  ),
);

/** Classifies a platform error code; unknown codes are permanent (never retry blindly). */
export function classifyZaloCode(code: number): ZaloErrorClass {
  return CLASS_BY_CODE.get(code) ?? 'permanent';
}

/** The platform answered with `error` ≠ 0. */
export class ZaloApiError extends Error {
  readonly code: number;
  readonly classification: ZaloErrorClass;

  constructor(
    code: number,
    /** Zalo's own message, e.g. "user_id is invalid!"; never contains our payload. */
    readonly platformMessage: string,
    /** Path only (no query string: it may carry ids), e.g. "/v3.0/oa/message/cs". */
    readonly endpoint: string,
  ) {
    super(`Zalo ${endpoint} answered error ${code}: ${platformMessage}`);
    this.name = 'ZaloApiError';
    this.code = code;
    this.classification = classifyZaloCode(code);
  }
}

/** The request did not produce a usable Zalo answer (transport failure, HTTP ≥ 400, unparsable body). */
export class ZaloNetworkError extends ChannelNetworkError {
  override readonly name = 'ZaloNetworkError';
}

/**
 * The OAuth refresh failed: the refresh token is dead (already used, expired, revoked) or the app
 * credentials are wrong. Needs an OA admin to re-consent in a browser (platforms.md §1.2).
 */
export class ZaloTokenError extends Error {
  constructor(
    message: string,
    /** Zalo's code when it sent one; the failure shape of the token endpoint is UNCONFIRMED. */
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ZaloTokenError';
  }
}

/**
 * Maps any failure of a Zalo call to the channel port's three kinds. A token failure that survived the
 * one refresh is `retryable`: the message is kept while an operator re-consents, instead of being lost.
 */
export function toChannelSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof ZaloApiError) {
    const kind: SendFailureKind = error.classification === 'token' ? 'retryable' : error.classification;
    return withCause(new ChannelSendError(error.message, kind, error.code), error);
  }
  if (error instanceof ZaloNetworkError) {
    return withCause(new ChannelSendError(error.message, error.retryable ? 'retryable' : 'permanent', error.status, { ambiguous: error.ambiguous }), error);
  }
  if (error instanceof ZaloTokenError) {
    return withCause(new ChannelSendError(error.message, 'retryable', error.code ?? 'token'), error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return withCause(new ChannelSendError(`Zalo send failed: ${message}`, 'retryable'), error);
}

function withCause(target: ChannelSendError, cause: unknown): ChannelSendError {
  Object.defineProperty(target, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return target;
}
