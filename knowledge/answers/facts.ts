import type { AnswerCopy } from '../../src/domain/copy/types.js';
import { formatVietnamDate } from '../../src/domain/dates.js';
import type { Fee, FeeExemption, FeeScheduleEntry, FactSource, LegalBasis, Provenance } from '../../src/domain/procedure.js';

/**
 * How a fact with provenance reads on the day asked (`today`, an ISO date the caller's clock gives;
 * never read here): in force, or past its validity (then it is not stated as fact: it needs confirmation,
 * with the last known value and its dates), a fee's amount picked from its schedule, other values
 * sources give, what is not known. Pure.
 */

/** ISO date → dd/mm/yyyy. */
export const day = (iso: string): string => formatVietnamDate(iso);

/** Whether `today` lies within [from, to] (inclusive, open ends unbounded). */
export function inForce(bounds: { validFrom?: string | undefined; validTo?: string | undefined }, today: string): boolean {
  return (!bounds.validFrom || bounds.validFrom <= today) && (!bounds.validTo || today <= bounds.validTo);
}

/** The schedule entry in force on `today`, if any. */
export function entryInForce(schedule: FeeScheduleEntry[], today: string): FeeScheduleEntry | undefined {
  return schedule.find((e) => inForce(e, today));
}

/**
 * The last known entry when none is in force: the latest one that has ended, else the earliest one
 * still to come.
 */
function lastKnown(schedule: FeeScheduleEntry[], today: string): FeeScheduleEntry | undefined {
  const ended = schedule.filter((e) => e.validTo && e.validTo < today).sort((a, b) => (a.validTo! < b.validTo! ? 1 : -1));
  if (ended[0]) return ended[0];
  return [...schedule].sort((a, b) => ((a.validFrom ?? '') < (b.validFrom ?? '') ? -1 : 1))[0];
}

function needsConfirmation(text: string, bounds: { validFrom?: string | undefined; validTo?: string | undefined }, copy: AnswerCopy): string {
  return copy.facts.needsConfirmation({
    text,
    ...(bounds.validFrom ? { from: day(bounds.validFrom) } : {}),
    ...(bounds.validTo ? { to: day(bounds.validTo) } : {}),
  });
}

/** A value with the end of its validity when it has one ("…, áp dụng đến hết ngày 31/12/2026"). */
function withBounds(text: string, bounds: { validFrom?: string | undefined; validTo?: string | undefined }, today: string | undefined, copy: AnswerCopy): string {
  const from = bounds.validFrom && (!today || bounds.validFrom > today) ? day(bounds.validFrom) : undefined;
  const to = bounds.validTo ? day(bounds.validTo) : undefined;
  const note = from && to ? copy.facts.between(from, to) : from ? copy.facts.from(from) : to ? copy.facts.until(to) : undefined;
  return note ? `${text} (${note})` : text;
}

/** The dates the sources of a value state, as dd/mm/yyyy, unique. */
export function sourceDates(sources: FactSource[]): string[] {
  return [...new Set(sources.flatMap((s) => (s.date ? [day(s.date)] : [])))];
}

/** What the citizen reads for one fact, and whether it is stated as fact (false: needs confirmation). */
export interface FactReading {
  text: string;
  /** False when the fact is past its validity, or a schedule has no entry in force: not stated as fact. */
  stated: boolean;
}

/**
 * The value of a fact (processing time, fee, agency) on `today`: the schedule's entry in force for a fee,
 * the validity's end, "needs confirmation" past it; then other values sources give (with their dates)
 * and what is not known. Without `today` every schedule entry is listed with its dates.
 */
export function readFact(
  fact: Provenance & { text: string; schedule?: FeeScheduleEntry[] },
  today: string | undefined,
  copy: AnswerCopy,
  /** False: the caller says what is unknown once for several facts (unknownLine). */
  withUnknown = true,
): FactReading {
  let text: string;
  let stated = true;
  if (fact.validTo && today && today > fact.validTo) {
    text = needsConfirmation(fact.text, fact, copy);
    stated = false;
  } else if (fact.schedule && fact.schedule.length > 0) {
    if (!today) {
      text = fact.schedule.map((e) => withBounds(e.text, e, undefined, copy)).join('; ');
    } else {
      const current = entryInForce(fact.schedule, today);
      if (current) text = withBounds(current.text, current, today, copy);
      else {
        const last = lastKnown(fact.schedule, today)!;
        text = needsConfirmation(last.text, last, copy);
        stated = false;
      }
    }
  } else {
    text = withBounds(fact.text, fact, today, copy);
  }
  if (fact.disputed && fact.disputed.length > 0) {
    text += copy.facts.disputed({
      own: sourceDates(fact.sources),
      others: fact.disputed.map((d) => otherValue({ text: d.text, dates: sourceDates(d.sources) })),
    });
  }
  if (withUnknown && fact.unknown) text += ` ${unknownLine(fact.unknown, copy)}`;
  return { text, stated };
}

