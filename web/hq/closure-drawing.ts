// Drawing a road closure with Leaflet-Geoman: a line (a closed road) or an area (a closed zone).
// The drawn layer is removed at once and handed over as a GeoJSON geometry: the closure only
// exists once HQ has given it a reason and saved it to the hq document.
import L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import type { RoadClosure } from '../../domain/schema';

export interface ClosureDrawing {
  setLang(lang: 'ja' | 'en'): void;
  off(): void;
}

export function enableClosureDrawing(map: L.Map, lang: 'ja' | 'en', onDraw: (g: RoadClosure['geometry']) => void): ClosureDrawing {
  map.pm.setLang(lang);
  map.pm.addControls({
    position: 'topleft',
    drawMarker: false,
    drawCircleMarker: false,
    drawCircle: false,
    drawText: false,
    drawRectangle: true,
    drawPolygon: true,
    drawPolyline: true,
    editMode: false,
    dragMode: false,
    cutPolygon: false,
    removalMode: false,
    rotateMode: false,
  });
  map.pm.setGlobalOptions({ pathOptions: { color: '#d0021b', weight: 6 } });
  labelButtons(map);
  const onCreate = (e: { layer: L.Layer }) => {
    const gj = (e.layer as L.Polyline).toGeoJSON();
    e.layer.remove();
    onDraw(gj.geometry as RoadClosure['geometry']);
  };
  map.on('pm:create', onCreate as L.LeafletEventHandlerFn);
  return {
    setLang(l) {
      map.pm.setLang(l);
      labelButtons(map);
    },
    off() {
      map.off('pm:create', onCreate as L.LeafletEventHandlerFn);
      map.pm.removeControls();
    },
  };
}

/** Geoman's toolbar links carry their name only as the container's title: give screen readers it too. */
function labelButtons(map: L.Map): void {
  map.getContainer().querySelectorAll<HTMLElement>('.leaflet-pm-toolbar .button-container').forEach((c) => {
    const a = c.querySelector('a.leaflet-buttons-control-button');
    if (a && c.title) a.setAttribute('aria-label', c.title);
  });
}
