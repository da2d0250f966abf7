import { join } from 'node:path';
import { z } from 'zod';
import type { Agency } from '../../src/domain/procedure.js';
import type { DirectoryEntry, PlaceMention } from '../../src/ports/knowledge.js';
import type { QueryToken } from '../nlp/analyze.js';
import { AccentedPhraseTable } from '../nlp/accent-phrases.js';
import { foldPhrase } from '../nlp/lexicon.js';
import { PhraseTable } from '../nlp/phrase-table.js';
import { readDataFile } from '../catalog/data-file.js';

/**
 * Places the citizen names (knowledge/data/places.vi.json, demo data): a commune's office ("UBND
 * phường Tân An", "công an xã Bình Minh", "một cửa xã Thạnh Phú"), a commune alone ("phường Tân An"),
 * or an agency by the name citizens use ("công an xã", "sở tư pháp", "một cửa"). Each resolves to an
 * agency of agencies.json and to the directory entry a contact answer shows.
 */

const officeSchema = z.object({ agencyId: z.string(), label: z.string().min(1), phrases: z.array(z.string().min(1)) });
const contactSchema = z.object({
  address: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  website: z.string().optional(),
  hours: z.string().optional(),
});
const communeSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  name: z.string().min(2),
  level: z.string(),
  aliases: z.array(z.string()).default([]),
  offices: z.record(z.string(), contactSchema),
});
const schema = z.object({
  demo: z.boolean(),
  defaultHours: z.string().optional(),
  /** Words before a place ("ở phường Tân An"), stripped from retrieval with it. */
  prepositions: z.array(z.string()).default([]),
  levels: z.record(z.string(), z.array(z.string().min(1)).min(1)),
  offices: z.record(z.string(), officeSchema),
  agencies: z.record(z.string(), z.union([z.array(z.string().min(1)), z.string()])),
  communes: z.array(communeSchema),
});
type PlacesData = z.infer<typeof schema>;
type Commune = z.infer<typeof communeSchema>;

const EMPTY: PlacesData = { demo: true, prepositions: [], levels: {}, offices: {}, agencies: {}, communes: [] };

/** Where a place is named in the message's tokens. */
export interface Span {
  start: number;
  length: number;
}

/** The office a commune is asked about when the message does not say which. */
const DEFAULT_OFFICE = 'ubnd';

export class PlaceDirectory {
  private readonly communeNames = new AccentedPhraseTable<Commune>();
  private readonly levels = new AccentedPhraseTable<string>();
  private readonly offices = new AccentedPhraseTable<string>();
  private readonly agencyNames = new AccentedPhraseTable<{ agencyId: string; text: string }>();
  private readonly agencies: Map<string, Agency>;
  /** "phường tân an", "ở xã bình minh": stripped from retrieval like filler. */
  readonly communePhrases = new PhraseTable<true>();

