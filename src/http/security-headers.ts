import type { RequestHandler } from 'express';

/**
 * Hand-written security headers (the subset of helmet this app needs, without a dependency).
 * The CSP allows only same-origin scripts, styles and fetches: pages must not inline scripts.
 */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'X-DNS-Prefetch-Control': 'off',
};

/** Sets defensive headers on every response; HSTS only when served behind HTTPS in production. */
export function securityHeaders(options: { hsts: boolean }): RequestHandler {
  const headers = options.hsts
    ? { ...BASE_HEADERS, 'Strict-Transport-Security': 'max-age=15552000; includeSubDomains' }
    : BASE_HEADERS;
  return (_req, res, next) => {
    res.set(headers);
    next();
  };
}
