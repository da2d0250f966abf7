import { describe, expect, it } from 'vitest';
import { COPY_REVIEWS, awaitingReview, copyFor, mergeOver } from '../../src/domain/copy/index.js';
import { en, review as enReview } from '../../src/domain/copy/en.js';
import { km, review as kmReview } from '../../src/domain/copy/km.js';
import { vi } from '../../src/domain/copy/vi.js';
import { LOCALES } from '../../src/domain/locale.js';

/**
 * The copy per language (issue 9, item 6): Vietnamese complete, English and Khmer for the fixed texts,
 * merged over Vietnamese, each marked machine-drafted until a native speaker reviews it.
 */

/** Every leaf of an object with its dotted path (functions and arrays are leaves). */
function leaves(node: unknown, path = ''): Array<[string, unknown]> {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    return Object.entries(node).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [[path, node]];
}

const KHMER = /[\u1780-\u17FF]/u;
/** A dependent vowel typed before COENG + consonant: identical on screen, wrong bytes (C.1 of the language notes). */
const VOWEL_BEFORE_COENG = /[\u17B6-\u17C5]\u17D2/u;
const ZERO_WIDTH = /[\u200B-\u200D\u2060]/u;

const sampleTicket = { code: 'K7QX-3M2PC', agencyName: 'Sở Tư pháp', dueDate: '05/12/2026', callback: true };

describe('copyFor', () => {
  it('gives Vietnamese as it is, and every language the full shape of Copy', () => {
    expect(copyFor('vi')).toBe(vi);
    const shape = leaves(vi).map(([path, value]) => [path, typeof value]);
    for (const locale of LOCALES) {
      const copy = copyFor(locale);
      expect(copy.locale).toBe(locale);
      expect(leaves(copy).map(([path, value]) => [path, typeof value])).toEqual(shape);
    }
  });

  it('takes the fixed texts from the translation and everything else from Vietnamese', () => {
    for (const [locale, translation] of [
      ['en', en],
      ['km', km],
    ] as const) {
      const copy = copyFor(locale);
      expect(copy.bot.greeting).toBe(translation.bot!.greeting);
      expect(copy.bot.menuButtons).toEqual(translation.bot!.menuButtons);
      expect(copy.bot.tickets.consentButtons).toEqual(translation.bot!.tickets!.consentButtons);
      expect(copy.bot.tickets.yesWords).toBe(vi.bot.tickets.yesWords);
      expect(copy.bot.tickets.formatDate).toBe(vi.bot.tickets.formatDate);
      expect(copy.answers).toEqual(vi.answers);
      expect(copy.widget).toEqual(vi.widget);
      expect(copy.console).toEqual(vi.console);
      expect(copyFor(locale)).toBe(copy);
    }
  });

  it('translates the fixed texts: menu, help, greeting, apologies, request prompts, ticket confirmation, language notice', () => {
    const fixed = [
      'bot.greeting',
      'bot.menuButtons.ask',
      'bot.menuButtons.help',
      'bot.menuButtons.agency',
      'bot.menuButtons.operator',
      'bot.help',
      'bot.askPrompt',
      'bot.apology',
      'bot.fallbackOffer',
      'bot.outOfScope',
      'bot.chooseByNumber',
      'bot.languageNotice',
      'bot.languageButtons.operator',
      'bot.complaintOffer',
      'bot.talk.concern',
      'bot.talk.concernButtons.agency',
      'bot.talk.concernButtons.procedure',
      'bot.tickets.questionPrompt',
      'bot.tickets.consentPrompt',
      'bot.tickets.placePrompt',
      'bot.tickets.publishPrompt',
      'bot.tickets.namePrompt',
      'bot.tickets.phonePrompt',
      'bot.tickets.skipButton',
      'bot.tickets.opened',
      'bot.tickets.statuses.assigned',
    ];
    const viLeaves = new Map(leaves(vi));
    for (const locale of ['en', 'km'] as const) {
      const translated = new Map(leaves(copyFor(locale)));
      for (const path of fixed) expect(translated.get(path), `${locale} ${path}`).not.toBe(viLeaves.get(path));
    }
  });

  it('merges objects key by key and replaces strings, arrays and functions whole', () => {
    const f = () => 'x';
    expect(mergeOver({ a: { b: 1, c: 2 }, d: [1, 2], e: f }, { a: { c: 3 }, d: [9] })).toEqual({ a: { b: 1, c: 3 }, d: [9], e: f });
    expect(mergeOver({ a: 1 }, { a: undefined })).toEqual({ a: 1 });
  });
});

describe('review status', () => {
  it('marks English and Khmer machine-drafted, awaiting a native speaker', () => {
    for (const review of [enReview, kmReview]) expect(review).toEqual({ status: 'machine-drafted', reviewer: null, note: 'awaiting review by a native speaker' });
    expect(COPY_REVIEWS.en).toBe(enReview);
    expect(COPY_REVIEWS.km).toBe(kmReview);
    expect(awaitingReview('km')).toBe(true);
    expect(awaitingReview('en')).toBe(true);
    expect(awaitingReview('vi')).toBe(false);
  });
});

