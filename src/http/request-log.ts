import type { RequestHandler } from 'express';
import type { Logger } from '../ports/logger.js';

/** Full request path without the query string (query strings may carry personal data). */
export function pathOf(originalUrl: string): string {
  const end = originalUrl.search(/[?#]/);
  return end === -1 ? originalUrl : originalUrl.slice(0, end);
}

/** Logs one line per request (method, path without query, status, duration); probes only at debug. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = pathOf(req.originalUrl);
      const record = { method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (path === '/healthz') logger.debug(record, 'request');
      else logger.info(record, 'request');
    });
    next();
  };
}
