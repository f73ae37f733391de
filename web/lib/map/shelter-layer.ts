// Shelters as circle markers, updated in place: a live overview changes one shelter at a time,
// and recreating 300 markers (and closing an open popup) on every change would flicker.
import L from 'leaflet';
import type { CrowdingBand } from '../../../domain/schema';
import { CROWDING_COLOURS, shelterMarkerStyle } from './shelter-style';
import { clusterPoints } from '../../../domain/marker-clusters';
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
  /** Shelters drawn inside a cluster at the current zoom (their names are not written). */
  clustered(): ReadonlySet<string>;
  /** Where the counted circles are, in container px: written names keep off them. */
  clusterRects(): { x: number; y: number; w: number; h: number }[];
}

/** More shelters than this (a prefecture) are grouped at zooms where they would overlap. */
export const CLUSTER_ABOVE = 400;
/** A cluster gathers the shelters within one cell of this many px. */
const CLUSTER_CELL_PX = 64;
/** From this zoom on every shelter is drawn alone (a town: they no longer overlap much). */
const CLUSTER_UNTIL_ZOOM = 14;

export function createShelterLayer(opts: {
  /** Built from DOM nodes: a string would be read as HTML. */
  popup?: (id: string) => HTMLElement;
  /** Marker size factor; a function is read on every update (e.g. smaller when there are many). */
  scale?: number | (() => number);
  permanentLabels?: boolean;
  /** Counted circles for dense areas when there are more than CLUSTER_ABOVE shelters. */
  cluster?: { label: (count: number, headcount: number) => string; onChange?: () => void };
}): ShelterLayer {
  const layer = L.layerGroup();
  const markers = new Map<string, { marker: L.CircleMarker; key: string; point: ShelterPoint }>();
  const clusterLayer = L.layerGroup().addTo(layer);
  let hidden = new Set<string>();
  let circles: { at: L.LatLng; size: number }[] = [];
  const mapOf = () => (layer as L.LayerGroup & { _map?: L.Map })._map;

  // Regrouped when the data or the zoom changes; a member's marker leaves the map while grouped.
  const recluster = () => {
    const map = mapOf();
    clusterLayer.clearLayers();
    circles = [];
    const next = new Set<string>();
    if (map && opts.cluster && markers.size > CLUSTER_ABOVE && map.getZoom() < CLUSTER_UNTIL_ZOOM) {
      const points = [...markers.values()].map(({ point }) => {
        const px = map.project([point.lat, point.lon]);
        return { id: point.id, x: px.x, y: px.y, band: point.band, headcount: point.headcount };
      });
      const label = opts.cluster.label;
      for (const c of clusterPoints(points, CLUSTER_CELL_PX).clusters) {
        for (const id of c.ids) next.add(id);
        const size = Math.round(Math.min(56, 26 + Math.sqrt(c.ids.length) * 4));
        const icon = L.divIcon({
          className: 'hj-cluster',
          html: `<span style="background:${CROWDING_COLOURS[c.band]};width:${size}px;height:${size}px;line-height:${size}px">${c.ids.length}</span>`,
          iconSize: [size, size],
          iconAnchor: [size / 2, size / 2],
        });
        const members = c.ids.map((id) => markers.get(id)!.marker.getLatLng());
        const at = map.unproject([c.x, c.y]);
        circles.push({ at, size });
        const m = L.marker(at, { icon, keyboard: true, title: label(c.ids.length, c.headcount) });
        m.on('click', () => map.fitBounds(L.latLngBounds(members), { padding: [40, 40], maxZoom: CLUSTER_UNTIL_ZOOM }));
        m.addTo(clusterLayer);
        m.getElement()?.setAttribute('data-cluster-size', String(c.ids.length));
      }
    }
    for (const [id, { marker }] of markers) {
      const inCluster = next.has(id);
      if (inCluster && layer.hasLayer(marker)) layer.removeLayer(marker);
      else if (!inCluster && !layer.hasLayer(marker)) {
        marker.addTo(layer);
        marker.getElement()?.setAttribute('data-shelter-id', id);
      }
    }
    const changed = next.size !== hidden.size || [...next].some((id) => !hidden.has(id));
    hidden = next;
    if (changed) opts.cluster?.onChange?.();
  };
  layer.on('add', () => {
    mapOf()?.on('zoomend', recluster);
    recluster();
  });
  layer.on('remove', () => mapOf()?.off('zoomend', recluster));

  const update = (points: readonly ShelterPoint[]) => {
    const seen = new Set<string>();
    const scale = typeof opts.scale === 'function' ? opts.scale() : (opts.scale ?? 1);
    for (const p of points) {
      if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon)) continue;
      seen.add(p.id);
      const style = shelterMarkerStyle(p.band, p.headcount, p.stale, scale);
      const key = JSON.stringify([p.lat, p.lon, style, p.label]);
      const existing = markers.get(p.id);
      if (existing) existing.point = p;
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
      markers.set(p.id, { marker, key, point: p });
    }
    for (const [id, { marker }] of markers) {
      if (!seen.has(id)) {
        marker.remove();
        markers.delete(id);
      }
    }
    if (opts.cluster) recluster();
  };

  return {
    layer,
    update,
    focus: (id) => {
      const m = markers.get(id)?.marker;
      if (!m) return;
      const map = mapOf();
      // Without animation the zoom ends at once, so a grouped marker is back before its popup opens.
      map?.setView(m.getLatLng(), Math.max(map.getZoom(), CLUSTER_UNTIL_ZOOM), { animate: false });
      if (hidden.has(id)) recluster();
      m.openPopup();
    },
    clustered: () => hidden,
    clusterRects: () => {
      const map = mapOf();
      if (!map) return [];
      return circles.map(({ at, size }) => {
        const p = map.latLngToContainerPoint(at);
        return { x: p.x - size / 2, y: p.y - size / 2, w: size, h: size };
      });
    },
    bounds: () => {
      const lls = [...markers.values()].map(({ marker }) => marker.getLatLng());
      return lls.length > 0 ? L.latLngBounds(lls) : null;
    },
  };
}
