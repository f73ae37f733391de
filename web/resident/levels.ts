// The evacuation levels (警戒レベル) as a resident sees them: the colours used on Japanese hazard
// information (domain/level-colours.ts), and when the personal evacuation switch has been reached.
import type { Level } from '../../domain/vocabulary';
import type { SwitchLevel } from './prefs';

export { asLevel } from '../../domain/vocabulary';

/** The switch is reached when the district's level is at or above the level chosen in advance. */
export function switchReached(level: Level, switchLevel: SwitchLevel): boolean {
  return level >= switchLevel;
}
