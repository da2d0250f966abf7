import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, staleReport } from '../../knowledge/catalog/stale.js';
import type { Procedure } from '../../src/domain/procedure.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const RECORD = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-0000-7000-8000-000000000002';
const checked = { sources: [{ url: RECORD, kind: 'procedure_record' as const }], checkedAt: '2026-11-21' };

function procedure(overrides: Partial<Procedure> = {}): Procedure {
  return {
    code: '1.001193',
    codeVerified: true,
    id: 'dang-ky-khai-sinh',
    name: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    level: 'xa',
    agencyId: 'ubnd-cap-xa',
    implementingAgency: 'Ủy ban nhân dân cấp xã',
    agencyFact: { ...checked, verified: true },
    audience: ['Công dân Việt Nam'],
    description: 'Đăng ký việc sinh để được cấp Giấy khai sinh.',
    channels: [
      {
        method: 'truc_tiep',
        processingTime: { text: 'Ngay trong ngày', workingDays: 0, verified: true, ...checked },
        fee: { text: 'Miễn lệ phí', amountVnd: 0, verified: true, ...checked },
      },
    ],
    steps: ['Nộp hồ sơ tại Bộ phận Một cửa.'],
    documents: [{ name: 'Tờ khai đăng ký khai sinh' }],
    documentsFact: { ...checked, verified: true },
    result: 'Giấy khai sinh',
    legalBasis: [{ number: '60/2014/QH13', title: 'Luật Hộ tịch', verified: true, status: 'in_force', ...checked }],
    onlineLevel: 'toan_trinh',
    aliases: ['làm giấy khai sinh'],
    keywords: ['khai sinh'],
    source: { url: RECORD, asOf: '2026-11-21' },
    ...overrides,
  };
}

const ND120 = { number: '120/2025/NĐ-CP', title: 'Nghị định phân định thẩm quyền', verified: true, status: 'in_force' as const, effectiveFrom: '2025-07-01', expiresOn: '2027-03-01', ...checked };
const withFeeBounds = (fee: Partial<Procedure['channels'][0]['fee']>): Procedure => {
  const p = procedure();
  return { ...p, channels: [{ ...p.channels[0]!, fee: { ...p.channels[0]!.fee, ...fee } }] };
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(procedures: Procedure[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-stale-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'procedures'));
  writeFileSync(join(dir, 'procedures', 'a.json'), JSON.stringify({ field: 'Hộ tịch', procedures }));
  writeFileSync(
    join(dir, 'agencies.json'),
    JSON.stringify({ province: 'Tỉnh Thử', demo: true, coordinatorId: 'ubnd-cap-xa', agencies: [{ id: 'ubnd-cap-xa', name: 'Ủy ban nhân dân cấp xã', level: 'xa', fields: [], contacts: {} }] }),
  );
  return dir;
}

