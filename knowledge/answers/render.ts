import type { AnswerCopy } from '../../src/domain/copy/types.js';
import type { Procedure, SubmissionChannel } from '../../src/domain/procedure.js';
import type { FollowUpTopic } from '../../src/ports/knowledge.js';

/**
 * Pure renderers from a procedure record to short chat text. Every answer fits the 2,000-character
 * limit of Zalo and Messenger, and every fact that is not verified is marked, with one note saying so.
 */

export const MAX_CHAT_LENGTH = 2000;

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

function header(p: Procedure, copy: AnswerCopy, out: Rendered): string {
  return `${p.name} (${mark(copy.codeLabel(p.code), p.codeVerified, copy, out)})`;
}

function onlineLine(p: Procedure, copy: AnswerCopy): string {
  const level = copy.onlineLevels[p.onlineLevel];
  return p.onlineUrl && p.onlineLevel !== 'khong' ? `${level}: ${p.onlineUrl}` : level;
}

function documentLines(p: Procedure, copy: AnswerCopy, out: Rendered, limit: number): string[] {
  const items = p.documents.slice(0, limit).map((d) => {
    const parts = [d.caseGroup ? `[${d.caseGroup}] ` : '', d.name, d.copies ? ` (${d.copies})` : ''];
    return mark(parts.join(''), p.documentsVerified, copy, out);
  });
  if (p.documents.length > limit) items.push(copy.moreDocuments(p.documents.length - limit));
  return items;
}

function topicLines(p: Procedure, topic: FollowUpTopic, copy: AnswerCopy, out: Rendered): string[] {
  const L = copy.labels;
  switch (topic) {
    case 'documents':
      return section(L.documents, documentLines(p, copy, out, 12));
    case 'fee':
      return section(L.fee, perMethod(p.channels, (c) => c.fee, copy, out));
    case 'time':
      return section(L.time, perMethod(p.channels, (c) => c.processingTime, copy, out));
    case 'place':
      return [...section(L.place, [p.implementingAgency]), ...section(L.methods, [p.channels.map((c) => copy.methods[c.method]).join(', ')])];
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
    // Forms are among the documents (the catalog has no separate form list yet); the contact is the
    // implementing agency until the directory entry is rendered (issue 9).
    case 'forms':
      return section(L.documents, documentLines(p, copy, out, 12));
    case 'contact':
      return section(L.place, [p.implementingAgency]);
  }
}

function finish(out: Rendered, copy: AnswerCopy, trailer: string[]): string {
  const lines = [...out.lines];
  if (out.unverified) lines.push('', copy.unverifiedNote);
  lines.push(...trailer);
  return fitToLimit(lines.join('\n'));
}

/** Cuts at a line boundary so the text fits one chat message. */
export function fitToLimit(text: string, limit = MAX_CHAT_LENGTH): string {
  if (text.length <= limit) return text;
  const cut = text.lastIndexOf('\n', limit - 2);
  return `${text.slice(0, cut > 0 ? cut : limit - 2)}\n…`;
}

/** The short answer for a procedure: what it is, where and how to submit, how long, how much, online. */
export function renderProcedureAnswer(p: Procedure, copy: AnswerCopy): string {
  const out: Rendered = { lines: [], unverified: false };
  const L = copy.labels;
  out.lines.push(header(p, copy, out), p.description);
  out.lines.push(...section(L.place, [p.implementingAgency]));
  out.lines.push(...section(L.methods, [p.channels.map((c) => copy.methods[c.method]).join(', ')]));
  out.lines.push(...section(L.time, perMethod(p.channels, (c) => c.processingTime, copy, out)));
  out.lines.push(...section(L.fee, perMethod(p.channels, (c) => c.fee, copy, out)));
  out.lines.push(...section(L.online, [onlineLine(p, copy)]));
  return finish(out, copy, ['', copy.followUpHint]);
}

/** The answer to a follow-up about one aspect of the procedure under discussion. */
export function renderFollowUp(p: Procedure, topic: FollowUpTopic, copy: AnswerCopy): string {
  const out: Rendered = { lines: [], unverified: false };
  out.lines.push(header(p, copy, out), ...topicLines(p, topic, copy, out));
  return finish(out, copy, ['', copy.sourceLine(p.source.asOf)]);
}
