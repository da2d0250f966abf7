import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';

const PAGE_DIR = fileURLToPath(new URL('./demo-page/', import.meta.url));

/**
 * GET / : a demo provincial portal page ("Tỉnh Minh Họa", fictional) that embeds the web widget the way
 * a real portal would, with the single tag `<script src="/widget/widget.js" async></script>`
 * (served by the widget router), plus a quick procedure lookup form that calls POST /api/v1/ask.
 * Script and styles are separate files so the Content-Security-Policy can forbid inline code.
 * The top page also offers "Nhận thông báo tin mới" (Web Push, demo-page/webpush.js) with its service
 * worker at /sw.js (demo-page/sw.js).
 */
export function createDemoPageRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.sendFile('index.html', { root: PAGE_DIR, headers: { 'Cache-Control': 'no-cache' } });
  });
  // The service worker of the page's news notifications (Web Push): at the origin's root so its scope
  // is the whole portal; never cached long, so a fixed worker reaches browsers at their next visit.
  router.get('/sw.js', (_req, res) => {
    res.sendFile('sw.js', { root: PAGE_DIR, headers: { 'Cache-Control': 'no-cache', 'Content-Type': 'text/javascript; charset=utf-8' } });
  });
  router.use('/assets', express.static(PAGE_DIR, { index: false, extensions: false, maxAge: '1h' }));
  return router;
}
