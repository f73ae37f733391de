import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANG_CODES, translator } from '../../web/resident/i18n';
import { HAZARD_LIST } from '../../web/resident/hazards';
import { HAZARDS } from '../../domain/schema';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('resident page dictionaries', () => {
  const jaKeys = Object.keys(DICTIONARIES.ja).sort();

  it('all five languages have exactly the keys of Japanese', () => {
    expect(LANG_CODES).toEqual(['ja', 'easy-ja', 'en', 'zh', 'ko']);
    for (const lang of LANG_CODES) expect(Object.keys(DICTIONARIES[lang]).sort(), lang).toEqual(jaKeys);
  });

  it('no string is empty in any language', () => {
    for (const lang of LANG_CODES)
      for (const [key, value] of Object.entries(DICTIONARIES[lang])) expect(value.trim(), `${lang} ${key}`).not.toBe('');
  });

  it('every translation uses the same {placeholders} as Japanese, so no value is lost or shown raw', () => {
    for (const lang of LANG_CODES)
      for (const key of jaKeys)
        expect(placeholders(DICTIONARIES[lang][key as keyof typeof DICTIONARIES.ja]), `${lang} ${key}`).toEqual(
          placeholders(DICTIONARIES.ja[key as keyof typeof DICTIONARIES.ja]),
        );
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translator('en')('level.badge', { n: 4 })).toBe('Alert level 4');
    expect(translator('ja')('now.reason', { district: '港町地区', level: 4, n: 3 })).toBe(
      '港町地区の警戒レベルが4になり、あなたの避難スイッチ（レベル3）に達しました。',
    );
  });

  it('offers every hazard of the schema, with a name in every language', () => {
    expect([...HAZARD_LIST]).toEqual([...HAZARDS]);
    for (const lang of LANG_CODES) for (const h of HAZARDS) expect(DICTIONARIES[lang][`hazard.${h}`]).toBeTruthy();
  });
});
