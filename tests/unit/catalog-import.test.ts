import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { matchAgency } from '../../knowledge/catalog/import/agency.js';
import {
  LEGAL_NUMBER,
  parseAudience,
  parseChannels,
  parseDocuments,
  parseFeeAmount,
  parseLegalBasis,
  parseLevel,
  parseOnlineLevel,
  parseSteps,
  parseWorkingDays,
} from '../../knowledge/catalog/import/cells.js';
import { COLUMN_LABELS, matchHeader } from '../../knowledge/catalog/import/columns.js';
import { detectDelimiter } from '../../knowledge/catalog/import/read.js';
import {
  FALLBACK_SOURCE,
  IMPORTED_FILE_FIELD,
  type ImportIssue,
  PLACEHOLDER,
  UNKNOWN_LEGAL_NUMBER,
  importCatalog,
  todayInVietnam,
} from '../../knowledge/catalog/import/index.js';
import { type AgencyDirectory, loadCatalog, validateProcedures } from '../../knowledge/catalog/load.js';
import type { Procedure } from '../../src/domain/procedure.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SAMPLES = join(ROOT, 'knowledge/data/samples');
const CSV = readFileSync(join(SAMPLES, 'tthc-export-sample.csv'), 'utf8');
const JSON_TEXT = readFileSync(join(SAMPLES, 'tthc-export-sample.json'), 'utf8');
const AS_OF = '2026-11-22';
/** The provenance the importer gives a fact of a row whose URL is the procedure's own page (checked on the as-of date). */
const fromRecord = (url: string) => ({ sources: [{ url, kind: 'procedure_record' }], checkedAt: AS_OF });
const sampleUrl = (code: string) => `https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=${code}`;
const MINIMAL_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-0000-7000-8000-000000004837';

/** A fixed directory, so the tests do not depend on the shipped agencies.json being edited by others. */
const DIRECTORY: AgencyDirectory = {
  province: 'Tỉnh Thử nghiệm',
  demo: true,
  coordinatorId: 'desk-1022',
  agencies: [
    { id: 'desk-1022', name: 'Tổ tiếp nhận 1022', level: 'desk', fields: [], contacts: {} },
    { id: 'ubnd-cap-xa', name: 'Ủy ban nhân dân cấp xã', level: 'xa', fields: ['Hộ tịch', 'Chứng thực'], contacts: {}, keywords: ['ủy ban nhân dân phường'] },
    { id: 'so-noi-vu', name: 'Sở Nội vụ', level: 'tinh', fields: ['Việc làm'], contacts: {} },
    { id: 'so-nong-nghiep-moi-truong', name: 'Sở Nông nghiệp và Môi trường', level: 'tinh', fields: ['Thủy sản'], contacts: {} },
    { id: 'bhxh-tinh', name: 'Bảo hiểm xã hội tỉnh', shortName: 'BHXH tỉnh', level: 'tinh', fields: ['Bảo hiểm y tế'], contacts: {}, keywords: ['bảo hiểm xã hội cơ sở'] },
  ],
};

const csvResult = importCatalog({ format: 'csv', text: CSV, asOf: AS_OF }, DIRECTORY);
const jsonResult = importCatalog({ format: 'json', text: JSON_TEXT, asOf: AS_OF }, DIRECTORY);

function byCode(procedures: Procedure[], code: string): Procedure {
  const p = procedures.find((x) => x.code === code);
  if (!p) throw new Error(`procedure ${code} was not imported`);
  return p;
}

function brief(issues: ImportIssue[]) {
  return issues.map((i) => ({ row: i.row, code: i.code, field: i.field }));
}

