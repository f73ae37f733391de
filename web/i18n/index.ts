// Which language the staff and HQ surfaces speak. Japanese by default; the choice is remembered
// on the device. Strings live in web/i18n/<lang>/<surface>.ts, never inline.
export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const KEY = 'hinanjo:lang';
const listeners = new Set<(lang: Lang) => void>();

export function currentLang(): Lang {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
  return (LANGS as readonly string[]).includes(stored ?? '') ? (stored as Lang) : 'ja';
}

export function setLang(lang: Lang): void {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Widens a string table's literal types so that every language must provide the same keys. */
export type Strings<T> = T extends string
  ? string
  : T extends (...args: infer A) => string
    ? (...args: A) => string
    : { [K in keyof T]: Strings<T[K]> };
