import { beforeAll, describe, expect, it } from 'vitest';
import { loadBrain, type Brain } from '../../knowledge/brain/index.js';

/**
 * The brain in a conversation (issue 9): each message's language, small talk and repair, requests for
 * a person, contact questions answered from the directory, matters outside the catalog, follow-ups
 * read in the context of the procedure under discussion, picks among the last clarification's options,
 * and two procedures in one message.
 */
let brain: Brain;
beforeAll(() => {
  brain = loadBrain();
});

describe('language', () => {
  it('reads Khmer script as Khmer, and a Khmer greeting as a greeting', () => {
    const hello = brain.ask('សួស្តី');
    expect(hello.language).toBe('km');
    expect(hello.intent).toBe('greeting');
    const question = brain.ask('ខ្ញុំចង់ធ្វើអត្តសញ្ញាណប័ណ្ណ');
    expect(question.language).toBe('km');
    expect(question.intent).toBe('other');
    expect(question.best).toBeNull();
  });

  it('reads an English question as English and does not search the catalog with it', () => {
    for (const q of ['How do I get a passport?', 'hello, can you help me', 'I need a birth certificate for my son']) {
      const r = brain.ask(q);
      expect(r.language, q).toBe('en');
      expect(r.intent, q).toBe('other');
      expect(r.best, q).toBeNull();
    }
    expect(brain.ask('Good morning everyone').intent).toBe('greeting');
  });

  it('keeps Vietnamese without accents and the loanwords citizens use as Vietnamese', () => {
    for (const q of ['lam cccd can gi', 'xin chao', 'toi muon hoi', 'hi', 'ok', 'hello', 'hi ad', 'thanks', 'lam passport online duoc khong', 'do the can cuoc']) {
      expect(brain.ask(q).language, q).toBe('vi');
    }
    expect(brain.ask('hi').intent).toBe('greeting');
  });
});

describe('small talk and repair', () => {
  it.each([
    ['thanks', ['cảm ơn', 'cám ơn', 'thanks', 'tks', 'cảm ơn nhiều nhé', 'cam on ad nhieu', '🙏']],
    ['ok', ['ok', 'oke', 'okkk', 'vâng', 'dạ', 'được rồi', 'ừ', 'uh', '👍']],
    ['negation', ['không phải', 'sai rồi', 'cái khác', 'không đúng', 'không phải cái đó', 'ko phai', 'không cái nào']],
    ['confused', ['chưa hiểu', 'không hiểu', 'khó hiểu quá', 'chua hieu lam', '???']],
    ['insult', ['bot ngu quá', 'ngu', 'vô dụng', 'dở tệ', 'trả lời linh tinh', 'bot ngu qua']],
    ['gibberish', ['asdfgh', 'jkjkjkjk', 'qwrtp zxcv']],
    ['laugh', ['haha', 'hihi', 'kkk', 'kkkkk', 'hahaha', '=))']],
  ])('%s', (kind, messages) => {
    for (const q of messages) {
      const r = brain.ask(q);
      expect(r.smallTalk, q).toBe(kind);
      expect(r.intent, q).toBe('other');
      expect(r.best, q).toBeNull();
    }
  });

  it('a goodbye is small talk with the greeting intent', () => {
    for (const q of ['tạm biệt', 'bye', 'chào nhé', 'cảm ơn bot nhiều nha, hôm khác mình hỏi tiếp']) {
      const r = brain.ask(q);
      expect(r.smallTalk, q).toBe('goodbye');
      expect(r.intent, q).toBe('greeting');
    }
  });

  it('is small talk only when the message is essentially that', () => {
    const r = brain.ask('cảm ơn, cho hỏi làm cccd ở đâu');
    expect(r.smallTalk).toBeUndefined();
    expect(r.best?.procedure.id).toBe('cap-the-can-cuoc');
    expect(brain.ask('dạ cho em hỏi đăng ký kết hôn cần gì').best?.procedure.id).toBe('dang-ky-ket-hon');
  });

  it('never turns thanks into feedback, nor ok or gibberish into news', () => {
    for (const q of ['cảm ơn', 'cám ơn nhé', 'thanks ad']) expect(brain.ask(q).intent, q).not.toBe('feedback');
    for (const q of ['ok', 'oke', 'asdfgh', 'kkkkk', 'uh']) expect(brain.ask(q).intent, q).not.toBe('news');
  });
});

describe('requests for a person', () => {
  it('recognises an explicit wish to talk to a human, with and without accents', () => {
    for (const q of [
      'cho tôi gặp tổng đài viên',
      'muốn nói chuyện với người thật',
      'gap nguoi that',
      'chuyển cho nhân viên',
      'cho mik gặp nv tư vấn vs',
      'Kết nối tôi với tổng đài',
      'toi khong muon noi chuyen voi may, cho gap nhan vien',
      'cho tôi nói chuyện vói tổng đài viên',
    ]) {
      expect(brain.ask(q).intent, q).toBe('handoff');
    }
  });

  it('does not take "liên hệ", "cho mượn" or "gọi điện" for one', () => {
    for (const q of ['làm giấy khai sinh, liên hệ ai', 'có cho mượn không', 'gọi điện', 'liên hệ ai', 'số điện thoại của UBND phường']) {
      expect(brain.ask(q).intent, q).not.toBe('handoff');
    }
  });
});

