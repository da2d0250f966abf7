import express from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCopy } from '../../src/domain/copy/types.js';
import { vi } from '../../src/domain/copy/vi.js';
import { createConsolePagesRouter } from '../../src/http/console-pages.router.js';

/**
 * The staff console's wording lives in the copy module (copy.console), never in the page's files:
 * console.js and index.html hold no Vietnamese, every key they name exists in the copy, and the copy
 * reaches the browser as JSON from GET /console/copy.json under the console's strict headers.
 */

const PAGE_DIR = new URL('../../src/http/console-pages/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, PAGE_DIR), 'utf8');
/** index.html without its comments (which describe the attributes, with made-up keys). */
const html = () => read('index.html').replace(/<!--[\s\S]*?-->/g, '');

/** Letters with Vietnamese diacritics (lower case; `i` also catches upper case, Đ included). */
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/iu;

/** The value at a dotted key path of the console copy. */
function at(key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node !== null && typeof node === 'object' && Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined), vi.console);
}

/** Every string in the copy section, with its key path. */
function leaves(node: unknown, path = ''): Array<[string, unknown]> {
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [[path, node]];
}

describe('console wording comes from the copy module', () => {
  it('the detector sees Vietnamese (upper and lower case) and nothing else', () => {
    for (const s of ['Đăng nhập', 'ĐĂNG NHẬP', 'Trợ lý 1022', 'Quá hạn', vi.console.login.submit, vi.console.statuses.assigned]) expect(s).toMatch(VIETNAMESE);
    for (const s of ['Dang nhap', 'sign in', '1022 · — → ← …', 'so-tu-phap', 'CHANNEL.SEND_REJECTED']) expect(s).not.toMatch(VIETNAMESE);
  });

  it.each(['console.js', 'index.html', 'console.css'])('%s holds no Vietnamese text', (name) => {
    const offending = read(name)
      .split('\n')
      .map((text, i) => ({ line: i + 1, text: text.trim() }))
      .filter((l) => VIETNAMESE.test(l.text));
    expect(offending).toEqual([]);
  });

  it('every data-copy and data-copy-attr key of index.html names a string of copy.console', () => {
    const page = html();
    const textKeys = [...page.matchAll(/\sdata-copy="([^"]*)"/g)].map((m) => m[1]!);
    const attrPairs = [...page.matchAll(/\sdata-copy-attr="([^"]*)"/g)].flatMap((m) => m[1]!.split(/\s+/).filter(Boolean));
    expect(textKeys.length).toBeGreaterThan(30);
    expect(attrPairs.length).toBeGreaterThan(0);
    const attrKeys = attrPairs.map((pair) => {
      expect(pair).toMatch(/^[a-z-]+:[\w.]+$/);
      return pair.slice(pair.indexOf(':') + 1);
    });
    const unresolved = [...textKeys, ...attrKeys].filter((key) => typeof at(key) !== 'string' || at(key) === '');
    expect(unresolved).toEqual([]);
  });

  it('the page text nodes are all filled from the copy: no element with text lacks a data-copy', () => {
    // Any text between tags (other than whitespace) would be wording outside the copy.
    const texts = [...html().matchAll(/>([^<]+)</g)].map((m) => m[1]!.trim()).filter((s) => s !== '');
    expect(texts).toEqual([]);
  });

  it('every key console.js asks for with t(…) names a string of copy.console', () => {
    const js = read('console.js');
    const keys = [...js.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]!);
    // Keys chosen at run time: t(cond ? 'a' : 'b'), with or without `vars` after them.
    const chosen = [...js.matchAll(/\bt\([^()]*\?\s*'([\w.]+)'\s*:\s*'([\w.]+)'\s*[,)]/g)].flatMap((m) => [m[1]!, m[2]!]);
    expect(keys.length).toBeGreaterThan(10);
    expect(chosen).toEqual(expect.arrayContaining(['list.titleStaff', 'list.titleAll', 'news.form.publishedInstead', 'news.broadcast.already']));
    expect([...keys, ...chosen].filter((key) => typeof at(key) !== 'string')).toEqual([]);
    // The maps console.js reads by code: C.statuses, C.actions, C.delivery.errors…
    const maps = [...js.matchAll(/\bC\.([\w.]+)/g)].map((m) => m[1]!);
    expect(maps.filter((key) => at(key) === undefined)).toEqual([]);
  });

  it('copy.console is plain JSON: strings only, `{name}` placeholders, nothing empty', () => {
    const all = leaves(vi.console);
    expect(all.filter(([, v]) => typeof v !== 'string' || v === '')).toEqual([]);
    expect(JSON.parse(JSON.stringify(vi.console))).toEqual(vi.console);
    const placeholders = all.flatMap(([, v]) => [...String(v).matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!));
    expect(placeholders.filter((p) => !/^[a-z]+$/i.test(p))).toEqual([]);
  });

  it('explains every delivery error code the system records', () => {
    const errors: ConsoleCopy['delivery']['errors'] = vi.console.delivery.errors;
    // deliver-outbound.ts: CHANNEL.<SendFailureKind>; tickets.ts: CHANNEL.SEND_REJECTED / SEND_FAILED.
    for (const code of ['CHANNEL.PERMANENT', 'CHANNEL.RETRYABLE', 'CHANNEL.WINDOW', 'CHANNEL.NETWORK', 'CHANNEL.SEND_REJECTED', 'CHANNEL.SEND_FAILED']) {
      expect(errors[code], code).toMatch(VIETNAMESE);
    }
  });
});

describe('GET /console/copy.json', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use('/console', createConsolePagesRouter());
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves the locale and copy.console as JSON, with no session and the strict console headers', async () => {
    const res = await fetch(`${base}/console/copy.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.json()).toEqual({ locale: 'vi', copy: vi.console });
  });

  it('serves another language when given one', async () => {
    const app = express();
    const other = { locale: 'en' as const, console: { ...vi.console, pageTitle: 'Desk – 1022 Assistant' } };
    app.use('/console', createConsolePagesRouter({ copy: other }));
    const s = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => s.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/console/copy.json`);
      expect(await res.json()).toMatchObject({ locale: 'en', copy: { pageTitle: 'Desk – 1022 Assistant' } });
    } finally {
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });
});
