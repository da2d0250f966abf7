import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { loadJsonl } from '../../knowledge/eval/evaluate.js';
import { maskPii } from '../../src/domain/pii.js';

/** The raw collection of real citizens' questions (knowledge/eval/real, issue 10): every line as its README says. */
const DIR = new URL('../../knowledge/eval/real/', import.meta.url).pathname;

const questionSchema = z.object({
  id: z.string().regex(/^rq-[a-z]-\d{3}$/),
  text: z.string().min(10),
  source: z.object({ url: z.string().url(), title: z.string().min(1), date: z.string().regex(/^(\d{4}(-\d{2}(-\d{2})?)?|unknown)$/), retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  label: z.string().min(1),
  kind: z.enum(['procedure', 'complaint', 'dispute', 'entitlement', 'legal', 'other']),
  aspect: z.string().optional(),
  related: z.string().optional(),
  words: z.number().int().positive(),
});

const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.jsonl')) : [];

describe('real citizens\' questions (raw collection)', () => {
  const catalog = loadCatalog();
  const ids = new Set(catalog.procedures.map((p) => p.id));
  const all = files.flatMap((f) => loadJsonl(join(DIR, f), questionSchema).map((q) => ({ ...q, file: f })));

  it('has valid lines with unique ids, catalog labels or none, and a source for each', () => {
    expect(new Set(all.map((q) => q.id)).size).toBe(all.length);
    for (const q of all) {
      expect(q.label === 'none' || ids.has(q.label), `${q.id} label ${q.label}`).toBe(true);
      if (q.related !== undefined) expect(ids.has(q.related), `${q.id} related ${q.related}`).toBe(true);
    }
  });

  it('keeps no phone number, ID number or e-mail', () => {
    for (const q of all) expect(maskPii(q.text), q.id).toBe(q.text);
  });

  it('keeps no two copies of one question', () => {
    const texts = all.map((q) => q.text.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
  });
});
