import { describe, expect, it } from 'vitest';
import { decideDelivery, renderReply, splitMessengerText } from '../../../adapters/messenger/index.js';
import { copyFor } from '../../../src/domain/copy/index.js';
import { vi } from '../../../src/domain/copy/vi.js';
import type { ReplyButton } from '../../../src/domain/message.js';
import { DAY, HOUR } from './helpers.js';

const buttons = (n: number): ReplyButton[] => Array.from({ length: n }, (_, i) => ({ title: `Lựa chọn ${i + 1}`, payload: `OPT_${i + 1}` }));

describe('splitMessengerText', () => {
  it('When text fits, then it is one piece, trimmed', () => {
    expect(splitMessengerText('  Xin chào  ')).toEqual(['Xin chào']);
  });

  it('When paragraphs exceed the limit, then pieces break between paragraphs and pack as many as fit', () => {
    const para = 'Hồ sơ gồm tờ khai theo mẫu và bản sao giấy tờ tùy thân.'; // 54 chars
    const text = Array.from({ length: 6 }, () => para).join('\n\n');
    const pieces = splitMessengerText(text, 120);
    expect(pieces).toEqual([`${para}\n\n${para}`, `${para}\n\n${para}`, `${para}\n\n${para}`]);
  });

  it('When one paragraph is too long, then it breaks at sentence ends, keeping the punctuation', () => {
    const sentence = 'Nộp hồ sơ tại UBND cấp xã.';
    const text = Array.from({ length: 10 }, () => sentence).join(' ');
    const pieces = splitMessengerText(text, 60);
    expect(pieces.every((p) => p.length <= 60 && p.endsWith('.'))).toBe(true);
    expect(pieces.join(' ')).toBe(text);
  });

  it('When a long Vietnamese text exceeds 2,000 characters, then every piece fits and nothing is lost', () => {
    const text = 'Thủ tục đăng ký khai sinh được thực hiện tại UBND cấp xã nơi cư trú của cha hoặc mẹ! '.repeat(70);
    const pieces = splitMessengerText(text);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(pieces.every((p) => p.length <= 2000)).toBe(true);
    expect(pieces.join(' ')).toBe(text.trim());
  });

  it('When a run has no break at all, then it is cut hard without splitting a surrogate pair', () => {
    const text = `${'a'.repeat(9)}😀${'b'.repeat(9)}`;
    const pieces = splitMessengerText(text, 10);
    expect(pieces).toEqual(['a'.repeat(9), `😀${'b'.repeat(8)}`, 'b']);
  });
});

describe('renderReply', () => {
  it('When a reply has up to 13 buttons, then they become quick replies on the (last) text message', () => {
    expect(renderReply({ text: 'Quý vị muốn hỏi gì thêm?', buttons: [{ title: 'Lệ phí', payload: 'FEE' }, { title: 'Thời hạn giải quyết hồ sơ', payload: 'TIME' }] })).toEqual([
      {
        text: 'Quý vị muốn hỏi gì thêm?',
        quick_replies: [
          { content_type: 'text', title: 'Lệ phí', payload: 'FEE' },
          { content_type: 'text', title: 'Thời hạn giải quyết…', payload: 'TIME' },
        ],
      },
    ]);
    const [message] = renderReply({ text: 'Chọn', buttons: buttons(13) });
    expect(message && 'quick_replies' in message ? message.quick_replies : []).toHaveLength(13);
  });

  it('When a reply has more than 13 buttons, then they become a numbered list in the text with the hint', () => {
    const rendered = renderReply({ text: 'Chọn thủ tục:', buttons: buttons(14) });
    expect(rendered).toHaveLength(1);
    const text = (rendered[0] as { text: string }).text;
    expect(text.startsWith('Chọn thủ tục:\n\n1. Lựa chọn 1\n2. Lựa chọn 2\n')).toBe(true);
    expect(text).toContain('14. Lựa chọn 14');
    expect(text.endsWith(vi.bot.chooseByNumber)).toBe(true);
    expect(rendered[0]).not.toHaveProperty('quick_replies');
  });

  it('When a payload is over the configured limit, then the numbered list is used instead', () => {
    const rendered = renderReply({ text: 'Chọn', buttons: [{ title: 'A', payload: 'x'.repeat(11) }] }, { maxQuickReplyPayload: 10, chooseHint: 'Trả lời bằng số.' });
    expect(rendered).toEqual([{ text: 'Chọn\n\n1. A\n\nTrả lời bằng số.' }]);
  });

  it('When the text is long and buttons exist, then the text is split and only the last message carries them', () => {
    const rendered = renderReply({ text: 'Câu trả lời dài. '.repeat(200), buttons: buttons(2) });
    expect(rendered.length).toBeGreaterThan(1);
    expect(rendered.slice(0, -1).every((m) => !('quick_replies' in m))).toBe(true);
    expect(rendered.at(-1)).toHaveProperty('quick_replies');
  });

  it('When a link comes with short text, then it becomes a web_url button template', () => {
    expect(renderReply({ text: 'Quý vị có thể nộp trực tuyến.', link: { title: 'Cổng DVC', url: 'https://dichvucong.gov.vn/p/home' } })).toEqual([
      {
        attachment: {
          type: 'template',
          payload: { template_type: 'button', text: 'Quý vị có thể nộp trực tuyến.', buttons: [{ type: 'web_url', url: 'https://dichvucong.gov.vn/p/home', title: 'Cổng DVC' }] },
        },
      },
    ]);
  });

  it('When the link comes with quick replies, then both ride on the template message', () => {
    const [message] = renderReply({ text: 'Xem thêm', link: { title: 'Chi tiết', url: 'https://a.gov.vn/x' }, buttons: buttons(1) });
    expect(message).toMatchObject({ attachment: { type: 'template' }, quick_replies: [{ title: 'Lựa chọn 1', payload: 'OPT_1' }] });
  });

  it('When the text is over 640 characters or the URL is not http(s), then the link goes into the text', () => {
    const long = 'a '.repeat(400).trim();
    expect(renderReply({ text: long, link: { title: 'Cổng DVC', url: 'https://dichvucong.gov.vn' } })).toEqual([{ text: `${long}\n\nCổng DVC: https://dichvucong.gov.vn` }]);
    expect(renderReply({ text: 'Gọi', link: { title: 'Tổng đài', url: 'tel:1022' } })).toEqual([{ text: 'Gọi\n\nTổng đài: tel:1022' }]);
  });

  it('When the reply is empty, then nothing is rendered', () => {
    expect(renderReply({ text: '   ' })).toEqual([]);
  });
});

