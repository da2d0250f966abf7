import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ERROR_CODES } from '../domain/errors.js';
import type { Logger } from '../ports/logger.js';
import { pathOf } from './request-log.js';

/** The shape of the errors body-parser (express.json) raises. */
interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
  limit?: number;
  message: string;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Partial<BodyParserError>;
  return typeof e.type === 'string' && typeof e.status === 'number';
}

/**
 * A body whose Content-Encoding does not decode: body-parser passes zlib's own error on (status 400,
 * a numeric `errno`, a `Z_*`/`ERR_*` code) without a `type`, so it would otherwise become a 500.
 * An encoding body-parser does not know keeps its typed 415 (`encoding.unsupported`).
 */
function isBodyDecodeError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { status?: unknown; errno?: unknown; code?: unknown; type?: unknown };
  return e.status === 400 && e.type === undefined && typeof e.errno === 'number' && typeof e.code === 'string';
}

/** Maps whatever was thrown to an AppError so every response carries a stable code. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isBodyDecodeError(err)) return new AppError('HTTP.BAD_ENCODING', 'Request body does not decode with its Content-Encoding', { cause: err });
  if (isBodyParserError(err)) {
    if (err.type === 'entity.parse.failed') return new AppError('HTTP.BAD_JSON', 'Request body is not valid JSON', { cause: err });
    if (err.type === 'entity.too.large') {
      const limit = err.limit === undefined ? '' : ` (limit ${err.limit} bytes)`;
      return new AppError('HTTP.PAYLOAD_TOO_LARGE', `Request body is too large${limit}`, { cause: err });
    }
    if (err.status >= 400 && err.status < 500 && err.expose !== false) {
      return new AppError('HTTP.BAD_REQUEST', err.message, { cause: err, httpStatus: err.status });
    }
  }
  return new AppError('HTTP.INTERNAL', 'Internal server error', { cause: err });
}

/** Seconds a 503 asks the client to wait when the error does not say (details.retryAfterSeconds). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

function retryAfterSeconds(error: AppError): number {
  const seconds = error.details?.['retryAfterSeconds'];
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : UNAVAILABLE_RETRY_AFTER_SECONDS;
}

/** Turns unmatched routes into HTTP.NOT_FOUND, answered by the error middleware like any other error. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('HTTP.NOT_FOUND', `No route for ${req.method} ${pathOf(req.originalUrl)}`));
};

/**
 * The last middleware: answers `{code, message}` (and, for a 4xx naming one input field, `field`, so a
 * form can show the message beside it) with the error's status and never sends a stack.
 * Server-side failures are logged with their cause and answered with the catalogue's generic text.
 */
export function createErrorMiddleware(deps: { logger: Logger }): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const appError = toAppError(err);
    const status = appError.httpStatus;
    const where = { method: req.method, path: pathOf(req.originalUrl), status, code: appError.code };
    // A store outage is logged by the store, once when it starts and once when it ends: not per request.
    if (appError.code === 'STORE.UNAVAILABLE') deps.logger.debug(where, 'request refused: store unavailable');
    else if (status >= 500) deps.logger.error({ ...where, err: appError }, 'request failed');
    else deps.logger.info(where, 'request rejected');
    const message = status >= 500 ? ERROR_CODES[appError.code].meaning : appError.message;
    const field = status < 500 ? appError.details?.['field'] : undefined;
    // 503: nothing was done; the client (a platform redelivering a webhook, the widget) sends again later.
    if (status === 503 && !res.get('Retry-After')) res.set('Retry-After', String(retryAfterSeconds(appError)));
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .json({ code: appError.code, message, ...(typeof field === 'string' && { field }) });
  };
}
