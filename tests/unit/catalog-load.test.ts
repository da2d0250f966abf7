import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IMPORTED_FILE_FIELD, importCatalog } from '../../knowledge/catalog/import/index.js';
import { type AgencyDirectory, CatalogInvalidError, loadCatalog } from '../../knowledge/catalog/load.js';
import { PROCEDURE_CODE } from '../../knowledge/catalog/schema.js';
import type { Procedure } from '../../src/domain/procedure.js';

const DIRECTORY: AgencyDirectory = {
  province: 'Tỉnh Thử nghiệm',
  demo: true,
  coordinatorId: 'desk-1022',
  agencies: [
    { id: 'desk-1022', name: 'Tổ tiếp nhận 1022', level: 'desk', fields: [], contacts: {} },
    { id: 'ubnd-cap-xa', name: 'Ủy ban nhân dân cấp xã', level: 'xa', fields: ['Hộ tịch'], contacts: {} },
    { id: 'so-noi-vu', name: 'Sở Nội vụ', level: 'tinh', fields: ['Việc làm'], contacts: {} },
  ],
};

const RECORD = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-0000-7000-8000-000000000001';
/** Provenance from the procedure's own record, checked on 21/11/2026. */
const checked = { sources: [{ url: RECORD, kind: 'procedure_record' as const }], checkedAt: '2026-11-21' };

/** A complete, valid record; tests break one thing at a time. */
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
    documents: [{ name: 'Tờ khai đăng ký khai sinh', copies: '01 bản chính' }],
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

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temporary data dir: procedures/<file>.json per entry plus agencies.json. */
function dataDir(files: Record<string, unknown>, directory: unknown = DIRECTORY): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-load-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'procedures'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, 'procedures', name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  writeFileSync(join(dir, 'agencies.json'), JSON.stringify(directory));
  return dir;
}

function loadError(dir: string): CatalogInvalidError {
  try {
    loadCatalog(dir);
  } catch (err) {
    if (err instanceof CatalogInvalidError) return err;
    throw err;
  }
  throw new Error('loadCatalog did not throw');
}

describe('loadCatalog: the shipped catalog', () => {
  it('loads and is consistent (counted loosely: colleagues are still adding procedures)', () => {
    const { procedures, directory } = loadCatalog();
    expect(procedures.length).toBeGreaterThanOrEqual(70);
    const agencyIds = new Set(directory.agencies.map((a) => a.id));
    expect(agencyIds.has(directory.coordinatorId)).toBe(true);
    expect(new Set(procedures.map((p) => p.id)).size).toBe(procedures.length);
    for (const p of procedures) {
      // A procedure no source gives a national code for has none (never a made-up one), and is not "verified".
      if (p.code !== undefined) expect(p.code, p.id).toMatch(PROCEDURE_CODE);
      else expect(p.codeVerified, p.id).toBe(false);
      expect(agencyIds.has(p.agencyId), `${p.id} → ${p.agencyId}`).toBe(true);
      expect(p.channels.length, p.id).toBeGreaterThan(0);
      expect(p.aliases.length, p.id).toBeGreaterThan(0);
    }
  });

  it('keeps the model record (đăng ký khai sinh) as written', () => {
    const model = loadCatalog().procedures.find((p) => p.id === 'dang-ky-khai-sinh');
    expect(model).toMatchObject({ code: '1.001193', level: 'xa', agencyId: 'ubnd-cap-xa', field: 'Hộ tịch' });
  });
});

