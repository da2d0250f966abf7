import { beforeAll, describe, expect, it } from 'vitest';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';

/** Behaviour of the brain over the shipped catalog, beyond the aggregate accuracy floors. */
let brain: Brain;
beforeAll(() => {
  brain = loadBrain();
});

describe('brain decisions', () => {
  it('answers a clear question with the procedure and a normalized score', () => {
    const r = brain.ask('Đăng ký khai sinh cho con cần giấy tờ gì?');
    expect(r.intent).toBe('procedure');
    expect(r.best?.procedure.id).toBe('dang-ky-khai-sinh');
    expect(r.best!.score).toBeGreaterThan(0);
    expect(r.best!.score).toBeLessThanOrEqual(1);
    expect(r.followUp).toBe('documents');
  });

  it('finds the same procedure with or without accents, and with chat abbreviations', () => {
    const accented = brain.ask('đăng ký tạm trú ở đâu');
    const plain = brain.ask('dang ky tam tru o dau');
    const chat = brain.ask('dk tam tru o dau v ad');
    for (const r of [accented, plain, chat]) expect(r.best?.procedure.id).toBe('dang-ky-tam-tru');
  });

  it('When citizens write cccd, the abbreviation everyone uses for căn cước, then it is the căn cước procedure', () => {
    for (const q of ['làm cccd ở đâu', 'lam cccd can gi']) expect(brain.ask(q).best?.procedure.id, q).toBe('cap-the-can-cuoc');
    expect(brain.ask('mất cccd').best?.procedure.id).toBe('cap-doi-cap-lai-the-can-cuoc');
  });

  it('tells near twins apart by their distinguishing words', () => {
    expect(brain.ask('mất bằng lái xe ô tô thì làm lại thế nào').best?.procedure.id).toBe('cap-lai-giay-phep-lai-xe-bi-mat');
    expect(brain.ask('bằng lái hết hạn thì đổi ở đâu').best?.procedure.id).toBe('doi-giay-phep-lai-xe');
    expect(brain.ask('kết hôn với người nước ngoài cần giấy tờ gì').best?.procedure.id).toBe('dang-ky-ket-hon-yeu-to-nuoc-ngoai');
  });

  it('offers at most three options when it clarifies', () => {
    for (const q of ['giấy phép', 'cấp lại', 'đăng ký']) {
      const r = brain.ask(q);
      if (r.decision === 'clarify') expect(r.alternatives.length).toBeLessThanOrEqual(3);
    }
  });

  it('abstains on a matter the catalog does not cover, and on an empty message', () => {
    const r = brain.ask('xin visa');
    expect(r.best).toBeNull();
    expect(brain.ask('   ').best).toBeNull();
  });

  it('detects the non-procedure intents', () => {
    expect(brain.ask('xin chào').intent).toBe('greeting');
    expect(brain.ask('cho tôi gặp tổng đài viên').intent).toBe('handoff');
    expect(brain.ask('đăng ký nhận tin tức của tỉnh').intent).toBe('news');
    expect(brain.ask('tra cứu câu hỏi mã K7QX-3M').intent).toBe('track');
    expect(brain.ask('đèn đường trước nhà tôi hỏng cả tuần nay, đề nghị sửa').intent).toBe('feedback');
  });

  it('answers a follow-up about the procedure under discussion', () => {
    const r = brain.ask('lệ phí bao nhiêu?', { currentProcedureId: 'dang-ky-ket-hon' });
    expect(r.intent).toBe('procedure');
    expect(r.decision).toBe('answer');
    expect(r.best?.procedure.id).toBe('dang-ky-ket-hon');
    expect(r.followUp).toBe('fee');
  });

  it('switches procedure when a follow-up names a different one', () => {
    const r = brain.ask('còn đăng ký tạm trú thì lệ phí bao nhiêu?', { currentProcedureId: 'dang-ky-ket-hon' });
    expect(r.best?.procedure.id).toBe('dang-ky-tam-tru');
  });

  it('finds procedures by id and by national code', () => {
    expect(brain.getProcedure('dang-ky-khai-sinh')?.code).toBe('1.001193');
    expect(brain.getProcedure('1.001193')?.id).toBe('dang-ky-khai-sinh');
  });
});
