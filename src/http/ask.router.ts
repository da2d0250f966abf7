import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { toAskSummary } from '../core/ask-summary.js';
import type { KnowledgeSearch } from '../ports/knowledge.js';

/** Longest question accepted, in characters (Unicode code points after NFC). */
export const MAX_QUESTION_LENGTH = 2000;

const askBodySchema = z.object({ question: z.string().nullish() });

/** Validates a question at the edge, so the brain only ever sees non-empty text of bounded size. */
export function parseQuestion(body: unknown): string {
  const parsed = askBodySchema.safeParse(body);
  if (!parsed.success) {
    throw new AppError('HTTP.BAD_REQUEST', 'Body must be a JSON object with a string field "question"');
  }
  const question = (parsed.data.question ?? '').trim();
  if (question.length === 0) throw new AppError('KNOWLEDGE.QUESTION_EMPTY', 'Question is empty');
  const length = [...question.normalize('NFC')].length;
  if (length > MAX_QUESTION_LENGTH) {
    throw new AppError('KNOWLEDGE.QUESTION_TOO_LONG', `Question is longer than ${MAX_QUESTION_LENGTH} characters`, {
      details: { length, max: MAX_QUESTION_LENGTH },
    });
  }
  return question;
}

/**
 * POST /ask: one question in, the brain's decision out as the shared AskSummary JSON (the same shape
 * as `npm run ask -- --jsonl`), used by the demo page and, later, the widget.
 */
export function createAskRouter(deps: { knowledge: KnowledgeSearch }): Router {
  const router = Router();
  router.post('/ask', (req, res) => {
    const question = parseQuestion(req.body);
    res.set('Cache-Control', 'no-store').json(toAskSummary(deps.knowledge.ask(question)));
  });
  return router;
}
