import { createInterface } from 'node:readline';
import { isoVietnamDate } from '../domain/dates.js';
import { vi } from '../domain/copy/vi.js';
import { renderAnswer } from '../../knowledge/answers/answer.js';
import { loadBrain } from '../../knowledge/brain/index.js';
import { toAskSummary } from '../core/ask-summary.js';

/**
 * `npm run ask -- --jsonl`: one question per stdin line, one JSON object per stdout line (nothing else on
 * stdout; its keys are fixed: the API's view without decision, follow-up, confidence and concern). `npm run ask -- "câu hỏi"`: prints the answer the citizen would read.
 */
const args = process.argv.slice(2);
const brain = loadBrain();

if (args.includes('--jsonl')) {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const question = line.trim();
    if (!question) continue;
    const { decision: _decision, followUp: _followUp, confidence: _confidence, concern: _concern, ...summary } = toAskSummary(brain.ask(question));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
} else {
  const question = args.filter((a) => !a.startsWith('--')).join(' ').trim();
  if (!question) {
    process.stderr.write('usage: npm run ask -- "câu hỏi"   |   npm run ask -- --jsonl < questions.txt\n');
    process.exit(2);
  }
  const result = brain.ask(question);
  process.stdout.write(`${renderAnswer(result, vi.answers, undefined, isoVietnamDate(new Date()))}\n`);
  if (args.includes('--debug')) process.stderr.write(`${JSON.stringify(toAskSummary(result), null, 2)}\n`);
}
