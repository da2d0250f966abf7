import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';
import type { Copy } from '../domain/copy/types.js';
import { vi } from '../domain/copy/vi.js';

const PAGE_DIR = fileURLToPath(new URL('./console-pages/', import.meta.url));

/**
 * The staff console (plain HTML, CSS and JS, no build step), served under /console:
 *   GET /console            the page (sign-in, inbox, ticket detail); it talks to /api/v1/auth/* and /api/v1/inbox/*
 *   GET /console/copy.json  its interface text, `{locale, copy}` (copy.console of the copy module), public:
 *                           console.js loads it before anything else and fills the page from it, so the
 *                           page's files hold no wording of their own (English and Khmer follow as copies)
 *   GET /console/assets/*   console.js and console.css
 * Strict headers on top of the app-wide ones: scripts and styles only from this origin, no inline code,
 * no framing, nothing cached (the page shows personal data once signed in).
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface ConsolePagesDeps {
  /** The language the console speaks; Vietnamese unless the composition root passes another copy. */
  copy?: Pick<Copy, 'locale' | 'console'>;
}

export function createConsolePagesRouter(deps: ConsolePagesDeps = {}): Router {
  const copy = deps.copy ?? vi;
  const copyBody = { locale: copy.locale, copy: copy.console };
  const router = Router();
  router.use((_req, res, next) => {
    res.set({ 'Content-Security-Policy': CONSOLE_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
    next();
  });
  router.get(['/', '/index.html'], (_req, res) => {
    res.sendFile('index.html', { root: PAGE_DIR, headers: { 'Cache-Control': 'no-store' } });
  });
  router.get('/copy.json', (_req, res) => {
    res.json(copyBody);
  });
  router.use('/assets', express.static(PAGE_DIR, { index: false, extensions: false, cacheControl: false }));
  return router;
}
