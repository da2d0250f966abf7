import { describe, expect, it } from 'vitest';
import { analyzeQuery } from '../../knowledge/nlp/analyze.js';
import { foldPhrase, type Lexicon } from '../../knowledge/nlp/lexicon.js';
import { PhraseTable } from '../../knowledge/nlp/phrase-table.js';
import { CatalogVocabulary, repairBigram, repairToken } from '../../knowledge/nlp/repair.js';

const CATALOG_TEXT = ['đăng ký khai sinh', 'đăng ký thường trú', 'đăng ký tạm trú', 'giấy phép lái xe', 'phải không', 'cấp lại giấy chứng nhận', 'chứng thực chữ ký'];

function vocabulary(): CatalogVocabulary {
  const words = new Map<string, number>();
  const bigrams = new Set<string>();
  for (const text of CATALOG_TEXT) {
    const tokens = foldPhrase(text);
    tokens.forEach((t, i) => {
      words.set(t, (words.get(t) ?? 0) + 1);
      if (tokens[i + 1]) bigrams.add(`${t} ${tokens[i + 1]}`);
    });
  }
  return new CatalogVocabulary(words, bigrams);
}

function lexicon(): Lexicon {
  const lex: Lexicon = { teencode: new Map(), expansions: new PhraseTable(), filler: new PhraseTable(), stopwords: new Set(['gi', 'em']), words: new Set(), protectedPhrases: new PhraseTable() };
  lex.teencode.set('ko', ['khong']);
  lex.teencode.set('dc', ['duoc']);
  lex.expansions.add(foldPhrase('gplx'), foldPhrase('giấy phép lái xe'));
  lex.expansions.add(foldPhrase('bằng lái'), foldPhrase('giấy phép lái xe'));
  lex.filler.add(foldPhrase('cho em hỏi'), true);
  lex.filler.add(foldPhrase('ạ'), true);
  return lex;
}

const flat = (q: ReturnType<typeof analyzeQuery>) => q.clauses.map((c) => c.map((t) => t.f).join(' '));

