import type { FactSource, FactSourceKind, LegalBasis, Procedure, Provenance } from '../../src/domain/procedure.js';

/**
 * The facts of a procedure that carry provenance, one by one, so the checker, the stale report and the
 * loader's date rule walk the same list: each channel's processing time and fee, the implementing
 * agency, the document list, the conditions and each legal basis.
 */

export type FactKind = 'processingTime' | 'fee' | 'agency' | 'documents' | 'conditions' | 'legalBasis';

export interface FactRef {
  kind: FactKind;
  /** Field path in the record, as catalog issues name it: `channels[0].fee`, `legalBasis[2]`. */
  path: string;
  /** What the fact is, for reports: the fee's text, the legal document's number. */
  label: string;
  sources: FactSource[];
  checkedAt: string;
  verified: boolean;
  validFrom?: string;
  validTo?: string;
  disputed: boolean;
  /** Set for legal bases. */
  legal?: LegalBasis;
  /** The provenance object itself (absent for legal bases, which carry their fields inline). */
  provenance?: Provenance;
}

function fromProvenance(kind: FactKind, path: string, label: string, p: Provenance): FactRef {
  return {
    kind,
    path,
    label,
    sources: p.sources,
    checkedAt: p.checkedAt,
    verified: p.verified,
    ...(p.validFrom ? { validFrom: p.validFrom } : {}),
    ...(p.validTo ? { validTo: p.validTo } : {}),
    disputed: (p.disputed?.length ?? 0) > 0,
    provenance: p,
  };
}

/** Every fact of a procedure that carries provenance. */
export function procedureFacts(p: Procedure): FactRef[] {
  const facts: FactRef[] = [];
  p.channels.forEach((c, i) => {
    facts.push(fromProvenance('processingTime', `channels[${i}].processingTime`, c.processingTime.text, c.processingTime));
    facts.push(fromProvenance('fee', `channels[${i}].fee`, c.fee.text, c.fee));
  });
  facts.push(fromProvenance('agency', 'agencyFact', p.implementingAgency, p.agencyFact));
  facts.push(fromProvenance('documents', 'documentsFact', `${p.documents.length} giấy tờ`, p.documentsFact));
  if (p.conditions !== undefined && p.conditionsFact) facts.push(fromProvenance('conditions', 'conditionsFact', p.conditions, p.conditionsFact));
  p.legalBasis.forEach((l, i) => {
    facts.push({
      kind: 'legalBasis',
      path: `legalBasis[${i}]`,
      label: `${l.number} (${l.title})`,
      sources: l.sources,
      checkedAt: l.checkedAt,
      verified: l.verified,
      ...(l.effectiveFrom ? { validFrom: l.effectiveFrom } : {}),
      disputed: false,
      legal: l,
    });
  });
  return facts;
}

/**
 * The source kind a URL gets when nothing else is known (the migration's and the importer's default): a
 * procedure's own page (the national portal's dichvucong.gov.vn/thu-tuc-hanh-chinh/<id>, its older
 * detail page with ?ma_thu_tuc=, the police portal's tthc?matt=) is `procedure_record`; anything else
 * (a home page, a provincial page) is `portal_home`, which verifies nothing.
 */
export function defaultSourceKind(url: string): FactSourceKind {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^www\./, '');
    if (host === 'dichvucong.gov.vn' && /^\/thu-tuc-hanh-chinh\/[^/]+\/?$/.test(u.pathname)) return 'procedure_record';
    if (host === 'dichvucong.gov.vn' && u.searchParams.has('ma_thu_tuc')) return 'procedure_record';
    if (host === 'dichvucong.bocongan.gov.vn' && /\/tthc/.test(u.pathname) && u.searchParams.has('matt')) return 'procedure_record';
  } catch {
    // not a URL: the schema reports it
  }
  return 'portal_home';
}

/** Whether a fact's date is after `today` (ISO dates compare as strings). */
export function isFuture(date: string, today: string): boolean {
  return date > today;
}
