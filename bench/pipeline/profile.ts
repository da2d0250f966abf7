import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) by pipeline stage. Each sample is charged to the
 * nearest frame on its stack that belongs to a known stage (so JSON.stringify called by nedb counts as
 * store, a Redis reply parsed under BullMQ counts as queue); stacks with no such frame are Node internals.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const STAGES: [RegExp, string][] = [
  [/@seald-io\/nedb|better-sqlite3|\/src\/store\/|\/bench\/pipeline\/sqlite-store/, 'store (nedb or SQLite + our repos)'],
  [/node_modules\/(bullmq|ioredis|@ioredis|redis-errors|redis-parser|msgpackr|cron-parser|cluster-key-slot|denque|standard-as-callback)\/|\/src\/queue\//, 'queue (BullMQ + ioredis)'],
  [/node_modules\/(botkit|botbuilder[^/]*|botframework[^/]*|@microsoft|adaptive-expressions|mustache)\/|\/src\/bot\/|\/flows\//, 'Botkit turn (dialogs, state)'],
  [/\/knowledge\/|node_modules\/natural\//, 'brain (knowledge: NLP, ranking, answer text)'],
  [/\/adapters\/zalo\//, 'Zalo adapter (verify, parse, render, SDK)'],
  [/undici|node:internal\/deps\/undici/, 'send: HTTP client (fetch/undici)'],
  [/node_modules\/(express|router|body-parser|raw-body|finalhandler|on-finished|type-is|content-type|iconv-lite|qs|send|serve-static|path-to-regexp|depd|http-errors)\/|\/src\/http\/|\/src\/app\.ts/, 'HTTP server (express + our routers)'],
  [/\/src\/core\//, 'core (receive / turn / deliver)'],
  [/node_modules\/(pino|thread-stream|sonic-boom)\/|\/src\/logging\//, 'logging (pino)'],
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/(tsx|esbuild|get-tsconfig)\//, 'module loading (tsx)'],
];
const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'GC',
  '(idle)': 'idle',
  '(program)': 'V8/native (program)',
};

export interface ProfileSummary {
  file: string;
  wallMs: number;
  busyMs: number;
  stages: { stage: string; ms: number }[];
  topSelf: { fn: string; ms: number }[];
}

/** The main thread's profile: the largest file (tsx's module-loader thread writes a nearly empty one). */
export function mainThreadProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  return files[0];
}

/** `window` in hrMs (V8's profile clock is the same monotonic clock, in µs). */
export function summariseProfile(file: string, window?: { fromMs: number; toMs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const ownStage = (n: ProfileNode): string | undefined => {
    const special = SPECIAL[n.callFrame.functionName];
    if (special && !n.callFrame.url) return special;
    const url = n.callFrame.url;
    if (!url) return undefined;
    for (const [re, stage] of STAGES) if (re.test(url)) return stage;
    return undefined;
  };
  const resolve = (id: number): string => {
    const known = stageOf.get(id);
    if (known) return known;
    const path: number[] = [];
    let cur: number | undefined = id;
    let found: string | undefined;
    while (cur !== undefined) {
      const cached = stageOf.get(cur);
      if (cached) {
        found = cached;
        break;
      }
      path.push(cur);
      found = ownStage(byId.get(cur)!);
      if (found) break;
      cur = parent.get(cur);
    }
    const stage = found ?? 'Node internals (net, http parser, streams, timers)';
    for (const p of path) stageOf.set(p, stage);
    return stage;
  };

  // Sample i happened at startTime + sum(timeDeltas[0..i]) (µs); keep only the measured window if given.
  const fromUs = window ? window.fromMs * 1000 : -Infinity;
  const toUs = window ? window.toMs * 1000 : Infinity;
  const stageUs = new Map<string, number>();
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const id = profile.samples[i]!;
    const stage = resolve(id);
    stageUs.set(stage, (stageUs.get(stage) ?? 0) + dt);
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  }
  const idle = stageUs.get('idle') ?? 0;
  const fnUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules\/|main\/)/, '')}:${f.lineNumber + 1}` : 'native';
    const key = `${f.functionName || '(anonymous)'}  ${where}`;
    fnUs.set(key, (fnUs.get(key) ?? 0) + us);
  }
  return {
    file,
    wallMs: total / 1000,
    busyMs: (total - idle) / 1000,
    stages: [...stageUs].filter(([s]) => s !== 'idle').map(([stage, us]) => ({ stage, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    topSelf: [...fnUs].map(([fn, us]) => ({ fn, ms: us / 1000 })).sort((a, b) => b.ms - a.ms).slice(0, 15),
  };
}
