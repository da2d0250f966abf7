import { describe, expect, it } from 'vitest';
import { ANSWER_BUDGET, fitToLimit, isForm, MAX_CHAT_LENGTH, renderContact, renderFollowUp, renderProcedureAnswer } from '../../knowledge/answers/render.js';
import { renderReply } from '../../adapters/zalo/render.js';
import { followUpButtons } from '../../flows/buttons.js';
import { createAnswerRenderer, renderAnswer } from '../../knowledge/answers/answer.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Procedure } from '../../src/domain/procedure.js';
import type { FollowUpTopic } from '../../src/ports/knowledge.js';

const { procedures, directory } = loadCatalog();
const agencies = new Map(directory.agencies.map((a) => [a.id, a]));
const khaiSinh = procedures.find((p) => p.id === 'dang-ky-khai-sinh')!;
const TOPICS: FollowUpTopic[] = ['documents', 'fee', 'time', 'place', 'legal', 'online', 'steps', 'result', 'conditions', 'forms', 'contact'];

function withFee(p: Procedure, verified: boolean): Procedure {
  return { ...p, channels: p.channels.map((c) => ({ ...c, fee: { ...c.fee, verified } })) };
}

describe('renderProcedureAnswer', () => {
  it('says what it is, where, how, how long, how much and how to apply online (the address is the reply link)', () => {
    const text = renderProcedureAnswer(khaiSinh, vi.answers);
    expect(text).toContain('Đăng ký khai sinh');
    expect(text).toContain('1.001193');
    expect(text).toContain('Ủy ban nhân dân cấp xã');
    expect(text).toContain('Thời hạn giải quyết');
    expect(text).toContain('Miễn lệ phí');
    expect(text).toContain(vi.answers.onlineLinkBelow);
    expect(text).not.toContain('https://');
  });

  it('marks an unverified fee and adds the note once; a fully verified fee gets no mark', () => {
    const verified = renderProcedureAnswer(withFee(khaiSinh, true), vi.answers);
    const unverified = renderProcedureAnswer(withFee(khaiSinh, false), vi.answers);
    expect(unverified).toContain(vi.answers.unverifiedNote);
    expect(unverified.split(vi.answers.unverifiedNote).length).toBe(2);
    const feeSection = (t: string) => {
      const lines = t.split('\n');
      const start = lines.findIndex((l) => l.includes(vi.answers.labels.fee));
      const end = lines.findIndex((l, i) => i > start && l.startsWith('•'));
      return lines.slice(start, end).join('\n');
    };
    expect(feeSection(unverified)).toContain(vi.answers.unverified.trim());
    expect(feeSection(verified)).not.toContain(vi.answers.unverified.trim());
  });

  it('stays within its budget for every procedure and every follow-up, so Zalo\'s text mode adds the link and numbered options in the same message', () => {
    const today = '2026-12-07';
    const oneMessage = (p: Procedure, text: string) => {
      const reply = { text, buttons: followUpButtons(vi), ...(p.onlineUrl ? { link: { title: vi.answers.onlineLinkTitle, url: p.onlineUrl } } : {}) };
      return renderReply(reply, { mode: 'text', maxButtons: 5 }).texts.length;
    };
    for (const p of procedures) {
      for (const text of [renderProcedureAnswer(p, vi.answers), renderProcedureAnswer(p, vi.answers, { today }), ...TOPICS.map((topic) => renderFollowUp(p, topic, vi.answers, { today }))]) {
        expect(text.length, p.id).toBeLessThanOrEqual(ANSWER_BUDGET);
        expect(oneMessage(p, text), p.id).toBe(1);
        // Long values are quoted more briefly until the answer fits: no line is dropped (the cut's "…" line).
        expect(text, p.id).not.toContain('\n…\n');
      }
      for (const topic of TOPICS) expect(renderFollowUp(p, topic, vi.answers).length).toBeLessThanOrEqual(MAX_CHAT_LENGTH);
    }
  });

  it('groups methods that share a processing time and splits those that differ', () => {
    const p: Procedure = {
      ...khaiSinh,
      channels: [
        { ...khaiSinh.channels[0]!, processingTime: { ...khaiSinh.channels[0]!.processingTime, text: '05 ngày làm việc', verified: true } },
        { ...khaiSinh.channels[1]!, processingTime: { ...khaiSinh.channels[1]!.processingTime, text: '03 ngày làm việc', verified: true } },
      ],
    };
    const text = renderFollowUp(p, 'time', vi.answers);
    expect(text).toContain('Trực tiếp: 05 ngày làm việc');
    expect(text).toContain('Trực tuyến: 03 ngày làm việc');
  });
});

