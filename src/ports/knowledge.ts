import type { Locale } from '../domain/locale.js';
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
  /**
   * The procedures the last clarification offered (ids, in the order shown): a reply that names or
   * describes one of them ("cái thứ hai", "cấp lại do bị mất") picks it.
   */
  options?: string[];
}

/**
 * Small talk and repair: short messages that are not a request and must never open a ticket or an
 * operator request by themselves. `negation` is "không phải / sai rồi / cái khác"; `confused` is
 * "chưa hiểu"; `insult` covers insults and remarks about the bot; `gibberish` is text with no known word.
 */
export type SmallTalk = 'thanks' | 'ok' | 'goodbye' | 'negation' | 'confused' | 'insult' | 'gibberish' | 'laugh';

/**
 * A matter outside the catalog that citizens often ask (divorce, inheritance disputes, labour or land
 * disputes, police reports): data in knowledge/data/outside.vi.json, pointing to the competent body.
 */
export interface OutsideMatter {
  id: string;
  /** What the matter is, as a citizen reads it ("Ly hôn"). */
  name: string;
  /** The competent body ("Tòa án nhân dân khu vực"). */
  body: string;
  /** One or two sentences: where to go and what to bring, honestly hedged. */
  guidance: string;
  /** Where the guidance comes from (a law or an official page). */
  source?: { title: string; url?: string };
}

/**
 * One office of the directory (knowledge/data/places.vi.json, demo data): a commune's UBND, police or
 * one-stop desk, or a provincial body. What a contact answer shows; every field but `id` and `name`
 * may be missing.
 */
export interface DirectoryEntry {
  /** Stable id ("phuong-tan-an/ubnd", or the agency id for a provincial body). */
  id: string;
  /** The office as citizens know it ("UBND phường Tân An"). */
  name: string;
  address?: string;
  phone?: string;
  email?: string;
  website?: string;
  /** Opening hours as written ("Thứ Hai đến Thứ Sáu, sáng 7:30–11:30…"). */
  hours?: string;
  /** The entry is illustrative (demo data), not a real office's details. */
  demo?: boolean;
}

/** An agency (or a commune's office) named in the message: "UBND phường Tân An", "công an xã Bình Minh". */
export interface PlaceMention {
  /** The agency of agencies.json it resolves to (routing and tickets use it), when there is one. */
  agencyId?: string;
  /** The words the citizen wrote, tidied ("phường Tân An"). */
  text: string;
  /** The directory entry of the office named (the commune's own office when a commune is named). */
  entry?: DirectoryEntry;
}

/**
 * What a message asks about a procedure that the procedure itself does not answer (issue 10): a
 * complaint (a benefit not paid, a file not handled), a dispute between people (heirs, neighbours,
 * co-owners), an entitlement or amount ("how much will I get", "am I entitled"), or a legal judgement
 * (a fine, "is this legal", "is it compulsory"). Complaints take the feedback path; the others get a
 * reply saying who decides them, with the offer to send them to the agency. The procedure is named
 * only as context.
 */
export type ConcernKind = 'complaint' | 'dispute' | 'entitlement' | 'legal';

export interface Concern {
  kind: ConcernKind;
  /** The procedure the matter is about, shown only as context ("Thủ tục liên quan: …"). */
  related?: Procedure;
}

/** What the brain's confidence in its best candidate is computed from (knowledge/brain/calibration.ts). */
export interface ConfidenceEvidence {
  /** The best candidate's normalized retrieval score. */
  score: number;
  /** Its lead over the runner-up (the score itself when there is none). */
  margin: number;
  /** Idf-weighted share of its name the message contains. */
  coverage: number;
  /** Whether the message was read as a story (context sentences besides the question). */
  story: boolean;
  /** Syllables in the message. */
  words: number;
  /** Share of its syllables typed with Vietnamese marks (unaccented messages score lower for the same certainty). */
  accents: number;
}

/** A matter a person should take at once: an emergency, or a denunciation (tố cáo). */
export type SensitiveMatter = 'emergency' | 'denunciation';

export interface AskResult {
  question: string;
  intent: Intent;
  decision: Decision;
  /** Best candidate when the intent is a procedure question and the brain did not abstain. */
  best: Candidate | null;
  /** Close alternatives to offer when clarifying (at most 3 including `best`), else runners-up. */
  alternatives: Candidate[];
  /**
   * Set when the message asks about an aspect of the current (or named) procedure. With intent `other`
   * and no procedure, `contact` asks for an office's details: `place` when one is named ("số điện thoại
   * UBND phường Tân An", "công an xã"), else the assistant's own contacts ("liên hệ ai", "hotline").
   */
  followUp?: FollowUpTopic;
  /** The language the message is written in (Khmer script, English, or Vietnamese with or without accents). */
  language: Locale;
  /** Small talk or repair (intent `other`, or `greeting` for a goodbye-like greeting): never a request. */
  smallTalk?: SmallTalk;
  /** A matter outside the catalog (intent `other`): point to the competent body, offer to send the question on. */
  outside?: OutsideMatter;
  /** A commune, ward or agency the citizen named: answers and tickets use it. */
  place?: PlaceMention;
  /** A second procedure named in the same message ("đăng ký khai sinh và thường trú"): both are answered. */
  also?: Candidate;
  /**
   * The citizen wishes to send a question to an agency ("tôi muốn gửi câu hỏi cho cơ quan"): not a
   * lookup of their tickets and not a request for a person. With intent `other` when no procedure is
   * named; the flows offer the ask-an-agency dialog.
   */
  wantsAgency?: boolean;
  /**
   * A complaint, dispute, entitlement or legal judgement about a procedure (decision `abstain`, no
   * `best`): intent `feedback` for a complaint, `other` for the rest.
   */
  concern?: Concern;
  /** An emergency or a denunciation anywhere in the message (knowledge/brain/sensitive.ts): a hotline operator is brought in when one can be reached. */
  sensitive?: SensitiveMatter;
  /**
   * The probability that `best` is the procedure the citizen needs, calibrated on real questions
   * (knowledge/brain/calibration.ts): `answer` only above the precision threshold, a yes/no
   * confirmation in between, routing below.
   */
  confidence?: number;
  /** What `confidence` was computed from (evaluation and calibration read it). */
  evidence?: ConfidenceEvidence;
}

/**
 * The answer texts the flows show (knowledge/answers), already bound to one language's copy: pure
 * functions of the brain's result or of a procedure.
 */
export interface AnswerRenderer {
  /** The reply to one question: an answer, a clarification or an honest abstention. */
  answer(result: AskResult): string;
  /**
   * A procedure's short answer (its summary). `place`: the commune the citizen named ("phường Tân An"),
   * so a commune-level agency is named as the citizen knows it ("UBND phường Tân An").
   */
  procedure(procedure: Procedure, place?: string): string;
  /** One aspect of a procedure (documents, fee, time, forms, contact…); `place` as for `procedure`. */
  /** `question`: the citizen's words, when known (a fee exemption for a group they name comes first). */
  followUp(procedure: Procedure, topic: FollowUpTopic, place?: string, question?: string): string;
  /**
   * An agency's directory entry (name, address, phone, e-mail, website, hours when known); a
   * commune-level body is named at `place` when the citizen named a commune.
   */
  contact(agency: Agency, place?: string): string;
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
