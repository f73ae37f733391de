// The public, personal-data-free status layer (GET /api/public/status.json) and the crowding
// rule behind it. This module imports nothing at run time so the resident page can use it
// without pulling in Yjs.
import type { CrowdingBand, Hazard, Level, ShelterStatus, StayType } from './schema';
import type { ReportCounts } from './evacuation-reports';

export interface PublicDistrict {
  id: string;
  name: string;
  level: Level;
  issuedAt: string | null;
  /** Residents' anonymous reports since the level was issued (counts only; absent when none). */
  reports?: ReportCounts;
}

export interface PublicShelter {
  id: string;
  name: string;
  lat: number;
  lon: number;
  districtId: string;
  hazards: Hazard[];
  status: ShelterStatus;
  capacity: number;
  /** Checked in, not checked out, stay = shelter. */
  headcount: number;
  stay: Record<StayType, number>;
  crowding: CrowdingBand;
  /** When the shelter's document last changed (server time), or null if never. */
  updatedAt: string | null;
}

export interface PublicStatus {
  generatedAt: string;
  region: string;
  districts: PublicDistrict[];
  shelters: PublicShelter[];
}

/**
 * Crowding bands of Japanese shelter maps (VACAN): available < 30 %, somewhat-crowded < 60 %,
 * crowded < 80 %, full from 80 % or when staff declared the shelter full; closed when not open.
 */
/**
 * The occupancy as a whole percent for display, rounded down: 79 of 266 is 29.7 %, shown as
 * 29 %, never as a "30 %" painted in the colour of the band below it.
 */
export function occupancyPercent(ratio: number): number {
  return Math.floor(ratio * 100 + 1e-9);
}

export function crowdingBand(headcount: number, capacity: number, status: ShelterStatus): CrowdingBand {
  if (status === 'closed') return 'closed';
  if (status === 'full') return 'full';
  // No capacity on record says nothing about room: never 空いています (nor 満, which staff declare).
  if (!(capacity > 0)) return 'unknown';
  const ratio = headcount / capacity;
  if (ratio < 0.3) return 'available';
  if (ratio < 0.6) return 'somewhat-crowded';
  if (ratio < 0.8) return 'crowded';
  return 'full';
}
