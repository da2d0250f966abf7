import type { AnswerCopy } from '../../src/domain/copy/types.js';
import { formatVietnamDate } from '../../src/domain/dates.js';
import type { Agency, FactSource, Procedure, Provenance, SubmissionChannel } from '../../src/domain/procedure.js';
import type { FollowUpTopic } from '../../src/ports/knowledge.js';
import { brief, exemptionsOf, legalLine, namesGroup, otherValue, readFact, sourceDates, unknownLine } from './facts.js';

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
 *     Nguồn: <sources' names>, kiểm tra ngày dd/mm/yyyy.   (the latest check date of the facts shown)
 *     Bạn có thể hỏi thêm về: …
 *
 * The unverified mark " (*)" ends a fact's line and never sits inside another bracket. The online
 * service's address is never in the text: it rides on the reply's link ("Nộp hồ sơ trực tuyến", added
 * by the flows), and the source line names the portal instead of repeating its address, so an answer
 * never shows the same URL twice.
 *
 * Facts are read on the day asked (`RenderContext.today`, from the caller's clock): a fee's amount in
 * force, until when it applies, "needs confirmation" past a fact's validity, other values sources give.
 */

export const MAX_CHAT_LENGTH = 2000;
/**
 * Room a channel without buttons takes in the same message: the reply's link and the numbered options
 * with their hint (Zalo's text mode writes about 300 characters under a procedure answer).
 */
export const CHANNEL_RESERVE = 400;
/** The longest procedure answer, so it and what a channel adds stay one chat message. */
export const ANSWER_BUDGET = MAX_CHAT_LENGTH - CHANNEL_RESERVE;

/** What the conversation knows beyond the procedure: the commune the citizen named ("phường Tân An"). */
export interface RenderContext {
  place?: string;
  /** The directory entry of the procedure's agency (for the `contact` follow-up). */
  agency?: Agency;
  /**
   * The day asked, ISO (yyyy-mm-dd, Vietnam time), from the caller's clock: picks a fee's amount in force
   * and judges validity. Absent: every scheduled amount is listed with its dates.
   */
  today?: string;
  /** The citizen's question, when known: a fee exemption for a group it names comes first. */
  question?: string;
}

interface Rendered {
  lines: string[];
  unverified: boolean;
  /** Check dates of the facts shown: the footer says the latest. */
  checked: string[];
  /** Sources of the facts shown: the footer names them. */
  sources: FactSource[];
  /** How briefly long values are quoted: 0 first, then shorter until the answer fits its budget. */
  brevity: number;
}

function shown(fact: Pick<Provenance, 'checkedAt' | 'sources'>, out: Rendered): void {
  out.checked.push(fact.checkedAt);
  out.sources.push(...fact.sources);
}

function mark(text: string, verified: boolean, copy: AnswerCopy, out: Rendered): string {
  if (verified) return text;
  out.unverified = true;
  return text + copy.unverified;
}

/**
 * One line per distinct value on the day asked; methods that share a value are grouped ("Trực tiếp,
 * Trực tuyến: …"). A value that needs confirmation is not marked unverified: it already says so. Then
 * what other sources say (once for the section, with their dates; a value only some methods' sources
 * give names those methods) and what is unknown about the fact, once. The short `summary` quotes each
 * value briefly and only says that sources differ; the (*) mark says the rest is unconfirmed and the
 * topic's own answer says what.
 */
function perMethod(
  channels: SubmissionChannel[],
  pick: (c: SubmissionChannel) => SubmissionChannel['fee'] | SubmissionChannel['processingTime'],
  copy: AnswerCopy,
  out: Rendered,
  today: string | undefined,
  /** The short summary: each value briefly, unknowns and other sources' values left to the topic's own answer. */
  summary = false,
): string[] {
  const groups = new Map<string, { methods: string[]; verified: boolean }>();
  // Said once for the section, not once per method (several methods often share them).
  const unknowns = new Set<string>();
  const own = new Set<string>();
  const disputes = new Map<string, { text: string; dates: string[]; methods: string[] }>();
  for (const c of channels) {
    const fact = pick(c);
    const method = copy.methods[c.method];
    shown(fact, out);
    if (fact.unknown) unknowns.add(fact.unknown);
    for (const d of fact.disputed ?? []) {
      const entry = disputes.get(d.text) ?? { text: d.text, dates: sourceDates(d.sources), methods: [] };
      entry.methods.push(method);
      disputes.set(d.text, entry);
    }
    if (fact.disputed?.length) for (const date of sourceDates(fact.sources)) own.add(date);
    const read = readFact({ ...fact, disputed: [] }, today, copy, false);
    const reading = summary ? { ...read, text: brief(read.text, BREVITY[out.brevity]!.fact) } : read;
    const g = groups.get(reading.text) ?? { methods: [], verified: true };
    g.methods.push(method);
    g.verified &&= fact.verified || !reading.stated;
    groups.set(reading.text, g);
  }
  const single = groups.size === 1;
  const lines = [...groups].map(([text, g]) => `${single ? '' : `${g.methods.join(', ')}: `}${mark(text, g.verified, copy, out)}`);
  if (disputes.size > 0 && summary) lines.push(copy.facts.disputedElsewhere);
  else if (disputes.size > 0) {
    const others = [...disputes.values()].map((d) => ({ ...otherValue(d), ...(d.methods.length < channels.length && { methods: d.methods }) }));
    lines.push(copy.facts.disputedList({ own: [...own], others }));
  }
  return summary ? lines : [...lines, ...[...unknowns].map((u) => unknownLine(u, copy))];
}

/**
 * How much of a long value an answer quotes, by brevity (0: all of it): each fee, processing time and
 * agency in the short summary (its topic's answer says it all), and a legal text's name and the
 * catalog's note on it.
 */
const BREVITY = [
  { fact: Infinity, legalName: Infinity, legalNote: Infinity },
  { fact: 200, legalName: 120, legalNote: 90 },
  { fact: 140, legalName: 80, legalNote: 45 },
  { fact: 90, legalName: 80, legalNote: 0 },
] as const;

function section(label: string, items: string[]): string[] {
  if (items.length === 1) return [`• ${label}: ${items[0]}`];
  return [`• ${label}:`, ...items.map((i) => `  - ${i}`)];
}

/** "Cấp thẻ căn cước – mã thủ tục 2.000200 (*)": the code without brackets, so its mark is not nested. */
function header(p: Procedure, copy: AnswerCopy, out: Rendered): string {
  // Without a known national code the name stands alone (never a made-up code).
  return p.code ? `${p.name} – ${mark(copy.codeLabel(p.code), p.codeVerified, copy, out)}` : p.name;
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
function placeLines(p: Procedure, copy: AnswerCopy, out: Rendered, context: RenderContext, summary = false): string[] {
  shown(p.agencyFact, out);
  // The summary says who briefly, and that sources differ; the "nơi nộp" answer says it all.
  const { disputed, ...agencyFact } = p.agencyFact;
  const full = readFact({ ...(summary ? agencyFact : p.agencyFact), text: p.implementingAgency }, context.today, copy, !summary);
  const reading = summary ? { ...full, text: brief(full.text, BREVITY[out.brevity]!.fact) + (disputed?.length ? ` ${copy.facts.disputedElsewhere}` : '') } : full;
  const rule = mark(reading.text, p.agencyFact.verified || !reading.stated, copy, out);
  const named = context.place && reading.stated ? copy.agencyAt(p.implementingAgency, context.place) : undefined;
  if (!named) return section(copy.labels.place, [rule]);
  return section(copy.labels.place, [named, `${copy.placeRule}: ${rule}`]);
}

/** Under a document list: until when it applies, or that it needs confirmation; other lists sources give; what is not known. */
function documentsNotice(p: Procedure, copy: AnswerCopy, out: Rendered, today: string | undefined): string[] {
  shown(p.documentsFact, out);
  const f = p.documentsFact;
  const F = copy.facts;
  const lines: string[] = [];
  if (f.validTo && today && today > f.validTo) lines.push(F.documentsNeedConfirmation(formatVietnamDate(f.validTo)));
  else if (f.validTo) lines.push(F.documentsUntil(formatVietnamDate(f.validTo)));
  // Other lists sources give and what is not known, without the validity said above.
  const { validFrom: _from, validTo: _to, ...rest } = f;
  const notes = readFact({ ...rest, text: '' }, today, copy).text.trim();
  if (notes) lines.push(notes);
  return lines;
}

function documentLines(p: Procedure, copy: AnswerCopy, out: Rendered, limit: number): string[] {
  const items = p.documents.slice(0, limit).map((d) => {
    const parts = [d.caseGroup ? `${d.caseGroup}: ` : '', d.name, d.copies ? `, ${d.copies}` : ''];
    return mark(parts.join(''), p.documentsFact.verified, copy, out);
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

function formLines(p: Procedure, copy: AnswerCopy, out: Rendered, today: string | undefined): string[] {
  const notice = documentsNotice(p, copy, out, today);
  const forms = p.documents.filter((d) => isForm(d.name)).map((d) => mark(d.name, p.documentsFact.verified, copy, out));
  if (forms.length === 0) return [copy.forms.none];
  return [...section(copy.forms.label, forms), ...notice, copy.forms.where(Boolean(p.onlineUrl) && p.onlineLevel !== 'khong')];
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
      return [...section(L.documents, documentLines(p, copy, out, 12)), ...documentsNotice(p, copy, out, context.today)];
    case 'fee':
      return feeLines(p, copy, out, context);
    case 'time':
      return section(L.time, perMethod(p.channels, (c) => c.processingTime, copy, out, context.today));
    case 'place':
      return [...placeLines(p, copy, out, context), ...section(L.methods, [p.channels.map((c) => copy.methods[c.method]).join(', ')])];
    case 'legal':
      return section(
        L.legal,
        p.legalBasis.map((l) => {
          shown(l, out);
          const reading = legalLine(l, context.today, copy, BREVITY[out.brevity]!);
          return mark(reading.text, l.verified || !reading.stated, copy, out);
        }),
      );
    case 'online':
      return section(L.online, [onlineLine(p, copy)]);
    case 'steps': {
      const steps = p.steps.slice(0, 6).map((s, i) => `${i + 1}. ${s}`);
      if (p.steps.length > 6) steps.push(copy.moreSteps(p.steps.length - 6));
      return section(L.steps, steps);
    }
    case 'result':
      return section(L.result, [p.result]);
    case 'conditions': {
      if (p.conditions === undefined || !p.conditionsFact) return section(L.conditions, [p.audience.join(', ')]);
      shown(p.conditionsFact, out);
      const reading = readFact({ ...p.conditionsFact, text: p.conditions }, context.today, copy);
      return section(L.conditions, [mark(reading.text, p.conditionsFact.verified || !reading.stated, copy, out)]);
    }
    case 'forms':
      return formLines(p, copy, out, context.today);
    case 'contact': {
      const lines = placeLines(p, copy, out, context);
      const agency = context.agency?.id === p.agencyId ? context.agency : undefined;
      if (!agency) return [...lines, copy.contact.none];
      const named = isCommuneCategory(agency, copy) && context.place ? copy.agencyAt(agency.name, context.place) : undefined;
      // Named at the citizen's commune, the place lines already say who: only the directory's honesty follows.
      return named ? [...lines, copy.contact.notListed(named)] : [...lines, ...contactLines(agency, copy, context.place)];
    }
  }
}

/**
 * The fee answer: the amount in force per method, then who pays nothing or less ("Miễn lệ phí: …", the
 * groups by name); when the question names a group that has an exemption ("người cao tuổi có phải đóng
 * phí không"), that exemption comes first and in full, before the amounts.
 */
function feeLines(p: Procedure, copy: AnswerCopy, out: Rendered, context: RenderContext): string[] {
  const amounts = section(copy.labels.fee, perMethod(p.channels, (c) => c.fee, copy, out, context.today));
  const exemptions = exemptionsOf(
    p.channels.map((c) => c.fee),
    context.question,
  );
  if (exemptions.length === 0) return amounts;
  // Who is exempt, by group name; the group the question names in full, first (one chat message holds it all).
  const groups = (list: typeof exemptions) => list.map((e) => e.group).join('; ');
  const [first, ...rest] = exemptions;
  if (namesGroup(context.question, first!)) {
    return [...section(copy.facts.exemptionsLabel, [`${first!.group}: ${first!.text}`, ...(rest.length > 0 ? [groups(rest)] : [])]), ...amounts];
  }
  return [...amounts, ...section(copy.facts.exemptionsLabel, [groups(exemptions)])];
}

/** A portal's name by its address's host, undefined when the copy does not know it. */
function portalName(url: string, copy: AnswerCopy): string | undefined {
  try {
    return copy.sourceNames[new URL(url).hostname.replace(/^www\./, '')];
  } catch {
    return undefined;
  }
}

/** The portal a procedure's record comes from, by name (never its address: see the header comment). */
export function sourceName(p: Procedure, copy: AnswerCopy): string {
  return (p.source.url && portalName(p.source.url, copy)) || copy.defaultSourceName;
}

/**
 * Where the facts shown come from, by name: known portals by name, legal texts and decisions as such,
 * other pages as reference sources; at most two names. Without facts shown, the record's portal.
 */
function sourcesName(p: Procedure, sources: FactSource[], copy: AnswerCopy): string {
  const names: string[] = [];
  for (const s of sources) {
    const name =
      portalName(s.url, copy) ??
      (s.kind === 'law' || s.kind === 'decision' ? copy.sourceKinds.legal : s.kind === 'secondary' ? copy.sourceKinds.secondary : copy.defaultSourceName);
    if (!names.includes(name)) names.push(name);
  }
  return names.length > 0 ? names.slice(0, 2).join(copy.sourceKinds.and) : sourceName(p, copy);
}

/**
 * The one footer of every procedure answer: unverified note, source and the check date of the facts
 * shown (the latest; the record's edit date only when the answer shows no fact with provenance, such as
 * its steps), follow-up hint.
 */
function finish(p: Procedure, out: Rendered, copy: AnswerCopy): string {
  const lines = [...out.lines, ''];
  if (out.unverified) lines.push(copy.unverifiedNote);
  const checked = out.checked.reduce<string | undefined>((latest, d) => (latest === undefined || d > latest ? d : latest), undefined);
  const name = sourcesName(p, out.sources, copy);
  lines.push(checked ? copy.sourceLine({ name, checked: formatVietnamDate(checked) }) : copy.editedLine({ name, edited: formatVietnamDate(p.source.asOf) }), copy.followUpHint);
  return `${out.lines.join('\n')}\n${lines.slice(out.lines.length).join('\n')}`;
}

/**
 * The answer `build` writes, quoting long values more briefly until it fits its budget; at the briefest,
 * the body (never the footer) is cut at a line boundary.
 */
function fitting(p: Procedure, copy: AnswerCopy, build: (out: Rendered) => void): string {
  for (let brevity = 0; ; brevity++) {
    const out: Rendered = { lines: [], unverified: false, checked: [], sources: [], brevity };
    build(out);
    const whole = finish(p, out, copy);
    if (whole.length <= ANSWER_BUDGET) return whole;
    if (brevity === BREVITY.length - 1) {
      const footer = whole.slice(out.lines.join('\n').length + 1);
      return `${fitToLimit(out.lines.join('\n'), ANSWER_BUDGET - footer.length - 1)}\n${footer}`;
    }
  }
}

/** Cuts at a line boundary so the text fits one chat message. */
export function fitToLimit(text: string, limit = MAX_CHAT_LENGTH): string {
  if (text.length <= limit) return text;
  const cut = text.lastIndexOf('\n', limit - 2);
  return `${text.slice(0, cut > 0 ? cut : limit - 2)}\n…`;
}

/** The short answer for a procedure: what it is, where and how to submit, how long, how much, online. */
export function renderProcedureAnswer(p: Procedure, copy: AnswerCopy, context: RenderContext = {}): string {
  const L = copy.labels;
  return fitting(p, copy, (out) => {
    out.lines.push(header(p, copy, out), p.description);
    out.lines.push(...placeLines(p, copy, out, context, true));
    out.lines.push(...section(L.methods, [p.channels.map((c) => copy.methods[c.method]).join(', ')]));
    out.lines.push(...section(L.time, perMethod(p.channels, (c) => c.processingTime, copy, out, context.today, true)));
    out.lines.push(...section(L.fee, perMethod(p.channels, (c) => c.fee, copy, out, context.today, true)));
    out.lines.push(...section(L.online, [onlineLine(p, copy)]));
  });
}

/** The answer to a follow-up about one aspect of the procedure under discussion. */
export function renderFollowUp(p: Procedure, topic: FollowUpTopic, copy: AnswerCopy, context: RenderContext = {}): string {
  return fitting(p, copy, (out) => {
    out.lines.push(header(p, copy, out), ...topicLines(p, topic, copy, out, context));
  });
}

/**
 * An agency's directory entry on its own ("số điện thoại của Sở Tư pháp", "UBND phường Tân An ở đâu"):
 * name, address, phone, e-mail, website and hours when the directory has them. A commune-level body
 * is named at the commune the citizen wrote, honestly saying the directory has no entry of its own.
 */
export function renderContact(agency: Agency, copy: AnswerCopy, place?: string): string {
  return fitToLimit(contactLines(agency, copy, place).join('\n'));
}
