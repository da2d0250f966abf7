/**
 * Administrative procedure (thủ tục hành chính) as the national TTHC database describes it.
 * Facts a citizen may act on (code, fee, processing time, legal basis, documents) carry their own
 * `verified` flag so an answer can say when a fact has not been checked against the official record.
 */

/** Administrative level that implements the procedure after the 1 July 2025 two-tier reform. */
export type ProcedureLevel = 'trung_uong' | 'tinh' | 'xa';

/** How a dossier can be submitted (cách thức thực hiện). */
export type SubmissionMethod = 'truc_tiep' | 'truc_tuyen' | 'buu_chinh';

/** Level of online service (Nghị định 42/2022/NĐ-CP): full online, partly online, or none. */
export type OnlineLevel = 'toan_trinh' | 'mot_phan' | 'khong';

export interface VerifiableText {
  /** Citizen-readable text, as the official record words it. */
  text: string;
  /** True only when checked against the official record or the legal text. */
  verified: boolean;
}

export interface ProcessingTime extends VerifiableText {
  /** Working days when the record states a number (0 = same day); absent when not a plain number. */
  workingDays?: number;
}

export interface Fee extends VerifiableText {
  /** Amount in VND when the fee is a single figure; 0 = free; absent when it varies. */
  amountVnd?: number;
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

export interface LegalBasis {
  /** Document number, e.g. "60/2014/QH13". */
  number: string;
  title: string;
  verified: boolean;
}

export interface ProcedureSource {
  /** Decision that published the procedure (số quyết định công bố), when known. */
  publishingDecision?: string;
  url?: string;
  /** ISO date the record was last checked. */
  asOf: string;
}

export interface Procedure {
  /** National TTHC code (mã thủ tục), e.g. "1.001193". */
  code: string;
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
  audience: string[];
  description: string;
  channels: SubmissionChannel[];
  steps: string[];
  documents: RequiredDocument[];
  documentsVerified: boolean;
  result: string;
  conditions?: string;
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