const HEADER = COLUMN_LABELS;
/** Builds a small CSV with the given delimiter from label → value pairs (one row). */
function csvOf(rows: Record<string, string>[], delimiter = ','): string {
  const headers = Object.keys(rows[0] ?? {});
  const quote = (v: string) => (/[",;\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))].map((cells) => cells.map(quote).join(delimiter)).join('\r\n');
}

const MINIMAL: Record<string, string> = {
  'Mã thủ tục': '1.004837',
  'Tên thủ tục': 'Đăng ký giám hộ',
  'Cấp thực hiện': 'Cấp Xã',
  'Lĩnh vực': 'Hộ tịch',
  'Trình tự thực hiện': 'Bước 1: Nộp tờ khai. Bước 2: Nhận trích lục.',
  'Cách thức thực hiện': 'Trực tiếp',
  'Thành phần hồ sơ': '- Tờ khai đăng ký giám hộ: 01 bản chính',
  'Thời hạn giải quyết': '03 ngày làm việc',
  'Lệ phí': 'Miễn lệ phí',
  'Đối tượng thực hiện': 'Công dân Việt Nam',
  'Cơ quan thực hiện': 'Ủy ban nhân dân cấp xã',
  'Kết quả thực hiện': 'Trích lục đăng ký giám hộ',
  'Căn cứ pháp lý': 'Luật Hộ tịch số 60/2014/QH13',
  'Mức độ DVC': 'Một phần',
  'Mô tả': 'Đăng ký việc giám hộ giữa công dân Việt Nam cư trú trong nước.',
  URL: MINIMAL_URL,
};

describe('importCatalog: the CSV sample', () => {
  it('reads 12 rows, imports 9 and rejects exactly the three bad rows with their reasons', () => {
    const { report, procedures } = csvResult;
    expect(report.rows).toBe(12);
    expect(report.imported).toBe(9);
    expect(procedures.map((p) => p.code)).toEqual([
      '1.001193', '1.000894', '1.000656', '2.000815', '2.000884', '1.014748', '1.004692', '1.001022', '1.014199',
    ]);
    expect(brief(report.rejected)).toEqual([
      { row: 9, code: '1.001731', field: 'name' },
      { row: 10, code: '1.0048370', field: 'code' },
      { row: 11, code: '2.000528', field: 'level' },
    ]);
    const [noName, badCode, district] = report.rejected;
    expect(noName?.message).toBe('Tên thủ tục is empty');
    expect(badCode?.name).toBe('Đăng ký giám hộ');
    expect(badCode?.message).toBe('mã thủ tục phải có dạng 1.001193');
    expect(district?.name).toBe('Đăng ký khai sinh có yếu tố nước ngoài');
    expect(district?.message).toContain('cấp huyện no longer exists since 1/7/2025');
    expect(district?.message).toContain('names no cấp xã');
  });

  it('locates multi-line records by spreadsheet row and by file line', () => {
    const [noName] = csvResult.report.rejected;
    expect(noName?.row).toBe(9);
    expect(noName?.line).toBeGreaterThan(9); // earlier rows have multi-line cells
    expect(CSV.replace(/^\uFEFF/, '').split(/\r?\n/)[(noName?.line ?? 0) - 1]).toMatch(/^1\.001731,/);
  });

  it('warns about cấp huyện, imports the row as cấp xã when it also names cấp xã', () => {
    const warning = csvResult.report.warnings.find((w) => w.row === 5 && w.field === 'level');
    expect(warning?.message).toContain('cấp huyện no longer exists since 1/7/2025');
    expect(byCode(csvResult.procedures, '2.000815').level).toBe('xa');
    // The rejected cấp huyện-only row is warned about too, so nothing about it is silent.
    expect(csvResult.report.warnings.some((w) => w.row === 11 && w.field === 'level')).toBe(true);
  });

  it('routes an agency missing from the directory to the coordinator, with a warning', () => {
    const board = byCode(csvResult.procedures, '1.014199');
    expect(board.agencyId).toBe('desk-1022');
    expect(board.implementingAgency).toBe('Ban Quản lý các khu công nghiệp tỉnh');
    expect(csvResult.report.warnings.filter((w) => w.row === 13)).toEqual([
      {
        row: 13,
        line: 76,
        code: '1.014199',
        name: 'Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam',
        field: 'agencyId',
        message: 'agency "Ban Quản lý các khu công nghiệp tỉnh" is not in the agency directory; routed to the coordinator "desk-1022"',
      },
    ]);
    // Names from before the 2025 merger of departments are unknown to a directory without them.
    const p = byCode(csvResult.procedures, '1.004692');
    expect(p.agencyId).toBe('desk-1022');
    expect(p.implementingAgency).toBe('Chi cục Thủy sản');
    const warning = csvResult.report.warnings.find((w) => w.code === '1.004692' && w.field === 'agencyId');
    expect(warning?.message).toContain('"Chi cục Thủy sản" / "Sở Nông nghiệp và Phát triển nông thôn" is not in the agency directory');
  });

  it('falls back to the competent agency when the implementing unit is not in the directory', () => {
    const p = byCode(csvResult.procedures, '1.014748');
    expect(p.agencyId).toBe('so-noi-vu');
    expect(p.implementingAgency).toBe('Trung tâm Dịch vụ việc làm tỉnh');
    expect(p.level).toBe('tinh');
  });

  it('parses a full record: per-method time and fee, steps, documents with copies and cases, legal basis', () => {
    const p = byCode(csvResult.procedures, '1.001193');
    expect(p).toMatchObject({
      code: '1.001193',
      codeVerified: true,
      id: 'dang-ky-khai-sinh',
      name: 'Đăng ký khai sinh',
      field: 'Hộ tịch',
      level: 'xa',
      agencyId: 'ubnd-cap-xa',
      implementingAgency: 'Ủy ban nhân dân cấp xã',
      audience: ['Công dân Việt Nam'],
      agencyFact: { ...fromRecord(sampleUrl('1.001193')), verified: true },
      documentsFact: { ...fromRecord(sampleUrl('1.001193')), verified: true },
      result: 'Giấy khai sinh (bản chính)',
      onlineLevel: 'toan_trinh',
      source: {
        publishingDecision: '2150/QĐ-UBND',
        url: 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193',
        asOf: AS_OF,
      },
    });
    expect(p.conditions).toBeUndefined(); // "Không"
    expect(p.channels.map((c) => [c.method, c.processingTime.text, c.processingTime.workingDays, c.fee.text, c.fee.amountVnd])).toEqual([
      [
        'truc_tiep',
        'Ngay trong ngày nhận đủ hồ sơ hợp lệ; nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo',
        0,
        'Lệ phí: Miễn lệ phí đăng ký khai sinh đúng hạn',
        0,
      ],
      ['truc_tuyen', 'Ngay trong ngày nhận đủ hồ sơ hợp lệ', 0, 'Lệ phí: Miễn lệ phí', 0],
      ['buu_chinh', '01 ngày làm việc kể từ khi cơ quan nhận đủ hồ sơ', 1, 'Lệ phí: Miễn lệ phí; cước bưu chính do người nộp trả', 0],
    ]);
    expect(p.channels.every((c) => c.processingTime.verified && c.fee.verified)).toBe(true);
    expect(p.channels[0]?.description).toBe(
      'Nộp tại Bộ phận Một cửa của Ủy ban nhân dân cấp xã. Nơi tiếp nhận: Bộ phận Một cửa của Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ',
    );
    expect(p.channels[1]?.description).toBe('Nộp trên Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID');
    expect(p.steps).toHaveLength(3);
    expect(p.steps[0]).toBe('Người đi đăng ký nộp hồ sơ tại Bộ phận Một cửa của Ủy ban nhân dân cấp xã hoặc nộp trực tuyến');
    expect(p.steps[2]).toMatch(/^Người đi đăng ký kiểm tra nội dung/);
    expect(p.documents).toEqual([
      { name: 'Tờ khai đăng ký khai sinh theo mẫu', copies: '01 bản chính' },
      { name: 'Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận việc sinh', copies: '01 bản chính' },
      { name: 'Giấy tờ tùy thân của người đi đăng ký để xuất trình' },
      { name: 'Biên bản xác nhận việc trẻ bị bỏ rơi', copies: '01 bản chính', caseGroup: 'Trường hợp trẻ em bị bỏ rơi' },
      { name: 'Văn bản chứng minh việc mang thai hộ', copies: '01 bản chính', caseGroup: 'Trường hợp trẻ sinh ra do mang thai hộ' },
    ]);
    const legal = { verified: true, status: 'in_force', ...fromRecord(sampleUrl('1.001193')) };
    expect(p.legalBasis).toEqual([
      { number: '60/2014/QH13', title: 'Luật Hộ tịch', ...legal },
      { number: '123/2015/NĐ-CP', title: 'Nghị định của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch', ...legal },
      {
        number: '04/2020/TT-BTP',
        title: 'Thông tư của Bộ Tư pháp quy định chi tiết thi hành một số điều của Luật Hộ tịch và Nghị định số 123/2015/NĐ-CP',
        ...legal,
      },
    ]);
    expect(p.aliases).toEqual(['Đăng ký khai sinh', 'khai sinh', 'giấy khai sinh', 'làm giấy khai sinh cho con']);
    expect(p.keywords).toEqual(['khai sinh', 'giấy khai sinh', 'làm giấy khai sinh cho con']);
  });

  it('applies a time and fee stated once to every method', () => {
    const p = byCode(csvResult.procedures, '1.000894');
    expect(p.channels.map((c) => c.method)).toEqual(['truc_tiep', 'truc_tuyen']);
    for (const c of p.channels) {
      expect(c.processingTime).toEqual({
        text: 'Ngay trong ngày nhận đủ hồ sơ hợp lệ; trường hợp cần xác minh điều kiện kết hôn thì không quá 05 ngày làm việc',
        verified: true,
        workingDays: 0,
        ...fromRecord(sampleUrl('1.000894')),
      });
      expect(c.fee).toEqual({ text: 'Lệ phí: Miễn lệ phí', verified: true, amountVnd: 0, ...fromRecord(sampleUrl('1.000894')) });
    }
    expect(p.implementingAgency).toBe('UBND cấp xã');
    expect(p.agencyId).toBe('ubnd-cap-xa');
    expect(p.onlineLevel).toBe('mot_phan');
  });

  it("reads the portal's flattened tables (Cách thức and Thành phần hồ sơ) and legacy level 4", () => {
    const p = byCode(csvResult.procedures, '1.000656');
    expect(p.channels.map((c) => [c.method, c.processingTime.text, c.processingTime.workingDays, c.fee.text])).toEqual([
      ['truc_tiep', 'Ngay trong ngày nhận đủ hồ sơ; trường hợp cần xác minh thì không quá 03 ngày làm việc', 0, 'Lệ phí: Miễn lệ phí khi đăng ký khai tử đúng hạn'],
      ['truc_tuyen', 'Ngay trong ngày nhận đủ hồ sơ', 0, 'Lệ phí: Miễn lệ phí khi đăng ký khai tử đúng hạn'],
    ]);
    expect(p.documents).toEqual([
      { name: 'Tờ khai đăng ký khai tử', copies: '01 bản chính', note: 'Mẫu: TP/HT-2020-KT' },
      { name: 'Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử', copies: '01 bản chính' },
    ]);
    expect(p.onlineLevel).toBe('toan_trinh');
  });

  it('reads fee amounts from the Phí column: one figure, or none when the fee varies', () => {
    expect(byCode(csvResult.procedures, '2.000884').channels.map((c) => [c.method, c.fee.text, c.fee.amountVnd])).toEqual([
      ['truc_tiep', 'Phí: 10.000 đồng/trường hợp', 10000],
      ['buu_chinh', 'Phí: 10.000 đồng/trường hợp', 10000],
    ]);
    const copy = byCode(csvResult.procedures, '2.000815').channels[0];
    expect(copy?.fee.text).toMatch(/^Phí: 2\.000 đồng\/trang/);
    expect(copy?.fee.amountVnd).toBeUndefined();
    expect(byCode(csvResult.procedures, '2.000884').onlineLevel).toBe('khong'); // "Mức độ 2"
  });

  it('writes placeholders (unverified) for empty cells and reports them', () => {
    const p = byCode(csvResult.procedures, '1.001022');
    expect(p.steps).toEqual([PLACEHOLDER]);
    expect(p.result).toBe(PLACEHOLDER);
    expect(p.description).toBe(PLACEHOLDER);
    expect(p.legalBasis).toEqual([
      { number: '60/2014/QH13', title: 'Luật Hộ tịch', verified: true, status: 'in_force', ...fromRecord(sampleUrl('1.001022')) },
      { number: UNKNOWN_LEGAL_NUMBER, title: 'Luật Hôn nhân và gia đình', verified: false, status: 'unknown', ...fromRecord(sampleUrl('1.001022')) },
    ]);
    expect(p.onlineLevel).toBe('mot_phan');
    const warnings = csvResult.report.warnings.filter((w) => w.row === 12).map((w) => [w.field, w.message]);
    expect(warnings).toEqual([
      ['legalBasis', 'no document number in: "Luật Hôn nhân và gia đình" (imported as unverified)'],
      ['onlineLevel', 'Mức độ DVC is empty; online submission is listed, so imported as một phần'],
      [undefined, `empty in the export, written as "${PLACEHOLDER}" (unverified): Trình tự thực hiện, Mô tả, Kết quả thực hiện`],
    ]);
  });

  it('produces records that pass the catalog schema on their own', () => {
    const issues: Parameters<typeof validateProcedures>[2] = [];
    expect(validateProcedures('imported', csvResult.procedures, issues)).toHaveLength(9);
    expect(issues).toEqual([]);
    expect(new Set(csvResult.procedures.map((p) => p.id)).size).toBe(9);
  });
});

describe('importCatalog: the samples against the shipped agency directory', () => {
  it('imports the same rows and routes every record to an agency of that directory', () => {
    const shipped = loadCatalog().directory;
    const ids = new Set(shipped.agencies.map((a) => a.id));
    for (const [format, text, imported] of [['csv', CSV, 9], ['json', JSON_TEXT, 5]] as const) {
      const { procedures, report } = importCatalog({ format, text, asOf: AS_OF }, shipped);
      expect(report.imported, format).toBe(imported);
      for (const p of procedures) expect(ids.has(p.agencyId), `${p.code} → ${p.agencyId}`).toBe(true);
    }
  });
});

describe('importCatalog: the JSON sample', () => {
  it('reads {data:[…]} with snake_case, camelCase and label keys; imports 5 and rejects the row without a code', () => {
    const { report, procedures } = jsonResult;
    expect(report.rows).toBe(6);
    expect(report.imported).toBe(5);
    expect(procedures.map((p) => p.code)).toEqual(['1.004884', '1.001699', '1.011607', '1.001731', '1.002759']);
    expect(report.rejected).toEqual([{ row: 6, name: 'Đăng ký giám hộ', field: 'code', message: 'Mã thủ tục is empty' }]);
  });

  it('maps every key variant to the same fields', () => {
    const snake = byCode(jsonResult.procedures, '1.004884');
    expect(snake.name).toBe('Đăng ký lại khai sinh');
    expect(snake.channels.map((c) => [c.method, c.processingTime.workingDays])).toEqual([
      ['truc_tiep', 5],
      ['truc_tuyen', 5],
    ]);
    // Arrays of objects (thanh_phan_ho_so) and of strings (can_cu_phap_ly) are read too.
    expect(snake.documents).toEqual([
      { name: 'Tờ khai đăng ký lại khai sinh theo mẫu', copies: '01 bản chính' },
      { name: 'Bản sao Giấy khai sinh hoặc giấy tờ có thông tin về họ, chữ đệm, tên, ngày sinh', copies: '01 bản sao' },
    ]);
    expect(snake.legalBasis.map((l) => l.number)).toEqual(['60/2014/QH13', '123/2015/NĐ-CP']);
    const camel = byCode(jsonResult.procedures, '1.001699');
    expect(camel.field).toBe('Bảo trợ xã hội');
    expect(camel.channels.map((c) => c.method)).toEqual(['truc_tiep', 'truc_tuyen', 'buu_chinh']);
    expect(camel.channels[0]?.fee).toEqual({ text: 'Phí: Không; Lệ phí: Không', verified: true, amountVnd: 0, ...fromRecord(sampleUrl('1.001699')) });
    expect(camel.legalBasis.map((l) => l.number)).toEqual(['51/2010/QH12', '01/2019/TT-BLĐTBXH']);
    const labels = byCode(jsonResult.procedures, '1.011607');
    expect(labels.onlineLevel).toBe('mot_phan');
    expect(labels.legalBasis.map((l) => l.number)).toEqual(['07/2021/NĐ-CP', '24/2021/QĐ-TTg']);
    const insurance = byCode(jsonResult.procedures, '1.002759');
    expect(insurance.agencyId).toBe('bhxh-tinh'); // matched by keyword "bảo hiểm xã hội cơ sở"
    expect(insurance.onlineLevel).toBe('toan_trinh');
  });

  it('accepts a bare array and reports items that are not objects', () => {
    const items = (JSON.parse(JSON_TEXT) as { data: unknown[] }).data.slice(0, 2);
    const { report } = importCatalog({ format: 'json', text: JSON.stringify([...items, 'oops']), asOf: AS_OF }, DIRECTORY);
    expect(report.imported).toBe(2);
    expect(report.rows).toBe(3);
    expect(report.rejected).toEqual([{ row: 3, message: 'not an object' }]);
  });
});

describe('importCatalog: CSV dialects and header matching', () => {
  it('matches headers without accents, in any case, with a BOM, semicolons and CRLF', () => {
    const row = Object.fromEntries(
      Object.entries(MINIMAL).map(([label, value]) => [
        label
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .replace(/đ/g, 'd')
          .replace(/Đ/g, 'D')
          .toUpperCase(),
        value,
      ]),
    );
    expect(Object.keys(row)).toContain('MA THU TUC');
    const text = `\uFEFF${csvOf([row], ';')}`;
    expect(detectDelimiter(text.slice(1))).toBe(';');
    const { procedures, report } = importCatalog({ format: 'csv', text, asOf: AS_OF }, DIRECTORY);
    expect(report.rejected).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(procedures).toHaveLength(1);
    expect(procedures[0]).toMatchObject({
      code: '1.004837',
      name: 'Đăng ký giám hộ',
      level: 'xa',
      field: 'Hộ tịch',
      steps: ['Nộp tờ khai', 'Nhận trích lục'],
      channels: [{ method: 'truc_tiep', processingTime: { text: '03 ngày làm việc', workingDays: 3, verified: true }, fee: { text: 'Lệ phí: Miễn lệ phí', amountVnd: 0, verified: true } }],
    });
  });

  it('matches the national labels, snake_case and camelCase keys to one field', () => {
    for (const header of ['Mã thủ tục', 'MÃ THỦ TỤC', 'ma thu tuc', 'ma_thu_tuc', 'maThuTuc', 'maTTHC', 'Mã TTHC']) {
      expect(matchHeader(header), header).toBe('code');
    }
    expect(matchHeader('tenTTHC')).toBe('name');
    expect(matchHeader('Từ khoá')).toBe('keywords');
    expect(matchHeader('Phí (nếu có)')).toBe('fee');
    expect(matchHeader('Lệ phí')).toBe('charge');
    expect(matchHeader('Phí, lệ phí')).toBe('feeAndCharge');
    expect(matchHeader('Mức độ cung cấp dịch vụ công trực tuyến')).toBe('onlineLevel');
    expect(matchHeader('Địa chỉ tiếp nhận HS')).toBe('intakeAddress');
    expect(matchHeader('STT')).toBe('ignored');
    expect(matchHeader('Ghi chú nội bộ')).toBeUndefined();
    // Every label in the table maps back to its own field.
    for (const [field, labels] of Object.entries(HEADER)) for (const label of labels) expect(matchHeader(label), label).toBe(field);
  });

  it('warns once about unknown columns', () => {
    const { report } = importCatalog({ format: 'csv', text: csvOf([{ ...MINIMAL, 'Ghi chú nội bộ': 'x' }]), asOf: AS_OF }, DIRECTORY);
    expect(report.imported).toBe(1);
    expect(report.warnings).toEqual([{ message: 'unknown column ignored: "Ghi chú nội bộ"' }]);
  });

  it('reports unreadable input instead of throwing', () => {
    const broken = importCatalog({ format: 'csv', text: 'Mã thủ tục,Tên thủ tục\n1.001193,"Đăng ký khai sinh', asOf: AS_OF }, DIRECTORY);
    expect(broken.procedures).toEqual([]);
    expect(broken.report.rejected[0]?.message).toMatch(/^CSV cannot be read/);
    const json = importCatalog({ format: 'json', text: '{"items": []}', asOf: AS_OF }, DIRECTORY);
    expect(json.report.rejected).toEqual([{ message: 'JSON must be an array of procedures or { "data": [ … ] }' }]);
    const date = importCatalog({ format: 'json', text: '[]', asOf: '2026-13-01' }, DIRECTORY);
    expect(date.report.rejected).toEqual([{ field: 'source.asOf', message: 'as-of date "2026-13-01" is not YYYY-MM-DD' }]);
  });

  it('defaults asOf to the import date in Vietnam', () => {
    const { procedures } = importCatalog({ format: 'csv', text: csvOf([MINIMAL]) }, DIRECTORY);
    expect(procedures[0]?.source.asOf).toBe(todayInVietnam());
    expect(todayInVietnam(new Date('2026-06-30T18:30:00Z'))).toBe('2026-07-01');
  });
});

describe('importCatalog: row rules', () => {
  const run = (...rows: Record<string, string>[]) => importCatalog({ format: 'csv', text: csvOf(rows), asOf: AS_OF }, DIRECTORY);

  it('rejects a row exported twice, keeps other names under one code, and suffixes a repeated name with its code', () => {
    const { procedures, report } = run(
      MINIMAL,
      { ...MINIMAL, 'Mã thủ tục': '2.000100' },
      { ...MINIMAL, 'Tên thủ tục': 'Đăng ký giám hộ cử' },
      MINIMAL,
    );
    expect(procedures.map((p) => [p.code, p.id])).toEqual([
      ['1.004837', 'dang-ky-giam-ho'],
      ['2.000100', 'dang-ky-giam-ho-2-000100'],
      ['1.004837', 'dang-ky-giam-ho-cu'],
    ]);
    expect(report.rejected).toEqual([
      { row: 5, line: 5, code: '1.004837', name: 'Đăng ký giám hộ', field: 'code', message: 'duplicate of row 2 (same code 1.004837 and name)' },
    ]);
    expect(report.warnings.map((w) => [w.row, w.field, w.message])).toEqual([
      [4, 'code', 'code 1.004837 is also used by row 2 under another name; both imported'],
    ]);
  });

  it('restores a code a spreadsheet shortened, but does not vouch for it', () => {
    const { procedures, report } = run({ ...MINIMAL, 'Mã thủ tục': '2.0002' });
    expect(procedures[0]?.code).toBe('2.000200');
    expect(procedures[0]?.codeVerified).toBe(false);
    expect(report.warnings[0]?.field).toBe('code');
  });

  it('maps cấp huyện + cấp xã to xã, rejects cấp huyện alone, takes tỉnh from "Cấp Tỉnh, Cấp Huyện"', () => {
    const { procedures, report } = run(
      { ...MINIMAL, 'Cấp thực hiện': 'Cấp Huyện, Cấp Xã' },
      { ...MINIMAL, 'Mã thủ tục': '1.000001', 'Cấp thực hiện': 'Cấp Huyện' },
      { ...MINIMAL, 'Mã thủ tục': '1.000002', 'Tên thủ tục': 'Thủ tục cấp tỉnh', 'Cấp thực hiện': 'Cấp Tỉnh, Cấp Huyện' },
    );
    expect(procedures.map((p) => [p.code, p.level])).toEqual([
      ['1.004837', 'xa'],
      ['1.000002', 'tinh'],
    ]);
    expect(brief(report.rejected)).toEqual([{ row: 3, code: '1.000001', field: 'level' }]);
    expect(report.warnings.filter((w) => w.field === 'level' && w.message.includes('cấp huyện no longer exists since 1/7/2025')).map((w) => w.row)).toEqual([2, 3, 4]);
  });

  it('takes the level from the agency when the cell is empty, and rejects an unknown level', () => {
    const { procedures, report } = run(
      { ...MINIMAL, 'Cấp thực hiện': '' },
      { ...MINIMAL, 'Mã thủ tục': '1.000001', 'Tên thủ tục': 'Thủ tục khác', 'Cấp thực hiện': 'Cơ quan khác' },
    );
    expect(procedures.map((p) => p.level)).toEqual(['xa']);
    expect(report.warnings.find((w) => w.field === 'level')?.message).toBe('Cấp thực hiện is empty; taken from the agency "Ủy ban nhân dân cấp xã" (cấp xã)');
    expect(report.rejected.map((i) => [i.row, i.field, i.message])).toEqual([[3, 'level', 'Cấp thực hiện "Cơ quan khác" is not cấp tỉnh, cấp xã or trung ương']]);
  });

  it('rejects an empty Lĩnh vực and reports every problem of the row at once', () => {
    const { report } = run({ ...MINIMAL, 'Tên thủ tục': '', 'Lĩnh vực': '' });
    expect(report.rejected.map((i) => i.field)).toEqual(['name', 'field']);
  });

  it('writes placeholders when time and fee are missing everywhere, and imports the row as unverified', () => {
    const { procedures, report } = run({ ...MINIMAL, 'Thời hạn giải quyết': '', 'Lệ phí': '', 'Thành phần hồ sơ': '', 'Căn cứ pháp lý': '' });
    const p = procedures[0];
    expect(p?.channels[0]?.processingTime).toEqual({ text: PLACEHOLDER, verified: false, ...fromRecord(MINIMAL_URL) });
    expect(p?.channels[0]?.fee).toEqual({ text: PLACEHOLDER, verified: false, ...fromRecord(MINIMAL_URL) });
    expect(p?.documents).toEqual([{ name: PLACEHOLDER }]);
    expect(p?.documentsFact.verified).toBe(false);
    expect(p?.legalBasis).toEqual([{ number: UNKNOWN_LEGAL_NUMBER, title: PLACEHOLDER, verified: false, status: 'unknown', ...fromRecord(MINIMAL_URL) }]);
    expect(report.warnings.at(-1)?.message).toBe(
      `empty in the export, written as "${PLACEHOLDER}" (unverified): Thời hạn giải quyết, Phí/Lệ phí, Thành phần hồ sơ, Căn cứ pháp lý`,
    );
  });

  it('leaves out a URL that is not a web address, with a warning', () => {
    const { procedures, report } = run({ ...MINIMAL, URL: 'dichvucong.gov.vn/thu-tuc' });
    expect(procedures[0]?.source.url).toBeUndefined();
    expect(report.warnings.map((w) => w.field)).toEqual(['source.url']);
  });
});

describe('cell parsers', () => {
  it('reads working days', () => {
    expect(parseWorkingDays('05 ngày làm việc')).toBe(5);
    expect(parseWorkingDays('Trong 03 ngày làm việc kể từ ngày nhận đủ hồ sơ')).toBe(3);
    expect(parseWorkingDays('5 Ngày làm việc')).toBe(5);
    expect(parseWorkingDays('Trong ngày')).toBe(0);
    expect(parseWorkingDays('Ngay trong ngày; sau 15 giờ thì trong ngày làm việc tiếp theo')).toBe(0);
    expect(parseWorkingDays('trong ngay')).toBe(0);
    expect(parseWorkingDays('15 ngày')).toBeUndefined();
    expect(parseWorkingDays('Theo quy định')).toBeUndefined();
  });

  it('reads fee amounts in VND', () => {
    expect(parseFeeAmount('50.000 đồng')).toBe(50000);
    expect(parseFeeAmount('Lệ phí : 8000 Đồng')).toBe(8000);
    expect(parseFeeAmount('50,000đ/hồ sơ')).toBe(50000);
    expect(parseFeeAmount('1.000.000 VNĐ')).toBe(1000000);
    expect(parseFeeAmount('Miễn phí')).toBe(0);
    expect(parseFeeAmount('Miễn lệ phí')).toBe(0);
    expect(parseFeeAmount('Không')).toBe(0);
    expect(parseFeeAmount('Lệ phí: 0 đồng')).toBe(0);
    expect(parseFeeAmount('100.000 đồng')).toBe(100000);
    expect(parseFeeAmount('Phí: 10.000 đồng; Lệ phí: 5.000 đồng')).toBeUndefined();
    expect(parseFeeAmount('Miễn lệ phí đúng hạn; quá hạn 5.000 đồng')).toBeUndefined();
    expect(parseFeeAmount('Theo quy định của Hội đồng nhân dân tỉnh')).toBeUndefined();
  });

  it('finds Vietnamese legal document numbers and not dates', () => {
    const text = 'Luật 60/2014/QH13, Nghị định 123/2015/NĐ-CP, Thông tư 04/2020/TT-BTP, Quyết định 1234/QĐ-UBND, 31/2021/QĐ-TTg, 01/2024/TTLT-BTP-BCA ngày 20/11/2014';
    expect(text.match(LEGAL_NUMBER)).toEqual(['60/2014/QH13', '123/2015/NĐ-CP', '04/2020/TT-BTP', '1234/QĐ-UBND', '31/2021/QĐ-TTg', '01/2024/TTLT-BTP-BCA']);
    expect(parseLegalBasis('60/2014/QH13 | Luật Hộ tịch | 20-11-2014 | Quốc hội').items).toEqual([{ number: '60/2014/QH13', title: 'Luật Hộ tịch' }]);
  });

  it('splits methods on one line and guesses them from prose', () => {
    expect(parseChannels('Trực tiếp; Trực tuyến; Dịch vụ bưu chính. Thời hạn giải quyết: 03 ngày làm việc. Phí: Không').channels).toEqual([
      { method: 'truc_tiep', time: '03 ngày làm việc', fee: 'Phí: Không' },
      { method: 'truc_tuyen', time: '03 ngày làm việc', fee: 'Phí: Không' },
      { method: 'buu_chinh', time: '03 ngày làm việc', fee: 'Phí: Không' },
    ]);
    expect(parseChannels('Nộp trực tiếp tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính. Thời hạn: 05 ngày làm việc').channels).toEqual([
      { method: 'truc_tiep', time: '05 ngày làm việc', description: 'Nộp trực tiếp tại Bộ phận Một cửa' },
      { method: 'buu_chinh', time: '05 ngày làm việc' },
    ]);
    expect(parseChannels('Nộp hồ sơ trực tuyến trên Cổng').channels.map((c) => c.method)).toEqual(['truc_tuyen']);
  });

  it('reads steps and documents', () => {
    expect(parseSteps('Bước 1: A làm đơn.\nBước 2: B xử lý.\n- Kiểm tra\nBước 3: Trả kết quả.')).toEqual(['A làm đơn', 'B xử lý. - Kiểm tra', 'Trả kết quả']);
    expect(parseSteps('- Nộp hồ sơ\n- Nhận kết quả')).toEqual(['Nộp hồ sơ', 'Nhận kết quả']);
    expect(parseDocuments('Trường hợp mang thai hộ: Văn bản chứng minh việc mang thai hộ 01 bản sao có chứng thực')).toEqual([
      { name: 'Văn bản chứng minh việc mang thai hộ', copies: '01 bản sao có chứng thực', caseGroup: 'Trường hợp mang thai hộ' },
    ]);
    expect(parseDocuments('- Bản chính giấy tờ làm cơ sở để chứng thực bản sao: 01 bản chính')).toEqual([
      { name: 'Bản chính giấy tờ làm cơ sở để chứng thực bản sao', copies: '01 bản chính' },
    ]);
  });

  it('reads levels and online levels', () => {
    expect(parseLevel('Cấp Tỉnh')).toEqual({ levels: ['tinh'], district: false });
    expect(parseLevel('cap xa')).toEqual({ levels: ['xa'], district: false });
    expect(parseLevel('Cấp Bộ')).toEqual({ levels: ['trung_uong'], district: false });
    expect(parseLevel('Cấp Huyện')).toEqual({ levels: [], district: true });
    expect(parseLevel('Cấp Huyện, Cấp Xã')).toEqual({ levels: ['xa'], district: true });
    expect(parseLevel('Cơ quan khác')).toEqual({ levels: [], district: false });
    expect(parseOnlineLevel('Toàn trình')).toBe('toan_trinh');
    expect(parseOnlineLevel('Một phần')).toBe('mot_phan');
    expect(parseOnlineLevel('Mức độ 4')).toBe('toan_trinh');
    expect(parseOnlineLevel('Mức độ 3')).toBe('mot_phan');
    expect(parseOnlineLevel('DVC trực tuyến mức độ 2')).toBe('khong');
    expect(parseOnlineLevel('')).toBeUndefined();
  });

  it('splits the audience only where the export lists categories', () => {
    expect(parseAudience('Công dân Việt Nam, Người nước ngoài')).toEqual(['Công dân Việt Nam', 'Người nước ngoài']);
    expect(parseAudience('Cá nhân, tổ chức')).toEqual(['Cá nhân, tổ chức']);
    expect(parseAudience('Công dân Việt Nam; Tổ chức (không bao gồm doanh nghiệp, HTX)')).toEqual(['Công dân Việt Nam', 'Tổ chức (không bao gồm doanh nghiệp, HTX)']);
  });

  it('matches agencies accent-insensitively by name, abbreviation and keyword', () => {
    expect(matchAgency('UBND CAP XA noi cu tru', DIRECTORY)?.id).toBe('ubnd-cap-xa');
    expect(matchAgency('Ủy ban nhân dân phường Hải Châu', DIRECTORY)?.id).toBe('ubnd-cap-xa');
    expect(matchAgency('BHXH tỉnh', DIRECTORY)?.id).toBe('bhxh-tinh');
    expect(matchAgency('Sở Nội vụ tỉnh', DIRECTORY)?.id).toBe('so-noi-vu');
    expect(matchAgency('Tổ tiếp nhận 1022', DIRECTORY)).toBeUndefined();
    expect(matchAgency('Chi cục Thủy sản', DIRECTORY)).toBeUndefined();
  });
});

describe('npm run catalog:import (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const agencies = join(dir, 'agencies.json');
  // The CLI runs from a temp dir (to show where the default output goes), so tsx is loaded by path.
  const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const cli = (args: string[]) => {
    try {
      const stdout = execFileSync(process.execPath, ['--import', TSX, join(ROOT, 'knowledge/cli/import.ts'), ...args], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      return { code: 0, stdout, stderr: '' };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { code: e.status, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('writes the valid records as a procedure file, reports to stderr and exits 0', () => {
    writeFileSync(agencies, JSON.stringify(DIRECTORY));
    const out = join(dir, 'out', 'imported.json');
    const run = cli([join(SAMPLES, 'tthc-export-sample.csv'), '--out', out, '--as-of', AS_OF, '--agencies', agencies]);
    expect(run.code).toBe(0);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { field: string; procedures: Procedure[] };
    expect(file.field).toBe(IMPORTED_FILE_FIELD);
    expect(file.procedures.map((p) => p.code)).toEqual(csvResult.procedures.map((p) => p.code));
    expect(file.procedures[0]?.source.asOf).toBe(AS_OF);
  }, 30_000);

  it('exits 2 and writes nothing when no row imports; the default output is ./data/imported-procedures.json', () => {
    writeFileSync(agencies, JSON.stringify(DIRECTORY));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ ten_thu_tuc: 'Không có mã' }]));
    const none = cli([bad, '--agencies', agencies]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Bị loại');
    expect(existsSync(join(dir, 'data', 'imported-procedures.json'))).toBe(false);
    const ok = cli([join(SAMPLES, 'tthc-export-sample.json'), '--agencies', agencies]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    expect(existsSync(join(dir, 'data', 'imported-procedures.json'))).toBe(true);
  }, 30_000);
});

describe('importCatalog: provenance columns (issue 13)', () => {
  const run = (rows: Record<string, string>[], extra: Partial<Parameters<typeof importCatalog>[0]> = {}) =>
    importCatalog({ format: 'csv', text: csvOf(rows), asOf: AS_OF, ...extra }, DIRECTORY);
  const LAW = 'https://vanban.chinhphu.vn/?pageid=27160&docid=212345';

  it('When the export names a source, its kind, a check date and validity, then every fact carries them', () => {
    const { procedures, report } = run([
      { ...MINIMAL, Nguồn: LAW, 'Loại nguồn': 'Văn bản pháp luật', 'Ngày kiểm tra': '06/12/2026', 'Áp dụng từ ngày': '2025-07-01', 'Áp dụng đến ngày': '28/02/2027' },
    ]);
    expect(report.rejected).toEqual([]);
    expect(report.warnings).toEqual([]);
    const p = procedures[0]!;
    const prov = { sources: [{ url: LAW, kind: 'law' }], checkedAt: '2026-12-06', validFrom: '2025-07-01', validTo: '2027-02-28' };
    expect(p.channels[0]!.fee).toEqual({ text: 'Lệ phí: Miễn lệ phí', amountVnd: 0, verified: true, ...prov });
    expect(p.channels[0]!.processingTime).toMatchObject({ verified: true, ...prov });
    expect(p.agencyFact).toEqual({ verified: true, ...prov });
    expect(p.documentsFact).toEqual({ verified: true, ...prov });
    expect(p.legalBasis[0]).toMatchObject({ verified: true, status: 'in_force', sources: prov.sources, checkedAt: '2026-12-06' });
    expect(p.source.url).toBe(MINIMAL_URL);
    expect(report.unsourced).toBe(0);
  });

  it('When the kind is a portal home page, then nothing is verified (a home page verifies nothing)', () => {
    const { procedures } = run([{ ...MINIMAL, 'Loại nguồn': 'Trang chủ' }]);
    const p = procedures[0]!;
    expect(p.channels[0]!.fee.sources).toEqual([{ url: MINIMAL_URL, kind: 'portal_home' }]);
    expect([p.channels[0]!.fee.verified, p.documentsFact.verified, p.legalBasis[0]!.verified, p.legalBasis[0]!.status]).toEqual([false, false, false, 'unknown']);
  });

  it('When the columns are absent, then the defaults are the migration\'s: the URL by its address, checked on the as-of date', () => {
    const home = run([{ ...MINIMAL, URL: 'https://dichvucong.gov.vn/' }]).procedures[0]!;
    expect(home.channels[0]!.fee).toMatchObject({ sources: [{ url: 'https://dichvucong.gov.vn/', kind: 'portal_home' }], checkedAt: AS_OF, verified: false });
    const own = run([MINIMAL]).procedures[0]!;
    expect(own.channels[0]!.fee).toMatchObject({ sources: [{ url: MINIMAL_URL, kind: 'procedure_record' }], checkedAt: AS_OF, verified: true });
  });

  it('When a row names no source at all, then its facts cite the portal home page, unverified, counted in the report; a default source is used instead when given', () => {
    const { URL: _url, ...noUrl } = MINIMAL;
    const bare = run([noUrl]);
    expect(bare.procedures[0]!.channels[0]!.fee).toMatchObject({ sources: [FALLBACK_SOURCE], verified: false });
    expect(bare.report.unsourced).toBe(1);
    const province = { url: 'https://dichvucong.tinhminhhoa.gov.vn/', kind: 'provincial_portal' as const };
    const withDefault = run([noUrl], { defaultSource: province });
    expect(withDefault.procedures[0]!.agencyFact).toMatchObject({ sources: [province], verified: false });
    expect(withDefault.report.unsourced).toBe(0);
  });

  it('When a provenance cell is unreadable, then it is warned about and the default used; a check date after today rejects the row', () => {
    const { procedures, report } = run([{ ...MINIMAL, Nguồn: 'vanban', 'Loại nguồn': 'tin đồn', 'Ngày kiểm tra': '31/02/2026', 'Áp dụng đến ngày': 'sau Tết' }]);
    expect(report.warnings.map((w) => w.field)).toEqual(['sources', 'sources', 'checkedAt', 'validTo']);
    expect(procedures[0]!.channels[0]!.fee).toMatchObject({ sources: [{ url: MINIMAL_URL, kind: 'procedure_record' }], checkedAt: AS_OF });
    expect(procedures[0]!.channels[0]!.fee.validTo).toBeUndefined();
    const future = run([{ ...MINIMAL, 'Ngày kiểm tra': '2999-01-01' }]);
    expect(future.procedures).toEqual([]);
    expect(future.report.rejected[0]?.message).toMatch(/^checkedAt 2999-01-01 is in the future/);
  });

  it('When validFrom is after validTo in a row, then the row is rejected by the schema', () => {
    const { report } = run([{ ...MINIMAL, 'Áp dụng từ ngày': '2027-01-01', 'Áp dụng đến ngày': '2026-01-01' }]);
    expect(report.rejected.map((i) => i.field)).toContain('channels[0].processingTime.validTo');
  });

  it('maps the provenance headers in their spellings', () => {
    expect(['Nguồn', 'URL nguồn', 'source_url', 'sourceUrl'].map(matchHeader)).toEqual(['sourceUrl', 'sourceUrl', 'sourceUrl', 'sourceUrl']);
    expect(['Loại nguồn', 'loai_nguon', 'sourceKind'].map(matchHeader)).toEqual(['sourceKind', 'sourceKind', 'sourceKind']);
    expect(['Ngày kiểm tra', 'NGAY DOI CHIEU', 'checkedAt'].map(matchHeader)).toEqual(['checkedAt', 'checkedAt', 'checkedAt']);
    expect(['Áp dụng từ ngày', 'valid_from', 'Áp dụng đến ngày', 'validTo'].map(matchHeader)).toEqual(['validFrom', 'validFrom', 'validTo', 'validTo']);
  });
});
