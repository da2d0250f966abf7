/**
 * The one error type of the application and the catalogue of its codes (Fastify's error-code style).
 * Codes are stable, dotted and documented in docs/errors.md; clients (the web widget, the consoles)
 * switch on the code, never on the message. Messages and details must never carry personal data.
 */

/** Every error code with the HTTP status it maps to and what it means. Keep docs/errors.md in sync. */
export const ERROR_CODES = {
  'CONFIG.INVALID': { httpStatus: 500, meaning: 'One or more environment variables are missing or invalid; the process refuses to start.' },
  'HTTP.BAD_JSON': { httpStatus: 400, meaning: 'The request body is not valid JSON.' },
  'HTTP.BAD_REQUEST': { httpStatus: 400, meaning: 'The request body does not have the expected shape.' },
  'HTTP.PAYLOAD_TOO_LARGE': { httpStatus: 413, meaning: 'The request body exceeds the size limit (64 kB for the JSON API).' },
  'HTTP.BAD_ENCODING': { httpStatus: 400, meaning: 'The request body does not decode with its Content-Encoding (corrupt gzip/deflate/br data).' },
  'HTTP.NOT_FOUND': { httpStatus: 404, meaning: 'No route matches the method and path.' },
  'HTTP.INTERNAL': { httpStatus: 500, meaning: 'An unexpected error; details are in the server log only.' },
  'HTTP.UNAVAILABLE': { httpStatus: 503, meaning: 'A service the request needs (the store or the queues) cannot be reached; retry later (Retry-After).' },
  'STORE.UNAVAILABLE': { httpStatus: 503, meaning: 'The store (MongoDB, or the embedded store on a full or failing disk) cannot read or write now; nothing was stored, retry later (Retry-After).' },
  'QUEUE.UNAVAILABLE': { httpStatus: 503, meaning: 'The queues (Redis) cannot be reached now; what was stored waits in the store and the reconciler queues it again once they answer (logged, never answered to a webhook: the message is stored).' },
  'STORE.DATA_DIR_LOCKED': { httpStatus: 500, meaning: 'Another process holds the embedded store in DATA_DIR (a running server); only one process may open it.' },
  'KNOWLEDGE.CATALOG_INVALID': { httpStatus: 500, meaning: 'The procedure catalog, agency directory or holiday calendar failed validation at load time.' },
  'KNOWLEDGE.QUESTION_EMPTY': { httpStatus: 400, meaning: 'The question is empty or only whitespace.' },
  'KNOWLEDGE.QUESTION_TOO_LONG': { httpStatus: 400, meaning: 'The question is longer than 2,000 characters.' },
  'CHANNEL.SIGNATURE_INVALID': { httpStatus: 401, meaning: 'A webhook request failed the platform signature check.' },
  'CHANNEL.SEND_REJECTED': { httpStatus: 502, meaning: 'The platform refused to deliver a message (a permanent refusal; not retried).' },
  'CHANNEL.NETWORK': { httpStatus: 503, meaning: 'The platform could not be reached (transport failure; retried with backoff).' },
  'WIDGET.RATE_LIMITED': { httpStatus: 429, meaning: 'Too many widget messages from this session or this address; retry after the window (Retry-After).' },
  'WIDGET.SESSION_INVALID': { httpStatus: 401, meaning: 'The web widget request has no valid visitor session token (missing, malformed, tampered or expired).' },
  'TICKET.INVALID_TRANSITION': { httpStatus: 409, meaning: 'The ticket cannot move from its current status to the requested one.' },
  'TICKET.REOPEN_WINDOW_PASSED': { httpStatus: 409, meaning: 'The citizen asked to reopen a ticket after the reopen window following delivery of the answer.' },
  'TICKET.INPUT_INVALID': { httpStatus: 400, meaning: 'A ticket or ticket action lacks what it needs or has a malformed value (e.g. a return without a reason).' },
  'TICKET.CODE_INVALID': { httpStatus: 400, meaning: 'The tracking code is malformed or its check character does not match (a typo).' },
  'TICKET.NOT_FOUND': { httpStatus: 404, meaning: 'No ticket with this tracking code for this asker; an unknown code and a failed proof look the same.' },
  'TICKET.PROOF_REQUIRED': { httpStatus: 400, meaning: 'A ticket lookup by tracking code came without proof of being the asker (no valid widget session and no last 4 phone digits).' },
  'TICKET.LOOKUP_RATE_LIMITED': { httpStatus: 429, meaning: 'Too many failed ticket lookups from this address or for this tracking code; retry after the window (Retry-After).' },
  'CALENDAR.OUT_OF_RANGE': { httpStatus: 500, meaning: 'A working-day computation reached a year the holiday calendar does not cover.' },
  'AUTH.REQUIRED': { httpStatus: 401, meaning: 'The request needs an authenticated operator or agency user.' },
  'AUTH.FORBIDDEN': { httpStatus: 403, meaning: 'The authenticated user may not act on this resource (e.g. another agency\'s ticket).' },
  'AUTH.INVALID_CREDENTIALS': { httpStatus: 401, meaning: 'Console login failed: unknown username or wrong password (the two are indistinguishable).' },
  'AUTH.ACCOUNT_DISABLED': { httpStatus: 403, meaning: 'Console login with the right password for an account an administrator has disabled.' },
  'AUTH.RATE_LIMITED': { httpStatus: 429, meaning: 'Too many failed console logins for this username from this address; retry after the window (Retry-After).' },
  'AUTH.CSRF': { httpStatus: 403, meaning: 'A state-changing console request lacks the X-CSRF-Token header matching its session.' },
  'AUTH.PASSWORD_POLICY': { httpStatus: 400, meaning: 'The new password breaks the policy (10 to 128 characters).' },
  'AUTH.ACCOUNT_INVALID': { httpStatus: 400, meaning: 'A new console account has a malformed username or display name, or a staff account lacks its agency.' },
  'AUTH.USERNAME_TAKEN': { httpStatus: 409, meaning: 'A console account with this username already exists.' },
  'AUTH.ACCOUNT_NOT_FOUND': { httpStatus: 404, meaning: 'No console account with this id (account administration).' },
  'HANDOFF.ILLEGAL_TRANSITION': { httpStatus: 409, meaning: 'The conversation cannot make this handoff move from its current state (e.g. claiming one already assigned, resolving one still queued).' },
  'HANDOFF.CONFLICT': { httpStatus: 409, meaning: 'Another operator or the system changed the conversation at the same moment; reload it and try again.' },
  'HANDOFF.NOT_FOUND': { httpStatus: 404, meaning: 'No conversation with this id.' },
  'HANDOFF.NOT_ASSIGNEE': { httpStatus: 403, meaning: 'Only the operator the conversation is assigned to may reply to it, snooze it or hand it back (claim or take it over first).' },
  'HANDOFF.WINDOW_CLOSED': { httpStatus: 409, meaning: "The channel's reply window for this citizen has closed (Zalo 7 days, Messenger 24 h or 7 days with HUMAN_AGENT, the widget's session): convert the conversation to a ticket instead." },
  'HANDOFF.INPUT_INVALID': { httpStatus: 400, meaning: 'An operator request lacks what it needs or has a malformed value (an empty reply, an unknown canned-reply code, a rating outside 1–5).' },
  'PUBLISH.NOT_ALLOWED': { httpStatus: 409, meaning: 'The ticket cannot be published: the citizen did not consent to publication, or it has no answer yet (answered, delivered or closed only).' },
  'PUBLISH.NOT_FOUND': { httpStatus: 404, meaning: 'No public Q&A entry for this ticket.' },
  'NEWS.NOT_FOUND': { httpStatus: 404, meaning: 'No news item with this id.' },
  'NEWS.ALREADY_PUBLISHED': { httpStatus: 409, meaning: 'Only a scheduled news item can be cancelled; this one is published.' },
  'NEWS.NOT_PUBLISHED': { httpStatus: 409, meaning: 'A scheduled news item cannot be broadcast before it is published.' },
  'NEWS.BROADCAST_UNCONFIGURED': { httpStatus: 409, meaning: 'Zalo broadcasts are not set up: the Zalo channel, NEWS_ZALO_BROADCAST_CITIES or NEWS_ZALO_COVER_URL is missing.' },
  'NEWS.INPUT_INVALID': { httpStatus: 400, meaning: 'A news item or news query has an unknown topic or a malformed value (an empty title, a link that is not http(s), an unknown urgency).' },
  'WEBPUSH.INPUT_INVALID': { httpStatus: 400, meaning: 'A Web Push subscription request has an unknown topic, no topic, or a malformed subscription or locale.' },
  'WEBPUSH.ENDPOINT_NOT_ALLOWED': { httpStatus: 400, meaning: 'The subscription endpoint is not an https URL of an allowed push service (WEB_PUSH_ALLOWED_HOSTS).' },
  'WEBPUSH.RATE_LIMITED': { httpStatus: 429, meaning: 'Too many Web Push subscription requests from this address; retry after the window (Retry-After).' },
} as const satisfies Record<string, { httpStatus: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Non-sensitive facts about an error (ids, counts, keys), never citizen text or secrets. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export interface AppErrorOptions {
  details?: ErrorDetails;
  cause?: unknown;
  /** Overrides the catalogue status only when one code legitimately maps to several statuses. */
  httpStatus?: number;
}

/** Application error with a stable code, so callers and clients can react without parsing messages. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? ERROR_CODES[code].httpStatus;
    this.details = options.details;
  }
}

/**
 * Whether `err` (or an error it wraps as `cause`) is the store being unreachable: the store layer turns
 * its drivers' network, disk-full and I/O errors into STORE.UNAVAILABLE, so callers never see driver types.
 */
export function isStoreUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e instanceof AppError && e.code === 'STORE.UNAVAILABLE') return true;
    e = e.cause;
  }
  return false;
}

/** Lists every code, so docs and tests can check the catalogue is documented in full. */
export function listErrorCodes(): ErrorCode[] {
  return Object.keys(ERROR_CODES) as ErrorCode[];
}
