import { describe, expect, it } from 'vitest';
import { createAnswerRenderer, renderAnswer } from '../../knowledge/answers/answer.js';
import { entryInForce } from '../../knowledge/answers/facts.js';
import { MAX_CHAT_LENGTH, renderFollowUp, renderProcedureAnswer } from '../../knowledge/answers/render.js';
import { loadBrain } from '../../knowledge/brain/index.js';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Fee, FeeScheduleEntry, Procedure } from '../../src/domain/procedure.js';
import type { AskResult } from '../../src/ports/knowledge.js';

const { procedures } = loadCatalog();
const base = procedures.find((p) => p.id === 'cap-doi-cap-lai-the-can-cuoc') ?? procedures[0]!;
const A = vi.answers;

const TT64 = { url: 'https://vanban.chinhphu.vn/?docid=64-2025', kind: 'law' as const, date: '2025-06-30', title: 'TT 64/2025/TT-BTC' };
const SOHA = { url: 'https://soha.vn/the-can-cuoc-2026.htm', kind: 'secondary' as const, date: '2025-12-23' };
const GIADINH = { url: 'https://giadinh.suckhoedoisong.vn/the-can-cuoc.htm', kind: 'secondary' as const, date: '2025-12-25' };

const SCHEDULE: FeeScheduleEntry[] = [
  { text: '25.000 đồng (giảm 50% theo Thông tư 64/2025/TT-BTC)', amountVnd: 25000, validFrom: '2025-07-01', validTo: '2026-12-31' },
  { text: '50.000 đồng', amountVnd: 50000, validFrom: '2027-01-01' },
];

/** The procedure with one channel whose fee is `fee` (provenance from the law, checked 06/12/2026). */
function withFee(fee: Partial<Fee>, p: Procedure = base): Procedure {
  const channel = p.channels[0]!;
  return {
    ...p,
    channels: [{ ...channel, fee: { text: '50.000 đồng', sources: [TT64], checkedAt: '2026-12-06', verified: true, ...fee } }],
  };
}

const feeAnswer = (p: Procedure, today?: string, question?: string) => renderFollowUp(p, 'fee', A, { ...(today ? { today } : {}), ...(question ? { question } : {}) });

describe('a fee schedule: the amount in force on the day asked', () => {
  const p = withFee({ schedule: SCHEDULE });

  it('When asked on the last day of an entry, then that amount is given with "áp dụng đến hết ngày"', () => {
    const text = feeAnswer(p, '2026-12-31');
    expect(text).toContain('25.000 đồng (giảm 50% theo Thông tư 64/2025/TT-BTC) (áp dụng đến hết ngày 31/12/2026)');
    expect(text).not.toContain('50.000');
  });

  it('When asked the next day, then the next amount is given, with no end date since it has none', () => {
    const text = feeAnswer(p, '2027-01-01');
    expect(text).toContain('• Phí, lệ phí: 50.000 đồng\n');
    expect(text).not.toContain('25.000');
    expect(text).not.toContain('áp dụng đến hết ngày');
  });

  it('When asked on the first day of an entry, then it is in force (bounds are inclusive)', () => {
    expect(entryInForce(SCHEDULE, '2025-07-01')?.amountVnd).toBe(25000);
    expect(entryInForce(SCHEDULE, '2025-06-30')).toBeUndefined();
  });

  it('When no entry is in force, then the amount is not stated: it needs confirmation, with the last known amount and its dates', () => {
    const ended = withFee({ schedule: [SCHEDULE[0]!] });
    const text = feeAnswer(ended, '2027-01-01');
    expect(text).toContain('cần xác nhận lại với cơ quan giải quyết (thông tin gần nhất: "25.000 đồng (giảm 50% theo Thông tư 64/2025/TT-BTC)", áp dụng từ 01/07/2025 đến hết ngày 31/12/2026)');
    expect(text.split('\n').find((l) => l.includes('cần xác nhận'))).not.toContain(A.unverified);
  });

  it('When the caller gives no day, then every amount is listed with its dates rather than picked', () => {
    const text = feeAnswer(p);
    expect(text).toContain('25.000 đồng (giảm 50% theo Thông tư 64/2025/TT-BTC) (áp dụng từ ngày 01/07/2025 đến hết ngày 31/12/2026); 50.000 đồng (áp dụng từ ngày 01/01/2027)');
  });

  it('When the renderer is bound to a clock, then the summary picks the amount of that clock\'s day', () => {
    let today = '2026-12-31';
    const render = createAnswerRenderer(A, undefined, () => today);
    expect(render.procedure(p)).toContain('25.000 đồng');
    today = '2027-01-01';
    expect(render.procedure(p)).toContain('• Phí, lệ phí: 50.000 đồng');
    expect(render.followUp(p, 'fee')).not.toContain('25.000');
  });
});

