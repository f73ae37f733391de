// District names with their evacuation level, placed at the middle of the district's shelters
// (districts carry no boundary in schema v1), just below the southernmost one. Levels use the official colours of 警戒レベル (domain/level-colours.ts).
import L from 'leaflet';
import type { Level } from '../../../domain/schema';
import { LEVEL_COLOURS } from '../../../domain/level-colours';

export interface DistrictLabel {
  id: string;
  text: string;
  level: Level;
  points: { lat: number; lon: number }[];
}

export function createDistrictLabelLayer() {
  const layer = L.layerGroup();
  let lastKey = '';
  return {
    layer,
    update(labels: readonly DistrictLabel[]) {
      const key = JSON.stringify(labels);
      if (key === lastKey) return;
      lastKey = key;
      layer.clearLayers();
      for (const d of labels) {
        const pts = d.points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
        if (pts.length === 0) continue;
        // Under the district's southernmost shelter, so the label never hides a marker.
        const lat = Math.min(...pts.map((p) => p.lat));
        const lon = pts.reduce((a, p) => a + p.lon, 0) / pts.length;
        const el = document.createElement('div');
        el.className = `hj-district-label hj-district-label--l${d.level}`;
        el.style.background = LEVEL_COLOURS[d.level].bg;
        el.style.color = LEVEL_COLOURS[d.level].fg;
        el.textContent = d.text;
        el.dataset.districtId = d.id;
        L.marker([lat, lon], {
          icon: L.divIcon({ html: el, className: 'hj-district-anchor', iconSize: [0, 0], iconAnchor: [0, 0] }),
          interactive: false,
          keyboard: false,
          zIndexOffset: -1000,
        }).addTo(layer);
      }
    },
  };
}
