import type { Agency, FollowUpTopic, Procedure } from '../domain/procedure.js';
import type { PublishedAnswer } from '../domain/publication.js';
import type { TicketKind } from '../domain/ticket.js';

/** What the citizen wants, as the brain understands one message. */
export type Intent = 'procedure' | 'greeting' | 'handoff' | 'news' | 'track' | 'feedback' | 'other';

/** What the assistant should do with a procedure question. */
export type Decision = 'answer' | 'clarify' | 'abstain';

/** A follow-up about the procedure already under discussion ("cần giấy tờ gì?", "bao lâu?"). */
export type { FollowUpTopic };

export interface Candidate {
  procedure: Procedure;
  /** Normalized confidence in [0, 1]; comparable across questions. */
  score: number;
}

export interface AskContext {
  /** The procedure the conversation is currently about, for follow-ups. */
  currentProcedureId?: string;
}

export interface AskResult {
  question: string;
  intent: Intent;
  decision: Decision;
  /** Best candidate when the intent is a procedure question and the brain did not abstain. */
  best: Candidate | null;
  /** Close alternatives to offer when clarifying (at most 3 including `best`), else runners-up. */
  alternatives: Candidate[];
  /** Set when the message asks about an aspect of the current (or named) procedure. */
  followUp?: FollowUpTopic;
}

/**
 * The answer texts the flows show (knowledge/answers), already bound to one language's copy: pure
 * functions of the brain's result or of a procedure.
 */
export interface AnswerRenderer {
  /** The reply to one question: an answer, a clarification or an honest abstention. */
  answer(result: AskResult): string;
  /** A procedure's short answer (its summary). */
  procedure(procedure: Procedure): string;
  /** One aspect of a procedure (documents, fee, time…). */
  followUp(procedure: Procedure, topic: FollowUpTopic): string;
}

/** Answers agencies published (public Q&A), the brain's second source when no procedure fits. */
export interface PublishedAnswerSource {
  find(question: string): Promise<{ entry: PublishedAnswer } | undefined>;
}

/** The knowledge brain as the core sees it: pure, synchronous and fast. */
export interface KnowledgeSearch {
  ask(question: string, context?: AskContext): AskResult;
  getProcedure(idOrCode: string): Procedure | undefined;
  listAgencies(): Agency[];
}


/** What a caller already knows about a message it asks the router to route. */
export interface RouteHints {
  /** The procedure the conversation is about; its agency wins. */
  procedureId?: string;
  /** Whether the message asks something or reports a problem (phản ánh, kiến nghị), when known. */
  kind?: TicketKind;
}

/** Why a message went to an agency: its procedure, the field classifier, or the coordinator fallback. */
export type RouteReason = 'procedure' | 'classifier' | 'coordinator';

export interface RouteDecision {
  agencyId: string;
  reason: RouteReason;
  /** The lĩnh vực the message concerns, when known. */
  field?: string;
  /**
   * In [0, 1]: 1 for a procedure hint, the brain's score when its procedure decided alone, otherwise
   * the classifier's probability for the chosen agency (for the coordinator: of its best guess).
   */
  confidence: number;
  /** Runner-up agencies (never the chosen one), best first, for the coordinator to re-route to. */
  alternatives: Array<{ agencyId: string; score: number }>;
}

/** Routes a citizen's question or feedback to the agency that should handle it: pure, synchronous, fast. */
export interface AgencyRouter {
  route(question: string, hints?: RouteHints): RouteDecision;
}