describe('a fact past its validity', () => {
  it('When a processing time is past its validTo, then it is not stated: it needs confirmation, with the last value and dates', () => {
    const channel = base.channels[0]!;
    const p: Procedure = { ...base, channels: [{ ...channel, processingTime: { ...channel.processingTime, text: '05 ngày làm việc', validFrom: '2025-07-01', validTo: '2026-06-30' } }] };
    const late = renderFollowUp(p, 'time', A, { today: '2026-07-01' });
    expect(late).toContain('• Thời hạn giải quyết: cần xác nhận lại với cơ quan giải quyết (thông tin gần nhất: "05 ngày làm việc", áp dụng từ 01/07/2025 đến hết ngày 30/06/2026)');
    const inTime = renderFollowUp(p, 'time', A, { today: '2026-06-30' });
    expect(inTime).toContain('05 ngày làm việc (áp dụng đến hết ngày 30/06/2026)');
    expect(inTime).not.toContain('cần xác nhận');
  });

  it('When the agency rule is past its validTo, then the place is not named at the citizen\'s commune but needs confirmation', () => {
    const p: Procedure = { ...base, implementingAgency: 'Công an cấp xã', agencyFact: { ...base.agencyFact, validTo: '2027-02-28' } };
    const before = renderFollowUp(p, 'place', A, { today: '2027-02-28', place: 'xã Bình Minh' });
    expect(before).toContain('  - Công an xã Bình Minh');
    expect(before).toContain('áp dụng đến hết ngày 28/02/2027');
    const after = renderFollowUp(p, 'place', A, { today: '2027-03-01', place: 'xã Bình Minh' });
    expect(after).not.toContain('Công an xã Bình Minh');
    expect(after).toContain('• Nơi giải quyết: cần xác nhận lại với cơ quan giải quyết (thông tin gần nhất: "Công an cấp xã", áp dụng đến hết ngày 28/02/2027)');
  });

  it('When a document list is past its validTo, then the answer says the list needs confirmation', () => {
    const p: Procedure = { ...base, documentsFact: { ...base.documentsFact, validTo: '2026-12-31' } };
    expect(renderFollowUp(p, 'documents', A, { today: '2027-01-01' })).toContain(A.facts.documentsNeedConfirmation('31/12/2026'));
    expect(renderFollowUp(p, 'documents', A, { today: '2026-12-31' })).toContain(A.facts.documentsUntil('31/12/2026'));
  });
});

