import { beforeAll, describe, expect, it } from 'vitest';
import { Calibration, loadCalibration } from '../../knowledge/brain/calibration.js';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';
import { loadNarrative } from '../../knowledge/brain/narrative.js';
import { DEFAULT_DATA_DIR } from '../../knowledge/catalog/load.js';
import { cleanText } from '../../knowledge/nlp/vietnamese.js';

/** Real citizens' long questions (issue 10): the story read as its question, concerns routed, confidence calibrated. */
let brain: Brain;
beforeAll(() => {
  brain = loadBrain();
});

describe('reading a story', () => {
  const narrative = loadNarrative(DEFAULT_DATA_DIR);
  const read = (text: string) => narrative.read(cleanText(text));

  it('When a message is one plain question, then it is read as it is (short questions are understood as before)', () => {
    expect(read('Đăng ký khai sinh cho con cần giấy tờ gì?')).toBeUndefined();
    expect(read('lam cccd o dau')).toBeUndefined();
  });

  it('When a story ends with its question, then the asking sentences are the question and the rest is context', () => {
    const story = read('Tôi thường trú ở Hà Nội. Nay tôi chuyển vào TP. Hồ Chí Minh sinh sống. Vậy cho tôi hỏi, thủ tục chuyển khẩu thế nào?')!;
    expect(story.ask).toContain('chuyển khẩu');
    expect(story.text).toContain('thường trú ở hà nội');
    expect(story.ask).not.toContain('hà nội');
    expect(story.sentences).toBeGreaterThan(1);
  });

  it('When a letter greets a lawyer or an editorial board, then the greetings are no content', () => {
    const story = read('Chào Luật sư. Tôi bị mất thẻ căn cước, làm lại ở đâu? Mong Luật sư tư vấn giúp tôi. Xin cảm ơn!')!;
    expect(story.text).not.toMatch(/luật sư|cảm ơn/);
    expect(story.ask).toContain('thẻ căn cước');
  });

  it('When a plain question only has a greeting or thanks around it, then it is one sentence, not a story', () => {
    expect(read('Làm căn cước ở đâu? Em cảm ơn!')).toMatchObject({ sentences: 1, ask: 'làm căn cước ở đâu?' });
    expect(brain.ask('Làm căn cước ở đâu? Em cảm ơn!').decision).toBe(brain.ask('Làm căn cước ở đâu?').decision);
  });

  it('When an addressee word is part of the story ("Bác tôi mất"), then it is kept', () => {
    expect(read('Bác tôi mất năm ngoái để lại mảnh đất cho tôi. Tôi phải làm thủ tục gì?')!.text).toContain('bác tôi mất');
  });

  it('When no sentence asks in so many words, then the last one is the question', () => {
    const story = read('Tôi mua một xe máy cũ. Giấy tờ xe vẫn đứng tên chủ cũ. Tôi muốn sang tên cho mình.')!;
    expect(story.ask).toContain('sang tên');
  });
});

describe('the question a story asks', () => {
  it('When the asking sentence names a procedure in full, then words of the story do not outweigh it', () => {
    const r = brain.ask('Tôi mới sinh con ở bệnh viện huyện. Chồng tôi đi làm xa. Đăng ký khai sinh cho cháu cần giấy tờ gì?');
    expect(r.best?.procedure.id).toBe('dang-ky-khai-sinh');
    expect(r.followUp).toBe('documents');
  });

  it('When the story says who it concerns, then its variant of the named procedure stays', () => {
    const r = brain.ask('Chồng sắp cưới của tôi là người nước ngoài, quốc tịch Hàn Quốc. Chúng tôi muốn đăng ký kết hôn ở Việt Nam. Thủ tục đăng ký kết hôn thế nào?');
    expect(r.best?.procedure.id).toBe('dang-ky-ket-hon-yeu-to-nuoc-ngoai');
  });

  it('When a story asks about one aspect, then the answer is that aspect (where to submit), not the whole procedure', () => {
    const r = brain.ask('Nhà tôi là nhà cấp 4 cũ, tôi định đập bỏ để xây mới nhà 2 tầng. Hàng xóm bảo phải có giấy phép. Tôi nộp hồ sơ ở đâu?');
    expect(r.best?.procedure.id).toBe('cap-giay-phep-xay-dung-nha-o');
    expect(r.followUp).toBe('place');
  });
});

