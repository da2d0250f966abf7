import { describe, expect, it } from 'vitest';
import { cleanText, foldDiacritics, foldSyllable, hasDiacritics, looksVietnamese, syllables, toneKey, unifyIY } from '../../knowledge/nlp/vietnamese.js';

describe('cleanText', () => {
  it('composes NFD input to NFC so both encodings compare equal', () => {
    const nfd = 'Đăng ký thường trú'.normalize('NFD');
    expect(cleanText(nfd)).toBe('đăng ký thường trú');
    expect(cleanText(nfd)).toBe(cleanText('ĐĂNG KÝ THƯỜNG TRÚ'));
  });

  it('maps the look-alike eth (Ð/ð) to Đ/đ', () => {
    expect(cleanText('Ðăng ký')).toBe('đăng ký');
    expect(cleanText('nð-cp')).toBe('nđ-cp');
  });

  it('drops zero-width characters and soft hyphens, and turns NBSP into a space', () => {
    expect(cleanText('khai\u200Bsinh\u00ADcho\u00A0con\uFEFF')).toBe('khaisinhcho con');
  });

  it('folds full-width characters (NFKC) and collapses spaces', () => {
    expect(cleanText('ＣＣＣＤ   mới')).toBe('cccd mới');
  });
});

describe('foldDiacritics', () => {
  it('removes tones and vowel marks and folds đ, which NFD alone does not', () => {
    expect(foldDiacritics('đăng ký kết hôn')).toBe('dang ky ket hon');
    expect(foldDiacritics('Đất đai')).toBe('Dat dai');
    expect('đ'.normalize('NFD').replace(/[\u0300-\u036f]/g, '')).toBe('đ');
  });
});

describe('toneKey', () => {
  it('is independent of old/new tone placement (hoà/hòa, thuỷ/thủy, khoẻ/khỏe)', () => {
    expect(toneKey('hoà')).toBe(toneKey('hòa'));
    expect(toneKey('hoà')).toBe('hoa2');
    expect(toneKey('thuỷ')).toBe(toneKey('thủy'));
    expect(toneKey('thuỷ')).toBe('thuy3');
    expect(toneKey('khoẻ')).toBe(toneKey('khỏe'));
  });

  it('keeps vowel marks and the tone digit apart, so hộ and hồ differ', () => {
    expect(toneKey('việt')).toBe('viêt5');
    expect(toneKey('hộ')).toBe('hô5');
    expect(toneKey('hồ')).toBe('hô2');
    expect(toneKey('ho')).toBe('ho0');
  });

  it('treats the decomposed tone mark the same as the composed one', () => {
    expect(toneKey('hòa'.normalize('NFD'))).toBe('hoa2');
  });
});

describe('unifyIY', () => {
  it('writes a lone final y after a consonant as i (kỹ/kĩ, lý/lí)', () => {
    expect(unifyIY('ky')).toBe('ki');
    expect(foldSyllable('lý')).toBe(foldSyllable('lí'));
    expect(toneKey('kỹ')).toBe(toneKey('kĩ'));
  });

  it('writes qui as quy and leaves uy/ay alone', () => {
    expect(unifyIY('qui')).toBe('quy');
    expect(unifyIY('thuy')).toBe('thuy');
    expect(unifyIY('tay')).toBe('tay');
  });
});

describe('syllables', () => {
  it('splits on punctuation and keeps digits', () => {
    expect(syllables('giấy phép, xây-dựng 2025!')).toEqual(['giấy', 'phép', 'xây', 'dựng', '2025']);
  });

  it('knows whether a syllable carries any Vietnamese mark', () => {
    expect(hasDiacritics('đi')).toBe(true);
    expect(hasDiacritics('hoà')).toBe(true);
    expect(hasDiacritics('hoa')).toBe(false);
  });
});

describe('looksVietnamese', () => {
  it('accepts syllables spelled like Vietnamese ones, folded', () => {
    for (const f of ['nghieng', 'khai', 'sinh', 'thuong', 'tru', 'ke', 'ghe', 'quy', 'gi', 'a', 'uong', 'meo']) expect(looksVietnamese(f), f).toBe(true);
  });

  it('rejects keyboard mashing and English spellings (c/g/ng before e, i, y)', () => {
    for (const f of ['asdfgh', 'qwrtp', 'zxcv', 'jkjk', 'help', 'get', 'ci', 'nge', 'ka']) expect(looksVietnamese(f), f).toBe(false);
  });
});
