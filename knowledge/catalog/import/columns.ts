import type { FactSourceKind } from '../../../src/domain/procedure.js';
import { compactKey } from './text.js';

/**
 * Column labels of the national TTHC database export (CSDL quốc gia về TTHC: Word/Excel export and the
 * rest.jsp JSON) and of provincial one-stop systems, mapped to the importer's source fields.
 *
 * This table is DATA: add a province's header spelling here, never a branch in code. Headers are
 * matched with `compactKey`, i.e. ignoring accents, case, spaces and punctuation, so "Mã thủ tục",
 * "MÃ THỦ TỤC", "ma_thu_tuc" and "maThuTuc" are one header. Text in parentheses is ignored as a
 * fallback ("Phí (nếu có)" → "Phí").
 */
export const COLUMN_LABELS = {
  code: ['Mã thủ tục', 'Mã TTHC', 'Mã số thủ tục', 'Mã số TTHC', 'ma_thu_tuc', 'maTTHC', 'ma_tthc', 'maThuTuc', 'code'],
  publishingDecision: ['Số quyết định', 'Quyết định công bố', 'Số quyết định công bố', 'so_quyet_dinh', 'soQuyetDinh', 'qd_cong_bo'],
  name: ['Tên thủ tục', 'Tên TTHC', 'Tên thủ tục hành chính', 'ten_thu_tuc', 'tenTTHC', 'ten_tthc', 'tenThuTuc', 'name'],
  level: ['Cấp thực hiện', 'Cấp thực hiện TTHC', 'cap_thuc_hien', 'capThucHien', 'cap'],
  procedureType: ['Loại thủ tục', 'Loại TTHC', 'loai_thu_tuc', 'loaiTTHC', 'loaiThuTuc'],
  field: ['Lĩnh vực', 'Tên lĩnh vực', 'linh_vuc', 'linhVuc', 'ten_linh_vuc', 'tenLinhVuc'],
  steps: ['Trình tự thực hiện', 'trinh_tu_thuc_hien', 'trinhTuThucHien', 'trinh_tu'],
  channels: ['Cách thức thực hiện', 'Hình thức nộp', 'cach_thuc_thuc_hien', 'cachThucThucHien', 'cach_thuc'],
  documents: ['Thành phần hồ sơ', 'Hồ sơ', 'thanh_phan_ho_so', 'thanhPhanHoSo', 'ho_so'],
  processingTime: ['Thời hạn giải quyết', 'Thời gian giải quyết', 'Thời hạn', 'thoi_han_giai_quyet', 'thoiHanGiaiQuyet', 'thoi_han'],
  fee: ['Phí', 'phi', 'muc_phi'],
  charge: ['Lệ phí', 'le_phi', 'lePhi', 'muc_le_phi'],
  feeAndCharge: ['Phí, lệ phí', 'Phí/Lệ phí', 'Phí và lệ phí', 'phi_le_phi', 'phiLePhi'],
  audience: ['Đối tượng thực hiện', 'Đối tượng', 'doi_tuong_thuc_hien', 'doiTuongThucHien', 'doi_tuong'],
  implementingAgency: ['Cơ quan thực hiện', 'Cơ quan giải quyết', 'co_quan_thuc_hien', 'coQuanThucHien'],
  competentAgency: ['Cơ quan có thẩm quyền', 'Cơ quan có thẩm quyền quyết định', 'co_quan_co_tham_quyen', 'co_quan_tham_quyen', 'coQuanCoThamQuyen'],
  delegatedAgency: ['Cơ quan được ủy quyền', 'co_quan_duoc_uy_quyen'],
  coordinatingAgency: ['Cơ quan phối hợp', 'co_quan_phoi_hop'],
  intakeAddress: ['Địa chỉ tiếp nhận HS', 'Địa chỉ tiếp nhận hồ sơ', 'Địa chỉ tiếp nhận', 'dia_chi_tiep_nhan', 'dia_chi_tiep_nhan_hs', 'diaChiTiepNhan'],
  result: ['Kết quả thực hiện', 'Kết quả', 'ket_qua_thuc_hien', 'ketQuaThucHien', 'ket_qua'],
  legalBasis: ['Căn cứ pháp lý', 'can_cu_phap_ly', 'canCuPhapLy'],
  conditions: ['Yêu cầu, điều kiện thực hiện', 'Yêu cầu, điều kiện', 'Yêu cầu điều kiện', 'Điều kiện thực hiện', 'yeu_cau_dieu_kien', 'yeuCauDieuKien'],
  keywords: ['Từ khóa', 'Từ khoá', 'tu_khoa', 'tuKhoa', 'keywords'],
  description: ['Mô tả', 'mo_ta', 'moTa', 'description'],
  onlineLevel: ['Mức độ DVC', 'Mức độ cung cấp dịch vụ công trực tuyến', 'Mức độ dịch vụ công', 'Mức độ', 'muc_do', 'muc_do_dvc', 'mucDoDVC', 'mucDo'],
  url: ['URL', 'Đường dẫn', 'Liên kết', 'link', 'url_chi_tiet'],
  /** Provenance of the row's facts (issue 13); absent columns get the migration's defaults. */
  sourceUrl: ['Nguồn', 'URL nguồn', 'Đường dẫn nguồn', 'Nguồn thông tin', 'url_nguon', 'source_url', 'sourceUrl'],
  sourceKind: ['Loại nguồn', 'loai_nguon', 'source_kind', 'sourceKind'],
  checkedAt: ['Ngày kiểm tra', 'Ngày đối chiếu', 'ngay_kiem_tra', 'ngay_doi_chieu', 'checked_at', 'checkedAt'],
  validFrom: ['Áp dụng từ ngày', 'Hiệu lực từ ngày', 'Áp dụng từ', 'ap_dung_tu', 'valid_from', 'validFrom'],
  validTo: ['Áp dụng đến ngày', 'Hiệu lực đến ngày', 'Áp dụng đến', 'ap_dung_den', 'valid_to', 'validTo'],
  /** Recognised and deliberately not imported (no matching field in Procedure). */
  ignored: ['STT', 'Số thứ tự', 'Mẫu đơn, tờ khai', 'Ngày ban hành', 'Ngày hiệu lực', 'Trạng thái', 'id', 'idTTHC'],
} as const satisfies Record<string, readonly string[]>;

