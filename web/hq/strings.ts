import type { Lang } from '../i18n/index';
import { hq as ja, type HqStrings } from '../i18n/ja/hq';
import { hq as en } from '../i18n/en/hq';

const HQ: Record<Lang, HqStrings> = { ja, en };

export function hqStrings(lang: Lang): HqStrings {
  return HQ[lang];
}
