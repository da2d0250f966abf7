import { createRequire } from 'node:module';

/**
 * natural's Naive Bayes over sparse feature observations (as knowledge/brain/intent-classifier.ts uses
 * it), with two changes routing needs:
 *
 * - Balanced classes. natural estimates P(feature | class) as count / (examples in class + 1), so a
 *   class with few examples (one procedure, a dozen keywords) pays far less for a feature it never saw
 *   than a class with hundreds (the commune People's Committee). Every class is therefore trained on
 *   exactly `buckets` examples: its texts are dealt round-robin into the buckets (or cycled, when it
 *   has fewer texts than buckets), and each bucket is one observation of the union of its features.
 * - Log space. natural returns exp(Σ log p), which underflows on long messages; the log-likelihoods
 *   are read from the trained counts instead (the same numbers natural multiplies).
 */

// Deep import: natural's index pulls in storage back-ends whose dotenv prints on import.
const require = createRequire(import.meta.url);
const { BayesClassifier } = require('natural/lib/natural/classifiers/index.js') as {
  BayesClassifier: new (stemmer?: unknown, smoothing?: number) => unknown;
};

/** The Naive Bayes core natural wraps (apparatus), fed sparse observations `{[i]: featureName}`. */
interface BayesCore {
  addExample(observation: Record<number, string>, label: string): void;
  train(): void;
  /** Per class: feature → smoothed count (set by addExample). */
  classFeatures: Record<string, Record<string, number>>;
  smoothing: number;
}

export class BalancedBayes<L extends string = string> {
  readonly labels: L[];
  private readonly bayes: BayesCore;
  private readonly known = new Set<string>();

  /** @param examples feature sets per class; @param buckets observations per class. */
  constructor(examples: Map<L, string[][]>, buckets: number) {
    this.bayes = (new BayesClassifier() as unknown as { classifier: BayesCore }).classifier;
    this.labels = [];
    for (const [label, texts] of examples) {
      if (texts.length === 0) continue;
      this.labels.push(label);
      const bins: Array<Set<string>> = Array.from({ length: buckets }, () => new Set());
      const rounds = Math.max(texts.length, buckets);
      for (let k = 0; k < rounds; k++) for (const f of texts[k % texts.length]!) bins[k % buckets]!.add(f);
      for (const bin of bins) {
        bin.forEach((f) => this.known.add(f));
        this.bayes.addExample({ ...[...bin] }, label);
      }
    }
    this.bayes.train();
  }

  /** Whether any class saw this feature in training. */
  knows(feature: string): boolean {
    return this.known.has(feature);
  }

  /**
   * log P(features | class) for each class, over the features some class knows (a feature no class
   * saw costs every class the same and is left out), relative to a class that saw none of them: 0
   * means no evidence for the class, positive values are evidence for it. `cap` bounds one feature's
   * contribution.
   */
  logLikelihoods(features: string[], labels: readonly L[] = this.labels, cap = Infinity): Map<L, number> {
    const seen = features.filter((f) => this.known.has(f));
    const out = new Map<L, number>();
    // Every class has the same number of observations, so count / smoothing is the likelihood ratio.
    const { classFeatures, smoothing } = this.bayes;
    for (const label of labels) {
      const counts = classFeatures[label];
      if (!counts) continue;
      let ll = 0;
      for (const f of seen) ll += Math.min(cap, Math.log((counts[f] ?? smoothing) / smoothing));
      out.set(label, ll);
    }
    return out;
  }

  /** How many of these features some class knows. */
  knownCount(features: string[]): number {
    let n = 0;
    for (const f of features) if (this.known.has(f)) n++;
    return n;
  }
}
