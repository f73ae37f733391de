import { describe, expect, it } from 'vitest';
import { isKanaOnly, nameParts, normalizeForMatch } from '../../domain/normalize';

describe('normalizeForMatch', () => {
  it('treats katakana, hiragana and half-width katakana of one name as the same', () => {
    const forms = ['ヤマダ タロウ', 'やまだ たろう', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'ヤマダ　タロウ', 'ヤマダ・タロウ', 'ﾔﾏﾀﾞ･ﾀﾛｳ'];
    for (const f of forms) expect(normalizeForMatch(f)).toBe('やまだたろう');
  });

  it('folds full-width latin and digits, lower-cases latin and removes every kind of space', () => {
    expect(normalizeForMatch('ＭＡＲＩＡ　Ｓａｎｔｏｓ')).toBe('mariasantos');
    expect(normalizeForMatch(' Maria\tSantos ')).toBe('mariasantos');
    expect(normalizeForMatch('１２３')).toBe('123');
  });

  it('keeps kanji, the long vowel mark and voiced kana', () => {
    expect(normalizeForMatch('山田 太郎')).toBe('山田太郎');
    expect(normalizeForMatch('ジョージ')).toBe('じょーじ');
    expect(normalizeForMatch('ｼﾞｮｰｼﾞ')).toBe('じょーじ');
    expect(normalizeForMatch('ヴ')).toBe('ゔ');
    expect(normalizeForMatch('ヶ')).toBe('ゖ');
  });

  it('splits names into normalised parts', () => {
    expect(nameParts('山田　太郎')).toEqual(['山田', '太郎']);
    expect(nameParts('ヤマダ・タロウ')).toEqual(['やまだ', 'たろう']);
    expect(nameParts('  ')).toEqual([]);
  });
});

describe('isKanaOnly', () => {
  it('accepts hiragana, katakana of both widths, long vowel marks, dots and spaces', () => {
    for (const ok of ['', 'やまだ たろう', 'ヤマダ　タロウ', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'ジョージ・スミス', 'ｼﾞｮｰｼﾞ･ｽﾐｽ', 'ゔぁ', 'ゝゞ']) {
      expect(isKanaOnly(ok), ok).toBe(true);
    }
  });

  it('refuses kanji, latin letters, digits and punctuation', () => {
    for (const bad of ['山田', 'yamada', 'やまだ1', 'やまだ!', 'ＹＡＭＡＤＡ', 'やまだ。']) {
      expect(isKanaOnly(bad), bad).toBe(false);
    }
  });
});
