import type { AnswerCopy } from '../../src/domain/copy/types.js';
import { formatVietnamDate } from '../../src/domain/dates.js';
import type { Agency, Procedure, SubmissionChannel } from '../../src/domain/procedure.js';
import type { FollowUpTopic } from '../../src/ports/knowledge.js';

/**
 * Pure renderers from a procedure record to short chat text. Every answer fits the 2,000-character
 * limit of Zalo and Messenger, and every fact that is not verified is marked, with one note saying so.
 *
 * One answer format for a summary and for every follow-up:
 *
 *     <procedure name> – mã thủ tục <code>[ (*)]
 *     <body: "• Label: value" lines>
 *
 *     [(*) note, once, when a fact is unverified]
 *     Nguồn: <portal's name>, cập nhật ngày dd/mm/yyyy.
 *     Bạn có thể hỏi thêm về: …
 *
 * The unverified mark " (*)" ends a fact's line and never sits inside another bracket. The online
 * service's address is never in the text: it rides on the reply's link ("Nộp hồ sơ trực tuyến", added
 * by the flows), and the source line names the portal instead of repeating its address, so an answer
 * never shows the same URL twice.
 */

export const MAX_CHAT_LENGTH = 2000;

/** What the conversation knows beyond the procedure: the commune the citizen named ("phường Tân An"). */
export interface RenderContext {
  place?: string;
  /** The directory entry of the procedure's agency (for the `contact` follow-up). */
  agency?: Agency;
}

interface Rendered {
  lines: string[];
  unverified: boolean;
}

function mark(text: string, verified: boolean, copy: AnswerCopy, out: Rendered): string {
  if (verified) return text;
  out.unverified = true;
  return text + copy.unverified;
}

/** One line per distinct value; methods that share a value are grouped ("Trực tiếp, Trực tuyến: …"). */
function perMethod(channels: SubmissionChannel[], pick: (c: SubmissionChannel) => { text: string; verified: boolean }, copy: AnswerCopy, out: Rendered): string[] {
  const groups = new Map<string, { methods: string[]; verified: boolean }>();
  for (const c of channels) {
    const fact = pick(c);
    const g = groups.get(fact.text) ?? { methods: [], verified: true };
    g.methods.push(copy.methods[c.method]);
    g.verified &&= fact.verified;
    groups.set(fact.text, g);
  }
  const single = groups.size === 1;
  return [...groups].map(([text, g]) => `${single ? '' : `${g.methods.join(', ')}: `}${mark(text, g.verified, copy, out)}`);
}

function section(label: string, items: string[]): string[] {
  if (items.length === 1) return [`• ${label}: ${items[0]}`];
  return [`• ${label}:`, ...items.map((i) => `  - ${i}`)];
}

/** "Cấp thẻ căn cước – mã thủ tục 2.000200 (*)": the code without brackets, so its mark is not nested. */
function header(p: Procedure, copy: AnswerCopy, out: Rendered): string {
  return `${p.name} – ${mark(copy.codeLabel(p.code), p.codeVerified, copy, out)}`;
}

/** The online level; the address itself is the reply's link (see the header comment). */
function onlineLine(p: Procedure, copy: AnswerCopy): string {
  const level = copy.onlineLevels[p.onlineLevel];
  return p.onlineUrl && p.onlineLevel !== 'khong' ? `${level}; ${copy.onlineLinkBelow}.` : level;
}

/**
 * Where to submit: the body at the citizen's commune when they named one and the procedure goes to a
 * commune-level body ("UBND phường Tân An"), with the rule under it; otherwise the rule as the catalog words it.
 */
function placeLines(p: Procedure, copy: AnswerCopy, place: string | undefined): string[] {
  const named = place ? copy.agencyAt(p.implementingAgency, place) : undefined;
  if (!named) return section(copy.labels.place, [p.implementingAgency]);
  return section(copy.labels.place, [named, `${copy.placeRule}: ${p.implementingAgency}`]);
}

