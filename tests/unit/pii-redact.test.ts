import { describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import { foldSameLength, foldVietnamese, redactPersonalData, type RedactionOptions } from '../../src/domain/pii.js';
import { buildPublication, redactForPublication } from '../../src/domain/publication.js';

/** Issue 9: personal data removed from text that becomes public, on realistic Vietnamese text. */
const P = copy.qa.redacted;
const redact = (text: string, options: Partial<RedactionOptions> = {}): string => redactPersonalData(text, { placeholders: P, ...options }).text;

describe('redactPersonalData: names', () => {
  it.each([
    ['tôi tên là Nguyễn Văn A, muốn hỏi thủ tục khai sinh', `tôi tên là ${P.name}, muốn hỏi thủ tục khai sinh`],
    ['Tôi tên Nguyễn Thị Hoa và tôi muốn hỏi', `Tôi tên ${P.name} và tôi muốn hỏi`],
    ['toi ten la nguyen van a muon hoi ve ho khau', `toi ten la ${P.name} muon hoi ve ho khau`],
    ['Tên tôi là Lê Minh, sinh năm 1990', `Tên tôi là ${P.name}, sinh năm 1990`],
    ['Họ tên: Phạm Thị Thu. Quê Nghệ An', `Họ tên: ${P.name}. Quê Nghệ An`],
    ['họ và tên: tran van binh', `họ và tên: ${P.name}`],
    ['con tôi tên là Minh, sinh năm 2020', `con tôi tên là ${P.name}, sinh năm 2020`],
    ['Tôi là Nguyễn Văn A, sđt 0912 345 678', `Tôi là ${P.name}, sđt ${P.phone}`],
    ['toi la nguyen van a o xa Dong Hoa', `toi la ${P.name} o xa Dong Hoa`],
    ['Chào chị Lan, hồ sơ gồm tờ khai', `Chào chị ${P.name}, hồ sơ gồm tờ khai`],
    ['Kính gửi ông Trần Văn Bình,', `Kính gửi ông ${P.name},`],
    ['liên hệ cán bộ Hùng để được hướng dẫn', `liên hệ cán bộ ${P.name} để được hướng dẫn`],
  ])('When the text is "%s", then the name is replaced', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('When the ticket knows the contact name, then it goes everywhere: full name without accents, given name after a form of address or inside a sentence', () => {
    const names = ['Trần Thị Lan'];
    expect(redact('tran thi lan hỏi về hộ chiếu', { names })).toBe(`${P.name} hỏi về hộ chiếu`);
    expect(redact('Trả lời chị Lan: cần 2 ảnh.', { names })).toBe(`Trả lời chị ${P.name}: cần 2 ảnh.`);
    expect(redact('Hồ sơ của Lan đã đủ.', { names })).toBe(`Hồ sơ của ${P.name} đã đủ.`);
    expect(redact('Lan hỏi: làm hộ chiếu ở đâu?', { names })).toBe(`${P.name} hỏi: làm hộ chiếu ở đâu?`);
  });

  it('When words only look like names, then they stay', () => {
    const names = ['Nguyễn Văn An', 'Thu Hà'];
    for (const text of [
      'An toàn giao thông là trách nhiệm của mọi người.',
      'Tôi ở Hà Nội, tôi là giáo viên.',
      'Tỉnh Bà Rịa - Vũng Tàu nay thuộc Thành phố Hồ Chí Minh.',
      'tôi là người dân xã Đông Hòa, muốn hỏi lệ phí 100.000 đồng',
      'Sở Tư pháp trả lời: nộp tại Trung tâm phục vụ hành chính công.',
      'thủ tục 1.001193 hẹn ngày 05/03/2025',
      'Bắc Ninh có nhiều khu công nghiệp.',
      'Bà Rịa - Vũng Tàu nay sáp nhập.',
    ]) {
      expect(redact(text, { names }), text).toBe(text);
    }
  });
});

describe('redactPersonalData: phones, ID numbers, e-mails', () => {
  it('When the text has a phone, a CCCD, a CMND and an e-mail, then each has its Vietnamese placeholder and is counted', () => {
    const result = redactPersonalData('SĐT 0912 345 678, CCCD 001203001234, CMND 123456789, email lan.nguyen@gmail.com', { placeholders: P });
    expect(result.text).toBe(`SĐT ${P.phone}, CCCD ${P.id}, CMND ${P.id}, email ${P.email}`);
    expect(result.removed).toEqual({ phone: 1, id: 2, email: 1 });
  });

  it('When the text has a social-insurance number (mã số BHXH, 10 digits), then it goes like an ID number', () => {
    expect(redact('mã số BHXH 7912345678 của tôi chưa được chốt sổ')).toBe(`mã số BHXH ${P.id} của tôi chưa được chốt sổ`);
  });
});

describe('redactPersonalData: addresses', () => {
  it.each([
    ['nhà tôi ở số nhà 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm', `nhà tôi ở ${P.address}, phường Hoàn Kiếm`],
    ['nha o so nha 12 ngo 34 pho hang bac, phuong hoan kiem', `nha o ${P.address}, phuong hoan kiem`],
    ['Địa chỉ: số 8 ngách 5 ngõ 20 đường Láng, Đống Đa', `Địa chỉ: ${P.address}, Đống Đa`],
    ['tôi ở 45 hẻm 12 đường Nguyễn Trãi, quận 5', `tôi ở ${P.address}, quận 5`],
    ['sn 7 kiệt 15 Hùng Vương', `${P.address} Hùng Vương`],
    ['nhà số 5/2 đường số 9, khu phố 3', `${P.address}, khu phố 3`],
    ['tôi ở số 21 đường Trần Phú', `tôi ở ${P.address}`],
    ['nhà ở 45/12 Nguyễn Trãi, phường 3', `nhà ở ${P.address} Nguyễn Trãi, phường 3`],
    ['dia chi: 7/3B Le Loi, phuong Tan An', `dia chi: ${P.address} Le Loi, phuong Tan An`],
  ])('When the citizen writes "%s", then the house address goes and the ward stays', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it("When an agency's answer gives an office address, then it stays; a residential one goes", () => {
    expect(redact('Nộp tại số 12 đường Lê Lợi, phường 1.', { addresses: 'residential' })).toBe('Nộp tại số 12 đường Lê Lợi, phường 1.');
    expect(redact('Cán bộ sẽ đến số nhà 7 ngõ 3 để xác minh.', { addresses: 'residential' })).toBe(`Cán bộ sẽ đến ${P.address} để xác minh.`);
  });

  it('When numbers are not addresses, then they stay', () => {
    for (const text of ['Điều 5 Nghị định số 123/2015/NĐ-CP', 'nộp 2 bản sao trong 15 ngày', 'số 3 trong danh mục', 'ngày 12/3 năm 2025']) {
      expect(redact(text), text).toBe(text);
    }
  });
});

describe('redactPersonalData: properties', () => {
  it('When text is redacted twice, then nothing more changes (idempotent)', () => {
    const once = redact('Tôi tên là Nguyễn Văn A, số nhà 12 ngõ 34 phố Huế, SĐT 0912345678, a@b.vn', { names: ['Nguyễn Văn A'] });
    expect(redact(once, { names: ['Nguyễn Văn A'] })).toBe(once);
  });

  it('When the text is decomposed (NFD), then it is redacted like NFC', () => {
    expect(redact('Tôi tên là Nguyễn Văn A'.normalize('NFD'))).toBe(`Tôi tên là ${P.name}`);
  });

  it('When folding, then the length is kept and accents and case go', () => {
    const text = 'Đăng KÝ khai sinh Ở ĐÂU';
    expect(foldSameLength(text)).toBe('dang ky khai sinh o dau');
    expect(foldSameLength(text)).toHaveLength(text.length);
    expect(foldVietnamese('Ngõ Hàng Bạc'.normalize('NFD'))).toBe('ngo hang bac');
  });
});

describe('publication text', () => {
  it('When a ticket is published unedited, then its question and answer carry no name, phone or home address, and the preview says how many were removed', () => {
    const texts = { question: 'Tôi là Nguyễn Văn A, nhà số 12 ngõ 34 phố Huế, sđt 0912 345 678. Làm căn cước cho con cần gì?', answer: 'Chào anh A, anh mang giấy khai sinh của con đến số 5 đường Lý Thường Kiệt.' };
    const preview = redactForPublication(texts, { placeholders: P, names: ['Nguyễn Văn A'] });
    expect(preview.question.text).toBe(`Tôi là ${P.name}, ${P.address}, sđt ${P.phone}. Làm căn cước cho con cần gì?`);
    expect(preview.answer.text).toBe(`Chào anh ${P.name}, anh mang giấy khai sinh của con đến số 5 đường Lý Thường Kiệt.`);
    expect(preview.removed).toBe(4);
    const entry = buildPublication({ ticketId: 't1', agencyId: 'a', ...texts, publishedAt: new Date(0), approvedBy: 'c' }, { placeholders: P, names: ['Nguyễn Văn A'] });
    expect(entry.question).toBe(preview.question.text);
    expect(entry.answer).toBe(preview.answer.text);
  });
});
