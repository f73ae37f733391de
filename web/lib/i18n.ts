// Preact glue for web/i18n: the current language as state, and the shared strings for it.
import { useEffect, useState } from 'preact/hooks';
import { type Lang, currentLang, onLangChange, setLang } from '../i18n/index';
import { common as jaCommon } from '../i18n/ja/common';
import { common as enCommon } from '../i18n/en/common';

export type CommonStrings = typeof enCommon;
const COMMON: Record<Lang, CommonStrings> = { ja: jaCommon, en: enCommon };

export function commonStrings(lang: Lang): CommonStrings {
  return COMMON[lang];
}

export function useLang(): [Lang, (l: Lang) => void] {
  const [lang, set] = useState<Lang>(currentLang);
  useEffect(() => onLangChange(set), []);
  return [lang, setLang];
}

/** Label of a vocabulary value (need, stay, item…), falling back to the value itself. */
export function label(table: Record<string, string>, key: string, fallback?: string): string {
  return table[key] ?? fallback ?? key;
}
