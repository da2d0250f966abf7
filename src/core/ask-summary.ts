import type { AskResult } from '../ports/knowledge.js';

/** The compact, stable JSON view of one brain decision, shared by the `ask` CLI and the HTTP API. */
export interface AskSummary {
  question: string;
  intent: AskResult['intent'];
  decision: AskResult['decision'];
  answered: boolean;
  /** `code`: the national procedure code, null when no source gives it yet. */
  procedure: { code: string | null; name: string } | null;
  score: number;
  alternatives: Array<{ code: string | null; name: string; score: number }>;
  followUp?: string;
  /** Calibrated probability that `procedure` (or the first alternative) is the one asked for. */
  confidence?: number;
  /** A complaint, dispute, amount or legal question about a procedure, with that procedure's code as context. */
  concern?: { kind: string; related?: { code: string | null; name: string } };
}

export function toAskSummary(result: AskResult): AskSummary {
  return {
    question: result.question,
    intent: result.intent,
    decision: result.decision,
    answered: result.decision === 'answer',
    procedure: result.best ? { code: result.best.procedure.code ?? null, name: result.best.procedure.name } : null,
    score: result.best?.score ?? 0,
    alternatives: result.alternatives
      .filter((c) => c.procedure !== result.best?.procedure)
      .map((c) => ({ code: c.procedure.code ?? null, name: c.procedure.name, score: c.score })),
    ...(result.followUp ? { followUp: result.followUp } : {}),
    ...(result.confidence !== undefined ? { confidence: result.confidence } : {}),
    ...(result.concern
      ? { concern: { kind: result.concern.kind, ...(result.concern.related ? { related: { code: result.concern.related.code ?? null, name: result.concern.related.name } } : {}) } }
      : {}),
  };
}