describe('decideDelivery', () => {
  const now = Date.UTC(2026, 0, 15, 9);

  it('When a response is inside 24 h, then RESPONSE; at 24 h or more, then the window is closed', () => {
    expect(decideDelivery('response', now - 23 * HOUR, now)).toEqual({ allowed: true, mode: { messagingType: 'RESPONSE' } });
    expect(decideDelivery('response', now - DAY, now)).toMatchObject({ allowed: false, window: '24h' });
    expect(decideDelivery('response', 0, now)).toMatchObject({ allowed: false });
  });

  it('When an operator replies within 7 days, then MESSAGE_TAG + HUMAN_AGENT; later, closed; with the tag disabled, 24 h only', () => {
    expect(decideDelivery('human_agent', now - 6 * DAY, now)).toEqual({ allowed: true, mode: { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } });
    expect(decideDelivery('human_agent', now - 7 * DAY - 1, now)).toMatchObject({ allowed: false, window: '7d' });
    expect(decideDelivery('human_agent', now - HOUR, now, { humanAgentTag: false })).toEqual({ allowed: true, mode: { messagingType: 'RESPONSE' } });
    expect(decideDelivery('human_agent', now - 2 * DAY, now, { humanAgentTag: false })).toMatchObject({ allowed: false, window: '24h' });
  });

  it('When news is inside 24 h, then UPDATE; at 24 h or more, closed whatever the tag options', () => {
    expect(decideDelivery('news', now - 23 * HOUR, now)).toEqual({ allowed: true, mode: { messagingType: 'UPDATE' } });
    expect(decideDelivery('news', now - DAY, now, { accountUpdateTag: true, humanAgentTag: true })).toMatchObject({ allowed: false, window: '24h' });
    expect(decideDelivery('news', now - 3 * DAY, now, { accountUpdateTag: true, humanAgentTag: true })).toMatchObject({ allowed: false, window: '24h' });
    expect(decideDelivery('news', 0, now)).toMatchObject({ allowed: false });
  });

  it('When an update is outside 24 h, then ACCOUNT_UPDATE only if enabled', () => {
    expect(decideDelivery('update', now - HOUR, now)).toEqual({ allowed: true, mode: { messagingType: 'RESPONSE' } });
    expect(decideDelivery('update', now - 3 * DAY, now)).toMatchObject({ allowed: false, window: '24h' });
    expect(decideDelivery('update', now - 30 * DAY, now, { accountUpdateTag: true })).toEqual({ allowed: true, mode: { messagingType: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' } });
  });
});

describe('renderReply: copy in the reply language', () => {
  it('When a reply in Khmer falls back to a numbered list, then the hint is the Khmer copy, not Vietnamese', () => {
    const rendered = renderReply({ text: 'ជម្រើស', buttons: buttons(14), meta: { tag: 'language', locale: 'km' } });
    const text = (rendered[0] as { text: string }).text;
    expect(text.endsWith(copyFor('km').bot.chooseByNumber)).toBe(true);
    expect(text).not.toContain(vi.bot.chooseByNumber);
  });

  it('When the text already shows the link address, then no "title: url" line repeats it', () => {
    const url = 'https://dichvucong.gov.vn/';
    const long = `${'Câu trả lời dài. '.repeat(50)}\nĐịa chỉ: ${url}`;
    const rendered = renderReply({ text: long, link: { title: 'Nộp hồ sơ trực tuyến', url } });
    const all = rendered.map((m) => ('text' in m ? m.text : '')).join('\n');
    expect(all.split(url).length).toBe(2);
  });
});