describe('loadCatalog: located problems', () => {
  it('loads a valid data dir', () => {
    const { procedures, directory } = loadCatalog(dataDir({ 'ho-tich.json': { field: 'Hộ tịch', procedures: [procedure()] } }));
    expect(procedures.map((p) => p.id)).toEqual(['dang-ky-khai-sinh']);
    expect(directory.coordinatorId).toBe('desk-1022');
  });

  it('names the file, the record (#index (id)) and the field path of a broken record', () => {
    const broken = procedure({ id: 'dang-ky-ket-hon', code: '1.000894' });
    (broken.channels[0] as { fee: { text: string } }).fee.text = '';
    const dir = dataDir({ 'ho-tich.json': { field: 'Hộ tịch', procedures: [procedure(), broken] } });
    const err = loadError(dir);
    const file = join(dir, 'procedures', 'ho-tich.json');
    expect(err.code).toBe('KNOWLEDGE.CATALOG_INVALID');
    expect(err.issues).toEqual([{ file, record: '#1 (dang-ky-ket-hon)', field: 'channels[0].fee.text', message: expect.any(String) }]);
    expect(err.message).toContain(`${file} #1 (dang-ky-ket-hon) channels[0].fee.text:`);
  });

  it('reports every problem, not just the first, including unknown keys and bad codes', () => {
    const dir = dataDir({
      'a.json': { field: 'Hộ tịch', procedures: [procedure({ code: '1.00119' }), { ...procedure({ id: 'x-y', code: '1.000002' }), extra: 1 }] },
    });
    const err = loadError(dir);
    expect(err.issues.map((i) => [i.record, i.field])).toEqual([
      ['#0 (dang-ky-khai-sinh)', 'code'],
      ['#1 (x-y)', undefined],
    ]);
    expect(err.issues[0]?.message).toBe('mã thủ tục phải có dạng 1.001193');
    expect(err.issues[1]?.message).toContain('extra');
  });

  it('reports a file that is not JSON or not a procedure file', () => {
    const dir = dataDir({ 'bad.json': '{ "field": "Hộ tịch", ', 'shape.json': { procedures: 'nope' }, 'ok.json': { field: 'Hộ tịch', procedures: [procedure()] } });
    const err = loadError(dir);
    expect(err.issues.map((i) => [i.file.split('/').pop(), i.field])).toEqual([
      ['bad.json', undefined],
      ['shape.json', 'field'],
      ['shape.json', 'procedures'],
    ]);
    expect(err.issues[0]?.message).toMatch(/^cannot read JSON/);
  });

  it('reports duplicate ids across files; a repeated code is allowed (one code, several situations)', () => {
    const dir = dataDir({
      'a.json': { field: 'Hộ tịch', procedures: [procedure()] },
      'b.json': { field: 'Hộ tịch', procedures: [procedure({ code: '1.000894' }), procedure({ id: 'dang-ky-khai-sinh-2' })] },
    });
    const err = loadError(dir);
    expect(err.issues).toEqual([{ file: 'procedures', record: '(dang-ky-khai-sinh)', field: 'id', message: 'duplicate id' }]);
    const ok = loadCatalog(dataDir({ 'a.json': { field: 'Hộ tịch', procedures: [procedure(), procedure({ id: 'dang-ky-khai-sinh-2' })] } }));
    expect(ok.procedures.map((p) => p.code)).toEqual(['1.001193', '1.001193']);
  });

  it('reports an agency missing from the directory, and a coordinator that is not an agency', () => {
    const dir = dataDir(
      { 'a.json': { field: 'Hộ tịch', procedures: [procedure({ agencyId: 'so-khong-co' })] } },
      { ...DIRECTORY, coordinatorId: 'desk-khong-co' },
    );
    const err = loadError(dir);
    expect(err.issues.map((i) => [i.field, i.message])).toEqual([
      ['coordinatorId', 'unknown agency "desk-khong-co"'],
      ['agencyId', 'unknown agency "so-khong-co"'],
    ]);
    expect(err.issues[1]?.record).toBe('(dang-ky-khai-sinh)');
  });

  it('reports an invalid agency in the directory with its index', () => {
    const dir = dataDir(
      { 'a.json': { field: 'Hộ tịch', procedures: [procedure()] } },
      { ...DIRECTORY, agencies: [...DIRECTORY.agencies, { id: 'Bad Id', name: 'Sở X', level: 'tinh', fields: [], contacts: {} }] },
    );
    const err = loadError(dir);
    expect(err.issues).toEqual([{ file: join(dir, 'agencies.json'), record: '#3 (Bad Id)', field: 'id', message: expect.any(String) }]);
  });

  it('loads what the importer writes, next to hand-written files', () => {
    const csv = readFileSync(new URL('../../knowledge/data/samples/tthc-export-sample.csv', import.meta.url), 'utf8');
    const { procedures } = importCatalog({ format: 'csv', text: csv, asOf: '2026-11-22' }, DIRECTORY);
    const handWritten = procedure({ code: '1.999999', id: 'thu-tuc-viet-tay' });
    const dir = dataDir({
      'imported.json': { field: IMPORTED_FILE_FIELD, procedures },
      'viet-tay.json': { field: 'Hộ tịch', procedures: [handWritten] },
    });
    const loaded = loadCatalog(dir);
    expect(loaded.procedures).toHaveLength(procedures.length + 1);
    expect(loaded.procedures.find((p) => p.code === '1.001193')?.channels).toHaveLength(3);
  });
});
