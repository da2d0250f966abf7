import type {
  LegalBasis,
  OnlineLevel,
  ProcedureLevel,
  RequiredDocument,
  SubmissionMethod,
} from '../../../src/domain/procedure.js';
import { clean, fold, oneLine, splitTopLevel, stripBullet, trimPunctuation, uniqueFolded, wordKey } from './text.js';

/**
 * Parsers for the free-text cells of the national TTHC export. Each is pure and total: it returns what
 * it could read plus notes on what it could not, and never throws.
 */

// ---------------------------------------------------------------------------------------------------
// Processing time and fees

/** Working days in "05 ngày làm việc", "Trong 03 ngày làm việc", 0 for "Trong ngày"; undefined otherwise. */
export function parseWorkingDays(text: string): number | undefined {
  const f = fold(clean(text));
  const days = /(\d{1,3})\s*(?:\([^)]*\)\s*)?ngay\s+lam\s+viec/.exec(f);
  const sameDay = /(?:^|[^a-z])(?:ngay\s+trong\s+ngay|trong\s+ngay|tra\s+ngay|giai\s+quyet\s+ngay|ngay\s+khi\s+nhan)(?![a-z])/.exec(f);
  if (days && (!sameDay || days.index < sameDay.index)) {
    const n = Number(days[1]);
    return n <= 365 ? n : undefined;
  }
  if (sameDay) return 0;
  return undefined;
}

const AMOUNT = /(\d{1,3}(?:[.,\s]\d{3})+|\d+)\s*(?:dong|vnd|d(?![a-z]))/g;
const FREE = /(?<![a-z])(?:mien\s+(?:phi|le\s+phi|thu)|khong\s+(?:thu|co|mat|phai\s+nop)|khong\s*\.?\s*$)|(?<![\d.,])0\s*(?:dong|vnd)/;

