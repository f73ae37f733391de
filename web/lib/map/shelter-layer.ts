// Shelters as circle markers, updated in place: a live overview changes one shelter at a time,
// and recreating 300 markers (and closing an open popup) on every change would flicker.
import L from 'leaflet';
import type { CrowdingBand } from '../../../domain/schema';
import { shelterMarkerStyle } from './shelter-style';
import { textTooltip } from './text-tooltip';

export interface ShelterPoint {
  id: string;
  lat: number;
  lon: number;
  band: CrowdingBand;
  headcount: number;
  stale: boolean;
  /** Short text on hover and for screen readers. */
  label: string;
}

export interface ShelterLayer {
  layer: L.LayerGroup;
  update(points: readonly ShelterPoint[]): void;
  bounds(): L.LatLngBounds | null;
  /** Centres the map on a shelter and opens its popup. */
  focus(id: string): void;
}

export function createShelterLayer(opts: {
  /** Built from DOM nodes: a string would be read as HTML. */
  popup?: (id: string) => HTMLElement;
  /** Marker size factor; a function is read on every update (e.g. smaller when there are many). */
  scale?: number | (() => number);
  permanentLabels?: boolean;
}): ShelterLayer {
  const layer = L.layerGroup();
  const markers = new Map<string, { marker: L.CircleMarker; key: string }>();

  const update = (points: readonly ShelterPoint[]) => {
    const seen = new Set<string>();
    const scale = typeof opts.scale === 'function' ? opts.scale() : (opts.scale ?? 1);
    for (const p of points) {
      if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon)) continue;
      seen.add(p.id);
      const style = shelterMarkerStyle(p.band, p.headcount, p.stale, scale);
      const key = JSON.stringify([p.lat, p.lon, style, p.label]);
      const existing = markers.get(p.id);
      if (existing && existing.key === key) continue;
      if (existing) {
        existing.marker.setLatLng([p.lat, p.lon]);
        existing.marker.setStyle(style);
        existing.marker.setRadius(style.radius);
        existing.marker.setTooltipContent(textTooltip(p.label));
        existing.key = key;
        if (existing.marker.isPopupOpen() && opts.popup) existing.marker.setPopupContent(opts.popup(p.id));
        continue;
      }
      const marker = L.circleMarker([p.lat, p.lon], {
        ...style,
        className: `hj-shelter-marker hj-shelter-marker--${p.band}`,
      });
      marker.bindTooltip(textTooltip(p.label), { permanent: opts.permanentLabels ?? false, direction: 'top', className: 'hj-shelter-label' });
      if (opts.popup) {
        const popup = opts.popup;
        marker.bindPopup(() => popup(p.id), { maxWidth: 320 });
      }
      marker.addTo(layer);
      const el = marker.getElement();
      el?.setAttribute('data-shelter-id', p.id);
      markers.set(p.id, { marker, key });
    }
    for (const [id, { marker }] of markers) {
      if (!seen.has(id)) {
        marker.remove();
        markers.delete(id);
      }
    }
  };

  return {
    layer,
    update,
    focus: (id) => {
      const m = markers.get(id)?.marker;
      if (!m) return;
      const map = (layer as L.LayerGroup & { _map?: L.Map })._map;
      map?.setView(m.getLatLng(), Math.max(map.getZoom(), 14));
      m.openPopup();
    },
    bounds: () => {
      const lls = [...markers.values()].map(({ marker }) => marker.getLatLng());
      return lls.length > 0 ? L.latLngBounds(lls) : null;
    },
  };
}
