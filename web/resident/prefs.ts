// What the resident chose on this device, kept in localStorage so it survives reloads, restarts
// and offline starts. Nothing here leaves the phone. The position is deliberately NOT stored:
// it is used for the current visit only.
import type { Hazard } from '../../domain/schema';
import { LANG_CODES, type LangCode } from './i18n';
import { HAZARD_LIST } from './hazards';

export type SwitchLevel = 3 | 4;
export type SortOrder = 'distance' | 'name';

export interface Prefs {
  /** null until the resident picks a language; until then the browser's language is guessed. */
  lang: LangCode | null;
  districtId: string | null;
  /** The level at which this household leaves; null = not chosen yet (the page then uses 4). */
  switchLevel: SwitchLevel | null;
  /** The hazard the resident is evacuating from, to prefer shelters designated for it. */
  hazard: Hazard | 'any';
  sort: SortOrder;
  /** Also list shelters outside the chosen district. */
  allDistricts: boolean;
}

export const DEFAULT_SWITCH_LEVEL: SwitchLevel = 4;

const PREFS_KEY = 'hinanjo.resident.prefs.v1';
const HAZARD_VALUES: readonly string[] = ['any', ...HAZARD_LIST];

export const defaultPrefs: Prefs = {
  lang: null, districtId: null, switchLevel: null, hazard: 'any', sort: 'name', allDistricts: false,
};

/** Reads the stored choices; anything unreadable falls back to the default for that choice only. */
export function loadPrefs(storage: Storage = localStorage): Prefs {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(storage.getItem(PREFS_KEY) ?? '{}');
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    /* a corrupted entry is replaced by defaults on the next save */
  }
  return {
    lang: (LANG_CODES as readonly unknown[]).includes(raw.lang) ? (raw.lang as LangCode) : null,
    districtId: typeof raw.districtId === 'string' ? raw.districtId : null,
    switchLevel: raw.switchLevel === 3 || raw.switchLevel === 4 ? raw.switchLevel : null,
    hazard: HAZARD_VALUES.includes(raw.hazard as string) ? (raw.hazard as Hazard | 'any') : 'any',
    sort: raw.sort === 'distance' ? 'distance' : 'name',
    allDistricts: raw.allDistricts === true,
  };
}

export function savePrefs(prefs: Prefs, storage: Storage = localStorage): void {
  try {
    storage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    /* private mode or full storage: the choice still applies for this visit */
  }
}

/**
 * How often the page asks the server for changes while it is open. About a minute in real use
 * (status.json answers 304 when nothing changed, so this is cheap). Browser tests shorten it by
 * setting localStorage['hinanjo.resident.checkEveryMs'] before the page loads; the value is
 * clamped to at least 1 s, and it only changes how often this one phone asks.
 */
export const CHECK_EVERY_MS = 60_000;
const CHECK_OVERRIDE_KEY = 'hinanjo.resident.checkEveryMs';

export function checkIntervalMs(storage: Storage = localStorage): number {
  try {
    const v = Number(storage.getItem(CHECK_OVERRIDE_KEY));
    if (Number.isFinite(v) && v > 0) return Math.max(1000, v);
  } catch {
    /* storage unavailable: use the default */
  }
  return CHECK_EVERY_MS;
}
