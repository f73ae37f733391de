// Names written on the map (the wall: nobody hovers a wall): district labels with their level,
// then shelter names. Placed without collisions (label-placer.ts), in the order given, every time
// the view changes; a label that fits nowhere is left out (the wall's list shows every shelter
// anyway). Text nodes, never HTML.
import L from 'leaflet';
import { placeLabels, type LabelRequest, type Rect } from './label-placer';

export interface NameLabel {
  id: string;
  lat: number;
  lon: number;
  text: string;
  /** The marker's radius in px: the label keeps clear of it (0: a label without a marker). */
  radius: number;
  /** Px the label may move from its anchor to find room (label-placer.ts). */
  search?: number;
  /** A label of another kind (a district): its own class, size and colours. */
  className?: string;
  fontPx?: number;
  colours?: { bg: string; fg: string };
  data?: Record<string, string>;
}

export function createNameLabelLayer(map: L.Map, opts: { className: string; fontPx: number; avoid?: () => Rect[] }) {
  const pane = L.DomUtil.create('div', 'hj-name-labels', map.getPanes().overlayPane);
  pane.style.position = 'absolute';
  pane.style.left = '0';
  pane.style.top = '0';
  pane.style.pointerEvents = 'none';
  let labels: readonly NameLabel[] = [];
  const ctx = document.createElement('canvas').getContext('2d');

  const width = (text: string, fontPx: number) => {
    if (!ctx) return text.length * fontPx;
    ctx.font = `700 ${fontPx}px sans-serif`;
    return ctx.measureText(text).width;
  };

  const render = () => {
    pane.replaceChildren();
    const size = map.getSize();
    const requests: LabelRequest[] = [];
    const markers: Rect[] = [];
    for (const l of labels) {
      if (!Number.isFinite(l.lat) || !Number.isFinite(l.lon)) continue;
      const p = map.latLngToContainerPoint([l.lat, l.lon]);
      const fontPx = l.fontPx ?? opts.fontPx;
      if (l.radius > 0) markers.push({ x: p.x - l.radius, y: p.y - l.radius, w: l.radius * 2, h: l.radius * 2 });
      requests.push({ id: l.id, x: p.x, y: p.y, w: width(l.text, fontPx) + 12, h: Math.round(fontPx * 1.5), gap: l.radius + 3, search: l.search });
    }
    const placed = placeLabels(requests, [...markers, ...(opts.avoid?.() ?? [])], { x: 0, y: 0, w: size.x, h: size.y });
    const origin = map.containerPointToLayerPoint([0, 0]);
    const byId = new Map(labels.map((l) => [l.id, l]));
    for (const { id, rect } of placed) {
      const l = byId.get(id)!;
      const el = document.createElement('div');
      el.className = l.className ?? opts.className;
      el.textContent = l.text;
      if (l.data) Object.assign(el.dataset, l.data);
      else el.dataset.shelterId = id;
      el.style.fontSize = `${l.fontPx ?? opts.fontPx}px`;
      if (l.colours) {
        el.style.background = l.colours.bg;
        el.style.color = l.colours.fg;
      }
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
