import { join } from 'node:path';
import { z } from 'zod';
import type { QueryToken } from '../nlp/analyze.js';
import { AccentedPhraseTable } from '../nlp/accent-phrases.js';
import { readDataFile } from '../catalog/data-file.js';

/**
 * Replies that pick an option of the last clarification by its position (knowledge/data/choices.vi.json):
 * "cái thứ hai", "số 2", "cái đầu tiên". A reply that describes an option instead ("do bị mất",
 * "cấp đổi") is matched by retrieval among the options (brain.ts).
 */

const schema = z.object({
  positions: z.record(z.string().regex(/^(\d+|last)$/), z.array(z.string().min(1))),
  particles: z.array(z.string().min(1)),
});

export class ChoicePhrases {
  private readonly positions = new AccentedPhraseTable<string>();
  private readonly particles = new AccentedPhraseTable<true>();

  constructor(data: z.infer<typeof schema>) {
    for (const [position, phrases] of Object.entries(data.positions)) for (const p of phrases) this.positions.add(p, position);
    for (const p of data.particles) this.particles.add(p, true);
  }

  /** The index (from 0) of the option the reply picks by position, if it is only such a pick. */
  pick(tokens: QueryToken[], optionCount: number): number | undefined {
    let position: string | undefined;
    for (let i = 0; i < tokens.length; ) {
      const hit = this.positions.longestAt(tokens, i);
      const particle = this.particles.longestAt(tokens, i);
      if (hit && (!particle || hit.length >= particle.length)) {
        if (position !== undefined && position !== hit.value) return undefined;
        position = hit.value;
        i += hit.length;
      } else if (particle) i += particle.length;
      else return undefined;
    }
    if (position === undefined) return undefined;
    const index = position === 'last' ? optionCount - 1 : Number(position) - 1;
    return index >= 0 && index < optionCount ? index : undefined;
  }
}

export function loadChoices(dataDir: string): ChoicePhrases {
  return new ChoicePhrases(readDataFile(join(dataDir, 'choices.vi.json'), schema, { positions: {}, particles: [] }));
}