describe('renderFollowUp', () => {
  it('answers each aspect of the current procedure', () => {
    expect(renderFollowUp(khaiSinh, 'documents', vi.answers)).toContain('Giấy chứng sinh');
    expect(renderFollowUp(khaiSinh, 'legal', vi.answers)).toContain('60/2014/QH13');
    expect(renderFollowUp(khaiSinh, 'steps', vi.answers)).toMatch(/1\. /);
  });
});

describe('fitToLimit', () => {
  it('cuts long text at a line boundary and marks the cut', () => {
    const long = Array.from({ length: 100 }, (_, i) => `dòng số ${i} ${'x'.repeat(40)}`).join('\n');
    const cut = fitToLimit(long);
    expect(cut.length).toBeLessThanOrEqual(MAX_CHAT_LENGTH);
    expect(cut.endsWith('\n…')).toBe(true);
  });
});

describe('renderAnswer', () => {
  const candidate = (p: Procedure, score: number) => ({ procedure: p, score });
  const other = procedures.find((p) => p.id === 'dang-ky-lai-khai-sinh') ?? procedures[1]!;

  it('lists the options when clarifying and confirms when there is only one', () => {
    const clarify = renderAnswer(
      { question: 'q', intent: 'procedure', language: 'vi', decision: 'clarify', best: candidate(khaiSinh, 0.5), alternatives: [candidate(khaiSinh, 0.5), candidate(other, 0.48)] },
      vi.answers,
    );
    expect(clarify).toContain(vi.answers.clarifyQuestion);
    expect(clarify).toContain(`2. ${other.name}`);
    const confirm = renderAnswer({ question: 'q', intent: 'procedure', language: 'vi', decision: 'clarify', best: candidate(khaiSinh, 0.4), alternatives: [] }, vi.answers);
    expect(confirm).toBe(vi.answers.confirmQuestion(khaiSinh.name));
  });

  it('says honestly when it has no procedure', () => {
    expect(renderAnswer({ question: 'q', intent: 'procedure', language: 'vi', decision: 'abstain', best: null, alternatives: [] }, vi.answers)).toBe(vi.answers.abstain);
  });
});

/** The footer every procedure answer ends with: [unverified note], source line, follow-up hint. */
function footerOf(text: string): string[] {
  const lines = text.split('\n');
  return lines.slice(lines.lastIndexOf('') + 1);
}

