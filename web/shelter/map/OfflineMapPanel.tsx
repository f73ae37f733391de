// Staff keep the map around their shelter on the tablet: choose the area and the detail, see the
// size before saving (and the room left on the device), save with progress, see what is kept,
// delete it. The map view draws the saved area whenever neither the server nor the box answers.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { BasemapInfo } from '../../../domain/basemap-info';
import { shortDateTime } from '../../lib/format';
import { deleteSavedArea, estimateArea, freeBytes, loadSavedArea, measureArea, saveArea, type SavedArea } from '../../lib/map/offline-basemap';
import { fetchBasemapInfo } from '../../lib/map/archive-layer';
import { useShelter } from '../context';

const RADII_KM = [1, 3, 5];
const DETAILS = [14, 15, 16];
/** "12 KB", "3.4 MB", "512 MB": sizes as staff compare them with the room left. */
const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.ceil(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

type Available = Extract<BasemapInfo, { available: true }>;

export function OfflineMapPanel({ center }: { center: { lat: number; lon: number } | null }) {
  const { t } = useShelter();
  const o = t.map.offline;
  const [info, setInfo] = useState<Available | null | 'none' | 'unreachable'>(null);
  const [saved, setSaved] = useState<SavedArea | null>(null);
  const [radiusKm, setRadiusKm] = useState(3);
  const [maxZoom, setMaxZoom] = useState(15);
  const [free, setFree] = useState<number | null>(null);
  const [progress, setProgress] = useState<[number, number] | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);

  useEffect(() => {
    void loadSavedArea().then(setSaved);
    void freeBytes().then(setFree);
    // Unreachable and "no basemap" read differently to staff: one is now, the other a set-up.
    void fetchBasemapInfo(location.origin).then((i) => setInfo(i === null ? 'unreachable' : i.available ? i : 'none'));
  }, []);

  const available = info && typeof info === 'object' ? info : null;
  const details = available ? DETAILS.filter((z) => z >= available.minZoom).map((z) => Math.min(z, available.maxZoom)).filter((z, i, a) => a.indexOf(z) === i) : DETAILS;
  const zoom = details.includes(maxZoom) ? maxZoom : details[details.length - 1];
  const rough = useMemo(() => (available && center ? estimateArea(available, { center, radiusKm, maxZoom: zoom }) : null), [available, center, radiusKm, zoom]);
  // The rough figure shows at once; the size read from the archive's directory replaces it.
  const [measured, setMeasured] = useState<{ key: string; tiles: number; bytes: number } | null>(null);
  const choiceKey = center ? `${center.lat},${center.lon},${radiusKm},${zoom}` : '';
  useEffect(() => {
    if (!available || !center) return;
    let current = true;
    void measureArea(location.origin, available, { center, radiusKm, maxZoom: zoom }).then((m) => {
      if (current && m) setMeasured({ key: choiceKey, ...m });
    });
    return () => {
      current = false;
    };
  }, [available, choiceKey]);
  const estimate = measured?.key === choiceKey ? measured : rough;

  const save = async () => {
    if (!available || !center) return;
    setMessage(null);
    setProgress([0, estimate?.tiles ?? 0]);
    const r = await saveArea(location.origin, available, { center, radiusKm, maxZoom: zoom }, (done, total) => setProgress([done, total]));
    setProgress(null);
    void freeBytes().then(setFree);
    if (r.ok) setSaved(r.value);
    else setMessage({ text: o.errors[r.error], error: true });
  };
  const remove = async () => {
    await deleteSavedArea();
    setSaved(null);
    setMessage({ text: o.deleted });
    void freeBytes().then(setFree);
  };

  const why = !center ? o.noLocation : info === 'none' ? o.noServerMap : info === 'unreachable' ? o.unreachable : null;
  return (
    // At the top of the map's side column, folded: what is kept shows without a scroll, the form
    // opens with a tap (the closures and the other shelters stay in view below it).
    <details class="offline-map" data-testid="offline-map">
      <summary>
        <strong class="offline-map__title">{o.title}</strong>
        <span class="offline-map__state" data-testid="basemap-saved">
          {saved ? o.saved(saved.radiusKm, saved.minZoom, saved.maxZoom, size(saved.bytes), shortDateTime(saved.savedAt)) : o.notSaved}
        </span>
      </summary>
      <p class="muted">{o.intro}</p>
      {why ? (
        <p class="muted" data-testid="basemap-unavailable">{why}</p>
      ) : (
        available && (
          <div class="offline-map__form">
            <label>
              {o.radius}{' '}
              <select data-testid="basemap-radius" value={radiusKm} onChange={(e) => setRadiusKm(Number((e.target as HTMLSelectElement).value))}>
                {RADII_KM.map((km) => (
                  <option key={km} value={km}>{o.radiusKm(km)}</option>
                ))}
              </select>
            </label>
            <label>
              {o.detail}{' '}
              <select data-testid="basemap-detail" value={zoom} onChange={(e) => setMaxZoom(Number((e.target as HTMLSelectElement).value))}>
                {details.map((z) => (
                  <option key={z} value={z}>{o.zoom(z)}</option>
                ))}
              </select>
            </label>
            {estimate && <p data-testid="basemap-estimate" data-bytes={estimate.bytes} data-measured={estimate === measured}>{o.estimate(size(estimate.bytes), estimate.tiles)}{free !== null && ` · ${o.free(size(free))}`}</p>}
            <button type="button" class="button" disabled={progress !== null} onClick={() => void save()} data-testid="basemap-save">
              {progress ? o.saving(progress[0], progress[1]) : o.save}
            </button>
          </div>
        )
      )}
      {saved && (
        <button type="button" class="button button--small" onClick={() => void remove()} data-testid="basemap-delete">
          {o.delete}
        </button>
      )}
      {message && (
        <p class={message.error ? 'form-error' : 'muted'} role={message.error ? 'alert' : 'status'} data-testid="basemap-message">
          {message.text}
        </p>
      )}
    </details>
  );
}
