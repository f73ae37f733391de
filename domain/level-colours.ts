// The colours of the evacuation levels (警戒レベル) used on Japanese hazard information
// (Cabinet Office guideline: 5 black, 4 purple, 3 red, 2 yellow, 1 white), one palette for every
// surface so the wall, the tablet map and a resident's phone agree. Each text colour keeps at
// least 4.5:1 contrast on its background; level 0 (nothing issued) is grey. Colour is never the
// only signal: every use also writes the level's number and name.
// No run-time imports, so the resident page can use it without Yjs.
import type { Level } from './schema';

export const LEVEL_COLOURS: Record<Level, { bg: string; fg: string }> = {
  0: { bg: '#e8e8e8', fg: '#111111' },
  1: { bg: '#ffffff', fg: '#111111' },
  2: { bg: '#f2e700', fg: '#111111' },
  3: { bg: '#ff2800', fg: '#000000' },
  4: { bg: '#aa00aa', fg: '#ffffff' },
  5: { bg: '#0c000c', fg: '#ffffff' },
};
