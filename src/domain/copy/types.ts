import type { OnlineLevel, SubmissionMethod } from '../procedure.js';

/** Intents the brain distinguishes (mirrors ports/knowledge Intent; domain cannot import ports). */
export type IntentName = 'procedure' | 'greeting' | 'handoff' | 'news' | 'track' | 'feedback' | 'other';

/**
 * Everything a citizen reads from the answering brain, as one typed object per language, so that
 * English and Khmer can be added as siblings of vi.ts without touching code.
 */
export interface AnswerCopy {
  methods: Record<SubmissionMethod, string>;
  onlineLevels: Record<OnlineLevel, string>;
  codeLabel: (code: string) => string;
  labels: {
    place: string;
    methods: string;
    time: string;
    fee: string;
    online: string;
    documents: string;
    steps: string;
    result: string;
    legal: string;
    conditions: string;
    audience: string;
  };
  /** Appended to a fact that has not been checked against the official record. */
  unverified: string;
  /** Said once under an answer that contains unverified facts. */
  unverifiedNote: string;
  moreDocuments: (n: number) => string;
  moreSteps: (n: number) => string;
  followUpHint: string;
  sourceLine: (asOf: string) => string;
  clarifyQuestion: string;
  confirmQuestion: (name: string) => string;
  abstain: string;
  noCurrentProcedure: string;
  /** How the command-line tool names an intent that is not a procedure question. */
  intentNames: Record<IntentName, string>;
}

export interface Copy {
  locale: string;
  answers: AnswerCopy;
}