function documentLines(p: Procedure, copy: AnswerCopy, out: Rendered, limit: number): string[] {
  const items = p.documents.slice(0, limit).map((d) => {
    const parts = [d.caseGroup ? `${d.caseGroup}: ` : '', d.name, d.copies ? `, ${d.copies}` : ''];
    return mark(parts.join(''), p.documentsVerified, copy, out);
  });
  if (p.documents.length > limit) items.push(copy.moreDocuments(p.documents.length - limit));
  return items;
}

/**
 * Whether a document of the catalog (worded in Vietnamese) is a form the citizen fills in: a tờ khai,
 * an đơn, a giấy đề nghị, a phiếu yêu cầu…, or anything "theo mẫu" / "Mẫu số …".
 */
const FORM = /^(tờ khai|đơn|giấy đề nghị|giấy khai|bản khai|đề nghị|văn bản đề nghị|thông báo|phiếu (yêu cầu|tự khai|thu nhận))|theo mẫu|\(mẫu|mẫu số/iu;

export function isForm(documentName: string): boolean {
  return FORM.test(documentName.trim());
}

function formLines(p: Procedure, copy: AnswerCopy, out: Rendered): string[] {
  const forms = p.documents.filter((d) => isForm(d.name)).map((d) => mark(d.name, p.documentsVerified, copy, out));
  if (forms.length === 0) return [copy.forms.none];
  return [...section(copy.forms.label, forms), copy.forms.where(Boolean(p.onlineUrl) && p.onlineLevel !== 'khong')];
}

/**
 * Whether a directory entry stands for every commune's body of one kind ("Ủy ban nhân dân cấp xã (xã,
 * phường, đặc khu)"), not one office: the copy can name it at a commune. A commune's own office (a
 * directory entry "UBND phường Tân An") is not a category.
 */
function isCommuneCategory(agency: Agency, copy: AnswerCopy): boolean {
  return agency.level === 'xa' && copy.agencyAt(agency.name, 'xã A') !== undefined;
}

/** An agency's directory entry as lines: name, then each contact detail the directory has. */
function contactLines(agency: Agency, copy: AnswerCopy, place: string | undefined): string[] {
  const C = copy.contact;
  if (isCommuneCategory(agency, copy)) {
    // A commune-level body is one directory entry for every commune: its contacts are the category's.
    const named = place ? copy.agencyAt(agency.name, place) : undefined;
    if (named) return [`• ${C.label}: ${named}`, C.notListed(named)];
    return [`• ${C.label}: ${agency.name}`, ...details(agency, copy), C.askCommune];
  }
  const lines = details(agency, copy);
  return [`• ${C.label}: ${agency.name}`, ...(lines.length > 0 ? lines : [C.none])];
}

function details(agency: Agency, copy: AnswerCopy): string[] {
  const C = copy.contact;
  const c = agency.contacts;
  return [
    c.address ? `  - ${C.address}: ${c.address}` : '',
    c.phone ? `  - ${C.phone}: ${c.phone}` : '',
    c.email ? `  - ${C.email}: ${c.email}` : '',
    c.website ? `  - ${C.website}: ${c.website}` : '',
    c.hours ? `  - ${C.hours}: ${c.hours}` : '',
  ].filter((line) => line !== '');
}

function topicLines(p: Procedure, topic: FollowUpTopic, copy: AnswerCopy, out: Rendered, context: RenderContext): string[] {
  const L = copy.labels;
  switch (topic) {
    case 'documents':
      return section(L.documents, documentLines(p, copy, out, 12));
    case 'fee':
      return section(L.fee, perMethod(p.channels, (c) => c.fee, copy, out));
    case 'time':
      return section(L.time, perMethod(p.channels, (c) => c.processingTime, copy, out));
    case 'place':
      return [...placeLines(p, copy, context.place), ...section(L.methods, [p.channels.map((c) => copy.methods[c.method]).join(', ')])];
    case 'legal':
      return section(L.legal, p.legalBasis.map((l) => mark(`${l.title} số ${l.number}`, l.verified, copy, out)));
    case 'online':
      return section(L.online, [onlineLine(p, copy)]);
    case 'steps': {
      const steps = p.steps.slice(0, 6).map((s, i) => `${i + 1}. ${s}`);
      if (p.steps.length > 6) steps.push(copy.moreSteps(p.steps.length - 6));
      return section(L.steps, steps);
    }
    case 'result':
      return section(L.result, [p.result]);
    case 'conditions':
      return section(L.conditions, [p.conditions ?? p.audience.join(', ')]);
    case 'forms':
      return formLines(p, copy, out);
    case 'contact': {
      const lines = placeLines(p, copy, context.place);
      const agency = context.agency?.id === p.agencyId ? context.agency : undefined;
      if (!agency) return [...lines, copy.contact.none];
      const named = isCommuneCategory(agency, copy) && context.place ? copy.agencyAt(agency.name, context.place) : undefined;
      // Named at the citizen's commune, the place lines already say who: only the directory's honesty follows.
      return named ? [...lines, copy.contact.notListed(named)] : [...lines, ...contactLines(agency, copy, context.place)];
    }
  }
}

/** The portal a procedure's facts come from, by name (never its address: see the header comment). */
export function sourceName(p: Procedure, copy: AnswerCopy): string {
  if (!p.source.url) return copy.defaultSourceName;
  let host: string;
  try {
    host = new URL(p.source.url).hostname.replace(/^www\./, '');
  } catch {
    return copy.defaultSourceName;
  }
  return copy.sourceNames[host] ?? copy.defaultSourceName;
}

/** The one footer of every procedure answer: unverified note, source and check date, follow-up hint. */
function finish(p: Procedure, out: Rendered, copy: AnswerCopy): string {
  const lines = [...out.lines, ''];
  if (out.unverified) lines.push(copy.unverifiedNote);
  lines.push(copy.sourceLine({ name: sourceName(p, copy), checked: formatVietnamDate(p.source.asOf) }), copy.followUpHint);
  return fitFooter(out.lines.join('\n'), lines.slice(out.lines.length).join('\n'));
}

/** Cuts the body (never the footer) at a line boundary so body and footer fit one chat message. */
function fitFooter(body: string, footer: string, limit = MAX_CHAT_LENGTH): string {
  const whole = `${body}\n${footer}`;
  if (whole.length <= limit) return whole;
  return `${fitToLimit(body, limit - footer.length - 1)}\n${footer}`;
}

/** Cuts at a line boundary so the text fits one chat message. */
export function fitToLimit(text: string, limit = MAX_CHAT_LENGTH): string {
  if (text.length <= limit) return text;
  const cut = text.lastIndexOf('\n', limit - 2);
  return `${text.slice(0, cut > 0 ? cut : limit - 2)}\n…`;
}

/** The short answer for a procedure: what it is, where and how to submit, how long, how much, online. */
export function renderProcedureAnswer(p: Procedure, copy: AnswerCopy, context: RenderContext = {}): string {
  const out: Rendered = { lines: [], unverified: false };
  const L = copy.labels;
  out.lines.push(header(p, copy, out), p.description);
  out.lines.push(...placeLines(p, copy, context.place));
  out.lines.push(...section(L.methods, [p.channels.map((c) => copy.methods[c.method]).join(', ')]));
  out.lines.push(...section(L.time, perMethod(p.channels, (c) => c.processingTime, copy, out)));
  out.lines.push(...section(L.fee, perMethod(p.channels, (c) => c.fee, copy, out)));
  out.lines.push(...section(L.online, [onlineLine(p, copy)]));
  return finish(p, out, copy);
}

/** The answer to a follow-up about one aspect of the procedure under discussion. */
export function renderFollowUp(p: Procedure, topic: FollowUpTopic, copy: AnswerCopy, context: RenderContext = {}): string {
  const out: Rendered = { lines: [], unverified: false };
  out.lines.push(header(p, copy, out), ...topicLines(p, topic, copy, out, context));
  return finish(p, out, copy);
}

/**
 * An agency's directory entry on its own ("số điện thoại của Sở Tư pháp", "UBND phường Tân An ở đâu"):
 * name, address, phone, e-mail, website and hours when the directory has them. A commune-level body
 * is named at the commune the citizen wrote, honestly saying the directory has no entry of its own.
 */
export function renderContact(agency: Agency, copy: AnswerCopy, place?: string): string {
  return fitToLimit(contactLines(agency, copy, place).join('\n'));
}
