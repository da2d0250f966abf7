import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSourceKind, procedureFacts } from '../../knowledge/catalog/facts.js';
import { CatalogInvalidError, loadCatalog, validateProcedures, type CatalogIssue } from '../../knowledge/catalog/load.js';
import { migrateProcedure } from '../../knowledge/catalog/migrate-provenance.js';
import type { Procedure } from '../../src/domain/procedure.js';

const RECORD = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-0000-7000-8000-000000000001';
const HOME = 'https://dichvucong.gov.vn/';
const checked = { sources: [{ url: RECORD, kind: 'procedure_record' as const }], checkedAt: '2026-11-21' };

function procedure(overrides: Partial<Procedure> = {}): Procedure {
  return {
    code: '2.000000',
    codeVerified: true,
    id: 'cap-doi-the-can-cuoc',
    name: 'Cấp đổi thẻ căn cước',
    field: 'Căn cước',
    level: 'xa',
    agencyId: 'cong-an-cap-xa',
    implementingAgency: 'Công an cấp xã',
    agencyFact: { ...checked, verified: true },
    audience: ['Công dân Việt Nam'],
    description: 'Cấp đổi thẻ căn cước khi hết hạn hoặc thay đổi thông tin.',
    channels: [
      {
        method: 'truc_tiep',
        processingTime: { text: '07 ngày làm việc', workingDays: 7, verified: true, ...checked },
        fee: { text: '50.000 đồng', amountVnd: 50000, verified: true, ...checked },
      },
    ],
    steps: ['Nộp hồ sơ tại Công an cấp xã.'],
    documents: [{ name: 'Phiếu thu nhận thông tin căn cước' }],
    documentsFact: { ...checked, verified: true },
    result: 'Thẻ căn cước',
    legalBasis: [{ number: '26/2023/QH15', title: 'Luật Căn cước', verified: true, status: 'in_force', ...checked }],
    onlineLevel: 'mot_phan',
    aliases: ['đổi căn cước'],
    keywords: ['căn cước'],
    source: { url: RECORD, asOf: '2026-11-21' },
    ...overrides,
  };
}

function problems(raw: unknown, today = '2026-12-07'): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  validateProcedures('test', [raw], issues, { today });
  return issues;
}

const fee = (p: Procedure) => p.channels[0]!.fee;
const withFee = (changes: Partial<Procedure['channels'][0]['fee']>): Procedure => {
  const p = procedure();
  return { ...p, channels: [{ ...p.channels[0]!, fee: { ...fee(p), ...changes } }] };
};

