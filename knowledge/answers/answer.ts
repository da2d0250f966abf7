import type { AnswerCopy } from '../../src/domain/copy/types.js';
import type { AskResult } from '../../src/ports/knowledge.js';
import { renderFollowUp, renderProcedureAnswer } from './render.js';

/** Renders a brain decision as the text a citizen reads (clarify and abstain included). */
export function renderAnswer(result: AskResult, copy: AnswerCopy): string {
  if (result.intent !== 'procedure') return copy.intentNames[result.intent];
  if (result.decision === 'abstain' || !result.best) return copy.abstain;
  if (result.decision === 'clarify') {
    const options = result.alternatives.length > 0 ? result.alternatives : [result.best];
    if (options.length === 1) return copy.confirmQuestion(options[0]!.procedure.name);
    return [copy.clarifyQuestion, ...options.map((c, i) => `${i + 1}. ${c.procedure.name}`)].join('\n');
  }
  return result.followUp ? renderFollowUp(result.best.procedure, result.followUp, copy) : renderProcedureAnswer(result.best.procedure, copy);
}
