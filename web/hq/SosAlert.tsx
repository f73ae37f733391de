// An alert HQ notices when a resident asks for help: like the full-shelter alert, it stays until
// dismissed. SOS already open when HQ opened are in the list; the alert is for new ones.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { HqView } from './context';

export function SosAlert({ view }: { view: HqView }) {
  const { t } = view;
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<string[]>([]);
  useEffect(() => {
    if (view.sos.loadedAt === null) return;
    const ids = view.sos.items.filter((x) => x.state === 'received').map((x) => x.id);
    if (seen.current === null) {
      seen.current = new Set(view.sos.items.map((x) => x.id));
      return;
    }
    const added = ids.filter((id) => !seen.current!.has(id));
    for (const x of view.sos.items) seen.current.add(x.id);
    if (added.length > 0) setFresh((f) => [...added, ...f]);
  }, [view.sos.items, view.sos.loadedAt]);
  if (fresh.length === 0) return null;
  return (
    <section class="hq-full-alerts" aria-label={t.sos.heading}>
      <div class="hq-full-alert hq-sos-alert" role="alert" data-testid="sos-alert">
        <strong>{t.sos.alert(fresh.length)}</strong>
        <a class="button button--small button--primary" href="#/sos" onClick={() => setFresh([])}>
          {t.sos.show}
        </a>
        <button type="button" class="button button--small" onClick={() => setFresh([])}>
          {t.fullAlert.dismiss}
        </button>
      </div>
    </section>
  );
}
