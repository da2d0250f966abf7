import type { Copy } from '../domain/copy/types.js';
import type { Procedure } from '../domain/procedure.js';
import type { AskContext, AskResult, FollowUpTopic } from './knowledge.js';

/**
 * The one interface conversation flows reach the world through (style.md §3.4): the brain, rendered
 * answers, and recording requests. Flows never see the store, the queues or a platform.
 */
export interface FlowServices {
  copy: Copy;
  ask(question: string, context?: AskContext): AskResult;
  getProcedure(id: string): Procedure | undefined;
  /** The citizen-facing text for a brain decision (answer, clarify, abstain). */
  answerText(result: AskResult): string;
  /** The short answer about one procedure. */
  procedureText(procedureId: string): string;
  followUpText(procedureId: string, topic: FollowUpTopic): string;
  /** The procedure's online service as a link, when it has one. */
  procedureLink(procedureId: string): { title: string; url: string } | undefined;
  /** Records that the citizen wants an agency or an operator; returns a short reference. */
  recordRequest(input: { conversationId: string; kind: 'agency' | 'operator'; question: string; procedureId?: string }): Promise<string>;
}

export type { AskResult, FollowUpTopic } from './knowledge.js';
