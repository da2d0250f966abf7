import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Procedure } from '../../src/domain/procedure.js';
import { createLogger } from '../../src/logging/logger.js';
import type { AskResult, KnowledgeSearch } from '../../src/ports/knowledge.js';

/** Minimal procedure records: the HTTP layer only reads code and name. */
const procedure = (code: string, name: string): Procedure => ({ code, name }) as Procedure;
const KHAI_SINH = procedure('1.001193', 'Đăng ký khai sinh');
const KET_HON = procedure('1.000894', 'Đăng ký kết hôn');

/** Test double of the KnowledgeSearch port: canned results keyed on the question. */
const fakeKnowledge: KnowledgeSearch & { questions: string[] } = {
  questions: [],
  ask(question): AskResult {
    this.questions.push(question);
    if (question.includes('khai sinh')) {
      return { question, intent: 'procedure', language: 'vi', decision: 'answer', best: { procedure: KHAI_SINH, score: 0.91 }, alternatives: [{ procedure: KET_HON, score: 0.2 }] };
    }
    if (question === 'boom') throw new Error('brain exploded for 0912345678');
    return { question, intent: 'other', language: 'vi', decision: 'abstain', best: null, alternatives: [] };
  },
  getProcedure: () => undefined,
  listAgencies: () => [],
};

let server: Server;
let base: string;
const logLines: string[] = [];

beforeAll(async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' });
  const logger = createLogger(config, new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
  const app = buildApp({ config, logger, knowledge: fakeKnowledge });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

const ask = (body: string, contentType = 'application/json'): Promise<Response> =>
  fetch(`${base}/api/v1/ask`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('GET /healthz', () => {
  it('When the probe calls, then it answers 200 {status: ok} with security headers', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describe('GET / (demo page)', () => {
  it('When a browser opens the root, then it gets a Vietnamese HTML page with a form to the ask API', async () => {
    const response = await fetch(`${base}/`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/<html lang="vi">/);
    expect(html).toContain('action="/api/v1/ask"');
    expect(html).toContain('Trợ lý 1022');
    expect(html).not.toMatch(/<script>(?!<)/); // no inline script: the CSP forbids it
  });

  it('When the page loads its script and styles, then both are served', async () => {
    const js = await fetch(`${base}/assets/demo.js`);
    const css = await fetch(`${base}/assets/demo.css`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('/api/v1/ask');
    expect(css.status).toBe(200);
  });
});

describe('POST /api/v1/ask', () => {
  it('When a procedure question is asked, then the brain result is rendered as the public JSON shape', async () => {
    // Act
    const response = await ask(JSON.stringify({ question: '  làm giấy khai sinh cần gì?  ' }));

    // Assert
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      question: 'làm giấy khai sinh cần gì?',
      intent: 'procedure',
      decision: 'answer',
      answered: true,
      procedure: { code: '1.001193', name: 'Đăng ký khai sinh' },
      alternatives: [{ code: '1.000894', name: 'Đăng ký kết hôn', score: 0.2 }],
      score: 0.91,
    });
    expect(fakeKnowledge.questions.at(-1)).toBe('làm giấy khai sinh cần gì?');
  });

  it('When the brain abstains, then procedure is null and score is 0', async () => {
    const response = await ask(JSON.stringify({ question: 'thời tiết hôm nay' }));
    expect(await response.json()).toMatchObject({ intent: 'other', decision: 'abstain', answered: false, procedure: null, alternatives: [], score: 0 });
  });

  it.each([['{"question":""}'], ['{"question":"   \\n "}'], ['{}'], ['{"question":null}']])(
    'When the question is empty (%s), then 400 KNOWLEDGE.QUESTION_EMPTY',
    async (body) => {
      const response = await ask(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'KNOWLEDGE.QUESTION_EMPTY' });
    },
  );

  it('When the question is longer than 2,000 characters, then 400 KNOWLEDGE.QUESTION_TOO_LONG', async () => {
    const response = await ask(JSON.stringify({ question: 'ă'.repeat(2001) }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'KNOWLEDGE.QUESTION_TOO_LONG' });
  });

  it('When the question is exactly 2,000 characters, then it is accepted', async () => {
    const response = await ask(JSON.stringify({ question: 'ă'.repeat(2000) }));
    expect(response.status).toBe(200);
  });

  it.each([['{"question":42}'], ['[1,2]'], ['{"question":{"text":"khai sinh"}}']])(
    'When the body has the wrong shape (%s), then 400 HTTP.BAD_REQUEST',
    async (body) => {
      const response = await ask(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'HTTP.BAD_REQUEST' });
    },
  );

  it('When the body is not sent as JSON, then 400 HTTP.BAD_REQUEST', async () => {
    const response = await ask('question=khai+sinh', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'HTTP.BAD_REQUEST' });
  });

  it('When the JSON top level is not an object or array, then 400 HTTP.BAD_JSON (strict JSON)', async () => {
    const response = await ask('"khai sinh"');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'HTTP.BAD_JSON' });
  });

  it('When the body is not JSON at all, then 400 HTTP.BAD_JSON without a stack', async () => {
    // Act
    const response = await ask('{"question": "khai sinh"');
    const body = (await response.json()) as Record<string, unknown>;

    // Assert
    expect(response.status).toBe(400);
    expect(body).toEqual({ code: 'HTTP.BAD_JSON', message: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('When the body is over 64 kB, then 413 HTTP.PAYLOAD_TOO_LARGE', async () => {
    const response = await ask(JSON.stringify({ question: 'a'.repeat(70 * 1024) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'HTTP.PAYLOAD_TOO_LARGE' });
  });

  it('When the brain throws, then 500 HTTP.INTERNAL with a generic message, and the log has the masked cause', async () => {
    // Act
    const response = await ask(JSON.stringify({ question: 'boom' }));
    const body = (await response.json()) as { code: string; message: string };

    // Assert
    expect(response.status).toBe(500);
    expect(body.code).toBe('HTTP.INTERNAL');
    expect(body.message).not.toContain('exploded');
    const logged = logLines.join('');
    expect(logged).toContain('brain exploded for [phone]');
    expect(logged).not.toContain('0912345678');
  });
});

describe('unknown routes', () => {
  it.each([['GET', '/khong-co'], ['POST', '/api/v1/nope'], ['DELETE', '/healthz']])('When %s %s is requested, then 404 HTTP.NOT_FOUND', async (method, path) => {
    const response = await fetch(`${base}${path}`, { method });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'HTTP.NOT_FOUND' });
  });
});

describe('request log', () => {
  it('When a mounted route is called with a query string, then the log has the full path and no query', async () => {
    // Act
    await fetch(`${base}/api/v1/ask?phone=0987654321`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'khai sinh' }),
    });

    // Assert
    const records = logLines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string; path?: string; status?: number });
    expect(records.some((r) => r.msg === 'request' && r.path === '/api/v1/ask' && r.status === 200)).toBe(true);
    expect(logLines.join('')).not.toContain('0987654321');
  });
});