describe('Khmer copy', () => {
  const texts = (): Array<[string, string]> =>
    leaves(km)
      .filter(([path]) => path !== 'locale')
      .map(([path, value]): [string, string] => {
        // A function's source holds its Khmer words around the values it is given.
        return [path, String(value)];
      });

  it('writes every text in Khmer script, in canonical order, without zero-width characters', () => {
    for (const [path, text] of texts()) {
      expect(text, path).toMatch(KHMER);
      expect(text.normalize('NFC'), path).toBe(text);
      expect(text, path).not.toMatch(VOWEL_BEFORE_COENG);
      expect(text, path).not.toMatch(ZERO_WIDTH);
    }
  });

  it('confirms a ticket with its code, agency and date, and calls a feedback a report, not a question', () => {
    const copy = copyFor('km');
    const opened = copy.bot.tickets.opened({ ...sampleTicket, kind: 'question' });
    for (const part of ['K7QX-3M2PC', 'Sở Tư pháp', '05/12/2026', '1022']) expect(opened).toContain(part);
    expect(opened.startsWith('សំណួរ')).toBe(true);
    expect(copy.bot.tickets.opened({ ...sampleTicket, place: 'thôn 3' }).startsWith('ការរាយការណ៍')).toBe(true);
  });
});

describe('Vietnamese copy (issue 9, item 7)', () => {
  it('calls a feedback ticket "phản ánh", never "câu hỏi"', () => {
    const t = vi.bot.tickets;
    const feedback = [
      t.opened({ ...sampleTicket, kind: 'feedback' }),
      t.opened({ ...sampleTicket, place: 'thôn 3, xã Hòa Bình' }),
      t.list([{ code: 'K7QX-3M2PC', status: t.statuses.assigned, dueDate: '05/12/2026', kind: 'feedback' }]).split('\n')[1]!,
      t.detail({ code: 'K7QX-3M2PC', status: t.statuses.assigned, agencyName: 'UBND phường Tân An', dueDate: '05/12/2026', kind: 'feedback' }),
      t.answerNotice({ code: 'K7QX-3M2PC', agencyName: 'UBND phường Tân An', answer: 'Đã xử lý.', reopenWindowDays: 7, kind: 'feedback' }),
      t.consentPrompt('Đèn đường hỏng', 'feedback'),
    ];
    for (const text of feedback) {
      expect(text).toMatch(/phản ánh/iu);
      expect(text).not.toMatch(/câu hỏi/iu);
    }
    expect(t.opened({ ...sampleTicket })).toMatch(/^Câu hỏi của bạn/u);
  });

  it('formats dates as dd/mm/yyyy', () => {
    expect(vi.bot.tickets.formatDate('2026-11-21')).toBe('21/11/2026');
    expect(vi.answers.sourceLine({ name: 'Cổng Dịch vụ công quốc gia', checked: '21/11/2026' })).toBe('Nguồn: Cổng Dịch vụ công quốc gia, kiểm tra ngày 21/11/2026.');
    expect(vi.answers.editedLine({ name: 'Cổng Dịch vụ công quốc gia', edited: '21/11/2026' })).toBe('Nguồn: Cổng Dịch vụ công quốc gia, cập nhật ngày 21/11/2026.');
    expect(vi.answers.facts.until('31/12/2026')).toBe('áp dụng đến hết ngày 31/12/2026');
    expect(vi.answers.facts.expiresOn('01/03/2027')).toBe('hết hiệu lực từ 01/03/2027');
  });

  it('shows console dates in Vietnam time', () => {
    expect(vi.console.timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it('names a commune-level body at the commune the citizen wrote', () => {
    const at = vi.answers.agencyAt;
    expect(at('Ủy ban nhân dân cấp xã nơi cư trú của người cha hoặc người mẹ', 'phường Tân An')).toBe('UBND phường Tân An');
    expect(at('Ủy ban nhân dân cấp xã (xã, phường, đặc khu)', 'UBND Phường Tân An')).toBe('UBND phường Tân An');
    expect(at('Công an cấp xã nơi công dân dự kiến tạm trú', 'công an xã Bình Minh')).toBe('Công an xã Bình Minh');
    expect(at('Ủy ban nhân dân cấp xã nơi có đất', 'đặc khu Côn Đảo')).toBe('UBND đặc khu Côn Đảo');
    expect(at('Sở Tư pháp', 'phường Tân An')).toBeUndefined();
    expect(at('Ủy ban nhân dân cấp xã nơi có đất', 'Hà Nội')).toBeUndefined();
  });

  it('says "bạn" to the citizen, never "quý vị", and writes no ISO date', () => {
    const strings = leaves({ answers: vi.answers, bot: vi.bot, widget: vi.widget }).filter(([, v]) => typeof v === 'string') as Array<[string, string]>;
    for (const [path, text] of strings) {
      expect(text, path).not.toMatch(/quý vị/iu);
      expect(text, path).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
      expect(text, path).not.toMatch(/ {2,}|\s[,.;:]/u);
    }
  });
});
