import type { Agency } from '../../../src/domain/procedure.js';
import type { AgencyDirectory } from '../load.js';
import { wordKey } from './text.js';

/** Abbreviations the exports use for agency names, expanded before matching (accent-folded words). */
const ABBREVIATIONS: Record<string, string> = {
  ubnd: 'uy ban nhan dan',
  hdnd: 'hoi dong nhan dan',
  tp: 'thanh pho',
  vp: 'van phong',
  vpdkdd: 'van phong dang ky dat dai',
  bhxh: 'bao hiem xa hoi',
};

function agencyKey(text: string): string {
  return wordKey(text)
    .split(' ')
    .map((w) => ABBREVIATIONS[w] ?? w)
    .join(' ');
}

/**
 * Finds the directory agency named in a cell such as "Ủy ban nhân dân cấp xã nơi cư trú" or "UBND cấp xã":
 * the agency whose name, short name or keyword occurs in the cell as whole words, ignoring accents and
 * case; the longest match wins. The coordinator desk is never matched.
 */
export function matchAgency(text: string, directory: AgencyDirectory): Agency | undefined {
  const haystack = ` ${agencyKey(text)} `;
  if (!haystack.trim()) return undefined;
  let best: { agency: Agency; score: number } | undefined;
  for (const agency of directory.agencies) {
    if (agency.level === 'desk') continue;
    for (const candidate of [agency.name, agency.shortName, ...(agency.keywords ?? [])]) {
      if (!candidate) continue;
      const needle = agencyKey(candidate);
      if (needle.length < 3 || !haystack.includes(` ${needle} `)) continue;
      // A full-name match outranks a keyword of the same length.
      const score = needle.length + (candidate === agency.name || candidate === agency.shortName ? 0.5 : 0);
      if (!best || score > best.score) best = { agency, score };
    }
  }
  return best?.agency;
}
