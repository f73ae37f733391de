// The small closures map, loaded with a dynamic import only when the resident opens it, so Leaflet
// (about 40 kB gzipped) never weighs on the first load. Basemap tiles need the network; the list
// above the map carries the same information offline.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { PublicShelter } from '../../domain/public-status';
import type { ClosureFeature } from './public-layers';

export interface ClosuresMap {
  update(closures: ClosureFeature[], shelters: PublicShelter[]): void;
  destroy(): void;
}

export function openClosuresMap(el: HTMLElement, o: { label: string }): ClosuresMap {
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', o.label);
  const map = L.map(el, { zoomControl: true, attributionControl: true }).setView([35.68, 139.76], 13);
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 18,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  const layer = L.layerGroup().addTo(map);
  let fitted = false;

  return {
    update(closures, shelters) {
      layer.clearLayers();
      const bounds = L.latLngBounds([]);
      for (const c of closures) {
        const g = L.geoJSON({ type: 'Feature', properties: {}, geometry: c.geometry } as GeoJSON.Feature, {
          // Dashed as well as red, so the line reads without colour.
          style: { color: '#c8102e', weight: 6, dashArray: '8 6' },
          pointToLayer: (_f, latlng) => L.circleMarker(latlng, { radius: 8, color: '#c8102e' }),
        }).bindTooltip(c.reason);
        g.addTo(layer);
        const b = g.getBounds();
        if (b.isValid()) bounds.extend(b);
      }
      for (const s of shelters) {
        if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon)) continue;
        L.circleMarker([s.lat, s.lon], { radius: 7, color: '#0b4f9c', fillColor: '#ffffff', fillOpacity: 1, weight: 3 })
          .bindTooltip(s.name)
          .addTo(layer);
        bounds.extend([s.lat, s.lon]);
      }
      if (!fitted && bounds.isValid()) {
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
        fitted = true;
      }
    },
    destroy() {
      map.remove();
    },
  };
}
