import { Router } from 'express';
import type { Logger } from '../ports/logger.js';

/**
 * Probes for load balancers, process managers and orchestrators:
 *
 *   GET /healthz  liveness: the process answers (checks nothing else, never fails while it runs)
 *   GET /readyz   readiness: every injected check (store, queues …) resolves within the timeout →
 *                 200 {status: "ok", checks}; otherwise 503 HTTP.UNAVAILABLE with `checks` saying which
 *                 one failed ("failed" or "timeout") and Retry-After, so traffic goes elsewhere while
 *                 the process itself is left running.
 *
 * The checks are injected (the composition root pings its store and queue back-end), so this router
 * knows no service. Why a check failed goes to the log only: the answer names the check, never a host,
 * URL or error text that could carry a secret.
 */

/** Resolves when the dependency answers; rejects (or hangs past the timeout) when it does not. */
export type HealthCheck = () => Promise<void>;

export interface HealthRouterDeps {
  /** Named readiness checks, e.g. `{ store: () => store.ping(), queues: () => backend.ping() }`. None = always ready. */
  checks?: Readonly<Record<string, HealthCheck>>;
  /** How long one check may take before it counts as failed (default 3 s). */
  timeoutMs?: number;
  /** Where failed checks are logged with their cause. */
  logger?: Pick<Logger, 'warn'>;
}

export type CheckResult = 'ok' | 'failed' | 'timeout';

const DEFAULT_TIMEOUT_MS = 3_000;
/** Seconds a client should wait before asking again after a 503. */
const RETRY_AFTER_SECONDS = 5;

/** Runs one check with a deadline; never rejects. */
async function run(name: string, check: HealthCheck, timeoutMs: number, logger: HealthRouterDeps['logger']): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const result = await Promise.race([
      Promise.resolve()
        .then(check)
        .then(() => 'ok' as const),
      deadline,
    ]);
    if (result === 'timeout') logger?.warn({ check: name, timeoutMs }, 'readiness check timed out');
    return result;
  } catch (err) {
    logger?.warn({ check: name, err }, 'readiness check failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthRouter(deps: HealthRouterDeps = {}): Router {
  const checks = Object.entries(deps.checks ?? {});
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(checks.map(async ([name, check]) => [name, await run(name, check, timeoutMs, deps.logger)] as const));
    const failed = results.filter(([, result]) => result !== 'ok').map(([name]) => name);
    const body = Object.fromEntries(results);
    res.set('Cache-Control', 'no-store');
    if (failed.length === 0) {
      res.json({ status: 'ok', checks: body });
      return;
    }
    res
      .status(503)
      .set('Retry-After', String(RETRY_AFTER_SECONDS))
      .json({ code: 'HTTP.UNAVAILABLE', message: `Not ready: ${failed.join(', ')} unreachable`, checks: body });
  });

  return router;
}
