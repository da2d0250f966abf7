import { z } from 'zod';
import { loadJsonl } from '../eval/evaluate.js';
import type { AgencyRouter, RouteHints } from '../../src/ports/knowledge.js';

/**
 * Evaluation of routing over a labelled set (knowledge/eval/routing.vi.jsonl): each message with the
 * agency that should get it (the coordinator desk for unroutable ones), its kind, its input variant
 * and its split (`dev` was used for tuning, `test` was not).
 */

export const ROUTING_EVAL_FILE = new URL('../eval/routing.vi.jsonl', import.meta.url).pathname;

const itemSchema = z.object({
  q: z.string(),
  expect: z.string().min(2),
  kind: z.enum(['question', 'feedback']),
  variant: z.string(),
  split: z.enum(['dev', 'test']),
});
export type RoutingItem = z.infer<typeof itemSchema>;

export function loadRoutingItems(file: string = ROUTING_EVAL_FILE): RoutingItem[] {
  return loadJsonl(file, itemSchema);
}

export interface RoutingMetrics {
  total: number;
  accuracy: number;
  by: Record<string, { n: number; accuracy: number }>;
  errors: Array<{ q: string; expect: string; got: string; reason: string; confidence: number }>;
}

/**
 * Accuracy overall and per kind, variant, split and reason. `withHints` passes each item's kind as
 * the caller would (a feedback form knows it is feedback); without, the router sees the text alone.
 */
export function evaluateRouting(router: AgencyRouter, items: RoutingItem[], withHints = true): RoutingMetrics {
  const groups = new Map<string, { n: number; ok: number }>();
  const count = (key: string, ok: boolean) => {
    const g = groups.get(key) ?? { n: 0, ok: 0 };
    g.n++;
    if (ok) g.ok++;
    groups.set(key, g);
  };
  let correct = 0;
  const errors: RoutingMetrics['errors'] = [];
  for (const item of items) {
    const hints: RouteHints = withHints ? { kind: item.kind } : {};
    const r = router.route(item.q, hints);
    const ok = r.agencyId === item.expect;
    if (ok) correct++;
    else errors.push({ q: item.q, expect: item.expect, got: r.agencyId, reason: r.reason, confidence: r.confidence });
    for (const key of [`kind:${item.kind}`, `variant:${item.variant}`, `split:${item.split}`, `reason:${r.reason}`]) count(key, ok);
  }
  const by: RoutingMetrics['by'] = {};
  for (const [key, g] of [...groups].sort()) by[key] = { n: g.n, accuracy: g.ok / g.n };
  return { total: items.length, accuracy: items.length ? correct / items.length : 1, by, errors };
}