describe('complaints, disputes, amounts and legal judgements', () => {
  it('When a benefit was applied for and never paid, then it is a complaint about that procedure, not the procedure', () => {
    const r = brain.ask('Tôi đã nộp giấy tờ vào công ty được hơn một tháng nhưng vẫn chưa nhận được tiền thai sản. Bây giờ tôi phải làm sao?');
    expect(r.concern?.kind).toBe('complaint');
    expect(r.concern?.related?.id).toBe('che-do-thai-san');
    expect(r.intent).toBe('feedback');
    expect(r.decision).toBe('abstain');
    expect(r.best).toBeNull();
  });

  it('When a complaint is written in one sentence ("đã một tháng mà chưa nhận được tiền"), then it is a complaint too', () => {
    const r = brain.ask('Tôi nộp hồ sơ hưởng trợ cấp thất nghiệp đã một tháng mà chưa nhận được tiền');
    expect(r.concern?.kind).toBe('complaint');
    expect(r.decision).toBe('abstain');
  });

  it('When a complaint also asks to write to an agency, then it stays a complaint (its words are what is sent)', () => {
    expect(brain.ask('Cho tôi gửi câu hỏi đến cơ quan: tôi nộp hồ sơ thai sản hai tháng vẫn chưa nhận được tiền').concern?.kind).toBe('complaint');
  });

  it('When the message does not name a procedure clearly, then none is named as context', () => {
    const r = brain.ask('Hồ sơ của tôi nộp ở xã đã 2 tháng vẫn chưa được giải quyết.');
    expect(r.concern?.kind).toBe('complaint');
    expect(r.concern?.related).toBeUndefined();
  });

  it('When heirs disagree over a plot, then it is a dispute, routed, with the inheritance registration only as context', () => {
    const r = brain.ask('Bố tôi mất không để lại di chúc. Mẹ tôi muốn bán một phần đất nhưng anh em tôi không đồng ý. Mẹ tôi có bán được không?');
    expect(r.concern?.kind).toBe('dispute');
    expect(r.decision).toBe('abstain');
  });

  it('When a citizen asks how much they will get, or about a fine, then the question is routed', () => {
    expect(brain.ask('Cho tôi hỏi, người cao tuổi không có lương hưu thì mức trợ cấp là bao nhiêu').concern?.kind).toBe('entitlement');
    expect(brain.ask('Làm giấy khai sinh quá hạn thì bị phạt bao nhiêu?').concern?.kind).toBe('legal');
  });

  it('When a citizen asks whether they are entitled and how to apply, then it is the procedure', () => {
    const r = brain.ask('Mẹ tôi 80 tuổi không có lương hưu. Mẹ tôi có được hưởng trợ cấp xã hội hàng tháng không, thủ tục thế nào?');
    expect(r.concern).toBeUndefined();
    expect(r.best?.procedure.id).toBe('tro-cap-xa-hoi-hang-thang');
  });

  it('When a short message asks how to complain about a decision, then it is the complaint procedure', () => {
    expect(brain.ask('Tôi không đồng ý với quyết định thu hồi đất của ủy ban xã, muốn khiếu nại thì làm đơn thế nào?').concern).toBeUndefined();
  });
});

describe('calibrated confidence', () => {
  const calibration = loadCalibration(DEFAULT_DATA_DIR)!;

  it('is shipped, fitted on the golden sets only, with an answer threshold above the confirmation one', () => {
    expect(calibration).toBeInstanceOf(Calibration);
    expect(calibration.data.fitted.sets.join(' ')).not.toMatch(/holdout/);
    for (const t of [calibration.data.thresholds.plain, calibration.data.thresholds.story]) expect(t.answerAt).toBeGreaterThan(t.confirmAt);
  });

  it('grows with the evidence: a higher score and a wider lead give a higher probability', () => {
    const base = { score: 0.5, margin: 0.05, coverage: 0.5, story: false, words: 8, accents: 1 };
    const p = calibration.probability(base);
    expect(calibration.probability({ ...base, score: 0.9 })).toBeGreaterThan(p);
    expect(calibration.probability({ ...base, margin: 0.4 })).toBeGreaterThan(p);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });

  it('When the brain answers outright, then its probability reaches the answer threshold; a guess below is confirmed or routed', () => {
    const clear = brain.ask('Đăng ký khai sinh cho con cần giấy tờ gì?');
    expect(clear.decision).toBe('answer');
    expect(clear.confidence).toBeGreaterThanOrEqual(calibration.data.thresholds.plain.answerAt);
    const story = brain.ask('Năm 2019 tôi đi làm ở Bình Dương, vợ tôi ở quê nuôi con. Nay vợ tôi lên ở cùng. Giấy tờ của vợ tôi để ở quê hết. Tôi phải làm gì?');
    if (story.decision === 'answer') expect(story.confidence).toBeGreaterThanOrEqual(calibration.data.thresholds.story.answerAt);
    else expect(['clarify', 'abstain']).toContain(story.decision);
  });
});
