// A Leaflet map on a plain, readable background. Tiles are a bonus: when they fail (offline,
// no route to the tile server, tests) the map keeps its shelters, closures and labels and says
// why the background is empty. Shared by the HQ wall map and the tablet's map view.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { type TileConfig, deploymentTiles } from './tiles';

export interface BaseMapOptions {
  /** Shown over the map while tiles cannot be loaded. */
  noTilesNotice: string;
  tiles?: TileConfig | null;
  /** Wall mode: no zoom buttons, no dragging; the map is for reading. */
  interactive?: boolean;
  center?: L.LatLngExpression;
  zoom?: number;
}

export interface BaseMap {
  map: L.Map;
  /** True while no tile has loaded since the last failure. */
  tilesFailing(): boolean;
  destroy(): void;
}

export function createBaseMap(container: HTMLElement, opts: BaseMapOptions): BaseMap {
  const interactive = opts.interactive ?? true;
  container.classList.add('hj-map');
  const map = L.map(container, {
    center: opts.center ?? [35.68, 139.76],
    zoom: opts.zoom ?? 12,
    zoomControl: interactive,
    dragging: interactive,
    scrollWheelZoom: interactive,
    doubleClickZoom: interactive,
    boxZoom: interactive,
    keyboard: interactive,
    touchZoom: interactive,
    attributionControl: true,
    // Fractional zoom lets "fit every shelter" fill the wall instead of leaving half of it empty.
    zoomSnap: 0.25,
  });
  map.attributionControl.setPrefix(false);

  const notice = L.DomUtil.create('div', 'hj-map__notice', container);
  notice.setAttribute('role', 'status');
  notice.textContent = opts.noTilesNotice;
  let failing = false;
  const setFailing = (f: boolean) => {
    failing = f;
    container.classList.toggle('hj-map--no-tiles', f);
  };

  const tiles = opts.tiles === undefined ? deploymentTiles() : opts.tiles;
  if (tiles) {
    const layer = L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: tiles.maxZoom });
    layer.on('tileerror', () => setFailing(true));
    layer.on('tileload', () => setFailing(false));
    layer.addTo(map);
  } else {
    setFailing(true);
  }

  return {
    map,
    tilesFailing: () => failing,
    destroy: () => {
      map.remove();
      notice.remove();
      container.classList.remove('hj-map', 'hj-map--no-tiles');
    },
  };
}
