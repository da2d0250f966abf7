import type { Procedure } from '../../src/domain/procedure.js';
import { procedureFacts } from './facts.js';

/**
 * Freshness of the catalog's facts on a given day (`npm run catalog:stale`): facts checked longer ago
 * than the window, validity or scheduled amounts ending within it, legal bases expiring within it, and
 * the errors: a fact already past its validity (or a fee whose schedule has ended), a legal basis still
 * marked in force past its expiry. Pure: the day comes from the caller.
 */

export type FindingKind = 'expired' | 'legal_expired' | 'ending' | 'legal_expiring' | 'stale';

export interface StaleFinding {
  kind: FindingKind;
  /** Field path in the record: `channels[0].fee`, `channels[0].fee.schedule[1]`, `legalBasis[2]`. */
  path: string;
  /** The date the finding is about (validTo, expiresOn, checkedAt). */
  date: string;
  label: string;
  /** True for the findings that fail the command. */
  error: boolean;
}

export interface StaleReport {
  today: string;
  days: number;
  byProcedure: { procedure: Pick<Procedure, 'id' | 'name'>; findings: StaleFinding[] }[];
  counts: Record<FindingKind, number>;
  errors: number;
}

/** ISO date plus `n` days (negative: minus). */
export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (ISO dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function findings(p: Procedure, today: string, days: number): StaleFinding[] {
  const horizon = addDays(today, days);
  const oldest = addDays(today, -days);
  const out: StaleFinding[] = [];
  for (const f of procedureFacts(p)) {
    const label = f.label.length > 80 ? `${f.label.slice(0, 77)}…` : f.label;
    if (f.legal) {
      const { expiresOn, status } = f.legal;
      if (expiresOn && expiresOn <= today && status !== 'expired') {
        const error = status === 'in_force';
        out.push({ kind: 'legal_expired', path: f.path, date: expiresOn, label: `${label} [${status}]`, error });
      } else if (expiresOn && expiresOn > today && expiresOn <= horizon) {
        out.push({ kind: 'legal_expiring', path: f.path, date: expiresOn, label, error: false });
      }
    } else if (f.validTo && f.validTo < today) {
      out.push({ kind: 'expired', path: f.path, date: f.validTo, label, error: true });
    } else if (f.validTo && f.validTo <= horizon) {
      out.push({ kind: 'ending', path: f.path, date: f.validTo, label, error: false });
    }
    const schedule = f.kind === 'fee' ? (f.provenance as { schedule?: { text: string; validFrom?: string; validTo?: string }[] }).schedule : undefined;
    if (schedule && !(f.validTo && f.validTo < today)) {
      const inForce = schedule.some((e) => (!e.validFrom || e.validFrom <= today) && (!e.validTo || today <= e.validTo));
      const lastEnd = schedule.every((e) => e.validTo) ? schedule.map((e) => e.validTo!).sort().at(-1) : undefined;
      if (!inForce && lastEnd && lastEnd < today) {
        out.push({ kind: 'expired', path: `${f.path}.schedule`, date: lastEnd, label: `no amount in force: ${label}`, error: true });
      }
      schedule.forEach((e, i) => {
        if (e.validTo && e.validTo >= today && e.validTo <= horizon) out.push({ kind: 'ending', path: `${f.path}.schedule[${i}]`, date: e.validTo, label: e.text, error: false });
      });
    }
    if (f.checkedAt < oldest) out.push({ kind: 'stale', path: f.path, date: f.checkedAt, label, error: false });
  }
  return out;
}

/** The freshness report of a catalog on `today` (ISO) with a window of `days`. */
export function staleReport(procedures: Procedure[], today: string, days: number): StaleReport {
  const counts: Record<FindingKind, number> = { expired: 0, legal_expired: 0, ending: 0, legal_expiring: 0, stale: 0 };
  const byProcedure: StaleReport['byProcedure'] = [];
  let errors = 0;
  for (const p of procedures) {
    const found = findings(p, today, days);
    if (found.length === 0) continue;
    for (const f of found) {
      counts[f.kind] += 1;
      if (f.error) errors += 1;
    }
    byProcedure.push({ procedure: { id: p.id, name: p.name }, findings: found });
  }
  return { today, days, byProcedure, counts, errors };
}
