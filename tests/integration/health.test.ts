import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, buildProbeApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging/logger.js';
import type { HealthCheck } from '../../src/http/health.router.js';
import type { KnowledgeSearch } from '../../src/ports/knowledge.js';

/**
 * The probes over HTTP: /healthz says only that the process answers; /readyz runs the checks the
 * composition root injects (here plain functions standing in for the store and queue pings) and
 * answers 503 HTTP.UNAVAILABLE naming the failed or hung check, with Retry-After, never its error text.
 */

const knowledge: KnowledgeSearch = {
  ask: (question) => ({ question, intent: 'other', language: 'vi', decision: 'abstain', best: null, alternatives: [] }),
  getProcedure: () => undefined,
  listAgencies: () => [],
};

const servers: Server[] = [];
let logLines: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  logLines = [];
});

function deps() {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' });
  const logger = createLogger(config, new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
  return { config, logger };
}

async function serve(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ok: HealthCheck = async () => undefined;
const down: HealthCheck = async () => {
  throw new Error('connect ECONNREFUSED redis://:s3cr3t-password@10.0.0.5:6379');
};

describe('GET /healthz and GET /readyz', () => {
  it('When no checks are wired, then both answer 200 (buildApp always serves /readyz)', async () => {
    const base = await serve(buildApp({ ...deps(), knowledge }));
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'ok', checks: {} });
  });

  it('When the store and the queues answer, then /readyz is 200 with each check ok', async () => {
    const base = await serve(buildApp({ ...deps(), knowledge, health: { checks: { store: ok, queues: ok } } }));
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { store: 'ok', queues: 'ok' } });
  });

  it('When the queues are unreachable, then /readyz is 503 HTTP.UNAVAILABLE naming queues, with Retry-After and no secret; /healthz stays 200', async () => {
    const base = await serve(buildApp({ ...deps(), knowledge, health: { checks: { store: ok, queues: down } } }));
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ code: 'HTTP.UNAVAILABLE', message: 'Not ready: queues unreachable', checks: { store: 'ok', queues: 'failed' } });
    expect(text).not.toMatch(/s3cr3t|10\.0\.0\.5|ECONNREFUSED/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The cause is in the log, for the operator.
    expect(logLines.some((l) => l.includes('readiness check failed') && l.includes('"check":"queues"'))).toBe(true);
  });

  it('When a check hangs past its timeout, then /readyz answers 503 with that check as timeout instead of hanging', async () => {
    const hang: HealthCheck = () => new Promise<void>(() => undefined);
    const base = await serve(buildApp({ ...deps(), knowledge, health: { checks: { store: hang, queues: ok }, timeoutMs: 200 } }));
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'HTTP.UNAVAILABLE', checks: { store: 'timeout', queues: 'ok' } });
  });

  it('When a process serves only the probes (worker role), then buildProbeApp answers them and 404 for anything else', async () => {
    const base = await serve(buildProbeApp({ ...deps(), health: { checks: { store: ok, queues: down } } }));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    const other = await fetch(`${base}/api/v1/ask`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('HTTP.NOT_FOUND');
  });
});
