// The HQ map: shelters coloured by crowding and sized by headcount, road closures, district
// labels with their level. In desk mode it can draw closures (Leaflet-Geoman); in wall mode it
// is read-only and keeps every shelter in view.
import { useEffect, useRef } from 'preact/hooks';
import L from 'leaflet';
import type { SosRecord } from '../../domain/sos';
import type { Level, RoadClosure } from '../../domain/schema';
import { createBaseMap, type BaseMap } from '../lib/map/basemap';
import { createShelterLayer, type ShelterLayer } from '../lib/map/shelter-layer';
import { createClosureLayer, type ClosureLayer } from '../lib/map/closure-layer';
import { createDistrictLabelLayer } from '../lib/map/district-labels';
import { createNameLabelLayer } from '../lib/map/name-labels';
import { wallScale } from './wall-scale';
import { LEVEL_COLOURS } from '../../domain/level-colours';
import { shelterMarkerStyle } from '../lib/map/shelter-style';
import type { ShelterRow } from './shelter-rows';
import type { HqStrings } from '../i18n/ja/hq';
import { type ClosureDrawing, enableClosureDrawing } from './closure-drawing';
import type { HqView } from './context';
import { shelterPopup } from './popup';
import { describeClosure } from './closure-text';

import type { DistrictView } from './context';

interface Props {
  t: HqStrings;
  rows: readonly ShelterRow[];
  closures: readonly RoadClosure[];
  districts: readonly DistrictView[];
  wall?: boolean;
  popup: (id: string) => HTMLElement;
  describeClosure: (c: RoadClosure) => string;
  /** Desk mode only: a drawn line or area, as a GeoJSON geometry. */
  onDraw?: (geometry: RoadClosure['geometry']) => void;
  onClosureClick?: (id: string) => void;
  /** A shelter to centre on and open (a row picked in the table); `n` repeats a pick. */
  focus?: { id: string; n: number } | null;
  /** Open requests for help (SOS), drawn as red diamonds. */
  sos?: readonly SosRecord[];
}

/**
 * What every HQ map shows of the view: its shelters (with their popups), road closures and
 * districts. A view adds its own props (wall, focus, drawing) to these.
 */
export function viewMapProps(view: HqView): Pick<Props, 't' | 'rows' | 'closures' | 'districts' | 'popup' | 'describeClosure' | 'sos'> {
  const { t, c } = view;
  const byId = new Map(view.rows.map((r) => [r.id, r]));
  return {
    t,
    rows: view.rows,
    closures: view.closures,
    districts: view.districts,
    popup: (id) => shelterPopup(byId.get(id), t, c),
    describeClosure: (cl) => describeClosure(cl, t),
    sos: view.sos.items.filter((x) => x.state === 'received' || x.state === 'in-progress'),
  };
}

