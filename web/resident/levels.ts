// The evacuation levels (警戒レベル) as a resident sees them: the colours used on Japanese hazard
// information (domain/level-colours.ts), and when the personal evacuation switch has been reached.
import type { Level } from '../../domain/schema';
import type { SwitchLevel } from './prefs';

export function asLevel(n: unknown): Level {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 5 ? (n as Level) : 0;
}

/** The switch is reached when the district's level is at or above the level chosen in advance. */
export function switchReached(level: Level, switchLevel: SwitchLevel): boolean {
  return level >= switchLevel;
}
