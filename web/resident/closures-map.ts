// The small closures map, loaded with a dynamic import only when the resident opens it, so Leaflet
// (about 45 kB gzipped) never weighs on the first load. It reuses the shared basemap (the
// deployment's tiles, and a notice instead of a blank map when tiles cannot load) and the
// shared closure style; the list above the map carries the same information offline.
import L from 'leaflet';
import type { PublicShelter } from '../../domain/public-status';
import { createBaseMap, type BasemapKind } from '../lib/map/basemap';
import { createClosureLayer } from '../lib/map/closure-layer';
import { textTooltip } from '../lib/map/text-tooltip';
import type { ClosureFeature } from './public-layers';

export interface ClosuresMap {
  update(closures: ClosureFeature[], shelters: PublicShelter[]): void;
  destroy(): void;
}

export function openClosuresMap(el: HTMLElement, o: { label: string; noTiles: string; sourceLabel: (kind: BasemapKind) => string }): ClosuresMap {
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', o.label);
  const base = createBaseMap(el, { noTilesNotice: o.noTiles, zoom: 13, sourceLabel: o.sourceLabel });
  const closureLayer = createClosureLayer({ describe: (c) => (c.road ? `${c.road}: ${c.reason}` : c.reason) });
  closureLayer.layer.addTo(base.map);
  const shelterLayer = L.layerGroup().addTo(base.map);
  let fitted = false;

  return {
    update(closures, shelters) {
      closureLayer.update(closures.map((c) => ({ ...c, since: c.since ?? '' })));
      shelterLayer.clearLayers();
      const bounds = L.latLngBounds([]);
      const b = closureLayer.layer.getBounds();
      if (b.isValid()) bounds.extend(b);
      for (const s of shelters) {
        if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon)) continue;
        // Blue ring with a white centre: unlike the red dashed closures in shape as well as colour.
        L.circleMarker([s.lat, s.lon], { radius: 7, color: '#0b4f9c', fillColor: '#ffffff', fillOpacity: 1, weight: 3 })
          .bindTooltip(textTooltip(s.name))
          .addTo(shelterLayer);
        bounds.extend([s.lat, s.lon]);
      }
      if (!fitted && bounds.isValid()) {
        base.map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
        fitted = true;
      }
    },
    destroy() {
      base.destroy();
    },
  };
}
