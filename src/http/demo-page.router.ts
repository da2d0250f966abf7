import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const PAGE_DIR = fileURLToPath(new URL('./demo-page/', import.meta.url));

/**
 * GET / : a placeholder portal page (Vietnamese) with a form that calls POST /api/v1/ask.
 * Script and styles are separate files so the Content-Security-Policy can forbid inline code.
 * The embeddable web widget replaces this page in a later issue.
 */
export function createDemoPageRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.sendFile('index.html', { root: PAGE_DIR, headers: { 'Cache-Control': 'no-cache' } });
  });
  router.use('/assets', express.static(PAGE_DIR, { index: false, extensions: false, maxAge: '1h' }));
  return router;
}
