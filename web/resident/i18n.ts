// The five languages of the resident page and the one function that looks strings up.
// All five dictionaries are in the first load on purpose: together they are a few kB gzipped,
// and a language switch must work offline on the first try.
import { resident as ja, type ResidentKey, type ResidentStrings } from '../i18n/ja/resident';
import { resident as easyJa } from '../i18n/easy-ja/resident';
import { resident as en } from '../i18n/en/resident';
import { resident as zh } from '../i18n/zh/resident';
import { resident as ko } from '../i18n/ko/resident';

export const LANG_CODES = ['ja', 'easy-ja', 'en', 'zh', 'ko'] as const;
export type LangCode = (typeof LANG_CODES)[number];

export interface LangInfo {
  /** The language's own name, so a resident recognises it whatever the page shows now. */
  label: string;
  /** For <html lang>: easy Japanese is Japanese to screen readers and fonts. */
  htmlLang: string;
  /** For dates, times and numbers. */
  locale: string;
}

export const LANGS: Record<LangCode, LangInfo> = {
  ja: { label: '日本語', htmlLang: 'ja', locale: 'ja-JP' },
  'easy-ja': { label: 'やさしい日本語', htmlLang: 'ja', locale: 'ja-JP' },
  en: { label: 'English', htmlLang: 'en', locale: 'en-GB' },
  zh: { label: '中文（简体）', htmlLang: 'zh-Hans', locale: 'zh-CN' },
  ko: { label: '한국어', htmlLang: 'ko', locale: 'ko-KR' },
};

export const DICTIONARIES: Record<LangCode, ResidentStrings> = { ja, 'easy-ja': easyJa, en, zh, ko };

export type Vars = Record<string, string | number>;
export type Translate = (key: ResidentKey, vars?: Vars) => string;

export function translator(lang: LangCode): Translate {
  const dict = DICTIONARIES[lang];
  return (key, vars) => {
    const s = dict[key];
    return vars ? s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : s;
  };
}

/** Before the resident chooses: the first browser language we have, else Japanese. */
export function guessLang(languages: readonly string[]): LangCode {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ja') return 'ja';
    if (base === 'en') return 'en';
    if (base === 'zh') return 'zh';
    if (base === 'ko') return 'ko';
  }
  return 'ja';
}

export type { ResidentKey };
