// The evacuation levels (警戒レベル) as a resident sees them: the colours used on Japanese hazard
// information, and when the personal evacuation switch has been reached.
import type { Level } from '../../domain/schema';
import type { SwitchLevel } from './prefs';

/**
 * Colours of the Cabinet Office guideline (5 black, 4 purple, 3 red, 2 yellow, 1 white), each
 * with a text colour that keeps at least 4.5:1 contrast. Level 0 (nothing issued) is grey.
 */
export const LEVEL_COLOURS: Record<Level, { bg: string; fg: string }> = {
  0: { bg: '#e8e8e8', fg: '#111111' },
  1: { bg: '#ffffff', fg: '#111111' },
  2: { bg: '#f2e700', fg: '#111111' },
  3: { bg: '#ff2800', fg: '#000000' },
  4: { bg: '#aa00aa', fg: '#ffffff' },
  5: { bg: '#0c000c', fg: '#ffffff' },
};

export function asLevel(n: unknown): Level {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 5 ? (n as Level) : 0;
}

/** The switch is reached when the district's level is at or above the level chosen in advance. */
export function switchReached(level: Level, switchLevel: SwitchLevel): boolean {
  return level >= switchLevel;
}
