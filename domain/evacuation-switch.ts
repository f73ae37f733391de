// The household's evacuation switch (避難スイッチ), as the seed's city specified its digital
// switch: a timing per household from the hazard at its address and whether someone in it needs
// time or help. Level 3 (高齢者等避難) is for those who must leave early; level 4 (避難指示) for
// everyone else in danger. Staying on an upper floor (垂直避難 / 在宅避難) is an evacuation too,
// but only where the water stays below that floor and the house itself is not at risk
// (shared/FIELD.md: 3 m ≈ the second floor's floor; 家屋倒壊等氾濫想定区域: houses may be swept away).
import type { HazardAtPoint } from './hazard-layers';

export type SwitchLevel = 3 | 4;

export type SwitchReason =
  | 'needs-help'
  | 'landslide-red'
  | 'landslide-yellow'
  | 'collapse'
  | 'deep-flood'
  | 'deep-tsunami'
  | 'deep-storm-surge'
  | 'shallow-water'
  | 'no-hazard';

export interface SwitchRecommendation {
  level: SwitchLevel;
  /** Why, most serious first; the page words each one. */
  reasons: SwitchReason[];
  /** Whether staying on an upper floor may be offered (the water stays below it, the house stands). */
  upstairsPossible: boolean;
  /** The hazard that decides where to go (which shelters are designated for it), or null. */
  hazard: 'flood' | 'landslide' | 'tsunami' | 'storm-surge' | null;
}

/** Depth rank 2 (3–5 m) reaches the second floor's floor. */
const DEEP_RANK = 2;

export function recommendSwitch(h: HazardAtPoint, household: { needsHelp: boolean }): SwitchRecommendation {
  const reasons: SwitchReason[] = [];
  if (h.landslide >= 2) reasons.push('landslide-red');
  else if (h.landslide === 1) reasons.push('landslide-yellow');
  if (h.collapse) reasons.push('collapse');
  if ((h.flood ?? -1) >= DEEP_RANK) reasons.push('deep-flood');
  if ((h.tsunami ?? -1) >= DEEP_RANK) reasons.push('deep-tsunami');
  if ((h.stormSurge ?? -1) >= DEEP_RANK) reasons.push('deep-storm-surge');
  if (household.needsHelp) reasons.unshift('needs-help');
  const early = reasons.length > 0;
  const water = Math.max(h.flood ?? -1, h.tsunami ?? -1, h.stormSurge ?? -1);
  // A tsunami is left on foot at once, never waited out upstairs in a house; nor a landslide zone.
  const upstairsPossible = h.landslide === 0 && !h.collapse && water < DEEP_RANK && (h.tsunami === null);
  if (!early) reasons.push(water >= 0 ? 'shallow-water' : 'no-hazard');
  const hazard =
    h.tsunami !== null ? 'tsunami' : h.landslide > 0 ? 'landslide' : h.flood !== null || h.collapse ? 'flood' : h.stormSurge !== null ? 'storm-surge' : null;
  return { level: early ? 3 : 4, reasons, upstairsPossible, hazard };
}

/** Where a household plans to go when its switch flips. */
export const EVACUATION_PLANS = ['shelter', 'relatives', 'upstairs'] as const;
export type EvacuationPlan = (typeof EVACUATION_PLANS)[number];