describe('schema v2: provenance rules', () => {
  it('When every fact has sources and a check date, then the record is valid', () => {
    expect(problems(procedure())).toEqual([]);
  });

  it('When a fact is verified from a portal home page only, then the loader refuses it (a home page verifies nothing)', () => {
    const home = [{ url: HOME, kind: 'portal_home' as const }];
    expect(problems(withFee({ sources: home })).map((i) => i.field)).toEqual(['channels[0].fee.verified']);
    expect(problems(withFee({ sources: home, verified: false }))).toEqual([]);
    const p = procedure({ legalBasis: [{ ...procedure().legalBasis[0]!, sources: [{ url: 'https://soha.vn/a', kind: 'secondary' }] }] });
    expect(problems(p).map((i) => i.field)).toEqual(['legalBasis[0].verified']);
    expect(problems(procedure({ agencyFact: { sources: [{ url: 'https://dichvucong.laocai.gov.vn/x', kind: 'provincial_portal' }], checkedAt: '2026-11-21', verified: true } })).map((i) => i.field)).toEqual(['agencyFact.verified']);
  });

  it('When a decision or the law is among the sources, then the fact may be verified', () => {
    expect(problems(withFee({ sources: [{ url: HOME, kind: 'portal_home' }, { url: 'https://vanban.chinhphu.vn/?docid=1', kind: 'decision' }] }))).toEqual([]);
    expect(problems(withFee({ sources: [{ url: 'https://vanban.chinhphu.vn/?docid=2', kind: 'law', date: '2025-06-30', title: 'TT 64/2025/TT-BTC' }] }))).toEqual([]);
  });

  it('When a fact has no source, no check date, or a source that is not a web address, then each is reported', () => {
    const { sources: _s, ...noSources } = fee(procedure());
    const { checkedAt: _c, ...noDate } = procedure().channels[0]!.processingTime;
    const p = procedure();
    const broken = { ...p, channels: [{ ...p.channels[0]!, fee: noSources, processingTime: noDate }], documentsFact: { ...checked, verified: false, sources: [] } };
    expect(problems(broken).map((i) => i.field).sort()).toEqual(['channels[0].fee.sources', 'channels[0].processingTime.checkedAt', 'documentsFact.sources']);
    expect(problems(withFee({ sources: [{ url: 'ftp://dichvucong.gov.vn/', kind: 'procedure_record' }] })).map((i) => i.field)).toEqual(['channels[0].fee.sources[0].url']);
    const legal = procedure().legalBasis[0]!;
    const { status: _st, ...noStatus } = legal;
    expect(problems(procedure({ legalBasis: [noStatus as typeof legal] })).map((i) => i.field)).toEqual(['legalBasis[0].status']);
  });

  it('When validFrom is after validTo, then the fact is refused; the same day is a one-day validity', () => {
    expect(problems(withFee({ validFrom: '2027-01-02', validTo: '2027-01-01' })).map((i) => i.field)).toEqual(['channels[0].fee.validTo']);
    expect(problems(withFee({ validFrom: '2027-01-01', validTo: '2027-01-01' }))).toEqual([]);
  });

  it('When two schedule entries share a day, then the schedule is refused; back-to-back entries are fine', () => {
    const a = { text: '25.000 đồng', amountVnd: 25000, validFrom: '2025-07-01', validTo: '2026-12-31' };
    expect(problems(withFee({ schedule: [a, { text: '50.000 đồng', amountVnd: 50000, validFrom: '2027-01-01' }] }))).toEqual([]);
    expect(problems(withFee({ schedule: [a, { text: '50.000 đồng', validFrom: '2026-12-31' }] })).map((i) => [i.field, i.message])).toEqual([['channels[0].fee.schedule[1]', 'overlaps schedule entry 0']]);
    expect(problems(withFee({ schedule: [{ text: 'open', validTo: '2026-01-01' }, { text: 'also open' }] })).map((i) => i.field)).toEqual(['channels[0].fee.schedule[1]']);
    expect(problems(withFee({ schedule: [{ text: 'x', validFrom: '2026-02-01', validTo: '2026-01-01' }] })).map((i) => i.field)).toEqual(['channels[0].fee.schedule[0].validTo']);
  });

  it('When a fact was checked after the loader\'s today, then it is refused with the day named', () => {
    const p = withFee({ checkedAt: '2026-12-08' });
    expect(problems(p, '2026-12-07')).toEqual([
      { file: 'test', record: '#0 (cap-doi-the-can-cuoc)', field: 'channels[0].fee.checkedAt', message: 'checkedAt 2026-12-08 is in the future (today is 2026-12-07)' },
    ]);
    expect(problems(p, '2026-12-08')).toEqual([]);
  });

  it('When a legal basis expires before it takes effect, then it is refused', () => {
    const legal = { ...procedure().legalBasis[0]!, effectiveFrom: '2027-03-01', expiresOn: '2027-03-01' };
    expect(problems(procedure({ legalBasis: [legal] })).map((i) => i.field)).toEqual(['legalBasis[0].expiresOn']);
  });
});

