import { renderAnswer } from '../../knowledge/answers/answer.js';
import { renderFollowUp, renderProcedureAnswer } from '../../knowledge/answers/render.js';
import { createFlowServices, type FlowServicesDeps } from '../core/flow-services.js';
import type { Copy } from '../domain/copy/types.js';
import type { FlowServices } from '../ports/flow-services.js';
import type { AnswerRenderer } from '../ports/knowledge.js';
import { memoryLimiters } from './coordination.js';

/** The answer texts of knowledge/answers bound to one language's copy (ports/knowledge AnswerRenderer). */
export function answerRenderer(copy: Copy): AnswerRenderer {
  return {
    answer: (result) => renderAnswer(result, copy.answers),
    procedure: (p) => renderProcedureAnswer(p, copy.answers),
    followUp: (p, topic) => renderFollowUp(p, topic, copy.answers),
  };
}

/**
 * The flows' services (core/flow-services.ts) with the answer texts of knowledge/answers in the copy's
 * language, and the system's limiters (in-memory ones of these services alone when none are given).
 */
export function buildFlowServices(deps: Omit<FlowServicesDeps, 'render' | 'limiters'> & { limiters?: FlowServicesDeps['limiters'] }): FlowServices {
  return createFlowServices({ ...deps, render: answerRenderer(deps.copy), limiters: deps.limiters ?? memoryLimiters(deps.clock) });
}
