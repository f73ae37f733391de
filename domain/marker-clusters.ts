// Groups map markers that would sit on each other at the current zoom: a prefecture's 800
// shelters at a city-wide zoom become a few dozen counted circles, and HQ zooms in to see each.
// Greedy grid clustering on screen pixels: stable (same input, same clusters), O(n), and simple
// enough to explain ("shelters within one cell of each other").
import type { CrowdingBand } from './vocabulary';

export interface ClusterPoint {
  id: string;
  /** Screen position in px at the zoom being drawn. */
  x: number;
  y: number;
  band: CrowdingBand;
  headcount: number;
}

export interface MarkerCluster {
  ids: string[];
  /** Mean position of the members, in px. */
  x: number;
  y: number;
  /** The worst band among the members: a full shelter is never hidden inside a green circle. */
  band: CrowdingBand;
  headcount: number;
}

/** Worst first: what a cluster's colour shows. */
const SEVERITY: Record<CrowdingBand, number> = { full: 5, crowded: 4, 'somewhat-crowded': 3, available: 2, unknown: 1, closed: 0 };

/**
 * Splits points into those drawn alone and clusters of two or more that share a grid cell of
 * `cellPx` (points are sorted by id first, so the result does not depend on input order).
 */
export function clusterPoints(points: readonly ClusterPoint[], cellPx: number): { singles: ClusterPoint[]; clusters: MarkerCluster[] } {
  const cells = new Map<string, ClusterPoint[]>();
  for (const p of [...points].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const key = `${Math.floor(p.x / cellPx)}:${Math.floor(p.y / cellPx)}`;
    const cell = cells.get(key);
    if (cell) cell.push(p);
    else cells.set(key, [p]);
  }
  const singles: ClusterPoint[] = [];
  const clusters: MarkerCluster[] = [];
  for (const members of cells.values()) {
    if (members.length === 1) {
      singles.push(members[0]);
      continue;
    }
    let band = members[0].band;
    for (const m of members) if (SEVERITY[m.band] > SEVERITY[band]) band = m.band;
    clusters.push({
      ids: members.map((m) => m.id),
      x: members.reduce((a, m) => a + m.x, 0) / members.length,
      y: members.reduce((a, m) => a + m.y, 0) / members.length,
      band,
      headcount: members.reduce((a, m) => a + m.headcount, 0),
    });
  }
  return { singles, clusters };
}
