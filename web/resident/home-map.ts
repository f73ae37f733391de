// The map on which a resident marks home: loaded only when opened (Leaflet stays out of the
// first load), on the shared basemap (the city's archive, the online tiles, or the plain
// background), with the shelters for orientation. A tap moves the marker; nothing is sent.
import L from 'leaflet';
import type { PublicShelter } from '../../domain/public-status';
import { createBaseMap, type BasemapKind } from '../lib/map/basemap';
import { textTooltip } from '../lib/map/text-tooltip';

export interface HomeMap {
  destroy(): void;
}

export function openHomeMap(
  el: HTMLElement,
  o: {
    start: { lat: number; lon: number } | null;
    shelters: PublicShelter[];
    label: string;
    noTiles: string;
    sourceLabel: (kind: BasemapKind) => string;
    onPick: (p: { lat: number; lon: number }) => void;
  },
): HomeMap {
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', o.label);
  const base = createBaseMap(el, { noTilesNotice: o.noTiles, zoom: 15, sourceLabel: o.sourceLabel });
  const bounds = L.latLngBounds([]);
  for (const s of o.shelters) {
    if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon)) continue;
    L.circleMarker([s.lat, s.lon], { radius: 6, color: '#0b4f9c', fillColor: '#ffffff', fillOpacity: 1, weight: 3 }).bindTooltip(textTooltip(s.name)).addTo(base.map);
    bounds.extend([s.lat, s.lon]);
  }
  const marker = L.circleMarker([0, 0], { radius: 11, color: '#b3261e', fillColor: '#b3261e', fillOpacity: 0.85, weight: 3 });
  const place = (p: { lat: number; lon: number }) => {
    marker.setLatLng([p.lat, p.lon]);
    if (!base.map.hasLayer(marker)) marker.addTo(base.map);
    o.onPick(p);
  };
  if (o.start) {
    base.map.setView([o.start.lat, o.start.lon], 16);
    place(o.start);
  } else if (bounds.isValid()) base.map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  base.map.on('click', (e: L.LeafletMouseEvent) => place({ lat: Math.round(e.latlng.lat * 1e6) / 1e6, lon: Math.round(e.latlng.lng * 1e6) / 1e6 }));
  return { destroy: () => base.destroy() };
}
