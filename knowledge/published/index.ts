import type { PublishedAnswer } from '../../src/domain/publication.js';
import type { Brain } from '../brain/brain.js';
import { buildTermIndex, DEFAULT_INDEX_PARAMS, type TermIndex } from '../brain/inverted-index.js';
import { retrieve } from '../brain/retrieve.js';

/**
 * Approved public answers (issue 4) as a second knowledge source: a tiny index over the published
 * questions, scored by the brain's own BM25F and normalization (retrieve), so a score here means the
 * same as the brain's. Questions are indexed as names (the text citizens paraphrase), the answers as
 * body text with a small weight. Rebuilt whole on every change: the list is small.
 */

export interface PublishedMatch {
  entry: PublishedAnswer;
  /** Normalized score in [0, 1], as the brain's. */
  score: number;
}

/**
 * Lowest score that reuses a published answer. Picked on the labelled examples in
 * tests/unit/published-index.test.ts: paraphrases of a published question score ≈0.7–0.8, questions
 * on another topic that share a word or two ≤ 0.4.
 */
export const PUBLISHED_ANSWER_THRESHOLD = 0.5;

/** Published text with the redaction placeholders ("[họ tên]", "[số điện thoại]") left out: they are not the citizen's words. */
function withoutPlaceholders(text: string): string {
  return text.replace(/\[[^\]\n]{1,40}\]/g, ' ');
}

export class PublishedIndex {
  private entries: PublishedAnswer[] = [];
  private index: TermIndex = buildTermIndex([]);

  constructor(private readonly brain: Pick<Brain, 'analyze' | 'stopwords' | 'params'>) {}

  /** Replaces the indexed entries. */
  load(entries: PublishedAnswer[]): void {
    this.entries = [...entries];
    this.index = buildTermIndex(
      this.entries.map((e) => {
        const question = withoutPlaceholders(e.question);
        return { name: question, segments: { name: [question], aliases: [], meta: e.field ? [e.field] : [], body: [withoutPlaceholders(e.answer)] } };
      }),
      DEFAULT_INDEX_PARAMS,
    );
  }

  get size(): number {
    return this.entries.length;
  }

  /** The best published answer for a question, with its score; undefined when nothing matches. */
  best(question: string): PublishedMatch | undefined {
    if (this.entries.length === 0) return undefined;
    const ranked = retrieve(this.index, this.brain.analyze(question), this.brain.stopwords, this.brain.params.retrieval, 1);
    const top = ranked[0];
    return top ? { entry: this.entries[top.doc]!, score: top.score } : undefined;
  }

  /** The best match at or above the threshold. */
  find(question: string, threshold = PUBLISHED_ANSWER_THRESHOLD): PublishedMatch | undefined {
    const match = this.best(question);
    return match && match.score >= threshold ? match : undefined;
  }
}
