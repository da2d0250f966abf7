import { describe, expect, it } from 'vitest';
import { fitToLimit, MAX_CHAT_LENGTH, renderFollowUp, renderProcedureAnswer } from '../../knowledge/answers/render.js';
import { renderAnswer } from '../../knowledge/answers/answer.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Procedure } from '../../src/domain/procedure.js';
import type { FollowUpTopic } from '../../src/ports/knowledge.js';

const { procedures } = loadCatalog();
const khaiSinh = procedures.find((p) => p.id === 'dang-ky-khai-sinh')!;
const TOPICS: FollowUpTopic[] = ['documents', 'fee', 'time', 'place', 'legal', 'online', 'steps', 'result', 'conditions'];

function withFee(p: Procedure, verified: boolean): Procedure {
  return { ...p, channels: p.channels.map((c) => ({ ...c, fee: { ...c.fee, verified } })) };
}

describe('renderProcedureAnswer', () => {
  it('says what it is, where, how, how long, how much and the online link', () => {
    const text = renderProcedureAnswer(khaiSinh, vi.answers);
    expect(text).toContain('Đăng ký khai sinh');
    expect(text).toContain('1.001193');
    expect(text).toContain('Ủy ban nhân dân cấp xã');
    expect(text).toContain('Thời hạn giải quyết');
    expect(text).toContain('Miễn lệ phí');
    expect(text).toContain('https://dichvucong.gov.vn/');
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

  it('stays within the 2,000-character platform limit for every procedure and every follow-up', () => {
    for (const p of procedures) {
      expect(renderProcedureAnswer(p, vi.answers).length).toBeLessThanOrEqual(MAX_CHAT_LENGTH);
      for (const topic of TOPICS) expect(renderFollowUp(p, topic, vi.answers).length).toBeLessThanOrEqual(MAX_CHAT_LENGTH);
    }
  });

  it('groups methods that share a processing time and splits those that differ', () => {
    const p: Procedure = {
      ...khaiSinh,
      channels: [
        { ...khaiSinh.channels[0]!, processingTime: { text: '05 ngày làm việc', verified: true } },
        { ...khaiSinh.channels[1]!, processingTime: { text: '03 ngày làm việc', verified: true } },
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
