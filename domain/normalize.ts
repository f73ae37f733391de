// Text as a shelter worker compares it: 「ヤマダ　タロウ」, 「やまだたろう」 and 「ﾔﾏﾀﾞ ﾀﾛｳ」 are the same
// name. Used by search and by the duplicate check, so both agree on what "the same" means.

/** ァ (U+30A1) … ヶ (U+30F6); ヷ–ヺ have no hiragana twin and stay as they are. */
const KATAKANA = /[\u30a1-\u30f6]/g;
const KANA_DISTANCE = 0x60; // ア (U+30A2) − あ (U+3042)
const toHiragana = (c: string) => String.fromCharCode(c.charCodeAt(0) - KANA_DISTANCE);

/** Spaces of every width and the middle dots that separate given and family names. */
const SEPARATORS = /[\s\u3000\u30fb\uff65\u00b7]/gu;

/** Full-width ASCII and half-width katakana folded (NFKC), katakana → hiragana, no spaces or dots, lower case. */
export function normalizeForMatch(s: string): string {
  return s.normalize('NFKC').replace(SEPARATORS, '').toLowerCase().replace(KATAKANA, toHiragana);
}

/** The space- or dot-separated parts of a name, each normalised ("山田 太郎" → ["山田", "太郎"]). */
export function nameParts(s: string): string[] {
  const out: string[] = [];
  for (const part of s.normalize('NFKC').split(SEPARATORS)) {
    if (part !== '') out.push(part.toLowerCase().replace(KATAKANA, toHiragana));
  }
  return out;
}

/** ぁ (U+3041) … ゖ (U+3096): hiragana with a katakana twin. */
const HIRAGANA = /[\u3041-\u3096]/g;
const toKatakana = (c: string) => String.fromCharCode(c.charCodeAt(0) + KANA_DISTANCE);

/**
 * ふりがな as it is stored: full-width katakana (NFKC folds half-width ｶﾅ), hiragana turned into
 * katakana, so 「やまだ」, 「ﾔﾏﾀﾞ」 and 「ヤマダ」 are stored alike and sort together.
 */
export function storedKana(s: string): string {
  return s.normalize('NFKC').replace(HIRAGANA, toKatakana).trim();
}

/**
 * Kana as people type it: hiragana, katakana (full or half width), the long vowel mark,
 * (semi-)voiced marks, middle dots and spaces. Empty is allowed (kana is optional).
 */
const KANA_ONLY = /^[\u3041-\u3096\u3099-\u309f\u30a0-\u30ff\uff65-\uff9f \u3000]*$/u;

export function isKanaOnly(s: string): boolean {
  return KANA_ONLY.test(s);
}