describe('one answer format (issue 9, item 7)', () => {
  const render = createAnswerRenderer(vi.answers, (id) => agencies.get(id));

  it('ends a summary and every follow-up with the same footer: source named with its check date (dd/mm/yyyy), then the follow-up hint', () => {
    // Answers that show facts with provenance give their check date; steps, result, online level and
    // the audience (the conditions of a procedure that states none) carry none, so they give the
    // record's edit date, worded as such.
    for (const p of procedures) {
      const edited: FollowUpTopic[] = ['online', 'steps', 'result', ...(p.conditions === undefined ? ['conditions' as const] : [])];
      const texts: [string, boolean][] = [[render.procedure(p), true], ...TOPICS.map((t): [string, boolean] => [render.followUp(p, t), !edited.includes(t)])];
      for (const [text, checked] of texts) {
        const footer = footerOf(text);
        expect(footer.at(-1)).toBe(vi.answers.followUpHint);
        expect(footer.at(-2)).toMatch(checked ? /^Nguồn: .+, kiểm tra ngày \d{2}\/\d{2}\/\d{4}\.$/ : /^Nguồn: .+, cập nhật ngày \d{2}\/\d{2}\/\d{4}\.$/);
        if (text.includes(vi.answers.unverified)) expect(footer[0]).toBe(vi.answers.unverifiedNote);
      }
    }
  });

  it('gives the latest check date of the facts shown, not the record\'s edit date', () => {
    const fees = khaiSinh.channels.map((c) => c.fee.checkedAt).sort();
    const p: Procedure = {
      ...khaiSinh,
      source: { ...khaiSinh.source, asOf: '2026-12-01' },
      channels: khaiSinh.channels.map((c, i) => ({ ...c, fee: { ...c.fee, checkedAt: i === 0 ? '2026-10-02' : '2026-09-01' } })),
    };
    expect(fees.length).toBeGreaterThan(0);
    expect(renderFollowUp(p, 'fee', vi.answers)).toContain('kiểm tra ngày 02/10/2026.');
    expect(renderFollowUp(p, 'steps', vi.answers)).toContain('cập nhật ngày 01/12/2026.');
  });

  it('shows dates as dd/mm/yyyy, never ISO', () => {
    const text = renderFollowUp(khaiSinh, 'fee', vi.answers);
    const latest = khaiSinh.channels.map((c) => c.fee.checkedAt).sort().at(-1)!;
    expect(text).toContain(`kiểm tra ngày ${latest.slice(8, 10)}/${latest.slice(5, 7)}/${latest.slice(0, 4)}`);
    for (const p of procedures) for (const t of TOPICS) expect(render.followUp(p, t)).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
  });

  it('names the source portal instead of repeating an address: no URL appears twice in one answer', () => {
    // The footer names where the facts come from, never an address: a portal by its name.
    expect(renderProcedureAnswer(khaiSinh, vi.answers)).toMatch(/^Nguồn: [^\n/]+, kiểm tra ngày \d\d\/\d\d\/\d{4}\.$/m);
    expect(procedures.some((p) => renderProcedureAnswer(p, vi.answers).includes('Nguồn: Cổng Dịch vụ công quốc gia'))).toBe(true);
    for (const p of procedures) {
      for (const text of [render.procedure(p), ...TOPICS.map((t) => render.followUp(p, t))]) {
        const urls = text.match(/https?:\/\/\S+/g) ?? [];
        expect(new Set(urls).size).toBe(urls.length);
        if (p.onlineUrl) expect(text).not.toContain(p.onlineUrl);
      }
    }
  });

  it('never nests brackets: the code is not in brackets, so its unverified mark is not either', () => {
    const unverifiedCode = { ...khaiSinh, codeVerified: false };
    const header = renderProcedureAnswer(unverifiedCode, vi.answers).split('\n')[0];
    expect(header).toBe(`${khaiSinh.name} – mã thủ tục ${khaiSinh.code} (*)`);
    for (const p of procedures) {
      for (const text of [render.procedure(p), ...TOPICS.map((t) => render.followUp(p, t))]) {
        // A procedure without a known national code is named alone (never a made-up code).
        expect(text.split('\n')[0]).toBe(p.code ? `${p.name} – mã thủ tục ${p.code}${p.codeVerified ? '' : ' (*)'}` : p.name);
      }
    }
  });

  it('names a commune-level agency at the commune the citizen wrote, with the rule under it', () => {
    const text = render.procedure(khaiSinh, 'phường Tân An');
    expect(text).toContain('• Nơi giải quyết:\n  - UBND phường Tân An\n  - Theo quy định: Ủy ban nhân dân cấp xã');
    expect(render.followUp(khaiSinh, 'place', 'UBND Phường Tân An')).toContain('  - UBND phường Tân An');
    const police = procedures.find((p) => p.agencyId === 'cong-an-cap-xa')!;
    expect(render.procedure(police, 'xã Bình Minh')).toContain('  - Công an xã Bình Minh');
    // A place that is not a commune, or a provincial agency, keeps the catalog's wording.
    expect(render.procedure(khaiSinh, 'Hà Nội')).toContain(`• Nơi giải quyết: ${khaiSinh.implementingAgency}`);
    const provincial = procedures.find((p) => p.level === 'tinh')!;
    expect(render.procedure(provincial, 'phường Tân An')).toContain(`• Nơi giải quyết: ${provincial.implementingAgency}`);
    // Through the brain's result too.
    const answered = render.answer({ question: 'q', intent: 'procedure', language: 'vi', decision: 'answer', best: { procedure: khaiSinh, score: 0.9 }, alternatives: [], place: { text: 'phường Tân An' } });
    expect(answered).toContain('UBND phường Tân An');
  });
});

