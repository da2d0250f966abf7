import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConfidenceEvidence } from '../../src/ports/knowledge.js';
import { readDataFile } from '../catalog/data-file.js';

/**
 * Calibrated confidence (issue 10, item 2): the retrieval evidence for the best candidate (its
 * normalized score, its lead over the runner-up, how much of its name the message covers, whether the
 * message was a story and how long it was) turned into the probability that it is the procedure the
 * citizen needs, by a logistic model fitted on labelled questions (`npm run eval:calibrate` writes
 * knowledge/data/calibration.json). The brain answers outright only from `answerAt` (chosen for the
 * precision asked), confirms with yes/no from `confirmAt`, and routes below.
 */

const thresholdSchema = z.object({
  /** From this probability the best candidate is answered outright. */
  answerAt: z.number().min(0).max(1),
  /** From this probability (and below `answerAt`) it is confirmed with yes/no; below, the question is routed. */
  confirmAt: z.number().min(0).max(1),
});

const schema = z.object({
  _comment: z.string().optional(),
  /** When and on what the model was fitted, and the precision its threshold was chosen for. */
  fitted: z.object({ date: z.string(), sets: z.array(z.string()), examples: z.number().int(), precision: z.number() }),
  weights: z.object({ score: z.number(), margin: z.number(), coverage: z.number(), story: z.number(), words: z.number(), storyScore: z.number(), storyMargin: z.number(), storyCoverage: z.number(), accents: z.number() }),
  bias: z.number(),
  /** Thresholds for short questions and for stories, each chosen on its own kind of message. */
  thresholds: z.object({ plain: thresholdSchema, story: thresholdSchema }),
});

export type CalibrationData = z.infer<typeof schema>;

/** The features the model reads, in the order of its weights. */
export function featuresOf(e: ConfidenceEvidence): Record<keyof CalibrationData['weights'], number> {
  // A story's evidence reads differently from a short question's: its own slopes.
  const story = e.story ? 1 : 0;
  return { score: e.score, margin: e.margin, coverage: e.coverage, story, words: Math.log1p(e.words), storyScore: story * e.score, storyMargin: story * e.margin, storyCoverage: story * e.coverage, accents: e.accents };
}

export class Calibration {
  constructor(readonly data: CalibrationData) {}

  /** The thresholds for this kind of message. */
  thresholdsFor(e: ConfidenceEvidence): z.infer<typeof thresholdSchema> {
    return e.story ? this.data.thresholds.story : this.data.thresholds.plain;
  }

  /** The probability that the best candidate is right, given its evidence. */
  probability(e: ConfidenceEvidence): number {
    const x = featuresOf(e);
    const { weights, bias } = this.data;
    const z = bias + (Object.keys(weights) as Array<keyof typeof weights>).reduce((sum, k) => sum + weights[k] * x[k], 0);
    return 1 / (1 + Math.exp(-z));
  }
}

export const CALIBRATION_FILE = 'calibration.json';

/** The fitted model of the data folder, or none (before the first fit: the brain decides by score alone). */
export function loadCalibration(dataDir: string): Calibration | undefined {
  const file = join(dataDir, CALIBRATION_FILE);
  return existsSync(file) ? new Calibration(readDataFile(file, schema)) : undefined;
}

