// How a shelter looks on every map: colour by crowding band (the VACAN bands residents know),
// size by headcount, grey when closed, dashed when HQ has not heard from it for a while.
import type { CrowdingBand } from '../../../domain/schema';

export const CROWDING_COLOURS: Record<CrowdingBand, string> = {
  available: '#1b8a3a',
  'somewhat-crowded': '#c9a100',
  unknown: '#6b7280',
  crowded: '#e36a00',
  full: '#c4141c',
  closed: '#8a8f94',
};

/** Radius in pixels: area grows with headcount, so 400 people look 4× the size of 100, not 16×. */
export function markerRadius(headcount: number, scale = 1): number {
  return Math.round((7 + Math.min(26, Math.sqrt(Math.max(0, headcount)) * 1.3)) * scale);
}

export interface ShelterMarkerStyle {
  radius: number;
  color: string;
  fillColor: string;
  fillOpacity: number;
  weight: number;
  dashArray?: string;
}

export function shelterMarkerStyle(band: CrowdingBand, headcount: number, stale: boolean, scale = 1): ShelterMarkerStyle {
  const fill = CROWDING_COLOURS[band];
  return {
    radius: markerRadius(headcount, scale),
    color: stale ? '#333' : '#fff',
    fillColor: fill,
    fillOpacity: band === 'closed' ? 0.45 : 0.85,
    weight: stale ? 3 : 2,
    dashArray: stale ? '4 3' : undefined,
  };
}