function stale(dir: string, ...args: string[]): { code: number; out: string } {
  try {
    const stdout = execFileSync(process.execPath, ['--import', TSX, join(ROOT, 'knowledge/cli/stale.ts'), '--data', dir, ...args], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

/** A report's findings other than "checked long ago" (the fixtures were checked on 21/11/2026). */
const found = (report: ReturnType<typeof staleReport>) => report.byProcedure.flatMap((b) => b.findings).filter((f) => f.kind !== 'stale');

describe('staleReport (pure)', () => {
  it('When a fee is valid through 31/12/2026, then it is "ending" on its last day and an error the next day', () => {
    const p = withFeeBounds({ validTo: '2026-12-31' });
    const onLastDay = staleReport([p], '2026-12-31', 30);
    expect(onLastDay.errors).toBe(0);
    expect(found(onLastDay)).toEqual([{ kind: 'ending', path: 'channels[0].fee', date: '2026-12-31', label: 'Miễn lệ phí', error: false }]);
    const next = staleReport([p], '2027-01-01', 30);
    expect(next.errors).toBe(1);
    expect(found(next).map((f) => [f.kind, f.path])).toEqual([['expired', 'channels[0].fee']]);
  });

  it('When a legal basis expires on 01/03/2027, then it is listed within the window and fails from that day while marked in force', () => {
    const p = procedure({ legalBasis: [ND120] });
    expect(staleReport([p], '2027-01-29', 30).counts.legal_expiring).toBe(0);
    expect(found(staleReport([p], '2027-01-30', 30))).toEqual([
      { kind: 'legal_expiring', path: 'legalBasis[0]', date: '2027-03-01', label: '120/2025/NĐ-CP (Nghị định phân định thẩm quyền)', error: false },
    ]);
    expect(staleReport([p], '2027-02-28', 30).errors).toBe(0);
    expect(staleReport([p], '2027-03-01', 30).errors).toBe(1);
    // Marked unknown, it is reported but does not fail: nobody claimed it was in force.
    const unknown = staleReport([procedure({ legalBasis: [{ ...ND120, status: 'unknown', verified: false }] })], '2027-03-01', 30);
    expect([unknown.errors, unknown.counts.legal_expired]).toEqual([0, 1]);
    // Marked expired, it is simply true.
    expect(found(staleReport([procedure({ legalBasis: [{ ...ND120, status: 'expired' }] })], '2027-03-01', 30))).toEqual([]);
  });

  it('When a fee schedule has no amount in force and its last entry ended, then it fails; an entry ending soon is listed', () => {
    const p = withFeeBounds({ schedule: [{ text: '25.000 đồng', validFrom: '2025-07-01', validTo: '2026-12-31' }] });
    expect(found(staleReport([p], '2026-12-20', 30)).map((f) => [f.kind, f.path])).toEqual([['ending', 'channels[0].fee.schedule[0]']]);
    expect(found(staleReport([p], '2027-01-01', 30)).map((f) => [f.kind, f.path, f.error])).toEqual([['expired', 'channels[0].fee.schedule', true]]);
    const continued = withFeeBounds({ schedule: [{ text: '25.000 đồng', validTo: '2026-12-31' }, { text: '50.000 đồng', validFrom: '2027-01-01' }] });
    expect(staleReport([continued], '2027-01-01', 30).errors).toBe(0);
  });

  it('When facts were checked longer ago than the window, then each is listed as stale', () => {
    const report = staleReport([procedure()], addDays('2026-11-21', 31), 30);
    expect(report.counts.stale).toBe(5); // time, fee, agency, documents, one legal basis
    expect(staleReport([procedure()], addDays('2026-11-21', 30), 30).counts.stale).toBe(0);
  });
});

describe('npm run catalog:stale', () => {
  it('When nothing has expired on --today, then it lists what ends within --days, grouped per procedure, and exits 0', () => {
    const dir = dataDir([withFeeBounds({ validTo: '2026-12-31' }), procedure({ id: 'dang-ky-ket-hon', name: 'Đăng ký kết hôn', legalBasis: [ND120] })]);
    const { code, out } = stale(dir, '--days', '90', '--today', '2026-12-31');
    expect(code).toBe(0);
    expect(out).toContain('dang-ky-khai-sinh (Đăng ký khai sinh)\n  ending    channels[0].fee: valid until 2026-12-31 (in 0 days): Miễn lệ phí');
    expect(out).toContain('dang-ky-ket-hon (Đăng ký kết hôn)\n  expiring  legalBasis[0]: legal basis expires on 2027-03-01 (in 60 days)');
    expect(out).toMatch(/; 0 errors\n$/);
  });

  it('When a fact is past its validity on --today, then it exits non-zero naming it, even with --quiet', () => {
    const dir = dataDir([withFeeBounds({ validTo: '2026-12-31' })]);
    const { code, out } = stale(dir, '--days', '30', '--today', '2027-01-01', '--quiet');
    expect(code).toBe(1);
    expect(out).toContain('EXPIRED   channels[0].fee: valid until 2026-12-31, past on 2027-01-01: Miễn lệ phí');
  });

  it('When a legal basis marked in force reaches its expiry, then it exits non-zero', () => {
    const dir = dataDir([procedure({ legalBasis: [ND120] })]);
    expect(stale(dir, '--days', '30', '--today', '2027-02-28').code).toBe(0);
    const after = stale(dir, '--days', '30', '--today', '2027-03-01');
    expect(after.code).toBe(1);
    expect(after.out).toContain('legalBasis[0]: expires on 2027-03-01, still marked in force');
  });

  it('When the arguments are wrong, then it exits 2 with the usage', () => {
    const dir = dataDir([procedure()]);
    expect(stale(dir, '--days', 'abc').code).toBe(2);
    expect(stale(dir, '--today', '2027-02-30').code).toBe(2);
  });

  it('When run on the shipped catalog today, then it passes (CI runs it)', () => {
    expect(stale(join(ROOT, 'knowledge/data'), '--days', '30', '--quiet').code).toBe(0);
  });
});