describe('contacts from the directory', () => {
  it('answers "liên hệ ai" about a procedure named with its contact', () => {
    const r = brain.ask('làm giấy khai sinh, liên hệ ai');
    expect(r.best?.procedure.id).toBe('dang-ky-khai-sinh');
    expect(r.followUp).toBe('contact');
  });

  it('resolves a commune office to its demo directory entry', () => {
    const r = brain.ask('địa chỉ UBND phường Tân An');
    expect(r.intent).toBe('other');
    expect(r.followUp).toBe('contact');
    expect(r.place).toMatchObject({ agencyId: 'ubnd-cap-xa', text: 'UBND phường Tân An' });
    expect(r.place?.entry).toMatchObject({ id: 'phuong-tan-an/ubnd', name: 'UBND phường Tân An', demo: true });
    expect(r.place?.entry?.address).toBeTruthy();
    expect(r.place?.entry?.hours).toBeTruthy();
    const police = brain.ask('so dien thoai cong an xa Binh Minh');
    expect(police.place?.entry?.id).toBe('xa-binh-minh/cong-an');
    expect(police.place?.agencyId).toBe('cong-an-cap-xa');
  });

  it('picks the office of the procedure when only the commune is named', () => {
    const r = brain.ask('làm khai sinh ở phường Tân An liên hệ ai');
    expect(r.best?.procedure.id).toBe('dang-ky-khai-sinh');
    expect(r.place?.entry?.id).toBe('phuong-tan-an/ubnd');
  });

  it('asks for the hotline without asking for a person', () => {
    const r = brain.ask('hotline');
    expect(r.intent).toBe('other');
    expect(r.followUp).toBe('contact');
    expect(r.place?.agencyId).toBe('desk-1022');
  });
});

describe('matters outside the catalog', () => {
  it.each([
    ['thủ tục ly hôn', 'ly-hon'],
    ['vợ chồng tôi muốn ly hôn thì làm thế nào', 'ly-hon'],
    ['thu tuc ly hon thuan tinh', 'ly-hon'],
    ['anh em tranh chấp thừa kế đất của bố mẹ', 'tranh-chap-thua-ke'],
    ['tranh chấp đất đai thì hòa giải ở đâu', 'tranh-chap-dat-dai'],
    ['nha ben canh xay lan sang dat nha toi', 'tranh-chap-dat-dai'],
    ['Công ty nợ lương công nhân 3 tháng nay', 'tranh-chap-lao-dong'],
    ['bị lừa đảo qua mạng mất tiền', 'trinh-bao-toi-pham'],
    ['bị tai nạn giao thông thì làm gì', 'tai-nan-giao-thong'],
    ['cho vay tiền không trả thì kiện ở đâu', 'doi-no'],
  ])('"%s" points to the competent body', (q, id) => {
    const r = brain.ask(q);
    expect(r.outside?.id, q).toBe(id);
    expect(r.intent, q).toBe('other');
    expect(r.best, q).toBeNull();
    expect(r.outside?.body.length).toBeGreaterThan(3);
  });

  it('no longer offers marriage procedures for a divorce', () => {
    const r = brain.ask('thủ tục ly hôn');
    expect(r.alternatives.map((a) => a.procedure.id)).not.toContain('dang-ky-ket-hon');
  });

  it('keeps a catalog procedure the message names besides such a matter', () => {
    expect(brain.ask('tôi đã ly hôn, giờ muốn đăng ký kết hôn lại cần giấy tờ gì').best?.procedure.id).toBe('dang-ky-ket-hon');
    expect(brain.ask('bị công ty sa thải có được hưởng trợ cấp thất nghiệp không').best?.procedure.id).toBe('tro-cap-that-nghiep');
    expect(brain.ask('điều kiện tách thửa đất là gì').best?.procedure.id).toBe('tach-thua-hop-thua');
    expect(brain.ask('làm lại căn cước bị mất có cần trình báo công an không').best?.procedure.id).toBe('cap-doi-cap-lai-the-can-cuoc');
  });

  it('reads a complaint as feedback and a wish to ask an agency as neither a lookup nor a person', () => {
    expect(brain.ask('con tôi bị đuổi học vô lý').intent).toBe('feedback');
    const r = brain.ask('tôi muốn gửi câu hỏi cho cơ quan');
    expect(r.intent).toBe('other');
    expect(r.wantsAgency).toBe(true);
  });
});

