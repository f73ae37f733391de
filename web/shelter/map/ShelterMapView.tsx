// The tablet's map: this shelter, road closures (from the hq document the tablet already syncs,
// so they show offline too) with the nearby ones listed, and other shelters with their crowding
// from the public status.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import L from 'leaflet';
import { useShelter } from '../context';
import { useDocVersion, useNow } from '../../lib/sync/use-synced';
import { createBaseMap, type BaseMap } from '../../lib/map/basemap';
import { createShelterLayer, type ShelterLayer } from '../../lib/map/shelter-layer';
import { createClosureLayer, type ClosureLayer } from '../../lib/map/closure-layer';
import { textTooltip } from '../../lib/map/text-tooltip';
import { distanceToGeometryKm, haversineKm } from '../../lib/map/geo';
import { CROWDING_COLOURS } from '../../lib/map/shelter-style';
import { shortDateTime } from '../../lib/format';
import { CROWDING_BANDS, hqShelters } from '../../../domain/schema';
import { asFiniteNumber, asString } from '../../../domain/coerce';
import { activeClosures } from '../../../domain/closures';
import type { PublicStatus } from '../../../domain/public-status';
import { usePublicStatus } from './public-status';
import { OfflineMapPanel } from './OfflineMapPanel';
import { boxWebOrigin, storedBoxAddress } from '../../lib/sync/box-address';
import './shelter-map.css';

const NEARBY_KM = 5;
const NEAREST_SHELTERS = 8;

export function ShelterMapView() {
  const app = useShelter();
  const { c } = app;
  const tm = app.t.map;
  const hqVersion = useDocVersion(app.hq);
  const now = useNow(60_000);
  const status = usePublicStatus();
  const el = useRef<HTMLDivElement>(null);
  const parts = useRef<{ base: BaseMap; others: ShelterLayer; closures: ClosureLayer; self: L.CircleMarker } | null>(null);

  const me = useMemo(() => {
    const m = hqShelters(app.hq.doc).get(app.shelterId);
    return { lat: asFiniteNumber(m?.get('lat'), Number.NaN), lon: asFiniteNumber(m?.get('lon'), Number.NaN), name: asString(m?.get('name'), app.shelterId) };
  }, [hqVersion]);
  const closures = useMemo(() => activeClosures(app.hq.doc, now), [hqVersion, now]);
  const nearby = useMemo(() => {
    if (!Number.isFinite(me.lat)) return [];
    return closures
      .map((c) => ({ c, km: distanceToGeometryKm(me, c.geometry) }))
      .filter((x) => x.km <= NEARBY_KM)
      .sort((a, b) => a.km - b.km);
  }, [closures, me]);

  useEffect(() => {
    const box = storedBoxAddress();
    const base = createBaseMap(el.current!, {
      noTilesNotice: c.mapText.noTiles,
      center: Number.isFinite(me.lat) ? [me.lat, me.lon] : undefined,
      zoom: 14,
      archives: { device: true, boxBase: box ? boxWebOrigin(box) : undefined },
      sourceLabel: (kind) => c.mapText.basemap[kind],
      lang: app.lang,
    });
    const others = createShelterLayer({});
    const closureLayer = createClosureLayer({ describe: (cl) => `${app.c.mapText.closure}: ${cl.reason}` });
    closureLayer.layer.addTo(base.map);
    others.layer.addTo(base.map);
    const self = L.circleMarker([0, 0], { radius: 14, color: '#1f4e79', weight: 5, fillColor: '#fff', fillOpacity: 1, className: 'hj-self-marker' });
    self.bindTooltip(textTooltip(tm.thisShelter), { permanent: true, direction: 'top', className: 'hj-self-label' });
    parts.current = { base, others, closures: closureLayer, self };
    return () => {
      base.destroy();
      parts.current = null;
    };
  }, []);

  useEffect(() => {
    const p = parts.current;
    if (!p) return;
    if (Number.isFinite(me.lat)) {
      p.self.setLatLng([me.lat, me.lon]);
      if (!p.base.map.hasLayer(p.self)) {
        p.self.addTo(p.base.map);
        p.base.map.setView([me.lat, me.lon], 14);
      }
    }
    p.closures.update(closures);
    p.others.update(otherShelters(status.data, app.shelterId, c.crowding));
    p.self.bringToFront();
  }, [me, closures, status.data]);

  const nearestShelters = useMemo(() => {
    if (!status.data || !Number.isFinite(me.lat)) return [];
    return status.data.shelters
      .filter((s) => s.id !== app.shelterId)
      .map((s) => ({ s, km: haversineKm(me, s) }))
      .sort((a, b) => a.km - b.km)
      .slice(0, NEAREST_SHELTERS);
  }, [status.data, me]);

  return (
    <div class="shelter-map" data-testid="shelter-map">
      <div ref={el} class="shelter-map__map" />
      {/* Scrolls on a small screen: focusable, so a keyboard can scroll it too. */}
      <aside class="shelter-map__side" tabIndex={0} aria-label={tm.details}>
        <OfflineMapPanel center={Number.isFinite(me.lat) ? { lat: me.lat, lon: me.lon } : null} />
        <h2>{tm.nearbyClosures}</h2>
        {nearby.length === 0 ? (
          <p class="muted">{tm.noNearbyClosures(NEARBY_KM)}</p>
        ) : (
          <ul class="shelter-map__closures" data-testid="nearby-closures">
            {nearby.map(({ c, km }) => (
              <li key={c.id} data-closure-id={c.id}>
                <strong>{c.reason}</strong> <span class="muted">{tm.distance(km)}</span>
                <br />
                <span class="muted">{shortDateTime(c.since)} – {c.until ? shortDateTime(c.until) : ''}</span>
              </li>
            ))}
          </ul>
        )}
        <h2>{tm.otherShelters}</h2>
        {status.data ? (
          <p class="muted">{tm.statusAsOf(shortDateTime(status.data.generatedAt))}</p>
        ) : (
          status.failed && <p class="muted">{tm.statusUnavailable}</p>
        )}
        <ul class="shelter-map__shelters" data-testid="nearest-shelters">
          {nearestShelters.map(({ s, km }) => (
            <li key={s.id}>
              <span class="shelter-map__swatch" style={{ background: CROWDING_COLOURS[s.crowding] }} aria-hidden="true" />
              {s.name} <span class="muted">{c.crowding[s.crowding]} · {tm.distance(km)}</span>
            </li>
          ))}
        </ul>
        <ul class="shelter-map__legend">
          {CROWDING_BANDS.map((b) => (
            <li key={b}>
              <span class="shelter-map__swatch" style={{ background: CROWDING_COLOURS[b] }} aria-hidden="true" />
              {c.crowding[b]}
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}

function otherShelters(status: PublicStatus | null, selfId: string, crowding: Record<string, string>) {
  if (!status) return [];
  return status.shelters
    .filter((s) => s.id !== selfId)
    .map((s) => ({
      id: s.id,
      lat: s.lat,
      lon: s.lon,
      band: s.crowding,
      headcount: s.headcount,
      stale: false,
      label: `${s.name} (${crowding[s.crowding]})`,
    }));
}
