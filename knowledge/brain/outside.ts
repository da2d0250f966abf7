import { join } from 'node:path';
import { z } from 'zod';
import type { OutsideMatter } from '../../src/ports/knowledge.js';
import type { QueryToken } from '../nlp/analyze.js';
import { AccentedPhraseTable } from '../nlp/accent-phrases.js';
import { foldPhrase } from '../nlp/lexicon.js';
import { PhraseTable } from '../nlp/phrase-table.js';
import { readDataFile } from '../catalog/data-file.js';

/**
 * Matters outside the catalog (knowledge/data/outside.vi.json): divorce, inheritance, land and labour
 * disputes, crime reports, traffic accidents, debts. A matter is recognised when all the phrases of
 * one of its triggers are in the message and none of its `unless` phrases is.
 */

const matterSchema = z.object({
  _comment: z.string().optional(),
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  name: z.string().min(2),
  body: z.string().min(2),
  guidance: z.string().min(10),
  source: z.object({ title: z.string().min(2), url: z.string().url().optional() }).optional(),
  triggers: z.array(z.array(z.string().min(1)).min(1)).min(1),
  unless: z.array(z.string().min(1)).default([]),
});
const schema = z.object({ matters: z.array(matterSchema) });

interface Matter {
  matter: OutsideMatter;
  triggers: string[][];
  unless: string[];
}

export class OutsideMatters {
  private readonly phrases = new AccentedPhraseTable<string>();
  private readonly matters: Matter[];

  constructor(data: z.infer<typeof schema>) {
    this.matters = data.matters.map(({ triggers, unless, _comment, ...matter }) => {
      for (const p of [...triggers.flat(), ...unless]) this.phrases.add(p, p);
      return { matter, triggers, unless };
    });
  }

  /** Every folded word of every phrase. */
  words(): Set<string> {
    return this.phrases.words();
  }

  /** The trigger phrases of one matter (folded), to set them aside from retrieval. */
  phrasesOf(id: string): PhraseTable<true> {
    const table = new PhraseTable<true>();
    for (const t of this.matters.find((m) => m.matter.id === id)?.triggers ?? []) for (const p of t) table.add(foldPhrase(p), true);
    return table;
  }

  /** The first matter the message is about, if any. */
  match(tokens: QueryToken[]): OutsideMatter | undefined {
    const present = new Set(this.phrases.scanAll(tokens).map((h) => h.value));
    if (present.size === 0) return undefined;
    for (const m of this.matters) {
      if (m.unless.some((p) => present.has(p))) continue;
      if (m.triggers.some((t) => t.every((p) => present.has(p)))) return m.matter;
    }
    return undefined;
  }
}

export function loadOutsideMatters(dataDir: string): OutsideMatters {
  return new OutsideMatters(readDataFile(join(dataDir, 'outside.vi.json'), schema, { matters: [] }));
}
