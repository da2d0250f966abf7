import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const PAGE_DIR = fileURLToPath(new URL('./console-pages/', import.meta.url));

/**
 * The staff console (plain HTML, CSS and JS, no build step), served under /console:
 *   GET /console          the page (sign-in, inbox, ticket detail); it talks to /api/v1/auth/* and /api/v1/inbox/*
 *   GET /console/assets/* console.js and console.css
 * Strict headers on top of the app-wide ones: scripts and styles only from this origin, no inline code,
 * no framing, nothing cached (the page shows personal data once signed in).
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function createConsolePagesRouter(): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set({ 'Content-Security-Policy': CONSOLE_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
    next();
  });
  router.get(['/', '/index.html'], (_req, res) => {
    res.sendFile('index.html', { root: PAGE_DIR, headers: { 'Cache-Control': 'no-store' } });
  });
  router.use('/assets', express.static(PAGE_DIR, { index: false, extensions: false, cacheControl: false }));
  return router;
}