describe('follow-ups on forms and contacts', () => {
  const render = createAnswerRenderer(vi.answers, (id) => agencies.get(id));

  it('lists the application forms among the documents, and says honestly when the catalog lists none', () => {
    const forms = render.followUp(khaiSinh, 'forms');
    expect(forms).toContain(`• ${vi.answers.forms.label}: Tờ khai đăng ký khai sinh theo mẫu`);
    expect(forms).not.toContain('Giấy chứng sinh');
    const none = procedures.find((p) => p.documents.every((d) => !isForm(d.name)))!;
    expect(render.followUp(none, 'forms')).toContain(vi.answers.forms.none);
    expect(isForm('Đơn đề nghị cấp lại giấy phép lái xe theo mẫu')).toBe(true);
    expect(isForm('Tờ khai thay đổi thông tin cư trú (Mẫu CT01)')).toBe(true);
    expect(isForm('Bản sao giấy chứng nhận kết hôn')).toBe(false);
  });

  it('gives the directory entry of a provincial agency: name, address, phone, e-mail, website, hours when known', () => {
    const p = procedures.find((x) => x.agencyId === 'so-tu-phap')!;
    const agency = { ...agencies.get('so-tu-phap')!, contacts: { ...agencies.get('so-tu-phap')!.contacts, hours: 'Thứ Hai đến thứ Sáu, 7:30–17:00' } };
    const text = renderContact(agency, vi.answers);
    expect(text.split('\n')).toEqual([
      `• ${vi.answers.contact.label}: Sở Tư pháp`,
      `  - ${vi.answers.contact.address}: ${agency.contacts.address}`,
      `  - ${vi.answers.contact.phone}: ${agency.contacts.phone}`,
      `  - ${vi.answers.contact.email}: ${agency.contacts.email}`,
      `  - ${vi.answers.contact.website}: ${agency.contacts.website}`,
      `  - ${vi.answers.contact.hours}: Thứ Hai đến thứ Sáu, 7:30–17:00`,
    ]);
    expect(render.followUp(p, 'contact')).toContain(`  - ${vi.answers.contact.phone}: ${agency.contacts.phone}`);
    expect(renderContact({ ...agency, contacts: {} }, vi.answers)).toContain(vi.answers.contact.none);
  });

  it('names a commune-level body at the commune the citizen wrote, honest that the directory has no entry of its own', () => {
    const ubnd = agencies.get('ubnd-cap-xa')!;
    expect(renderContact(ubnd, vi.answers, 'phường Tân An')).toBe(`• ${vi.answers.contact.label}: UBND phường Tân An\n${vi.answers.contact.notListed('UBND phường Tân An')}`);
    expect(renderContact(ubnd, vi.answers)).toContain(vi.answers.contact.askCommune);
    expect(render.followUp(khaiSinh, 'contact', 'phường Tân An')).toContain(vi.answers.contact.notListed('UBND phường Tân An'));
    // A commune's own office from the directory is not a category: its contacts, no question back.
    const office = { ...ubnd, id: 'ubnd-phuong-tan-an', name: 'UBND phường Tân An', contacts: { phone: '0270 3822 000', hours: 'Thứ Hai đến thứ Sáu' } };
    expect(renderContact(office, vi.answers, 'phường Tân An').split('\n')).toEqual([
      `• ${vi.answers.contact.label}: UBND phường Tân An`,
      `  - ${vi.answers.contact.phone}: 0270 3822 000`,
      `  - ${vi.answers.contact.hours}: Thứ Hai đến thứ Sáu`,
    ]);
    // Without a directory, the contact follow-up still answers where, and says it has no contact.
    expect(renderFollowUp(khaiSinh, 'contact', vi.answers)).toContain(vi.answers.contact.none);
  });
});
