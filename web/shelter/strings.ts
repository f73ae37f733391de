import type { Lang } from '../i18n/index';
import { shelter as ja } from '../i18n/ja/shelter';
import { shelter as en } from '../i18n/en/shelter';

export type ShelterStrings = typeof en;
const STRINGS: Record<Lang, ShelterStrings> = { ja, en };

export function shelterStrings(lang: Lang): ShelterStrings {
  return STRINGS[lang];
}