describe('disputed and unknown facts', () => {
  it('When sources disagree, then both values are shown with their sources\' dates', () => {
    const p = withFee({ text: '25.000 đồng', sources: [SOHA], verified: false, disputed: [{ text: '50.000 đồng (mức giảm 50% đã hết từ 01/01/2026)', sources: [GIADINH] }] });
    const text = feeAnswer(p, '2026-12-07');
    expect(text).toContain('25.000 đồng (*)');
    expect(text).toContain('Các nguồn chưa thống nhất (thông tin trên theo nguồn ngày 23/12/2025): nguồn ngày 25/12/2025 ghi "50.000 đồng (mức giảm 50% đã hết từ 01/01/2026)".');
  });

  it('When several methods share a value and its dispute, then both are said once; a value only one method\'s sources give names that method', () => {
    const shared = { text: '25.000 đồng', sources: [SOHA], checkedAt: '2026-12-06', verified: false, disputed: [{ text: '50.000 đồng', sources: [GIADINH] }] };
    const [channel] = base.channels;
    const p: Procedure = {
      ...base,
      channels: [
        { ...channel!, method: 'truc_tiep', fee: shared },
        { ...channel!, method: 'truc_tuyen', fee: { ...shared, disputed: [...shared.disputed, { text: 'miễn khi nộp trực tuyến', sources: [GIADINH] }] } },
      ],
    };
    const text = feeAnswer(p, '2026-12-07');
    expect(text.match(/25\.000 đồng/g)).toHaveLength(1);
    expect(text.match(/"50\.000 đồng"/g)).toHaveLength(1);
    expect(text).toContain('nguồn ngày 25/12/2025 (trực tuyến) ghi "miễn khi nộp trực tuyến"');
  });

  it('When something about a fact is not known, then the answer says so', () => {
    const p = withFee({ unknown: 'mức thu tại cấp xã sau ngày 01/07/2025' });
    expect(feeAnswer(p, '2026-12-07')).toContain('Chưa rõ: mức thu tại cấp xã sau ngày 01/07/2025');
  });
});

describe('fee exemptions', () => {
  const exemptions = [
    { group: 'trẻ em dưới 6 tuổi', text: 'miễn lệ phí', sources: [TT64] },
    { group: 'người cao tuổi', text: 'miễn lệ phí (Thông tư 71/2025/TT-BTC)', sources: [TT64] },
  ];
  const p = withFee({ schedule: SCHEDULE, exemptions });

  it('When the fee has exemptions, then the fee answer names the groups under "Miễn lệ phí"', () => {
    const text = feeAnswer(p, '2026-12-07');
    expect(text).toContain('• Miễn lệ phí: trẻ em dưới 6 tuổi; người cao tuổi');
    expect(text.indexOf('• Phí, lệ phí')).toBeLessThan(text.indexOf('• Miễn lệ phí'));
  });

  it('When the question names a group ("người cao tuổi có phải đóng phí không"), then its exemption comes first, before the amounts', () => {
    const text = feeAnswer(p, '2026-12-07', 'Người cao tuổi có phải đóng phí không?');
    const lines = text.split('\n');
    expect(lines[1]).toBe('• Miễn lệ phí:');
    expect(lines[2]).toBe('  - người cao tuổi: miễn lệ phí (Thông tư 71/2025/TT-BTC)');
    // The other groups follow by name only, so the whole answer fits one chat message.
    expect(lines[3]).toBe('  - trẻ em dưới 6 tuổi');
    expect(text.indexOf('• Miễn lệ phí')).toBeLessThan(text.indexOf('• Phí, lệ phí'));
    // Unaccented questions name the group too.
    expect(feeAnswer(p, '2026-12-07', 'nguoi cao tuoi co phai dong phi khong').split('\n')[2]).toBe('  - người cao tuổi: miễn lệ phí (Thông tư 71/2025/TT-BTC)');
  });

  it('When the brain reads an exemption question as a fee follow-up, then the rendered answer leads with the exemption', () => {
    const brain = loadBrain();
    const question = 'người cao tuổi có phải đóng phí không';
    const result = brain.ask(question, { currentProcedureId: base.id });
    expect(result.followUp).toBe('fee');
    for (const q of ['người già có phải trả tiền không', 'trẻ em có được miễn không', 'người khuyết tật có phải nộp lệ phí không']) {
      expect(brain.ask(q, { currentProcedureId: base.id }).followUp, q).toBe('fee');
    }
    const answered: AskResult = { ...result, decision: 'answer', best: { ...result.best!, procedure: p } };
    const text = renderAnswer(answered, A, undefined, '2026-12-07');
    expect(text.split('\n')[2]).toBe('  - người cao tuổi: miễn lệ phí (Thông tư 71/2025/TT-BTC)');
  });
});

