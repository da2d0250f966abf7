import type { Agency, Procedure } from '../domain/procedure.js';

/** What the citizen wants, as the brain understands one message. */
export type Intent = 'procedure' | 'greeting' | 'handoff' | 'news' | 'track' | 'feedback' | 'other';

/** What the assistant should do with a procedure question. */
export type Decision = 'answer' | 'clarify' | 'abstain';

/** A follow-up about the procedure already under discussion ("cần giấy tờ gì?", "bao lâu?"). */
export type FollowUpTopic = 'documents' | 'fee' | 'time' | 'place' | 'legal' | 'online' | 'steps' | 'result' | 'conditions';

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

/** The knowledge brain as the core sees it: pure, synchronous and fast. */
export interface KnowledgeSearch {
  ask(question: string, context?: AskContext): AskResult;
  getProcedure(idOrCode: string): Procedure | undefined;
  listAgencies(): Agency[];
}
