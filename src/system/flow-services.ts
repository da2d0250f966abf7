import { createAnswerRenderer } from '../../knowledge/answers/answer.js';
import { createFlowServices, type FlowServicesDeps } from '../core/flow-services.js';
import type { Copy } from '../domain/copy/types.js';
import { isoVietnamDate } from '../domain/dates.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { FlowServices } from '../ports/flow-services.js';
import type { AnswerRenderer, KnowledgeSearch } from '../ports/knowledge.js';
import { memoryLimiters } from './coordination.js';

/**
 * The answer texts of knowledge/answers bound to one language's copy, when given the agency directory
 * (the `contact` follow-up), and the clock's day in Vietnam (the day a fee's amount in force and a fact's
 * validity are judged on) (ports/knowledge AnswerRenderer).
 */
export function answerRenderer(copy: Copy, knowledge?: Pick<KnowledgeSearch, 'listAgencies'>, clock: Clock = systemClock): AnswerRenderer {
  const agencies = knowledge ? new Map(knowledge.listAgencies().map((a) => [a.id, a])) : undefined;
  return createAnswerRenderer(copy.answers, agencies ? (id) => agencies.get(id) : undefined, () => isoVietnamDate(clock.now()));
}

/**
 * The flows' services (core/flow-services.ts) with the answer texts of knowledge/answers in the copy's
 * language, and the system's limiters (in-memory ones of these services alone when none are given).
 */
export function buildFlowServices(deps: Omit<FlowServicesDeps, 'render' | 'limiters'> & { limiters?: FlowServicesDeps['limiters'] }): FlowServices {
  return createFlowServices({ ...deps, render: answerRenderer(deps.copy, deps.knowledge, deps.clock), limiters: deps.limiters ?? memoryLimiters(deps.clock) });
}