/** VND amount of "50.000 đồng", "8000 Đồng", "50,000đ"; 0 for "Miễn phí"/"Không"; undefined if it varies. */
export function parseFeeAmount(text: string): number | undefined {
  const f = fold(clean(text));
  const amounts = new Set<number>();
  for (const m of f.matchAll(AMOUNT)) {
    const n = Number((m[1] ?? '').replace(/[.,\s]/g, ''));
    if (Number.isSafeInteger(n) && n > 0) amounts.add(n);
  }
  const free = FREE.test(f);
  if (amounts.size === 0) return free ? 0 : undefined;
  if (amounts.size === 1 && !free) return [...amounts][0];
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Cách thức thực hiện → channels

export interface ParsedChannel {
  method: SubmissionMethod;
  /** Time stated for this method (or for all methods, when stated once). */
  time?: string;
  /** Fee stated for this method (or for all methods, when stated once). */
  fee?: string;
  description?: string;
}

export interface ParsedChannels {
  channels: ParsedChannel[];
}

const METHOD_WORDS = '(truc\\s+tiep|truc\\s+tuyen|(?:qua\\s+)?(?:dich\\s+vu\\s+)?buu\\s+chinh(?:\\s+cong\\s+ich)?)';
/** A method heading: at the start of the cell, a line, or after ";", "|", ". ", ", " or "hoặc/và". */
const METHOD_HEADING = new RegExp(
  `(^|\\n|[;|]|[.,]\\s|\\s(?:hoac|va)\\s)[ \\t]*(?:[-+•*–][ \\t]*)?(?:hinh\\s+thuc(?:\\s+nop)?\\s*:?\\s*)?(?:nop\\s+(?:ho\\s+so\\s+)?)?${METHOD_WORDS}[ \\t]*(?=$|[:\\-–\\n;|,.(])`,
  'g',
);
const METHOD_MENTION = new RegExp(METHOD_WORDS, 'g');

function methodOf(foldedWords: string): SubmissionMethod {
  if (foldedWords.includes('tiep')) return 'truc_tiep';
  if (foldedWords.includes('tuyen')) return 'truc_tuyen';
  return 'buu_chinh';
}

/** Labels inside a method's text. Order matters: longer labels first. */
const LABEL = /(?<![a-z])(thoi\s+han(?:\s+giai\s+quyet)?|thoi\s+gian(?:\s+giai\s+quyet)?|phi\s*(?:,|\/|va)\s*le\s+phi|le\s+phi|phi|mo\s+ta)\s*:/g;

interface LabelledParts {
  lead: string;
  time?: string;
  fee?: string;
  description?: string;
}

/** "| 5 Ngày làm việc | Lệ phí: 8.000 đồng | Mô tả" (the portal's table flattened): cells by position. */
function splitTableCells(text: string): LabelledParts {
  const cells = text.split('|').map((c) => trimPunctuation(c));
  if (cells[0] === '') cells.shift();
  const [time, fee, ...rest] = cells;
  const strip = (v: string | undefined, label: RegExp) => {
    if (!v) return undefined;
    const m = label.exec(fold(v));
    return trimPunctuation(m ? v.slice(m[0].length) : v) || undefined;
  };
  return {
    lead: '',
    time: strip(time, /^thoi\s+(?:han|gian)(?:\s+giai\s+quyet)?\s*:/),
    fee: strip(fee, /^phi\s*(?:,|\/|va)\s*le\s+phi\s*:/),
    description: strip(rest.filter(Boolean).join('. '), /^mo\s+ta\s*:/),
  };
}

function splitLabels(text: string): LabelledParts {
  if (text.includes('|')) return splitTableCells(text);
  const f = fold(text);
  const marks = [...f.matchAll(LABEL)].map((m) => ({ start: m.index, end: m.index + m[0].length, label: m[1] ?? '' }));
  const lead = trimPunctuation(text.slice(0, marks[0]?.start ?? text.length));
  const times: string[] = [];
  const fees: string[] = [];
  const descriptions: string[] = [];
  marks.forEach((m, i) => {
    const value = trimPunctuation(text.slice(m.end, marks[i + 1]?.start ?? text.length));
    if (!value) return;
    if (m.label.startsWith('thoi')) times.push(value);
    else if (m.label.startsWith('mo')) descriptions.push(value);
    else if (/^phi\s*(?:,|\/|va)/.test(m.label)) fees.push(value);
    // A single "Phí:" or "Lệ phí:" keeps its label so "Phí: …; Lệ phí: …" stays readable.
    else fees.push(`${oneLine(text.slice(m.start, m.end - 1))}: ${value}`);
  });
  return {
    lead,
    time: times.length ? times.join('; ') : undefined,
    fee: fees.length ? fees.join('; ') : undefined,
    description: descriptions.length ? descriptions.join('; ') : undefined,
  };
}

function joinDescription(...parts: (string | undefined)[]): string | undefined {
  const text = parts.filter((p): p is string => !!p && p.length > 0).join('. ');
  return text || undefined;
}

/** The single value stated, when all stating segments agree (or only one states it). */
function statedOnce(values: (string | undefined)[]): string | undefined {
  const distinct = uniqueFolded(values.filter((v): v is string => !!v));
  return distinct.length === 1 ? distinct[0] : undefined;
}

/**
 * Reads "Cách thức thực hiện". Recognises method headings ("Trực tiếp: …", "- Trực tuyến", "Dịch vụ bưu
 * chính") and inside each method the labels "Thời hạn (giải quyết):", "Phí:", "Lệ phí:", "Phí, lệ phí:",
 * "Mô tả:". A time or fee stated once (before the first method, or by only one method) applies to all
 * methods that state none.
 */
export function parseChannels(cell: string): ParsedChannels {
  const text = clean(cell);
  if (!text) return { channels: [] };
  const f = fold(text);
  // `start` is where the text before the heading ends: the boundary (". ", " hoặc ") belongs to neither.
  const headings = [...f.matchAll(METHOD_HEADING)].map((m) => ({ start: m.index, end: m.index + m[0].length, method: methodOf(m[2] ?? '') }));

  if (headings.length === 0) {
    // No heading: take the methods the prose mentions ("Nộp hồ sơ trực tuyến trên Cổng …").
    const methods = [...new Set([...f.matchAll(METHOD_MENTION)].map((m) => methodOf(m[1] ?? '')))];
    const parts = splitLabels(text);
    const channels = methods.map((method) => ({ method, time: parts.time, fee: parts.fee, description: joinDescription(parts.lead, parts.description) }));
    return { channels };
  }

  const preamble = text.slice(0, headings[0]?.start ?? 0);
  const isTableHeader = preamble.includes('|') && /hinh\s+thuc/.test(fold(preamble));
  const common: LabelledParts = isTableHeader ? { lead: '' } : splitLabels(preamble);
  const byMethod = new Map<SubmissionMethod, LabelledParts[]>();
  // "Nộp trực tiếp tại … hoặc qua dịch vụ bưu chính": a method mentioned before the first heading.
  if (!isTableHeader) {
    for (const m of fold(preamble).matchAll(METHOD_MENTION)) {
      const method = methodOf(m[1] ?? '');
      if (!headings.some((h) => h.method === method) && !byMethod.has(method)) byMethod.set(method, [{ lead: common.lead }]);
    }
  }
  headings.forEach((h, i) => {
    const body = text.slice(h.end, headings[i + 1]?.start ?? text.length);
    const list = byMethod.get(h.method) ?? [];
    list.push(splitLabels(body));
    byMethod.set(h.method, list);
  });
  const merged = [...byMethod.entries()].map(([method, parts]) => ({
    method,
    time: statedOnce(parts.map((p) => p.time)) ?? parts.find((p) => p.time)?.time,
    fee: statedOnce(parts.map((p) => p.fee)) ?? parts.find((p) => p.fee)?.fee,
    description: joinDescription(...parts.map((p) => p.lead), ...parts.map((p) => p.description)),
  }));
  const sharedTime = common.time ?? statedOnce(merged.map((c) => c.time));
  const sharedFee = common.fee ?? statedOnce(merged.map((c) => c.fee));
  const channels = merged.map((c) => ({
    method: c.method,
    time: c.time ?? sharedTime,
    fee: c.fee ?? sharedFee,
    // An introduction before the first method ("nộp theo một trong các cách sau:") describes no method.
    description: joinDescription(c.description, common.description),
  }));
  return { channels };
}

// ---------------------------------------------------------------------------------------------------
// Trình tự thực hiện → steps

/** Splits "Bước 1: … Bước 2: …" into steps without the "Bước n" prefix; else one step per line. */
export function parseSteps(cell: string): string[] {
  const text = clean(cell);
  if (!text) return [];
  const f = fold(text);
  const marks = [...f.matchAll(/(?<![a-z])buoc\s*(?:\d+|[ivx]+)\s*[:.\-–)]?\s*/g)];
  if (marks.length === 0) {
    return text
      .split('\n')
      .map((l) => oneLine(stripBullet(l)))
      .filter((l) => l.length >= 3);
  }
  const steps: string[] = [];
  const preamble = trimPunctuation(text.slice(0, marks[0]?.index ?? 0));
  if (preamble.length >= 3 && !/:\s*$/.test(text.slice(0, marks[0]?.index ?? 0).trim())) steps.push(preamble);
  marks.forEach((m, i) => {
    const step = trimPunctuation(text.slice(m.index + m[0].length, marks[i + 1]?.index ?? text.length));
    if (step.length >= 3) steps.push(step);
  });
  return steps;
}

