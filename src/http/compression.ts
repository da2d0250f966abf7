import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

/**
 * gzip or brotli for the pages, their scripts and styles and public JSON (the `compression` package:
 * Accept-Encoding negotiation, `Vary: Accept-Encoding`, nothing under 1 kB, nothing marked
 * `Cache-Control: no-transform`, which keeps the widget's event stream unbuffered).
 *
 * Never compressed: JSON marked `no-store`, i.e. a session's own data (console CSRF tokens, widget
 * session tokens, tickets, conversation history). A compressed body that holds both a secret and text an
 * attacker chose leaks the secret through its length (BREACH); these bodies are small anyway.
 */
export function compressResponses(): RequestHandler {
  return compression({ filter: shouldCompress });
}

export function shouldCompress(req: Request, res: Response): boolean {
  const cacheControl = String(res.getHeader('Cache-Control') ?? '');
  const type = String(res.getHeader('Content-Type') ?? '');
  if (/(^|,)\s*no-store\s*(,|$)/i.test(cacheControl) && /^application\/([\w.+-]*\+)?json/i.test(type)) return false;
  return compression.filter(req, res);
}
