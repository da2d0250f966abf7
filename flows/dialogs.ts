import type { Locale } from '../src/domain/locale.js';
import type { BotWorker } from 'botkit';
import type { Copy } from '../src/domain/copy/types.js';
import type { FlowServices } from '../src/ports/flow-services.js';
import type { QuickReply } from './buttons.js';
import type { FollowUpTopic } from '../src/ports/flow-services.js';

/**
 * What the flows share without importing each other: the dialogs' ids and variables, what a dialog
 * knew when it handed a message back to the router, and the kit every `*.flow.ts` registers with.
 */

export const PROCEDURE_DIALOG = 'procedure';
export const REQUEST_DIALOG = 'request';
export const REOPEN_DIALOG = 'reopen';
export const TRACK_PROOF_DIALOG = 'track-proof';

/** What the dialog that handed a message over knew. */
export interface RouteContext {
  /** The procedure under discussion. */
  procedureId?: string;
  /** The procedures the last clarification offered. */
  options?: string[];
  /** A question not answered yet (a clarification, then "none of these"): sent on if the citizen chooses to. */
  question?: string;
  /** The aspect the question asked about (documents, place…), answered once a clarification is settled. */
  topic?: FollowUpTopic;
}

/** Leaves the current dialog and routes the message afresh, with what the dialog knew. */
export type Reroute = (bot: BotWorker, text: string, context?: RouteContext) => Promise<void>;

export interface FlowKit {
  services: FlowServices;
  copy: Copy;
  reroute: Reroute;
}

/**
 * The procedure dialog: the topic under discussion. `say`, `buttons`, `link` and `meta` (JSON, see
 * replies.ts metaJson) are its next prompt; an empty `say` sends nothing (the reply was said already).
 */
export interface ProcedureVars extends RouteContext {
  say: string;
  buttons: QuickReply[] | null;
  link: { title: string; url: string } | null;
  meta: string;
}

export interface RequestVars {
  conversationId: string;
  question: string;
  /** Why the dialog started: no answer found, a published answer, a problem reported, or the citizen's choice of an agency. */
  reason: 'unanswered' | 'published' | 'feedback' | 'agency';
  /** For `published`: an agency's published answer to a similar question, shown with the offer. */
  published?: string;
  /** The citizen's consent to publish question and answer without personal data. */
  publish?: boolean;
  /**
   * Feedback only: a complaint about how a procedure was handled (the brain's `concern`): the offer
   * acknowledges it and names `procedureId` as context (without one, the usual feedback offer); what
   * the citizen wrote is the question, whole.
   */
  complaint?: boolean;
  /** Feedback only: where the problem is. */
  place?: string;
  /** The optional name the agency may address the citizen by. */
  name?: string;
  /** The procedure under discussion when the citizen asked for an agency, or the one a complaint is about. */
  procedureId?: string;
  /** The first prompt's meta (JSON, replies.ts metaJson). */
  meta?: string;
  /** The conversation's language when the dialog began: the consent prompt and the confirmation use it. */
  locale?: Locale;
}

export interface ReopenVars {
  conversationId: string;
  code: string;
}

export interface TrackProofVars {
  conversationId: string;
  /** The code the citizen typed, in canonical form. */
  code: string;
}