describe('loadCatalog with a clock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('When the data holds a check date after the given today, then loading fails naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-prov-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'procedures'));
    writeFileSync(join(dir, 'procedures', 'a.json'), JSON.stringify({ field: 'Căn cước', procedures: [withFee({ checkedAt: '2027-01-05' })] }));
    writeFileSync(
      join(dir, 'agencies.json'),
      JSON.stringify({ province: 'Tỉnh Thử', demo: true, coordinatorId: 'cong-an-cap-xa', agencies: [{ id: 'cong-an-cap-xa', name: 'Công an cấp xã', level: 'xa', fields: [], contacts: {} }] }),
    );
    expect(() => loadCatalog(dir, undefined, { today: '2027-01-04' })).toThrow(CatalogInvalidError);
    expect(loadCatalog(dir, undefined, { today: '2027-01-05' }).procedures).toHaveLength(1);
  });

  it('When the shipped catalog loads, then every fee, time, agency, document list and legal basis has sources and a check date', () => {
    const { procedures } = loadCatalog();
    for (const p of procedures) {
      const facts = procedureFacts(p);
      expect(facts.length, p.id).toBe(p.channels.length * 2 + 2 + (p.conditions !== undefined ? 1 : 0) + p.legalBasis.length);
      for (const f of facts) {
        expect(f.sources.length, `${p.id} ${f.path}`).toBeGreaterThan(0);
        expect(f.checkedAt, `${p.id} ${f.path}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });
});

describe('source kinds and the v2 migration', () => {
  it('When a URL is a procedure\'s own page, then its kind is procedure_record; a home page is portal_home', () => {
    expect(defaultSourceKind(RECORD)).toBe('procedure_record');
    expect(defaultSourceKind('https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193')).toBe('procedure_record');
    expect(defaultSourceKind('https://dichvucong.bocongan.gov.vn/bocongan/bothutuc/tthc?matt=26360')).toBe('procedure_record');
    expect(defaultSourceKind(HOME)).toBe('portal_home');
    expect(defaultSourceKind('https://dichvucong.bocongan.gov.vn/')).toBe('portal_home');
    expect(defaultSourceKind('https://vneid.gov.vn/')).toBe('portal_home');
  });

  const v1 = (url: string) => ({
    code: '2.000000',
    id: 'x',
    implementingAgency: 'Công an cấp xã',
    audience: ['a'],
    channels: [{ method: 'truc_tiep', processingTime: { text: '07 ngày', workingDays: 7, verified: true }, fee: { text: '50.000 đồng', verified: false, amountVnd: 50000 } }],
    documents: [{ name: 'Tờ khai' }],
    documentsVerified: true,
    result: 'Thẻ',
    legalBasis: [
      { number: '26/2023/QH15', title: 'Luật Căn cước', verified: true },
      { number: '73/2024/TT-BTC', title: 'Thông tư', verified: false },
    ],
    source: { url, asOf: '2026-11-21' },
  });

  it('When a record cites a portal home page, then every fact cites it, dated by asOf, and nothing stays verified', () => {
    const out = migrateProcedure(v1(HOME)) as unknown as Procedure;
    const home = { sources: [{ url: HOME, kind: 'portal_home' }], checkedAt: '2026-11-21' };
    expect(out.channels[0]!.processingTime).toEqual({ text: '07 ngày', workingDays: 7, verified: false, ...home });
    expect(out.agencyFact).toEqual({ ...home, verified: false });
    expect(out.documentsFact).toEqual({ ...home, verified: false });
    expect(out.legalBasis.map((l) => [l.verified, l.status])).toEqual([
      [false, 'unknown'],
      [false, 'unknown'],
    ]);
    expect('documentsVerified' in out).toBe(false);
  });

  it('When a record cites its own page, then the old flags stay, a verified legal basis is in force, and keys keep their order', () => {
    const out = migrateProcedure(v1(RECORD));
    const p = out as unknown as Procedure;
    expect(p.channels[0]!.processingTime.verified).toBe(true);
    expect(p.channels[0]!.fee.verified).toBe(false);
    expect(p.documentsFact.verified).toBe(true);
    expect(p.agencyFact.verified).toBe(false); // the old catalog had no agency flag
    expect(p.legalBasis.map((l) => [l.verified, l.status])).toEqual([
      [true, 'in_force'],
      [false, 'unknown'],
    ]);
    expect(Object.keys(out)).toEqual(['code', 'id', 'implementingAgency', 'agencyFact', 'audience', 'channels', 'documents', 'documentsFact', 'result', 'legalBasis', 'source']);
    expect(Object.keys(p.channels[0]!.fee)).toEqual(['text', 'verified', 'sources', 'checkedAt', 'amountVnd']);
    expect(migrateProcedure(out)).toBe(out);
  });
});
