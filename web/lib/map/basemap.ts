// A Leaflet map on a plain, readable background. The basemap is a bonus: first a PMTiles archive
// (the server's, the shelter box's, or the area the tablet saved: archive-layer.ts), else online
// tiles; when none can be drawn (offline, no route to the tile server, tests) the map keeps its
// shelters, closures and labels and says why the background is empty. A small label says which
// basemap is showing. Shared by the HQ wall map, the tablet's map view and the resident page.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { type TileConfig, deploymentTiles } from './tiles';
import { type ArchiveKind, type ArchiveOptions, archiveLayer, chooseArchive } from './archive-layer';

export type BasemapKind = ArchiveKind | 'online' | 'none';

export interface BaseMapOptions {
  /** Shown over the map while tiles cannot be loaded. */
  noTilesNotice: string;
  tiles?: TileConfig | null;
  /** Wall mode: no zoom buttons, no dragging; the map is for reading. */
  interactive?: boolean;
  center?: L.LatLngExpression;
  zoom?: number;
  /** Where to look for a basemap archive; false: online tiles only. Default: this server's. */
  archives?: ArchiveOptions | false;
  /** The label saying which basemap is showing (strings live with each surface). */
  sourceLabel?: (kind: BasemapKind) => string;
  /** Language of the archive's place names. */
  lang?: string;
}

export interface BaseMap {
  map: L.Map;
  /** True while no tile has loaded since the last failure. */
  tilesFailing(): boolean;
  /** Which basemap is drawn, once decided. */
  whenChosen: Promise<BasemapKind>;
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

  const sourceLabel = L.DomUtil.create('div', 'hj-map__source', container);
  let destroyed = false;
  const show = (kind: BasemapKind) => {
    container.dataset.basemap = kind;
    sourceLabel.textContent = opts.sourceLabel?.(kind) ?? '';
    sourceLabel.hidden = !opts.sourceLabel;
  };

  const useOnlineTiles = (): BasemapKind => {
    const tiles = opts.tiles === undefined ? deploymentTiles() : opts.tiles;
    if (!tiles) {
      setFailing(true);
      show('none');
      return 'none';
    }
    const layer = L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: tiles.maxZoom });
    layer.on('tileerror', () => {
      setFailing(true);
      show('none');
    });
    layer.on('tileload', () => {
      setFailing(false);
      show('online');
    });
    layer.addTo(map);
    show('online');
    return 'online';
  };

  const whenChosen = (async (): Promise<BasemapKind> => {
    if (opts.archives === false) return useOnlineTiles();
    // Reads from the device's own archive are counted on the map element (how a test, or a
    // curious engineer, tells tiles drawn from local storage).
    const onDeviceRead = (n: number) => (container.dataset.basemapReads = String(n));
    const chosen = await chooseArchive({ ...(opts.archives ?? {}), onDeviceRead }).catch(() => null);
    if (destroyed) return 'none';
    if (!chosen) return useOnlineTiles();
    try {
      const layer = await archiveLayer(chosen, opts.lang ?? 'ja');
      if (destroyed) return 'none';
      layer.once('tileload', () => performance.mark(`hinanjo:basemap:first-tile:${chosen.kind}`));
      layer.addTo(map);
      setFailing(false);
      show(chosen.kind);
      return chosen.kind;
    } catch (e) {
      console.error('hinanjo: the basemap archive cannot be drawn', e);
      return useOnlineTiles();
    }
  })();

  return {
    map,
    tilesFailing: () => failing,
    whenChosen,
    destroy: () => {
      destroyed = true;
      map.remove();
      notice.remove();
      sourceLabel.remove();
      container.classList.remove('hj-map', 'hj-map--no-tiles');
    },
  };
}
