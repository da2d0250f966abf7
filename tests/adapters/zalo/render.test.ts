import { describe, expect, it } from 'vitest';
import { renderButtonsAsText, renderReply, splitZaloText, ZALO_MAX_TEXT } from '../../../adapters/zalo/index.js';
import { copyFor } from '../../../src/domain/copy/index.js';

const sentence = 'Hồ sơ gồm tờ khai đăng ký khai sinh theo mẫu và giấy chứng sinh do cơ sở y tế cấp. ';

describe('splitZaloText', () => {
  it('When the text fits in 2,000 characters, then it is one piece, trimmed', () => {
    expect(splitZaloText('  Xin chào  ')).toEqual(['Xin chào']);
    expect(splitZaloText('a'.repeat(2000))).toHaveLength(1);
    expect(splitZaloText('   ')).toEqual([]);
  });

  it('When the text is above 2,000 characters, then every piece is at most 2,000 and ends at a sentence', () => {
    const text = sentence.repeat(60); // ~5,100 chars, no newlines
    const pieces = splitZaloText(text);
    expect(pieces.length).toBe(3);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(ZALO_MAX_TEXT);
      expect(piece.endsWith('.')).toBe(true);
    }
    expect(pieces.join(' ')).toBe(text.trim());
  });

  it('When paragraphs exist, then the split prefers the last paragraph break inside the window', () => {
    const para1 = sentence.repeat(15).trim(); // ~1,280
    const para2 = sentence.repeat(15).trim();
    const pieces = splitZaloText(`${para1}\n\n${para2}`);
    expect(pieces).toEqual([para1, para2]);
  });

  it('When lines exist but no paragraph break, then it splits at a line end', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${i + 1}. Bước ${i + 1}: nộp hồ sơ tại bộ phận một cửa`);
    const pieces = splitZaloText(lines.join('\n'));
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.split('\n').every((l) => /^\d+\. Bước \d+: nộp hồ sơ tại bộ phận một cửa$/.test(l))).toBe(true);
  });

  it('When there is no break at all, then it hard-cuts at the limit without splitting a surrogate pair', () => {
    const pieces = splitZaloText('x'.repeat(1999) + '😀'.repeat(10));
    expect(pieces[0]).toBe('x'.repeat(1999));
    expect(pieces.join('')).toBe('x'.repeat(1999) + '😀'.repeat(10));
  });

  it('When a custom limit is given, then it is honoured', () => {
    const pieces = splitZaloText('một hai ba bốn năm sáu bảy tám chín mười', 12);
    expect(pieces.every((p) => p.length <= 12)).toBe(true);
    expect(pieces.join(' ')).toBe('một hai ba bốn năm sáu bảy tám chín mười');
  });
});

describe('renderReply', () => {
  const buttons = [
    { title: 'Đăng ký khai sinh', payload: 'dang-ky-khai-sinh' },
    { title: 'Đăng ký kết hôn', payload: 'dang-ky-ket-hon' },
  ];

  it('When the mode is text, then buttons become a numbered list with the hint, and the link is appended', () => {
    const rendered = renderReply({ text: 'Quý vị muốn hỏi thủ tục nào?', buttons, link: { title: 'Cổng DVC', url: 'https://dichvucong.gov.vn' } }, { mode: 'text', maxButtons: 5 });
    expect(rendered.buttons).toBeUndefined();
    expect(rendered.texts).toEqual([
      'Quý vị muốn hỏi thủ tục nào?\n\nCổng DVC: https://dichvucong.gov.vn\n\n1. Đăng ký khai sinh\n2. Đăng ký kết hôn\n\nBạn hãy trả lời bằng số thứ tự (ví dụ: 1) hoặc gõ nội dung lựa chọn.',
    ]);
  });

  it('When the mode is template, then buttons become oa.query.show actions on the last message', () => {
    const rendered = renderReply({ text: 'Chọn thủ tục', buttons }, { mode: 'template', maxButtons: 5 });
    expect(rendered).toEqual({
      texts: ['Chọn thủ tục'],
      buttons: [
        { title: 'Đăng ký khai sinh', type: 'oa.query.show', payload: 'dang-ky-khai-sinh' },
        { title: 'Đăng ký kết hôn', type: 'oa.query.show', payload: 'dang-ky-ket-hon' },
      ],
    });
  });

  it('When the mode is template but there are more buttons than allowed, then it falls back to the numbered list', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ title: `Mục ${i + 1}`, payload: `p${i}` }));
    const rendered = renderReply({ text: 'Chọn', buttons: many }, { mode: 'template', maxButtons: 5 });
    expect(rendered.buttons).toBeUndefined();
    expect(rendered.texts[0]).toContain('6. Mục 6');
  });

  it('When a button title is longer than 100 characters, then it is truncated with an ellipsis', () => {
    const rendered = renderReply({ text: 'a', buttons: [{ title: 't'.repeat(150), payload: 'p' }] }, { mode: 'template', maxButtons: 5 });
    expect(rendered.buttons?.[0]?.title).toHaveLength(100);
    expect(rendered.buttons?.[0]?.title.endsWith('…')).toBe(true);
  });

  it('When there are no buttons, then renderButtonsAsText returns the text unchanged', () => {
    expect(renderButtonsAsText('abc', [])).toBe('abc');
  });
});

describe('renderReply: copy in the reply language', () => {
  const options = { mode: 'text' as const, maxButtons: 5 };
  const choices = [
    { title: 'A', payload: 'A' },
    { title: 'B', payload: 'B' },
  ];

  it('When a reply carries a locale, then the hint under the numbered list is that language’s copy (bot.chooseByNumber)', () => {
    for (const locale of ['vi', 'km', 'en'] as const) {
      const [text] = renderReply({ text: 'Chọn', buttons: choices, meta: { tag: 'clarify', locale } }, options).texts;
      expect(text!.endsWith(copyFor(locale).bot.chooseByNumber)).toBe(true);
    }
    const [plain] = renderReply({ text: 'Chọn', buttons: choices }, options).texts;
    expect(plain!.endsWith(copyFor('vi').bot.chooseByNumber)).toBe(true);
  });

  it('When the text already shows the link address, then the link is not appended again', () => {
    const url = 'https://dichvucong.gov.vn/';
    const [text] = renderReply({ text: `Nộp tại ${url}`, link: { title: 'Nộp hồ sơ trực tuyến', url } }, options).texts;
    expect(text).toBe(`Nộp tại ${url}`);
  });
});
