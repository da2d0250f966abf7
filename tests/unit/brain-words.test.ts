import { beforeAll, describe, expect, it } from 'vitest';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';

/**
 * The words citizens really use (issue 9, item 3): abbreviations and everyday names of documents and
 * bodies, mapped as data (knowledge/data/lexicon, places.vi.json), each reaching its procedure or meaning.
 */
let brain: Brain;
beforeAll(() => {
  brain = loadBrain();
});

/** The procedure answered, or the options of the clarification. */
const reached = (q: string): string[] => {
  const r = brain.ask(q);
  if (r.decision === 'clarify') return r.alternatives.map((a) => a.procedure.id);
  return r.best ? [r.best.procedure.id] : [];
};

const CAN_CUOC = ['cap-the-can-cuoc', 'cap-doi-cap-lai-the-can-cuoc'];

describe('abbreviations and everyday names reach their procedure', () => {
  it.each([
    ['cccd', CAN_CUOC],
    ['làm cccd ở đâu', ['cap-the-can-cuoc']],
    ['lam cccd can gi', ['cap-the-can-cuoc']],
    ['cmnd', CAN_CUOC],
    ['đổi cmnd sang cccd', ['cap-doi-cap-lai-the-can-cuoc']],
    ['căn cước', CAN_CUOC],
    ['can cuoc', CAN_CUOC],
    ['đổi gplx', ['doi-giay-phep-lai-xe']],
    ['mất bằng lái', ['cap-lai-giay-phep-lai-xe-bi-mat']],
    ['làm sổ đỏ lần đầu', ['cap-giay-chung-nhan-lan-dau']],
    ['sang tên sổ hồng', ['dang-ky-bien-dong-chuyen-nhuong']],
    ['cấp lại thẻ bhyt', ['cap-lai-the-bhyt']],
    ['rút bhxh 1 lần', ['bhxh-mot-lan']],
    ['xin gpkd hộ cá thể', ['dang-ky-ho-kinh-doanh']],
    ['đăng ký hkd', ['dang-ky-ho-kinh-doanh']],
    ['tam ngung hkd', ['tam-ngung-cham-dut-ho-kinh-doanh']],
    ['xin lltp', ['cap-phieu-ly-lich-tu-phap']],
  ])('"%s"', (q, expected) => {
    const got = reached(q);
    expect(got.length, q).toBeGreaterThan(0);
    for (const id of got.slice(0, expected.length)) expect(expected, `${q} → ${got.join(', ')}`).toContain(id);
  });

  it('never reads cccd as a temporary absence ("Khai báo tạm vắng")', () => {
    for (const q of ['cccd', 'làm cccd ở đâu', 'lam cccd can gi', 'cccd het han']) {
      const r = brain.ask(q);
      expect([r.best, ...r.alternatives].map((c) => c?.procedure.id), q).not.toContain('khai-bao-tam-vang');
    }
  });

  it.each([
    ['ubnd', 'ubnd-cap-xa'],
    ['UBND phường', 'ubnd-cap-xa'],
    ['công an xã', 'cong-an-cap-xa'],
    ['cong an phuong', 'cong-an-cap-xa'],
    ['một cửa', 'trung-tam-phuc-vu-hcc'],
    ['1 cửa', 'trung-tam-phuc-vu-hcc'],
    ['sở tư pháp ở đâu', 'so-tu-phap'],
  ])('"%s" names an office of the directory', (q, agencyId) => {
    const r = brain.ask(q);
    expect(r.place?.agencyId, q).toBe(agencyId);
    expect(r.followUp, q).toBe('contact');
    expect(r.best, q).toBeNull();
  });

  it('keeps the procedure when an office is only where it is done', () => {
    const r = brain.ask('bam bien so xe may moi mua o cong an xa duoc khong');
    expect(r.best?.procedure.id).toBe('dang-ky-xe');
    expect(r.place?.agencyId).toBe('cong-an-cap-xa');
  });
});

describe('a word that matches only once its accents are removed', () => {
  it('does not outweigh the rest of the message: an insult never picks a procedure', () => {
    for (const q of ['bot ngu quá', 'ngu', 'bot ngu quá, hỏi mãi không được', 'vô dụng']) {
      const r = brain.ask(q);
      expect(r.best, q).toBeNull();
      expect(r.intent, q).not.toBe('procedure');
    }
  });

  it('still finds the procedure the accents do mean ("khách ngủ lại")', () => {
    expect(brain.ask('khách ngủ lại qua đêm có phải báo không').best?.procedure.id).toBe('thong-bao-luu-tru');
  });
});
