/**
 * Administrative procedure (thủ tục hành chính) as the national TTHC database describes it.
 * Facts a citizen may act on (fee, processing time, agency, documents, legal basis) carry their provenance
 * (sources, check date, validity, `verified`) so an answer can say when a fact has not been checked against
 * the official record, when it was checked, and stop stating a fact once its validity has ended. The code
 * keeps its own `codeVerified` flag.
 */

/** Administrative level that implements the procedure after the 1 July 2025 two-tier reform. */
export type ProcedureLevel = 'trung_uong' | 'tinh' | 'xa';

/** How a dossier can be submitted (cách thức thực hiện). */
export type SubmissionMethod = 'truc_tiep' | 'truc_tuyen' | 'buu_chinh';

/** Level of online service (Nghị định 42/2022/NĐ-CP): full online, partly online, or none. */
export type OnlineLevel = 'toan_trinh' | 'mot_phan' | 'khong';

/**
 * What kind of page or text a fact was checked against. Only the procedure's own record (its page on the
 * national or the police public-service portal), the decision publishing the procedure and the legal text
 * can make a fact `verified`; a provincial portal, a portal's home page or a secondary source (news, law
 * firms) cannot: a portal home page verifies nothing.
 */
export type FactSourceKind = 'procedure_record' | 'decision' | 'law' | 'provincial_portal' | 'portal_home' | 'secondary';

/** The source kinds that can make a fact `verified`. */
export const VERIFYING_SOURCE_KINDS: readonly FactSourceKind[] = ['procedure_record', 'decision', 'law'];

export interface FactSource {
  /** http(s) address of the source. */
  url: string;
  kind: FactSourceKind;
  title?: string;
  /** ISO date the source itself states (publication, update), when it states one. */
  date?: string;
}

/** Another value a source gives for the same fact; the answer shows it beside ours, with its sources' dates. */
export interface DisputedValue {
  text: string;
  sources: FactSource[];
}

/**
 * Where a fact comes from, when it was checked and while it holds. Every fee, processing time, agency,
 * document list and legal basis carries one; `npm run catalog:stale` reads them.
 */
export interface Provenance {
  /** At least one. */
  sources: FactSource[];
  /** ISO date the fact was checked against its sources (not the date the file was edited). */
  checkedAt: string;
  /** ISO dates, inclusive: the fact holds from `validFrom` through `validTo`. */
  validFrom?: string;
  validTo?: string;
  /** True only when one of `sources` is the procedure's own record, its publishing decision or the law. */
  verified: boolean;
  /** Other values sources give for this fact. */
  disputed?: DisputedValue[];
  /** What is not known about the fact, in Vietnamese, shown to the citizen. */
  unknown?: string;
}

/** A fact worded for citizens, with its provenance. */
export type VerifiableText = Provenance & {
  /** Citizen-readable text, as the official record words it. */
  text: string;
};

export interface ProcessingTime extends VerifiableText {
  /** Working days when the record states a number (0 = same day); absent when not a plain number. */
  workingDays?: number;
}

/** One time-bounded amount of a fee ("25.000 đồng từ 01/07/2025 đến 31/12/2026"); entries never overlap. */
export interface FeeScheduleEntry {
  text: string;
  amountVnd?: number;
  /** ISO dates, inclusive; an open end is unbounded. */
  validFrom?: string;
  validTo?: string;
}

/** Who pays nothing or less ("người cao tuổi", "trẻ em dưới 6 tuổi"), with the text that says so. */
export interface FeeExemption {
  /** The group as citizens name it: "người cao tuổi". */
  group: string;
  /** What applies to them: "Miễn lệ phí cấp đổi, cấp lại thẻ căn cước". */
  text: string;
  sources: FactSource[];
}

export interface Fee extends VerifiableText {
  /** Amount in VND when the fee is a single figure; 0 = free; absent when it varies. */
  amountVnd?: number;
  /** Time-bounded amounts: the answer picks the one in force on the day asked. */
  schedule?: FeeScheduleEntry[];
  exemptions?: FeeExemption[];
}