describe('analyzeQuery', () => {
  const vocab = vocabulary();
  const lex = lexicon();

  it('folds accents and keeps accent keys only when the citizen typed accents', () => {
    const accented = analyzeQuery('Đăng ký khai sinh', lex, vocab);
    expect(accented.accented).toBe(true);
    expect(accented.clauses[0]).toEqual([
      { f: 'dang', a: 'đăng0' },
      { f: 'ki', a: 'ki1' },
      { f: 'khai', a: 'khai0' },
      { f: 'sinh', a: 'sinh0' },
    ]);
    const plain = analyzeQuery('dang ky khai sinh', lex, vocab);
    expect(plain.accented).toBe(false);
    expect(plain.clauses[0]!.every((t) => t.a === null)).toBe(true);
    expect(flat(plain)).toEqual(flat(accented));
  });

  it('replaces chat slang (teencode) tokens', () => {
    expect(analyzeQuery('ko dc', lex, vocab).normalized).toEqual(['khong', 'duoc']);
  });

  it('squeezes letters repeated three times or more', () => {
    expect(analyzeQuery('khai sinhhhh', lex, vocab).normalized).toEqual(['khai', 'sinh']);
  });

  it('When an abbreviation of the lexicon repeats a letter (cccd), then it is kept whole and expands, not squeezed to another word', () => {
    const withCccd = lexicon();
    withCccd.expansions.add(foldPhrase('cccd'), foldPhrase('căn cước công dân'));
    withCccd.words.add('cccd');
    const q = analyzeQuery('làm cccd ở đâu', withCccd, vocab);
    expect(q.normalized).toContain('cccd');
    expect(q.expansions).toEqual([{ from: ['cccd'], to: foldPhrase('căn cước công dân') }]);
  });

  it('strips chat filler from the retrieval clauses but keeps it for intent matching', () => {
    const q = analyzeQuery('cho em hỏi đăng ký tạm trú ạ', lex, vocab);
    expect(flat(q)).toEqual(['dang ki tam tru']);
    expect(q.normalized.slice(0, 3)).toEqual(['cho', 'em', 'hoi']);
  });

  it('adds abbreviation and colloquial expansions without dropping the original words', () => {
    const q = analyzeQuery('mất gplx', lex, vocab);
    expect(flat(q)).toEqual(['mat gplx']);
    expect(q.expansions).toEqual([{ from: ['gplx'], to: ['giay', 'phep', 'lai', 'xe'] }]);
    expect(analyzeQuery('mất bằng lái', lex, vocab).expansions.map((e) => e.to)).toEqual([['giay', 'phep', 'lai', 'xe']]);
  });

  it('splits long messages into clauses on punctuation and connectives', () => {
    const q = analyzeQuery('Nhà em mới chuyển đến phường mới, em muốn đăng ký thường trú nhưng chưa có hợp đồng thuê', lex, vocab);
    expect(q.clauses.length).toBe(3);
  });

  it('splits on a connective only as typed: accented words that fold like one are kept', () => {
    expect(flat(analyzeQuery('phát hiện ma túy ở khu trọ', lex, vocab))).toEqual(['phat hien ma tuy o khu tro']);
    expect(analyzeQuery('xử lý hành vi vi phạm giao thông', lex, vocab).clauses).toHaveLength(1);
    expect(analyzeQuery('em đã nộp hồ sơ rồi mà chưa thấy trả lời', lex, vocab).clauses).toHaveLength(2);
    expect(analyzeQuery('em da nop ho so roi ma chua thay tra loi', lex, vocab).clauses).toHaveLength(2);
  });

  it('repairs a one-edit typo of an unknown syllable, preferring a known neighbour pair', () => {
    expect(flat(analyzeQuery('dang ky khia sinh', lex, vocab))).toEqual(['dang ki khai sinh']);
  });

  it('repairs regional spelling confusions that form an unknown pair (ch/tr)', () => {
    expect(flat(analyzeQuery('dang ky thuong chu', lex, vocab))).toEqual(['dang ki thuong tru']);
  });

  it('leaves a conversational phrase as typed when it is whole in the message (no "chuyện đổi" for "chuyện với")', () => {
    const protectedLex = lexicon();
    protectedLex.protectedPhrases.add(foldPhrase('phải không'), true);
    expect(analyzeQuery('phai khong', lex, vocab).normalized).toEqual(['phai', 'khong']);
    expect(analyzeQuery('dang ky thuong chu phai khong', protectedLex, vocab).normalized).toEqual(['dang', 'ki', 'thuong', 'tru', 'phai', 'khong']);
  });

  it('measures the share of syllables typed with accents', () => {
    expect(analyzeQuery('đăng ký tam tru', lex, vocab).accentShare).toBe(0.5);
    expect(analyzeQuery('dang ky tam tru', lex, vocab).accentShare).toBe(0);
  });
});

describe('repair', () => {
  const vocab = vocabulary();

  it('applies chat letter rules (f→ph, w→qu, k→c, final g→ng) only towards known words', () => {
    expect(repairToken('fep', undefined, undefined, vocab)).toBe('phep');
    expect(repairToken('khog', undefined, undefined, vocab)).toBe('khong');
    expect(repairToken('kap', undefined, 'lai', vocab)).toBe('cap');
  });

  it('leaves syllables alone when no known word is one edit away', () => {
    expect(repairToken('xyzw', undefined, undefined, vocab)).toBe('xyzw');
    expect(repairToken('123', undefined, undefined, vocab)).toBe('123');
  });

  it('does not touch a pair the catalog already uses', () => {
    expect(repairBigram('tam', 'tru', vocab)).toBeUndefined();
    expect(repairBigram('chung', 'thuc', vocab)).toBeUndefined();
    expect(repairBigram('tam', 'chu', vocab)).toEqual(['tam', 'tru']);
  });
});
