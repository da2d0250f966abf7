/**
 * Preloaded (`--import`) into each system-under-test process by the bench; observes, changes nothing
 * the application can see. Answers `bench:probe` over IPC with, since the previous ask:
 * - the event-loop delay of the process;
 * - for the nedb store, per datastore: operations, time spent queued in nedb's executor (nedb runs every
 *   find/insert/update of a datastore one after another, writes awaiting their file append) and time
 *   running, so a saturated datastore shows up as busy ≈ 100 % and long queue waits. The SQLite store's
 *   calls are synchronous (no queue): their cost shows in the CPU profile (--cpu-prof).
 */
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ProbeReport, StoreLane } from './ipc.js';

const lanes = new Map<string, StoreLane>();
let since = performance.now();

function instrumentNedb(): void {
  const require = createRequire(import.meta.url);
  type Task = () => Promise<unknown>;
  let Executor: { prototype: { pushAsync(this: object, task: Task, force?: boolean): Promise<unknown> } };
  let Datastore: { prototype: { loadDatabaseAsync(this: { filename?: string; executor: object }, ...args: unknown[]): Promise<unknown> } };
  try {
    Executor = require('@seald-io/nedb/lib/executor.js');
    Datastore = require('@seald-io/nedb/lib/datastore.js');
  } catch {
    return; // no embedded store in this install
  }
  const labels = new WeakMap<object, string>();
  const load = Datastore.prototype.loadDatabaseAsync;
  Datastore.prototype.loadDatabaseAsync = function (...args: unknown[]) {
    if (this.filename) labels.set(this.executor, basename(this.filename, '.db'));
    return load.apply(this, args);
  };
  const push = Executor.prototype.pushAsync;
  Executor.prototype.pushAsync = function (task: Task, force?: boolean) {
    const lane = labels.get(this) ?? 'other';
    const queuedAt = performance.now();
    const timed: Task = () => {
      const start = performance.now();
      const done = () => {
        const end = performance.now();
        let l = lanes.get(lane);
        if (!l) lanes.set(lane, (l = { lane, ops: 0, waitMs: 0, runMs: 0, maxWaitMs: 0 }));
        l.ops++;
        l.waitMs += start - queuedAt;
        l.runMs += end - start;
        l.maxWaitMs = Math.max(l.maxWaitMs, start - queuedAt);
      };
      const result = task();
      result.then(done, done);
      return result;
    };
    return push.call(this, timed, force);
  };
}

if (typeof process.send === 'function') {
  instrumentNedb();
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  process.on('message', (raw: unknown) => {
    if ((raw as { type?: unknown } | null)?.type !== 'bench:probe') return;
    const now = performance.now();
    const report: ProbeReport = {
      type: 'bench:probe',
      windowMs: now - since,
      eld: { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 },
      store: [...lanes.values()],
    };
    histogram.reset();
    lanes.clear();
    since = now;
    process.send?.(report);
  });
  // The IPC channel must not keep a stopping process alive.
  process.channel?.unref();
}