export interface SubmissionChannel {
  method: SubmissionMethod;
  processingTime: ProcessingTime;
  fee: Fee;
  description?: string;
}

export interface RequiredDocument {
  name: string;
  /** e.g. "01 bản chính", "01 bản sao". */
  copies?: string;
  note?: string;
  /** Case group ("Trường hợp …") when the record groups documents by case. */
  caseGroup?: string;
}

/** Whether a legal document applies: `amended` still applies as amended; `pending` is not yet in force. */
export type LegalStatus = 'in_force' | 'amended' | 'expired' | 'pending' | 'unknown';

export interface LegalBasis {
  /** Document number, e.g. "60/2014/QH13". */
  number: string;
  title: string;
  /** True only when a source of kind procedure_record, decision or law confirms it. */
  verified: boolean;
  status: LegalStatus;
  /** ISO date it took effect. */
  effectiveFrom?: string;
  /** ISO date of the first day it no longer applies (NĐ 120/2025: 2027-03-01). */
  expiresOn?: string;
  sources: FactSource[];
  /** ISO date the entry was checked against its sources. */
  checkedAt: string;
}

/** The record's edit metadata: the publishing decision, the record's main address and when it was edited. */
export interface ProcedureSource {
  /** Decision that published the procedure (số quyết định công bố), when known. */
  publishingDecision?: string;
  url?: string;
  /**
   * ISO date the record was last edited: NOT the date its facts were checked (each fact's
   * `checkedAt` says that, and answers show those).
   */
  asOf: string;
}

export interface Procedure {
  /**
   * National TTHC code (mã thủ tục), e.g. "1.001193"; absent when no source gives it (a procedure added for
   * what citizens ask before its code could be confirmed: never a made-up one).
   */
  code?: string;
  codeVerified: boolean;
  /** Stable slug used by tests, links and routing tables. */
  id: string;
  name: string;
  /** Lĩnh vực, e.g. "Hộ tịch". */
  field: string;
  level: ProcedureLevel;
  /** Id in the agency directory of the agency that implements it. */
  agencyId: string;
  /** Implementing agency as citizens should read it, e.g. "Ủy ban nhân dân cấp xã". */
  implementingAgency: string;
  /** Provenance of `implementingAgency`. */
  agencyFact: Provenance;
  audience: string[];
  description: string;
  channels: SubmissionChannel[];
  steps: string[];
  documents: RequiredDocument[];
  /** Provenance of `documents` (as a list). */
  documentsFact: Provenance;
  result: string;
  conditions?: string;
  /** Provenance of `conditions`, present exactly when they are. */
  conditionsFact?: Provenance;
  legalBasis: LegalBasis[];
  onlineLevel: OnlineLevel;
  onlineUrl?: string;
  /** Citizen-language names: colloquial, old names, abbreviations, typical questions. */
  aliases: string[];
  keywords: string[];
  source: ProcedureSource;
}

export interface AgencyContact {
  address?: string;
  phone?: string;
  email?: string;
  website?: string;
  /** Opening hours as the agency words them ("Sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu"). */
  hours?: string;
}

export interface Agency {
  id: string;
  name: string;
  shortName?: string;
  /** 'tinh' for provincial departments, 'xa' for commune-level bodies, 'desk' for the coordinator desk. */
  level: 'tinh' | 'xa' | 'trung_uong' | 'desk';
  /** Fields (lĩnh vực) this agency answers for; used by routing. */
  fields: string[];
  contacts: AgencyContact;
  /** The agency's routing keywords beyond its fields. */
  keywords?: string[];
}

/** The aspects of a procedure a citizen asks about after its summary (follow-up buttons and questions). */
/** One aspect of a procedure a follow-up asks about; `contact` is who to call or visit (the agency's directory entry). */
export type FollowUpTopic = 'documents' | 'fee' | 'time' | 'place' | 'legal' | 'online' | 'steps' | 'result' | 'conditions' | 'forms' | 'contact';
