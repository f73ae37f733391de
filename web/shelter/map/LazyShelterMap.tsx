// The tablet's map tab, loaded on demand: Leaflet (about 150 kB) stays out of the tablet's first
// chunk, so check-in starts as fast as before; the chunk is precached for offline use.
import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { useShelter } from '../context';

export function LazyShelterMap() {
  const app = useShelter();
  const t = app.t.map;
  const [View, setView] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    import('./ShelterMapView')
      .then((m) => live && setView(() => m.ShelterMapView))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, []);
  if (failed) return <p class="flash flash--error">{t.mapFailed}</p>;
  return View ? <View /> : <p class="loading">{t.loadingMap}</p>;
}
