import { join } from 'node:path';
import { z } from 'zod';
import type { SensitiveMatter } from '../../src/ports/knowledge.js';
import { readDataFile } from '../catalog/data-file.js';
import type { QueryToken } from '../nlp/analyze.js';
import { AccentedPhraseTable } from '../nlp/accent-phrases.js';

/**
 * Matters a person should take at once (issue 11): an emergency ("cháy nhà", "cấp cứu") and a
 * denunciation ("tố cáo cán bộ"). Recognising them brings a hotline operator when one can be reached
 * (and, for an emergency, the emergency numbers first); the phrases are data
 * (knowledge/data/sensitive.vi.json), accent-folded, and any one of a kind's phrases is enough.
 */

const schema = z.object({
  _comment: z.string().optional(),
  matters: z.array(z.object({ _comment: z.string().optional(), kind: z.enum(['emergency', 'denunciation']), phrases: z.array(z.string().min(1)).min(1) })),
});

export class SensitiveReader {
  private readonly phrases = new AccentedPhraseTable<SensitiveMatter>();

  constructor(matters: { kind: SensitiveMatter; phrases: string[] }[]) {
    for (const m of matters) for (const p of m.phrases) this.phrases.add(p, m.kind);
  }

  words(): Set<string> {
    return this.phrases.words();
  }

  /** The first sensitive matter in the message (an emergency before a denunciation), if any. */
  read(tokens: QueryToken[]): SensitiveMatter | undefined {
    const kinds = new Set(this.phrases.scanAll(tokens).map((h) => h.value));
    return kinds.has('emergency') ? 'emergency' : kinds.has('denunciation') ? 'denunciation' : undefined;
  }
}

export function loadSensitive(dataDir: string): SensitiveReader {
  return new SensitiveReader(readDataFile(join(dataDir, 'sensitive.vi.json'), schema).matters);
}