// ---------------------------------------------------------------------------------------------------
// Thành phần hồ sơ → documents

/** The portal's "Số lượng" column: "Bản chính: 1, Bản sao: 0" (both counts, in this order). */
const COPIES_PAIR = /ban\s+chinh\s*:\s*(\d+)\s*[,;\-–/]?\s*ban\s+sao\s*:\s*(\d+)/g;
/** Free text: "01 bản chính", "02 bản sao có chứng thực". */
const COPIES_TEXT = /(\d+)\s*(ban\s+(?:chinh|sao(?:\s+(?:co\s+)?chung\s+thuc|\s+y)?|photo|goc|dien\s+tu))(?![a-z])/g;
const SKIP_LINE = /^(?:bao\s+gom|thanh\s+phan\s+ho\s+so|ho\s+so\s+(?:gom|bao\s+gom)|so\s+luong\s+ho\s+so|so\s+bo\s+ho\s+so|ten\s+giay\s+to)(?![a-z])/;

function pad2(n: string): string {
  return n.length === 1 ? `0${n}` : n;
}

/** Copies stated in the line, and the line with them blanked out. Works on folded text, slices the original. */
function copiesOf(line: string): { copies?: string; rest: string } {
  const f = fold(line);
  let matches = [...f.matchAll(COPIES_PAIR)];
  let copies: string[];
  if (matches.length > 0) {
    copies = matches.flatMap((m) => [
      Number(m[1]) > 0 ? `${pad2(m[1] ?? '')} bản chính` : '',
      Number(m[2]) > 0 ? `${pad2(m[2] ?? '')} bản sao` : '',
    ]).filter(Boolean);
  } else {
    matches = [...f.matchAll(COPIES_TEXT)];
    copies = matches.map((m) => `${pad2(m[1] ?? '')} ${oneLine(line.slice(m.index + (m[0].length - (m[2] ?? '').length), m.index + m[0].length)).toLowerCase()}`);
  }
  let rest = line;
  for (const m of [...matches].reverse()) rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
  return { copies: copies.length ? copies.join(', ') : undefined, rest };
}