describe('legal bases: status and expiry', () => {
  const nd120 = { number: '120/2025/NĐ-CP', title: 'Nghị định phân định thẩm quyền của chính quyền địa phương 2 cấp', verified: true, status: 'in_force' as const, effectiveFrom: '2025-07-01', expiresOn: '2027-03-01', sources: [TT64], checkedAt: '2026-12-06' };

  it('When a legal basis is in force with an expiry ahead, then its line says "hết hiệu lực từ 01/03/2027"', () => {
    const text = renderFollowUp({ ...base, legalBasis: [nd120] }, 'legal', A, { today: '2026-12-07' });
    expect(text).toContain('Nghị định phân định thẩm quyền của chính quyền địa phương 2 cấp số 120/2025/NĐ-CP (đang có hiệu lực, hết hiệu lực từ 01/03/2027)');
  });

  it('When the expiry has come and the catalog still says in force, then the line says it expired and needs confirmation', () => {
    const text = renderFollowUp({ ...base, legalBasis: [nd120] }, 'legal', A, { today: '2027-03-01' });
    expect(text).toContain('số 120/2025/NĐ-CP (đã hết hiệu lực từ 01/03/2027); cần xác nhận lại với cơ quan giải quyết');
  });

  it('When a legal basis is amended, expired or pending, then its status is said; unknown says nothing', () => {
    const lines = renderFollowUp(
      {
        ...base,
        legalBasis: [
          { ...nd120, number: '26/2023/QH15', status: 'amended', expiresOn: undefined } as never,
          { ...nd120, number: '244/2016/TT-BTC', status: 'expired', expiresOn: '2025-07-01', verified: true },
          { ...nd120, number: '999/2027/NĐ-CP', status: 'pending', effectiveFrom: '2027-07-01', expiresOn: undefined } as never,
          { ...nd120, number: '17/2024/TT-BCA', status: 'unknown', expiresOn: undefined, verified: false } as never,
        ],
      },
      'legal',
      A,
      { today: '2026-12-07' },
    );
    expect(lines).toContain('26/2023/QH15 (đã được sửa đổi, bổ sung)');
    expect(lines).toContain('244/2016/TT-BTC (đã hết hiệu lực từ 01/07/2025)');
    expect(lines).toContain('999/2027/NĐ-CP (có hiệu lực từ 01/07/2027)');
    expect(lines).toContain(`17/2024/TT-BCA${A.unverified}`);
  });
});

describe('the footer and the length limit', () => {
  it('When facts were checked on different days, then the footer gives the latest among those shown', () => {
    const p = withFee({ checkedAt: '2026-12-06' });
    expect(feeAnswer(p, '2026-12-07')).toContain('kiểm tra ngày 06/12/2026.');
    // The footer names the sources of the facts shown: here the law, then a reference page.
    expect(feeAnswer(p, '2026-12-07')).toContain('Nguồn: văn bản pháp luật, kiểm tra ngày 06/12/2026.');
    expect(feeAnswer(withFee({ sources: [SOHA], verified: false }), '2026-12-07')).toContain('Nguồn: nguồn tham khảo, kiểm tra');
    const older = withFee({ checkedAt: '2026-10-01' });
    expect(renderFollowUp(older, 'time', A, { today: '2026-12-07' })).not.toContain('kiểm tra ngày 01/10/2026');
  });

  it('When every fact carries a long schedule, disputes and exemptions, then every answer still fits 2,000 characters', () => {
    const long = 'x'.repeat(150);
    const heavy = withFee({
      schedule: Array.from({ length: 8 }, (_, i) => ({ text: `${long} ${i}`, validFrom: `20${20 + i}-01-01`, validTo: `20${20 + i}-12-31` })),
      disputed: Array.from({ length: 5 }, () => ({ text: long, sources: [SOHA] })),
      exemptions: Array.from({ length: 10 }, (_, i) => ({ group: `nhóm ${i}`, text: long, sources: [TT64] })),
      unknown: long,
    });
    for (const today of [undefined, '2026-12-07', '2040-01-01']) {
      expect(renderProcedureAnswer(heavy, A, today ? { today } : {}).length).toBeLessThanOrEqual(MAX_CHAT_LENGTH);
      expect(feeAnswer(heavy, today, 'nhóm 3 có được miễn không').length).toBeLessThanOrEqual(MAX_CHAT_LENGTH);
    }
  });
});
