// Evacuation levels (警戒レベル) and the one way HQ changes them: the district's level and the
// history entry are written in the same transaction, so no device ever sees a level change that
// has no record of who made it.
import type * as Y from 'yjs';
import { type Level, LEVELS, type LevelChange, hqDistricts, hqLevelHistory, toYMap } from './schema';
import { asFiniteNumber } from './coerce';
import { type Result, err, ok } from './result';

/** Official names. 1 and 2 come from JMA, 3 to 5 are issued by the city (FIELD.md). */
export const LEVEL_NAMES: Record<'ja' | 'en', Record<Level, string>> = {
  ja: {
    0: '発令なし',
    1: '早期注意情報',
    2: '大雨・洪水・高潮注意報',
    3: '高齢者等避難',
    4: '避難指示',
    5: '緊急安全確保',
  },
  en: {
    0: 'No alert',
    1: 'Early warning information',
    2: 'Heavy rain, flood or storm surge advisory',
    3: 'Elderly and others evacuate',
    4: 'Evacuation instruction',
    5: 'Emergency safety measure',
  },
};

export function levelName(level: Level, lang: 'ja' | 'en'): string {
  return LEVEL_NAMES[lang][level];
}

export function isLevel(v: unknown): v is Level {
  return typeof v === 'number' && (LEVELS as readonly number[]).includes(v);
}

/** Reads a stored level; anything unreadable counts as 0 (no alert) rather than breaking a map. */
export function asLevel(v: unknown): Level {
  const n = asFiniteNumber(v, 0);
  return isLevel(n) ? n : 0;
}

/**
 * Levels 4 (everyone leaves) and 5 (disaster under way) move a whole district: a slip of the
 * finger must not issue them, so the UI asks again before it calls setDistrictLevel.
 */
export function requiresConfirmation(level: Level, from: Level = 0): boolean {
  // Lifting a level 4 or 5 (even to 0) tells a whole district it is safe to go back: it reaches
  // CAP and the residents' phones as fast as an order, so it is asked again just the same.
  return level >= 4 || (from >= 4 && level < from);
}

export type SetLevelError = 'unknown-district' | 'invalid-level';

/**
 * Sets a district's level and appends { districtId, from, to, at, by } to the level history,
 * in one transaction. Setting the level it already has changes nothing and records nothing.
 */
export function setDistrictLevel(
  hqDoc: Y.Doc,
  districtId: string,
  level: Level,
  opts: { by: string; now: Date },
): Result<LevelChange | null, SetLevelError> {
  if (!isLevel(level)) return err('invalid-level');
  const district = hqDistricts(hqDoc).get(districtId);
  if (!district) return err('unknown-district');
  const from = asLevel(district.get('level'));
  if (from === level) return ok(null);
  const change: LevelChange = { districtId, from, to: level, at: opts.now.toISOString(), by: opts.by };
  hqDoc.transact(() => {
    district.set('level', level);
    district.set('issuedAt', change.at);
    hqLevelHistory(hqDoc).push([change]);
  });
  return ok(change);
}

/** The history, newest first; optionally for one district. */
export function levelHistory(hqDoc: Y.Doc, districtId?: string): LevelChange[] {
  const all = hqLevelHistory(hqDoc).toArray();
  const picked = districtId === undefined ? all : all.filter((c) => c.districtId === districtId);
  return picked.slice().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export type DistrictNameError = 'required' | 'too-long' | 'duplicate';
export const MAX_DISTRICT_NAME = 50;

/** Adds a district (at level 0) that levels can then be issued for; names are unique. */
export function addDistrict(hqDoc: Y.Doc, input: { id: string; name: string }): Result<string, DistrictNameError> {
  const name = input.name.trim();
  if (name === '') return err('required');
  if (name.length > MAX_DISTRICT_NAME) return err('too-long');
  const districts = hqDistricts(hqDoc);
  let taken = districts.has(input.id);
  districts.forEach((m) => {
    if (String(m.get('name') ?? '').trim() === name) taken = true;
  });
  if (taken) return err('duplicate');
  hqDoc.transact(() => districts.set(input.id, toYMap({ name, level: 0, issuedAt: null })));
  return ok(input.id);
}
