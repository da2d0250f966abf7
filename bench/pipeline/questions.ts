import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The procedure questions of the golden set (accented, unaccented, abbreviated, typos, narratives). */
export const GOLDEN_FILE = fileURLToPath(new URL('../../knowledge/eval/golden.vi.jsonl', import.meta.url));

export function procedureQuestions(file = GOLDEN_FILE): string[] {
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const item = JSON.parse(line) as { q?: unknown; intent?: unknown };
    if (item.intent === 'procedure' && typeof item.q === 'string') out.push(item.q);
  }
  if (out.length === 0) throw new Error(`no procedure questions in ${file}`);
  return out;
}

/** mulberry32: a small seeded generator, so two runs send the same questions in the same order. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
