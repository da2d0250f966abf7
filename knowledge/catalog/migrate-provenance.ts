import { VERIFYING_SOURCE_KINDS, type FactSource } from '../../src/domain/procedure.js';
import { defaultSourceKind } from './facts.js';

/**
 * The schema-v2 migration of one procedure record (issue 13), mechanical, no fact's value changes:
 * - each fact's sources = [the record's `source.url`], of kind `procedure_record` when that URL is a
 *   procedure's own page (dichvucong.gov.vn/thu-tuc-hanh-chinh/<id>), else `portal_home`;
 * - `checkedAt` = the record's `source.asOf` (the only date the files had);
 * - `verified` keeps its old value only when the source kind can verify; a portal home page verifies
 *   nothing, so those become false;
 * - legal bases get `status: 'in_force'` when the old flag was verified AND the source can verify, else 'unknown';
 * - `documentsFact` replaces `documentsVerified`; `agencyFact` is new and had no flag, so it starts
 *   unverified: the old catalog never claimed the agency was checked.
 * Key order is kept (new keys after `verified`, `agencyFact` after `implementingAgency`, `documentsFact`
 * where `documentsVerified` was); `conditionsFact` after `conditions` (withConditionsFact). A record
 * already migrated comes back as it is.
 */

export type Json = Record<string, unknown>;

/** Copies `obj` with `extra` inserted right after key `after` (at the end when absent), dropping `drop`. */
function insertAfter(obj: Json, after: string, extra: Json, drop: string[] = []): Json {
  const out: Json = {};
  let placed = false;
  for (const [k, v] of Object.entries(obj)) {
    if (!drop.includes(k)) out[k] = v;
    if (k === after) {
      Object.assign(out, extra);
      placed = true;
    }
  }
  if (!placed) Object.assign(out, extra);
  return out;
}

/**
 * The second step (conditions, which schema v2 first left without provenance): `conditionsFact` from the
 * record's source as above, checked on its `asOf`, unverified (the old catalog never claimed them checked).
 */
function withConditionsFact(p: Json): Json {
  if (!('conditions' in p) || 'conditionsFact' in p) return p;
  const source = p.source as { url?: string; asOf: string };
  if (!source.url) throw new Error(`${String(p.id)}: no source.url to cite`);
  return insertAfter(p, 'conditions', { conditionsFact: { sources: [{ url: source.url, kind: defaultSourceKind(source.url) }], checkedAt: source.asOf, verified: false } });
}

export function migrateProcedure(p: Json): Json {
  if ('agencyFact' in p || 'documentsFact' in p) return withConditionsFact(p);
  const source = p.source as { url?: string; asOf: string };
  if (!source.url) throw new Error(`${String(p.id)}: no source.url to cite`);
  const kind = defaultSourceKind(source.url);
  const sources: FactSource[] = [{ url: source.url, kind }];
  const canVerify = VERIFYING_SOURCE_KINDS.includes(kind);
  const checkedAt = source.asOf;
  const fact = (fields: Json): Json => {
    const verified = fields.verified === true && canVerify;
    return insertAfter({ ...fields, verified }, 'verified', { sources, checkedAt });
  };
  const channels = (p.channels as Json[]).map((c) => ({
    ...c,
    processingTime: fact(c.processingTime as Json),
    fee: fact(c.fee as Json),
  }));
  const legalBasis = (p.legalBasis as Json[]).map((l) => {
    const verified = l.verified === true && canVerify;
    return insertAfter({ ...l, verified }, 'verified', { status: verified ? 'in_force' : 'unknown', sources, checkedAt });
  });
  let out: Json = { ...p, channels, legalBasis };
  out = insertAfter(out, 'implementingAgency', { agencyFact: { sources, checkedAt, verified: false } });
  const documentsFact = { sources, checkedAt, verified: p.documentsVerified === true && canVerify };
  out = insertAfter(out, 'documentsVerified', { documentsFact }, ['documentsVerified']);
  return withConditionsFact(out);
}