function cleanDocName(text: string): string {
  return trimPunctuation(
    text
      .replace(/\(\s*[,;:\-–]*\s*\)/g, ' ')
      .replace(/(?:số\s+lượng|sl)\s*:?\s*$/i, ' ')
      .replace(/\s+[-–:;,]+\s*$/, ' '),
  );
}

/**
 * One document per line (or per "- " bullet in a one-line cell). Lines like "Trường hợp …:" or "Đối với …:"
 * start a case group; "Bao gồm:" and "Số lượng hồ sơ: 01 bộ" are skipped. Copies are read from
 * "Bản chính: 1, Bản sao: 0" or "01 bản chính" and removed from the name.
 */
export function parseDocuments(cell: string): RequiredDocument[] {
  const text = clean(cell);
  if (!text) return [];
  let lines = text.split('\n');
  if (lines.length === 1) lines = text.split(/\s(?=[-+•]\s)/);
  const docs: RequiredDocument[] = [];
  let caseGroup: string | undefined;
  for (const raw of lines) {
    const line = oneLine(stripBullet(raw));
    if (!line) continue;
    const f = fold(line);
    if (SKIP_LINE.test(f)) {
      if (!/^so\s+(?:luong|bo)/.test(f)) caseGroup = undefined;
      continue;
    }
    const { copies, rest } = copiesOf(line);
    if ((!copies && /:\s*$/.test(line)) || /^(?:truong\s+hop|doi\s+voi|neu)\b[^:]*:\s*$/.test(f)) {
      caseGroup = trimPunctuation(line.replace(/:\s*$/, '')) || undefined;
      continue;
    }
    let body = rest;
    let group = caseGroup;
    let note: string | undefined;
    // "Trường hợp trẻ bị bỏ rơi: Biên bản xác nhận …" names its case inline.
    const inline = /^(?:truong\s+hop|doi\s+voi)\b[^:]{3,}:\s*(?=\S)/.exec(fold(rest.trimStart()));
    if (inline) {
      const start = rest.length - rest.trimStart().length;
      group = trimPunctuation(rest.slice(start, start + inline[0].length).replace(/:\s*$/, ''));
      body = rest.slice(start + inline[0].length);
    }
    // "Tờ khai … | TP/HT-2020-KS.1 | Bản chính: 1 Bản sao: 0" (the portal's table flattened).
    if (body.includes('|')) {
      const cells = body.split('|').map((c) => trimPunctuation(c));
      body = cells[0] ?? '';
      const form = cells.slice(1).find((c) => c.length >= 3);
      if (form) note = `Mẫu: ${form}`;
    }
    const name = cleanDocName(body);
    if (name.length < 3) continue;
    const doc: RequiredDocument = { name };
    if (copies) doc.copies = copies;
    if (note) doc.note = note;
    if (group) doc.caseGroup = group;
    docs.push(doc);
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------------
// Căn cứ pháp lý → legal basis

/**
 * Vietnamese legal document numbers: 60/2014/QH13, 123/2015/NĐ-CP, 04/2020/TT-BTP, 1234/QĐ-UBND,
 * 31/2021/QĐ-TTg, 01/2024/TTLT-BTP-BCA, 936/QĐ-BTC, 59/2020/QH14, 15/VBHN-BTP.
 */
export const LEGAL_NUMBER = /(?<![\p{L}\p{N}/])\d{1,5}\/(?:\d{4}\/)?[A-ZĐ][\p{L}\d]*(?:-[\p{L}\d]+)*(?![\p{L}\p{N}])/gu;
const DATE = /(?:ngày\s+)?\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}/gi;

function titleFrom(line: string, number: string): string {
  if (line.includes('|')) {
    const cells = line.split('|').map((c) => trimPunctuation(c));
    const title = cells.find((c) => c && !c.includes(number) && !new RegExp(`^${DATE.source}$`, 'i').test(c) && /\p{L}{3}/u.test(c));
    if (title) return title;
  }
  const title = trimPunctuation(
    line
      .replace(new RegExp(`(?:số\\s*(?:hiệu|ký hiệu)?\\s*:?\\s*)?${number.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'i'), ' ')
      .replace(DATE, ' ')
      .replace(/\(\s*\)/g, ' '),
  );
  return title.length >= 3 ? title : `Văn bản số ${number}`;
}

export interface ParsedLegalBasis {
  items: Pick<LegalBasis, 'number' | 'title'>[];
  /** Lines with no recognisable document number. */
  unnumbered: string[];
}

/** One legal document per line ("Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014", or "số | trích yếu | ngày"). */
export function parseLegalBasis(cell: string): ParsedLegalBasis {
  const text = clean(cell);
  const items: Pick<LegalBasis, 'number' | 'title'>[] = [];
  const unnumbered: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\n|;\s*(?=\S)/)) {
    const line = oneLine(stripBullet(raw));
    if (!line || /^(?:căn cứ pháp lý|can cu phap ly)\s*:?$/i.test(line)) continue;
    const numbers = [...line.matchAll(LEGAL_NUMBER)].map((m) => m[0]);
    const number = numbers[0];
    if (!number) {
      unnumbered.push(line);
      continue;
    }
    const key = number.toUpperCase().replace(/Đ/g, 'D');
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ number, title: titleFrom(line, number) });
  }
  return { items, unnumbered };
}

// ---------------------------------------------------------------------------------------------------
// Cấp thực hiện and Mức độ

export interface ParsedLevel {
  levels: ProcedureLevel[];
  /** The cell names cấp huyện, which no longer exists since 1/7/2025. */
  district: boolean;
}

/** Levels named in "Cấp Tỉnh, Cấp Xã", "Cấp Bộ", "Trung ương", "Cấp Huyện" (reported separately). */
export function parseLevel(cell: string): ParsedLevel {
  const w = ` ${wordKey(cell)} `
    .replace(/ thanh pho truc thuoc trung uong /g, ' tinh ')
    .replace(/ (?:thi xa|thanh pho thuoc tinh) /g, ' huyen ')
    .replace(/ co quan /g, ' ');
  const levels: ProcedureLevel[] = [];
  if (/ (?:bo|trung uong) /.test(w)) levels.push('trung_uong');
  if (/ tinh /.test(w)) levels.push('tinh');
  if (/ (?:xa|phuong|dac khu|thi tran) /.test(w)) levels.push('xa');
  return { levels, district: / (?:huyen|quan) /.test(w) };
}

/** "Toàn trình"/"Mức độ 4" → toan_trinh; "Một phần"/"Mức độ 3" → mot_phan; levels 1–2, "Không" → khong. */
export function parseOnlineLevel(cell: string): OnlineLevel | undefined {
  const w = ` ${wordKey(cell)} `;
  if (!w.trim()) return undefined;
  if (/ toan trinh /.test(w)) return 'toan_trinh';
  if (/ mot phan /.test(w)) return 'mot_phan';
  const level = / (?:muc(?: do)?|md|level)? ?([1-4]) /.exec(w)?.[1];
  if (level === '4') return 'toan_trinh';
  if (level === '3') return 'mot_phan';
  if (level === '1' || level === '2') return 'khong';
  if (/ (khong|chua|thong tin truc tuyen|khong co) /.test(w)) return 'khong';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Lists

/** Keywords: "khai sinh, giấy khai sinh; làm giấy khai sinh" → three entries (commas inside parentheses are kept). */
export function parseList(cell: string): string[] {
  return uniqueFolded(splitTopLevel(clean(cell), ',;\n'));
}

/**
 * "Đối tượng thực hiện": lines or ";" separate entries. Commas do only when every part starts with a
 * capital, as in the portal's category list "Công dân Việt Nam, Người nước ngoài"; "Cơ quan, tổ chức,
 * gia đình hoặc cá nhân …" stays one entry.
 */
export function parseAudience(cell: string): string[] {
  const text = clean(cell);
  const parts = splitTopLevel(text, ';\n');
  if (parts.length !== 1) return uniqueFolded(parts);
  const byComma = splitTopLevel(text, ',');
  return uniqueFolded(byComma.every((p) => /^\p{Lu}/u.test(p)) ? byComma : parts);
}