  constructor(
    private readonly data: PlacesData,
    agencies: Agency[],
  ) {
    this.agencies = new Map(agencies.map((a) => [a.id, a]));
    for (const [level, phrases] of Object.entries(data.levels)) for (const p of phrases) this.levels.add(p, level);
    for (const [office, o] of Object.entries(data.offices)) for (const p of o.phrases) this.offices.add(p, office);
    for (const c of data.communes) {
      for (const name of [c.name, ...c.aliases]) {
        this.communeNames.add(name, c);
        for (const level of Object.values(data.levels).flat()) {
          const phrase = [...foldPhrase(level), ...foldPhrase(name)];
          this.communePhrases.add(phrase, true);
          for (const p of data.prepositions) this.communePhrases.add([...foldPhrase(p), ...phrase], true);
        }
      }
    }
    for (const a of agencies) {
      for (const name of [a.name, a.shortName ?? '']) {
        const plain = name.replace(/\([^)]*\)/g, '').trim();
        if (plain) this.agencyNames.add(plain, { agencyId: a.id, text: plain });
      }
    }
    for (const [agencyId, phrases] of Object.entries(data.agencies)) {
      if (agencyId.startsWith('_') || typeof phrases === 'string') continue;
      for (const p of phrases) this.agencyNames.add(p, { agencyId, text: p });
    }
  }

  /** Every folded word of the directory's names. */
  words(): Set<string> {
    return new Set([...this.communeNames.words(), ...this.levels.words(), ...this.offices.words(), ...this.agencyNames.words()]);
  }

  /**
   * The place the message names, if any. `preferAgencyId` (the procedure's agency) picks the office of
   * a commune named without one ("làm khai sinh ở phường Tân An": its UBND).
   */
  find(tokens: QueryToken[], preferAgencyId?: string): { mention: PlaceMention; span: Span } | undefined {
    for (let i = 0; i < tokens.length; i++) {
      const commune = this.communeNames.longestAt(tokens, i);
      if (!commune) continue;
      const level = this.endingAt(this.levels, tokens, i);
      const officeAt = this.endingAt(this.offices, tokens, level ? level.start : i);
      if (!level && !officeAt) continue;
      const office = officeAt?.value ?? this.officeFor(preferAgencyId);
      const start = officeAt?.start ?? level?.start ?? i;
      return { mention: this.communeOffice(commune.value, office, officeAt !== undefined), span: { start, length: i + commune.length - start } };
    }
    const named = this.agencyNames.scan(tokens).sort((a, b) => b.length - a.length)[0];
    if (!named) return undefined;
    const agency = this.agencies.get(named.value.agencyId);
    const mention = { agencyId: named.value.agencyId, text: named.value.text, ...(agency && { entry: this.agencyEntry(agency) }) };
    return { mention, span: { start: named.start, length: named.length } };
  }

  /** The directory entry of an agency of agencies.json. */
  agencyEntry(agency: Agency): DirectoryEntry {
    const { address, phone, email, website } = agency.contacts;
    return {
      id: agency.id,
      name: agency.shortName ?? agency.name,
      ...(address && { address }),
      ...(phone && { phone }),
      ...(email && { email }),
      ...(website && { website }),
      ...(this.data.defaultHours && { hours: this.data.defaultHours }),
      ...(this.data.demo && { demo: true }),
    };
  }

  private officeFor(agencyId: string | undefined): string {
    const match = Object.entries(this.data.offices).find(([, o]) => o.agencyId === agencyId);
    return match?.[0] ?? DEFAULT_OFFICE;
  }

  /** A commune's office; `text` names the office only when the citizen did ("phường Tân An" otherwise). */
  private communeOffice(commune: Commune, office: string, officeNamed: boolean): PlaceMention {
    const o = this.data.offices[office];
    const levelName = this.data.levels[commune.level]?.[0] ?? '';
    const communeName = `${levelName} ${commune.name}`.trim();
    const name = `${o?.label ?? ''} ${communeName}`.trim();
    const contact = commune.offices[office] ?? {};
    const hours = contact.hours ?? this.data.defaultHours;
    const entry: DirectoryEntry = {
      id: `${commune.id}/${office}`,
      name,
      ...(contact.address && { address: contact.address }),
      ...(contact.phone && { phone: contact.phone }),
      ...(contact.email && { email: contact.email }),
      ...(contact.website && { website: contact.website }),
      ...(hours && { hours }),
      ...(this.data.demo && { demo: true }),
    };
    return { ...(o && { agencyId: o.agencyId }), text: officeNamed ? name : communeName, entry };
  }

  /** A phrase of `table` that ends right before position `end`. */
  private endingAt<T>(table: AccentedPhraseTable<T>, tokens: QueryToken[], end: number): { start: number; value: T } | undefined {
    for (let start = Math.max(0, end - 5); start < end; start++) {
      const hit = table.longestAt(tokens, start);
      if (hit && hit.start + hit.length === end) return { start, value: hit.value };
    }
    return undefined;
  }
}

export function loadPlaces(dataDir: string, agencies: Agency[]): PlaceDirectory {
  return new PlaceDirectory(readDataFile(join(dataDir, 'places.vi.json'), schema, EMPTY), agencies);
}
