import { createRequire } from 'node:module';
import type { Intent } from '../../src/ports/knowledge.js';

/**
 * Naive Bayes over the folded tokens (unigrams and adjacent pairs) of a message, trained from the
 * intent examples in knowledge/data/intents.vi.json and from the catalog's own names and aliases for
 * the `procedure` class. natural's BayesClassifier is fed pre-split token arrays: its default English
 * tokenizer and stemmer would mangle Vietnamese.
 */

// Deep import: natural's index pulls in storage back-ends whose dotenv prints on import.
const require = createRequire(import.meta.url);
const { BayesClassifier } = require('natural/lib/natural/classifiers/index.js') as {
  BayesClassifier: new (stemmer?: unknown, smoothing?: number) => unknown;
};

/** The Naive Bayes core natural wraps (apparatus); fed sparse observations: `{[i]: featureName}`. */
interface BayesCore {
  addExample(observation: Record<number, string>, label: string): void;
  train(): void;
  getClassifications(observation: Record<number, string>): Array<{ label: string; value: number }>;
}

interface NaturalBayes {
  classifier: BayesCore;
}

/** Features of a token sequence: the tokens and their adjacent pairs. */
export function features(tokens: string[]): string[] {
  const out = new Set(tokens);
  for (let i = 0; i + 1 < tokens.length; i++) out.add(`${tokens[i]}_${tokens[i + 1]}`);
  return [...out];
}

/**
 * natural's own `textToFeatures` turns every question into a vector over the whole vocabulary (it was
 * 5 % of the pipeline's CPU); the Bayes core also accepts sparse observations, which cost only the
 * message's own features. Features never seen in training are left out, as the dense vector does.
 */
export class IntentClassifier {
  private readonly bayes: BayesCore;
  private readonly known = new Set<string>();
  private readonly prior = new Map<string, number>();

  /** @param examples token sequences per intent (already normalized like queries are). */
  constructor(examples: Partial<Record<Intent, string[][]>>) {
    this.bayes = (new BayesClassifier() as unknown as NaturalBayes).classifier;
    let total = 0;
    for (const [label, docs] of Object.entries(examples)) {
      for (const tokens of docs) {
        const f = features(tokens);
        f.forEach((x) => this.known.add(x));
        this.bayes.addExample({ ...f }, label);
      }
      this.prior.set(label, docs.length);
      total += docs.length;
    }
    for (const [label, n] of this.prior) this.prior.set(label, n / total);
    this.bayes.train();
  }

  /**
   * Class probabilities with the training prior divided out (classes have very different numbers of
   * examples; a message's intent should not depend on that), normalized to sum to 1.
   */
  probabilities(tokens: string[]): Map<Intent, number> {
    const raw = this.bayes.getClassifications({ ...features(tokens).filter((f) => this.known.has(f)) });
    const scaled = raw.map((c) => ({ label: c.label as Intent, value: c.value / (this.prior.get(c.label) ?? 1) }));
    const sum = scaled.reduce((s, c) => s + c.value, 0);
    return new Map(scaled.map((c) => [c.label, sum > 0 ? c.value / sum : 1 / scaled.length]));
  }
}
