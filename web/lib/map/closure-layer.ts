// Road closures as a GeoJSON layer: thick red-and-white dashes for lines, hatched red for areas,
// the reason on hover. Expired closures never get here (activeClosures filters them).
import L from 'leaflet';
import type { RoadClosure } from '../../../domain/schema';
import { textTooltip } from './text-tooltip';

export const CLOSURE_STYLE: L.PathOptions = { color: '#d0021b', weight: 6, opacity: 0.9, dashArray: '10 6', fillColor: '#d0021b', fillOpacity: 0.18 };

export interface ClosureLayer {
  layer: L.GeoJSON;
  update(closures: readonly RoadClosure[]): void;
}

export function createClosureLayer(opts: { describe: (c: RoadClosure) => string; onClick?: (id: string) => void }): ClosureLayer {
  const layer = L.geoJSON(undefined, { style: () => CLOSURE_STYLE });
  let lastKey = '';
  return {
    layer,
    update: (closures) => {
      const key = JSON.stringify(closures);
      if (key === lastKey) return;
      lastKey = key;
      layer.clearLayers();
      for (const c of closures) {
        const feature = { type: 'Feature' as const, id: c.id, geometry: c.geometry as GeoJSON.Geometry, properties: { id: c.id } };
        layer.addData(feature);
      }
      layer.eachLayer((l) => {
        const f = (l as L.Layer & { feature?: { properties: { id: string } } }).feature;
        const c = closures.find((x) => x.id === f?.properties.id);
        if (!c) return;
        (l as L.Path).bindTooltip(textTooltip(opts.describe(c)), { sticky: true });
        const el = (l as L.Path).getElement?.();
        el?.setAttribute('data-closure-id', c.id);
        el?.classList.add('hj-closure');
        if (opts.onClick) l.on('click', () => opts.onClick!(c.id));
      });
    },
  };
}
