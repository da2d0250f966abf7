/**
 * The web widget's weight on the demo portal (`npm run bench:widget`): what a visitor's browser fetches
 * before the launcher shows, in how many requests one after the other, how many bytes over the wire,
 * and how long it takes, in Debian's headless Chromium (as tests/e2e; `bash scripts/ensure-chromium.sh`).
 *
 *   1. Each file of the page and the widget fetched with node:http as identity, gzip and brotli: body bytes.
 *   2. `--runs` cold loads of `/` (new browser context each) on a desktop (1366×768) and a phone (360×740):
 *      requests and bytes (Resource Timing: transferSize on the wire, encoded and decoded body sizes)
 *      until the network is idle, the widget's share, the widget requests made one after the other before
 *      the launcher showed, and the time from navigation start to the launcher (a requestAnimationFrame
 *      probe in the page, as in the 2026-12 audit).
 *
 * Options: `--url http://host:port` measures a server that is already running (e.g. an older checkout,
 * for a before/after); without it the whole system starts in embedded mode on a scratch DATA_DIR.
 * Part 2 runs a third set on a throttled phone (150 ms latency, 1.6 Mbit/s, as in the audit), where each
 * request in a row costs a round trip. `--runs N` (default 5). Chromium treats http://127.0.0.1 as a secure context and asks for brotli there,
 * as it does over HTTPS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../tests/e2e/browser.js';
import { startTestSystem } from '../tests/integration/test-system.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, runs: { type: 'string', default: '5' } } });
const RUNS = Math.max(1, Number(values.runs) || 5);

const FILES = ['/', '/assets/demo.css', '/assets/demo.js', '/widget/widget.js', '/widget/widget.css', '/widget/config'];

/** Body bytes of `path` as the server sends it for an Accept-Encoding (none: identity). */
function bodyBytes(base: string, path: string, acceptEncoding?: string): Promise<{ status: number; bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface Entry {
  path: string;
  start: number;
  end: number;
  /** Bytes on the wire (headers + encoded body), as Resource Timing reports them. */
  transfer: number;
  /** Body bytes before and after content decoding. */
  encoded: number;
  decoded: number;
}

interface Load {
  launcherMs: number;
  entries: Entry[];
}

/** Records performance.now() when the launcher first has a box and the widget's root is shown. */
const LAUNCHER_PROBE = `(() => {
  const tick = () => {
    const host = document.getElementById('troly1022-widget');
    const root = host && host.shadowRoot && host.shadowRoot.querySelector('.tl-root');
    const launcher = root && root.querySelector('.tl-launcher');
    if (root && !root.hidden && launcher && launcher.getBoundingClientRect().width > 0) { window.__launcherAt = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

/** One cold load of the portal in a new context (empty cache), measured with Navigation and Resource Timing. */
async function coldLoad(browser: Browser, base: string, device: Record<string, unknown>, throttled: boolean): Promise<Load> {
  const context = await browser.newContext({ ...device, locale: 'vi-VN' });
  try {
    const page: Page = await context.newPage();
    await page.addInitScript(LAUNCHER_PROBE);
    if (throttled) {
      // A slow mobile link, as in the 2026-12 audit: 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 });
    }
    await page.goto(`${base}/`, { waitUntil: 'networkidle' });
    await page.waitForFunction('typeof window.__launcherAt === "number"');
    return (await page.evaluate(`(() => {
      const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      return {
        launcherMs: window.__launcherAt,
        entries: all.map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize })),
      };
    })()`)) as Load;
  } finally {
    await context.close();
  }
}

/** How many widget requests ran one after the other before the launcher: each starting after the previous ended. */
function chain(entries: Entry[]): string[] {
  const widget = entries.filter((e) => e.path.startsWith('/widget/')).sort((a, b) => a.start - b.start);
  const steps: Entry[] = [];
  for (const e of widget) if (steps.length === 0 || e.start >= steps.at(-1)!.end) steps.push(e);
  return steps.map((e) => e.path);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kb = (n: number): string => `${n.toLocaleString('en-US')} B`;

async function main(): Promise<void> {
  let base = values.url;
  let stop: (() => Promise<void>) | undefined;
  if (!base) {
    const dataDir = await mkdtemp(join(tmpdir(), 'widget-bench-'));
    const system = await startTestSystem(dataDir);
    base = system.url!;
    stop = async () => {
      await system.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const browser = await launchChromium();
  try {
    console.log(`Widget weight on ${base}/ (${RUNS} cold loads per device)\n`);
    console.log('1. Body bytes per file (node:http)');
    console.log('| File | identity | gzip | brotli |');
    console.log('|---|---|---|---|');
    for (const path of FILES) {
      const [id, gz, br] = await Promise.all([bodyBytes(base, path), bodyBytes(base, path, 'gzip'), bodyBytes(base, path, 'br, gzip')]);
      const cell = (r: { bytes: number; encoding: string; status: number }) => (r.status === 200 ? `${kb(r.bytes)}${r.encoding === 'identity' ? ' (not compressed)' : ''}` : `HTTP ${r.status}`);
      console.log(`| \`${path}\` | ${cell(id)} | ${cell(gz)} | ${cell(br)} |`);
    }

    const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
    for (const [name, device, throttled] of [
      ['desktop 1366×768', { viewport: { width: 1366, height: 768 } }, false],
      ['phone 360×740', phone, false],
      ['phone 360×740, throttled (150 ms latency, 1.6 Mbit/s)', phone, true],
    ] as const) {
      const loads: Load[] = [];
      for (let i = 0; i < RUNS; i++) loads.push(await coldLoad(browser, base, device, throttled));
      const last = loads.at(-1)!;
      const before = last.entries.filter((e) => e.end <= last.launcherMs);
      const widget = last.entries.filter((e) => e.path.startsWith('/widget/'));
      const sum = (xs: Entry[], k: 'transfer' | 'encoded' | 'decoded') => xs.reduce((n, e) => n + e[k], 0);
      console.log(`\n2. Chromium, ${name}, cold`);
      console.log(`   launcher visible after: ${loads.map((l) => Math.round(l.launcherMs)).join(', ')} ms (median ${Math.round(median(loads.map((l) => l.launcherMs)))} ms)`);
      console.log(`   widget requests in a row before the launcher: ${chain(before).join(' → ')} (${chain(before).length})`);
      console.log(`   until network idle: ${last.entries.length} requests, ${kb(sum(last.entries, 'transfer'))} on the wire, bodies ${kb(sum(last.entries, 'encoded'))} (${kb(sum(last.entries, 'decoded'))} decoded)`);
      console.log(`   of which the widget: ${widget.length} requests (${widget.map((e) => e.path).join(', ')}), ${kb(sum(widget, 'transfer'))} on the wire, bodies ${kb(sum(widget, 'encoded'))} (${kb(sum(widget, 'decoded'))} decoded)`);
    }
  } finally {
    await browser.close();
    await stop?.();
  }
}

await main();
