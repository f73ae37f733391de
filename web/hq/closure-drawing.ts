// Drawing a road closure with Leaflet-Geoman: a line (a closed road) or an area (a closed zone).
// The drawn layer is removed at once and handed over as a GeoJSON geometry: the closure only
// exists once HQ has given it a reason and saved it to the hq document.
import L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import type { RoadClosure } from '../../domain/schema';

export function enableClosureDrawing(map: L.Map, onDraw: (g: RoadClosure['geometry']) => void): () => void {
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
  const onCreate = (e: { layer: L.Layer }) => {
    const gj = (e.layer as L.Polyline).toGeoJSON();
    e.layer.remove();
    onDraw(gj.geometry as RoadClosure['geometry']);
  };
  map.on('pm:create', onCreate as L.LeafletEventHandlerFn);
  return () => {
    map.off('pm:create', onCreate as L.LeafletEventHandlerFn);
    map.pm.removeControls();
  };
}
