import { join } from 'node:path';
import { z } from 'zod';
import type { ConcernKind } from '../../src/ports/knowledge.js';
import { readDataFile } from '../catalog/data-file.js';
import type { QueryToken } from '../nlp/analyze.js';
import { AccentedPhraseTable } from '../nlp/accent-phrases.js';

/**
 * Complaints, disputes, entitlements and legal judgements about a procedure (issue 10, item 3): "đã
 * nộp một tháng mà chưa nhận được tiền", "anh em không đồng ý chia đất", "mức hưởng là bao nhiêu",
 * "có bị xử phạt không". The procedure they mention is context, not the answer. Each kind has
 * triggers (every phrase of one trigger present) read in the whole story or only in the sentences that
 * ask, and `unless` phrases that cancel it; the phrases are data (knowledge/data/concerns.vi.json).
 */

const kindSchema = z.object({
  _comment: z.string().optional(),
  kind: z.enum(['complaint', 'dispute', 'entitlement', 'legal']),
  /** `story`: anywhere in the message; `ask`: in the sentences that ask (the whole message when it is one). */
  where: z.enum(['story', 'ask']),
  triggers: z.array(z.array(z.string().min(1)).min(1)).min(1),
  unless: z.array(z.string().min(1)).default([]),
});
const schema = z.object({ _comment: z.string().optional(), concerns: z.array(kindSchema) });

type Rule = z.infer<typeof kindSchema>;

export class ConcernReader {
  private readonly phrases = new AccentedPhraseTable<string>();

  constructor(private readonly rules: Rule[]) {
    for (const r of rules) for (const p of [...r.triggers.flat(), ...r.unless]) this.phrases.add(p, p);
  }

  /** Every folded word of every phrase. */
  words(): Set<string> {
    return this.phrases.words();
  }

  /** The first kind of concern the message raises (rules in file order), if any. */
  read(story: QueryToken[], ask: QueryToken[]): ConcernKind | undefined {
    const inStory = new Set(this.phrases.scanAll(story).map((h) => h.value));
    if (inStory.size === 0) return undefined;
    const inAsk = new Set(this.phrases.scanAll(ask).map((h) => h.value));
    for (const r of this.rules) {
      const present = r.where === 'story' ? inStory : inAsk;
      if (r.unless.some((p) => present.has(p))) continue;
      if (r.triggers.some((t) => t.every((p) => present.has(p)))) return r.kind;
    }
    return undefined;
  }
}

export function loadConcerns(dataDir: string): ConcernReader {
  return new ConcernReader(readDataFile(join(dataDir, 'concerns.vi.json'), schema).concerns);
}