/** Another source's value as an answer quotes it: briefly, so the answer still fits one chat message. */
export function otherValue(d: { text: string; dates: string[] }): { text: string; dates: string[] } {
  return { text: brief(d.text, DISPUTED_MAX), dates: d.dates };
}

/** How much of another source's value, and of what is unknown, an answer quotes. */
const DISPUTED_MAX = 140;
const UNKNOWN_MAX = 200;

/** `text` cut at a word boundary to at most `max` characters, ending with "…" when cut. */
export function brief(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…';
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1).trimEnd()}…`;
}

/** "Chưa rõ: …", briefly (an answer must fit one chat message). */
export function unknownLine(unknown: string, copy: AnswerCopy): string {
  return copy.facts.unknown(brief(unknown, UNKNOWN_MAX));
}

/** The fee's exemptions across channels, one per group and text, the ones matching `question` first. */
export function exemptionsOf(fees: Fee[], question: string | undefined): FeeExemption[] {
  const seen = new Set<string>();
  const all: FeeExemption[] = [];
  for (const fee of fees) {
    for (const e of fee.exemptions ?? []) {
      const key = `${e.group}\u0000${e.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(e);
    }
  }
  if (!question) return all;
  const asked = fold(question);
  const matches = (e: FeeExemption) => asked.includes(fold(e.group));
  return [...all.filter(matches), ...all.filter((e) => !matches(e))];
}

/** Whether an exemption's group is named in the question. */
export function namesGroup(question: string | undefined, e: FeeExemption): boolean {
  return question !== undefined && fold(question).includes(fold(e.group));
}

/** Lower-case, accents and đ folded, spaces collapsed: "Người cao tuổi" and "nguoi cao tuoi" are one. */
function fold(text: string): string {
  return ` ${text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/** A legal basis line: its title and number, then its status and expiry on `today` ("hết hiệu lực từ 01/03/2027"). */
export function legalLine(
  l: LegalBasis,
  today: string | undefined,
  copy: AnswerCopy,
  /** How much of its name and of the catalog's note on it to quote (an answer over its budget is written again more briefly). */
  max: { legalName: number; legalNote: number } = { legalName: Infinity, legalNote: Infinity },
): FactReading {
  // The catalog may add a note in brackets after a text's name ("(thay bằng … từ 01/7/2026)"): the name
  // and number first, the note briefly after its status, so a long note never hides which text it is.
  const bracket = l.title.endsWith(')') ? l.title.indexOf(' (') : -1;
  const name = bracket > 0 ? l.title.slice(0, bracket) : l.title;
  const note = bracket > 0 ? l.title.slice(bracket + 2, -1) : undefined;
  const base = `${brief(name, max.legalName)} số ${l.number}`;
  const F = copy.facts;
  const expired = l.status === 'expired' || Boolean(l.expiresOn && today && today >= l.expiresOn);
  const notes: string[] = [];
  if (expired) {
    notes.push(l.expiresOn ? F.expiredOn(day(l.expiresOn)) : F.legalStatus.expired);
  } else {
    if (l.status === 'pending' && l.effectiveFrom) notes.push(F.effectiveFrom(day(l.effectiveFrom)));
    else if (F.legalStatus[l.status]) notes.push(F.legalStatus[l.status]);
    if (l.expiresOn) notes.push(F.expiresOn(day(l.expiresOn)));
  }
  const said = [notes.join(', '), note && max.legalNote > 0 ? brief(note, max.legalNote) : ''].filter(Boolean).join('; ');
  const text = said ? `${base} (${said})` : base;
  // A legal basis the catalog still calls in force after its expiry is not stated as fact.
  if (expired && l.status === 'in_force') return { text: `${text}; ${F.confirm}`, stated: false };
  return { text, stated: true };
}
