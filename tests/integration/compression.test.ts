import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessHub, createWebchatSessions, loadWidgetAssets } from '../../adapters/webchat/index.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { vi as viCopy } from '../../src/domain/copy/vi.js';
import { createWidgetRouter, WIDGET_BOOT_MARKER, widgetScript, type WidgetRouter } from '../../src/http/widget.router.js';
import type { KnowledgeSearch } from '../../src/ports/knowledge.js';
import type { Logger } from '../../src/ports/logger.js';

/**
 * Response compression and the widget's single-request boot, through buildApp as the server runs it: the
 * widget's script is precompressed (brotli, gzip) with its config and styles written in; pages, styles
 * and public JSON go through the `compression` middleware; a session's own JSON and the event stream are
 * never compressed.
 */

const silent: Logger = { fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, child: () => silent };
const knowledge: KnowledgeSearch = {
  ask: (question) => ({ question, intent: 'other', language: 'vi', decision: 'abstain', best: null, alternatives: [] }),
  getProcedure: () => undefined,
  listAgencies: () => [],
};
const assets = loadWidgetAssets();

let server: Server;
let base: string;
let router: WidgetRouter;

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request with exactly these headers (fetch would add its own Accept-Encoding and decode the body). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(res: Raw): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.body).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(res.body).toString('utf8');
  return res.body.toString('utf8');
}

beforeAll(async () => {
  router = createWidgetRouter({
    receive: async () => ({ created: true, conversationId: 'c' }),
    store: { inbound: { listByConversation: async () => [] }, outbound: { listByConversation: async () => [] } },
    hub: createInProcessHub(),
    sessions: createWebchatSessions({ secret: 'compression-test-secret-0123456789-abcdef' }),
    accountId: 'portal',
    copy: viCopy,
    logger: silent,
    assets,
  });
  const app = buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), logger: silent, knowledge, widget: router });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  router.closeStreams();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the widget script', () => {
  it('When a browser asks for widget.js with brotli, gzip or neither, then each gets the same script, with its config and styles written in', async () => {
    // Act
    const [br, gzip, identity] = await Promise.all([
      raw('/widget/widget.js', { 'accept-encoding': 'gzip, deflate, br' }),
      raw('/widget/widget.js', { 'accept-encoding': 'gzip, deflate' }),
      raw('/widget/widget.js'),
    ]);

    // Assert
    expect([br.headers['content-encoding'], gzip.headers['content-encoding'], identity.headers['content-encoding']]).toEqual(['br', 'gzip', undefined]);
    for (const res of [br, gzip, identity]) {
      expect(res.status).toBe(200);
      expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
      expect(res.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=86400');
      expect(res.headers['content-type']).toMatch(/^text\/javascript/);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
    }
    const script = decoded(br);
    expect(decoded(gzip)).toBe(script);
    expect(identity.body.toString('utf8')).toBe(script);
    expect(script).not.toContain(WIDGET_BOOT_MARKER);
    expect(script).toContain(JSON.stringify(viCopy.widget.launcherLabel));
    expect(script).toContain('.tl-launcher');
    expect(() => new Function(script)).not.toThrow(); // still valid JavaScript
    expect(br.body.length).toBeLessThan(identity.body.length / 3);
    // One validator per encoding, each answered 304 when it comes back.
    expect(new Set([br.headers.etag, gzip.headers.etag, identity.headers.etag]).size).toBe(3);
    const again = await raw('/widget/widget.js', { 'accept-encoding': 'gzip, deflate, br', 'if-none-match': br.headers.etag! });
    expect(again.status).toBe(304);
  });

  it('When text in the config or styles could end a script or a line, then it is escaped in the served script', () => {
    const script = widgetScript(`var BOOT = ${WIDGET_BOOT_MARKER};`, { copy: { x: '</script><b>\u2028\u2029' } }, 'a::after{content:"<"}');
    expect(script).not.toMatch(/<|\u2028|\u2029/);
    const boot = new Function(`${script} return BOOT;`)() as { config: { copy: { x: string } }; css: string };
    expect(boot).toEqual({ config: { copy: { x: '</script><b>\u2028\u2029' } }, css: 'a::after{content:"<"}' });
  });

  it('When the widget.js file has no marker, then it is served as it is', () => {
    expect(widgetScript('console.log(1)', {}, '.x{}')).toBe('console.log(1)');
  });
});

describe('compression of the other responses', () => {
  it('When a browser loads the demo portal, its styles and the widget styles and config, then each comes compressed, with Vary', async () => {
    for (const path of ['/', '/assets/demo.css', '/widget/widget.css', '/widget/config']) {
      const res = await raw(path, { 'accept-encoding': 'gzip, deflate, br' });
      expect({ path, status: res.status, encoding: res.headers['content-encoding'] }).toEqual({ path, status: 200, encoding: 'br' });
      expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
      expect(decoded(res).length).toBeGreaterThan(res.body.length);
    }
    const gz = await raw('/', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decoded(gz)).toContain('<html lang="vi">');
  });

  it("When a response is a session's own JSON (no-store), then it is never compressed", async () => {
    const res = await new Promise<Raw>((resolve, reject) => {
      const req = httpRequest(`${base}/widget/session`, { method: 'POST', headers: { 'accept-encoding': 'gzip, br' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString('utf8'))).toHaveProperty('token');
  });

  it('When the widget opens its event stream, then the stream is not compressed and its first event arrives at once', async () => {
    const session = JSON.parse((await fetch(`${base}/widget/session`, { method: 'POST' }).then((r) => r.text())) || '{}') as { token: string };
    const first = await new Promise<{ encoding: string | undefined; chunk: string }>((resolve, reject) => {
      const req = httpRequest(`${base}/widget/events?token=${encodeURIComponent(session.token)}`, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
        res.once('data', (c: Buffer) => {
          resolve({ encoding: res.headers['content-encoding'], chunk: c.toString('utf8') });
          req.destroy();
        });
      });
      req.on('error', (err) => (err.message.includes('aborted') || err.message.includes('socket hang up') ? undefined : reject(err)));
      req.end();
    });
    expect(first).toEqual({ encoding: undefined, chunk: ': connected\n\n' });
  });
});