export type SourceField = Exclude<keyof typeof COLUMN_LABELS, 'ignored'>;

/**
 * Words of a "Loại nguồn" cell, matched like headers (accents, case, spaces ignored), to a fact source
 * kind. DATA, like the labels above.
 */
export const SOURCE_KIND_LABELS: Record<FactSourceKind, readonly string[]> = {
  procedure_record: ['procedure_record', 'Trang thủ tục', 'Hồ sơ thủ tục', 'CSDL TTHC', 'Cơ sở dữ liệu quốc gia về TTHC', 'Cổng Dịch vụ công Bộ Công an'],
  decision: ['decision', 'Quyết định công bố', 'Quyết định'],
  law: ['law', 'Văn bản pháp luật', 'Văn bản quy phạm pháp luật', 'Luật', 'Nghị định', 'Thông tư'],
  provincial_portal: ['provincial_portal', 'Cổng dịch vụ công tỉnh', 'Cổng tỉnh', 'Hệ thống thông tin giải quyết TTHC tỉnh'],
  portal_home: ['portal_home', 'Trang chủ', 'Trang chủ cổng'],
  secondary: ['secondary', 'Nguồn khác', 'Báo chí', 'Tin tức'],
};

const KIND_BY_KEY: ReadonlyMap<string, FactSourceKind> = new Map(
  (Object.entries(SOURCE_KIND_LABELS) as [FactSourceKind, readonly string[]][]).flatMap(([kind, labels]) => labels.map((l) => [compactKey(l), kind] as const)),
);

/** The source kind a "Loại nguồn" cell names, undefined if none. */
export function matchSourceKind(cell: string): FactSourceKind | undefined {
  return KIND_BY_KEY.get(compactKey(cell));
}

const BY_KEY: ReadonlyMap<string, SourceField | 'ignored'> = (() => {
  const map = new Map<string, SourceField | 'ignored'>();
  for (const [field, labels] of Object.entries(COLUMN_LABELS) as [SourceField | 'ignored', readonly string[]][]) {
    for (const label of labels) {
      const key = compactKey(label);
      const existing = map.get(key);
      if (existing && existing !== field) throw new Error(`column label "${label}" is listed for both ${existing} and ${field}`);
      map.set(key, field);
    }
  }
  return map;
})();

/** The source field a header names, 'ignored' for known columns we do not import, undefined if unknown. */
export function matchHeader(header: string): SourceField | 'ignored' | undefined {
  const exact = BY_KEY.get(compactKey(header));
  if (exact) return exact;
  const withoutParens = header.replace(/\([^)]*\)/g, ' ');
  return withoutParens === header ? undefined : BY_KEY.get(compactKey(withoutParens));
}

/** One data row, each known source field to its (raw) cell text; `undefined` when the column is absent. */
export type SourceRow = Partial<Record<SourceField, string>>;

export interface HeaderMapping {
  /** Source field of each column position (or 'ignored'/undefined). */
  fields: (SourceField | 'ignored' | undefined)[];
  unknown: string[];
  duplicates: string[];
}

export function mapHeaders(headers: string[]): HeaderMapping {
  const seen = new Set<SourceField>();
  const unknown: string[] = [];
  const duplicates: string[] = [];
  const fields = headers.map((h) => {
    if (!h.trim()) return undefined;
    const f = matchHeader(h);
    if (f === undefined) unknown.push(h);
    else if (f !== 'ignored') {
      if (seen.has(f)) {
        duplicates.push(h);
        return undefined;
      }
      seen.add(f);
    }
    return f;
  });
  return { fields, unknown, duplicates };
}