export function HqMap(props: Props) {
  const el = useRef<HTMLDivElement>(null);
  const parts = useRef<{
    base: BaseMap;
    shelters: ShelterLayer;
    closures: ClosureLayer;
    /** District labels as markers (desk); on the wall they are placed with the names instead. */
    labels: ReturnType<typeof createDistrictLabelLayer> | null;
    sos: L.LayerGroup;
    names: ReturnType<typeof createNameLabelLayer> | null;
    boundsKey: string;
    userMoved: boolean;
  } | null>(null);
  const drawing = useRef<ClosureDrawing | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const writeNames = useRef<(() => void) | null>(null);

  useEffect(() => {
    const base = createBaseMap(el.current!, {
      noTilesNotice: props.t.map.noTiles,
      interactive: !props.wall,
      sourceLabel: (kind) => props.t.map.basemap[kind],
      lang: props.t.lang,
    });
    const shelters = createShelterLayer({
      popup: (id) => latest.current.popup(id),
      // Big markers read from across the room; with hundreds of shelters they would cover each other.
      scale: () => (props.wall ? 1.35 * wallScale() : 1) * (latest.current.rows.length > CROWDED_MAP ? 0.6 : 1),
      cluster: { label: (n, people) => latest.current.t.map.cluster(n, people), onChange: () => writeNames.current?.() },
    });
    const closures = createClosureLayer({
      describe: (c) => latest.current.describeClosure(c),
      onClick: (id) => latest.current.onClosureClick?.(id),
    });
    const labels = props.wall ? null : createDistrictLabelLayer();
    labels?.layer.addTo(base.map);
    closures.layer.addTo(base.map);
    shelters.layer.addTo(base.map);
    // On the wall nobody hovers: district labels and shelter names are written on the map, placed
    // so that none covers another or a marker.
    const names = props.wall
      ? createNameLabelLayer(base.map, {
          className: 'hj-name-label',
          fontPx: 15 * wallScale(),
          avoid: () => shelters.clusterRects(),
        })
      : null;
    const sos = L.layerGroup().addTo(base.map);
    const p = { base, shelters, closures, labels, names, sos, boundsKey: '', userMoved: false };
    parts.current = p;
    // Once a person has panned or zoomed, the map stays where they put it.
    const moved = () => (p.userMoved = true);
    for (const ev of ['mousedown', 'wheel', 'touchstart', 'keydown']) el.current!.addEventListener(ev, moved, { passive: true });
    drawing.current = props.onDraw ? enableClosureDrawing(base.map, props.t.lang === 'en' ? 'en' : 'ja', (g) => latest.current.onDraw?.(g)) : null;
    // The wall's container can change size (full screen): keep Leaflet's idea of it right.
    const ro = new ResizeObserver(() => {
      base.map.invalidateSize();
      refit(p, true);
    });
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      drawing.current?.off();
      names?.remove();
      base.destroy();
      parts.current = null;
    };
  }, []);

  useEffect(() => {
    drawing.current?.setLang(props.t.lang === 'en' ? 'en' : 'ja');
  }, [props.t]);

  useEffect(() => {
    const p = parts.current;
    if (!p) return;
    p.shelters.update(
      props.rows.map((r) => ({
        id: r.id,
        lat: r.lat,
        lon: r.lon,
        band: r.band,
        headcount: r.headcount,
        stale: r.stale,
        label: `${r.name} ${r.headcount}/${r.capacity}`,
      })),
    );
    p.closures.update(props.closures);
    const byDistrict = new Map<string, { lat: number; lon: number }[]>();
    for (const r of props.rows) {
      if (!byDistrict.has(r.districtId)) byDistrict.set(r.districtId, []);
      byDistrict.get(r.districtId)!.push({ lat: r.lat, lon: r.lon });
    }
    p.labels?.update(
      props.districts.map((d) => ({
        id: d.id,
        level: d.level,
        text: d.level > 0 ? `${d.name} ${props.t.levels.level(d.level)}` : d.name,
        points: byDistrict.get(d.id) ?? [],
      })),
    );
    refit(p, false);
    // Written again when the shelters are regrouped at another zoom (see createShelterLayer).
    writeNames.current = () => {
      const scale = (props.wall ? 1.35 * wallScale() : 1) * (props.rows.length > CROWDED_MAP ? 0.6 : 1);
      // Districts first (highest level first), then shelters fullest first: when space runs out,
      // the labels HQ needs most are the ones written.
      const districtNames = [...props.districts]
        .sort((a, b) => b.level - a.level)
        .flatMap((d) => {
          const pts = (byDistrict.get(d.id) ?? []).filter((x) => Number.isFinite(x.lat) && Number.isFinite(x.lon));
          if (pts.length === 0) return [];
          return [{
            id: `district:${d.id}`,
            lat: pts.reduce((a, x) => a + x.lat, 0) / pts.length,
            lon: pts.reduce((a, x) => a + x.lon, 0) / pts.length,
            text: d.level > 0 ? `${d.name} ${props.t.levels.level(d.level)}` : d.name,
            radius: 0,
            search: 160,
            className: `hj-district-label hj-district-label--l${d.level}`,
            fontPx: 20 * (props.wall ? wallScale() : 1),
            colours: LEVEL_COLOURS[d.level],
            data: { districtId: d.id },
          }];
        });
      p.names?.update([
        ...districtNames,
        ...[...props.rows]
          .sort((a, b) => (b.occupancy ?? 0) - (a.occupancy ?? 0))
          // a shelter grouped into a counted circle has no marker of its own to name
          .filter((r) => !p.shelters.clustered().has(r.id))
          .map((r) => ({ id: r.id, lat: r.lat, lon: r.lon, text: r.name, radius: shelterMarkerStyle(r.band, r.headcount, r.stale, scale).radius })),
      ]);
    };
    writeNames.current();
  }, [props.rows, props.closures, props.districts]);

  useEffect(() => {
    const p = parts.current;
    if (!p) return;
    p.sos.clearLayers();
    for (const x of props.sos ?? []) {
      const size = Math.round(34 * (props.wall ? wallScale() : 1));
      const icon = L.divIcon({ className: `hj-sos-marker hj-sos-marker--${x.state}`, html: '<span>SOS</span>', iconSize: [size, size], iconAnchor: [size / 2, size / 2] });
      L.marker([x.lat, x.lon], { icon, keyboard: false, title: `SOS ${x.people}` })
        .bindTooltip(`SOS ${props.t.sos.states[x.state]} · ${x.people} · ${x.reasons.map((r) => props.t.sos.reasons[r] ?? r).join('・')}`)
        .addTo(p.sos);
    }
  }, [props.sos]);

  useEffect(() => {
    const p = parts.current;
    if (!p || !props.focus) return;
    p.userMoved = true; // the person chose where to look
    p.shelters.focus(props.focus.id);
  }, [props.focus]);

  return <div ref={el} class={`hq-map${props.wall ? ' hq-map--wall' : ''}`} data-testid="hq-map" />;
}

const CROWDED_MAP = 100;

/** Keeps every shelter in view until someone moves the map; refits only when the set of places
 * (or the map's size) changes, so a check-in never makes the map jump. */
function refit(p: { base: BaseMap; shelters: ShelterLayer; boundsKey: string; userMoved: boolean }, resized: boolean) {
  const b = p.shelters.bounds();
  if (!b || !b.isValid() || p.userMoved) return;
  const key = b.toBBoxString();
  if (!resized && key === p.boundsKey) return;
  p.boundsKey = key;
  // room below for the district labels, which hang under the southernmost shelter
  p.base.map.fitBounds(b.pad(0.05), { maxZoom: 15, animate: false, paddingTopLeft: [30, 30], paddingBottomRight: [30, 70] });
}