describe('follow-ups in context', () => {
  const ask = (q: string, currentProcedureId: string) => brain.ask(q, { currentProcedureId });

  it.each([
    ['nộp online được không', 'online'],
    ['nộp trực tuyến được không', 'online'],
    ['làm online được không', 'online'],
    ['nop online duoc khong', 'online'],
    ['mất bao lâu', 'time'],
    ['mat bao lau', 'time'],
    ['nộp ở đâu', 'place'],
    ['nop o dau', 'place'],
    ['mẫu đơn', 'forms'],
    ['tờ khai', 'forms'],
    ['mau don', 'forms'],
    ['liên hệ ai', 'contact'],
    ['lien he ai', 'contact'],
    ['căn cứ pháp lý', 'legal'],
    ['can cu phap ly', 'legal'],
    ['điều kiện', 'conditions'],
    ['dieu kien', 'conditions'],
    ['nhận kết quả', 'result'],
    ['nhan ket qua o dau', 'result'],
  ])('"%s" after đăng ký thường trú is about %s', (q, topic) => {
    const r = ask(q, 'dang-ky-thuong-tru');
    expect(r.decision, q).toBe('answer');
    expect(r.best?.procedure.id, q).toBe('dang-ky-thuong-tru');
    expect(r.followUp, q).toBe(topic);
  });

  it('reads "mất bao lâu" as time, not as lost, after cấp lại giấy phép lái xe bị mất', () => {
    const r = ask('mất bao lâu', 'cap-lai-giay-phep-lai-xe-bi-mat');
    expect(r.best?.procedure.id).toBe('cap-lai-giay-phep-lai-xe-bi-mat');
    expect(r.followUp).toBe('time');
  });

  it('switches topic when a new procedure is named', () => {
    const r = ask('đăng ký tạm trú nộp online được không', 'dang-ky-thuong-tru');
    expect(r.best?.procedure.id).toBe('dang-ky-tam-tru');
    expect(r.followUp).toBe('online');
  });

  it('keeps small talk and lookups out of the follow-up', () => {
    expect(ask('cảm ơn', 'dang-ky-thuong-tru').smallTalk).toBe('thanks');
    expect(ask('hồ sơ của tôi đến đâu rồi', 'dang-ky-thuong-tru').intent).toBe('track');
  });
});

describe('the options of the last clarification', () => {
  const options = ['cap-the-can-cuoc', 'cap-doi-cap-lai-the-can-cuoc'];
  const ask = (q: string) => brain.ask(q, { options });

  it.each([
    ['cái thứ hai', 'cap-doi-cap-lai-the-can-cuoc'],
    ['số 2', 'cap-doi-cap-lai-the-can-cuoc'],
    ['2', 'cap-doi-cap-lai-the-can-cuoc'],
    ['cái đầu tiên', 'cap-the-can-cuoc'],
    ['cai thu nhat', 'cap-the-can-cuoc'],
    ['cái cuối', 'cap-doi-cap-lai-the-can-cuoc'],
    ['do bị mất', 'cap-doi-cap-lai-the-can-cuoc'],
    ['cấp đổi', 'cap-doi-cap-lai-the-can-cuoc'],
    ['cap doi a', 'cap-doi-cap-lai-the-can-cuoc'],
  ])('"%s" picks %s', (q, id) => {
    const r = ask(q);
    expect(r.decision, q).toBe('answer');
    expect(r.intent, q).toBe('procedure');
    expect(r.best?.procedure.id, q).toBe(id);
  });

  it('lets "không phải" be a negation and a new procedure be a new question', () => {
    expect(ask('không phải').smallTalk).toBe('negation');
    expect(ask('đăng ký kết hôn').best?.procedure.id).toBe('dang-ky-ket-hon');
    expect(ask('số 5').best?.procedure.id).not.toBe('cap-the-can-cuoc');
  });
});

describe('two procedures in one message', () => {
  it('answers the first and carries the second in `also`', () => {
    const r = brain.ask('đăng ký kết hôn và đăng ký thường trú');
    expect(r.decision).toBe('answer');
    expect(r.best?.procedure.id).toBe('dang-ky-ket-hon');
    expect(r.also?.procedure.id).toBe('dang-ky-thuong-tru');
    expect(brain.ask('làm hộ chiếu và cấp căn cước').also?.procedure.id).toBe('cap-the-can-cuoc');
  });

  it('answers with the liên thông procedure when one covers both', () => {
    const r = brain.ask('đăng ký khai sinh và đăng ký thường trú cho con');
    expect(r.best?.procedure.id).toBe('lien-thong-khai-sinh-thuong-tru-bhyt');
    expect(r.also).toBeUndefined();
  });

  it('does not split a message on "với" or a comma', () => {
    expect(brain.ask('kết hôn với người nước ngoài cần giấy tờ gì').also).toBeUndefined();
    expect(brain.ask('Hợp đồng tặng cho nhà giữa bố mẹ và con có chứng thực ở xã được không?').also).toBeUndefined();
  });
});
