// Shelter names written on the map (the wall: nobody hovers a wall). Placed without collisions
// (label-placer.ts) every time the view changes; a name that fits nowhere is left out, and the
// wall's list shows every shelter anyway. Names are text nodes, never HTML.
import L from 'leaflet';
import { placeLabels, type LabelRequest, type Rect } from './label-placer';

export interface NameLabel {
  id: string;
  lat: number;
  lon: number;
  text: string;
  /** The marker's radius in px: the label keeps clear of it. */
  radius: number;
}

export function createNameLabelLayer(map: L.Map, opts: { className: string; fontPx: number; avoid?: () => Rect[] }) {
  const pane = L.DomUtil.create('div', 'hj-name-labels', map.getPanes().overlayPane);
  pane.style.position = 'absolute';
  pane.style.left = '0';
  pane.style.top = '0';
  pane.style.pointerEvents = 'none';
  let labels: readonly NameLabel[] = [];
  const ctx = document.createElement('canvas').getContext('2d');

  const width = (text: string) => {
    if (!ctx) return text.length * opts.fontPx;
    ctx.font = `700 ${opts.fontPx}px sans-serif`;
    return ctx.measureText(text).width;
  };

  const render = () => {
    pane.replaceChildren();
    const size = map.getSize();
    const h = Math.round(opts.fontPx * 1.5);
    const requests: LabelRequest[] = [];
    const markers: Rect[] = [];
    for (const l of labels) {
      if (!Number.isFinite(l.lat) || !Number.isFinite(l.lon)) continue;
      const p = map.latLngToContainerPoint([l.lat, l.lon]);
      markers.push({ x: p.x - l.radius, y: p.y - l.radius, w: l.radius * 2, h: l.radius * 2 });
      requests.push({ id: l.id, x: p.x, y: p.y, w: width(l.text) + 12, h, gap: l.radius + 3 });
    }
    const placed = placeLabels(requests, [...markers, ...(opts.avoid?.() ?? [])], { x: 0, y: 0, w: size.x, h: size.y });
    const origin = map.containerPointToLayerPoint([0, 0]);
    const byId = new Map(labels.map((l) => [l.id, l]));
    for (const { id, rect } of placed) {
      const el = document.createElement('div');
      el.className = opts.className;
      el.textContent = byId.get(id)!.text;
      el.dataset.shelterId = id;
      el.style.position = 'absolute';
      el.style.left = `${rect.x + origin.x}px`;
      el.style.top = `${rect.y + origin.y}px`;
      el.style.width = `${rect.w}px`;
      el.style.height = `${rect.h}px`;
      el.style.lineHeight = `${rect.h}px`;
      pane.appendChild(el);
    }
  };
  map.on('zoomend moveend resize', render);
  return {
    update(next: readonly NameLabel[]) {
      labels = next;
      render();
    },
    render,
    remove() {
      map.off('zoomend moveend resize', render);
      pane.remove();
    },
  };
}
