// Road closures: draw a line or area on the map, give it a reason, a start and an optional end;
// edit, delete; import a GeoJSON file (with a preview: ClosureImport.tsx); export.
import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../lib/ui/ConfirmDialog';
import { fromLocalInput, shortDateTime, toLocalInput } from '../lib/format';
import { newId } from '../lib/ids';
import type { RoadClosure } from '../../domain/schema';
import {
  addClosure, closuresFeatureCollection, isClosureActive, readClosures, removeClosure, updateClosure,
} from '../../domain/closures';
import type { HqView } from './context';
import { HqMap, viewMapProps } from './HqMap';
import { ClosureImport } from './ClosureImport';

interface Draft {
  id: string | null; // null: a new closure
  geometry: RoadClosure['geometry'];
  reason: string;
  since: string; // datetime-local value
  until: string;
  source: string;
}

type DraftErrors = Partial<Record<'reason' | 'since' | 'until', string>>;


export function ClosuresTab({ view }: { view: HqView }) {
  const { t, hq } = view;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [deleting, setDeleting] = useState<string | null>(null);
  const all = readClosures(hq.doc);

  // Drawing while a closure is open in the form redraws its shape; otherwise it starts a new one.
  const onDraw = (geometry: RoadClosure['geometry']) => {
    setErrors({});
    setDraft((d) => (d ? { ...d, geometry } : { id: null, geometry, reason: '', since: toLocalInput(new Date().toISOString()), until: '', source: 'hq' }));
  };
  const startEdit = (cl: RoadClosure) => {
    setErrors({});
    setDraft({ id: cl.id, geometry: cl.geometry, reason: cl.reason, since: toLocalInput(cl.since), until: toLocalInput(cl.until), source: cl.source });
  };

  const save = () => {
    if (!draft) return;
    const e: DraftErrors = {};
    const since = fromLocalInput(draft.since);
    const until = draft.until ? fromLocalInput(draft.until) : null;
    if (!draft.reason.trim()) e.reason = t.closures.reasonRequired;
    if (!since) e.since = t.closures.badTime;
    if (draft.until && !until) e.until = t.closures.badTime;
    else if (since && until && Date.parse(until) <= Date.parse(since)) e.until = t.closures.untilBeforeSince;
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    const closure: RoadClosure = { id: draft.id ?? newId(), geometry: draft.geometry, reason: draft.reason.trim(), since: since!, until, source: draft.source || 'hq' };
    void hq.transact((doc) => {
      if (draft.id) updateClosure(doc, draft.id, { geometry: closure.geometry, reason: closure.reason, since: closure.since, until: closure.until });
      else addClosure(doc, closure);
    });
    setDraft(null);
  };

  const exportFile = () => {
    const fc = closuresFeatureCollection(hq.doc, new Date());
    const blob = new Blob([JSON.stringify(fc, null, 2)], { type: 'application/geo+json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `road-closures-${toLocalInput(new Date().toISOString()).replace(/[-:T]/g, '')}.geojson`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  const now = view.now;
  const stateOf = (cl: RoadClosure) =>
    isClosureActive(cl, now) ? t.closures.active : Date.parse(cl.since) > now.getTime() ? t.closures.scheduled : t.closures.expired;

  return (
    <div class="hq-mapview">
      <HqMap
        {...viewMapProps(view)}
        onDraw={onDraw}
        onClosureClick={(id) => {
          const cl = all.find((x) => x.id === id);
          if (cl) startEdit(cl);
        }}
      />
      <aside class="hq-side">
        <h2>{t.closures.heading}</h2>
        <p class="muted">{t.closures.draw}</p>
        {draft && (
          <form
            class="hq-closure-form"
            data-testid="closure-form"
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            <h3>{draft.id ? t.closures.edit : t.closures.newClosure}</h3>
            <p class="muted">{t.closures.redrawHint}</p>
            <div class={`field${errors.reason ? ' field--error' : ''}`}>
              <label for="closure-reason">{t.closures.reason}</label>
              <input id="closure-reason" value={draft.reason} onInput={(e) => setDraft({ ...draft, reason: (e.target as HTMLInputElement).value })} data-testid="closure-reason" />
              {errors.reason && <p class="field__error">{errors.reason}</p>}
            </div>
            <div class={`field${errors.since ? ' field--error' : ''}`}>
              <label for="closure-since">{t.closures.since}</label>
              <input id="closure-since" type="datetime-local" value={draft.since} onInput={(e) => setDraft({ ...draft, since: (e.target as HTMLInputElement).value })} data-testid="closure-since" />
              {errors.since && <p class="field__error">{errors.since}</p>}
            </div>
            <div class={`field${errors.until ? ' field--error' : ''}`}>
              <label for="closure-until">{t.closures.until}</label>
              <input id="closure-until" type="datetime-local" value={draft.until} onInput={(e) => setDraft({ ...draft, until: (e.target as HTMLInputElement).value })} data-testid="closure-until" />
              {errors.until && <p class="field__error">{errors.until}</p>}
            </div>
            <div class="hq-actions">
              <button type="button" class="button" onClick={() => setDraft(null)}>{t.closures.cancel}</button>
              <button type="submit" class="button button--primary" data-testid="closure-save">{t.closures.save}</button>
            </div>
          </form>
        )}
        <div class="hq-actions">
          <button type="button" class="button" onClick={exportFile} data-testid="closure-export">{t.closures.export}</button>
        </div>
        <ClosureImport view={view} />
        {all.length === 0 ? (
          <p class="muted">{t.closures.none}</p>
        ) : (
          <ul class="hq-closure-list" data-testid="closure-list">
            {all.map((cl) => (
              <li key={cl.id} data-closure-id={cl.id}>
                {cl.road && <span class="hq-closure-road">{cl.road} </span>}
                <strong>{cl.reason}</strong> <span class="hq-chip">{stateOf(cl)}</span>
                <br />
                <span class="muted">
                  {shortDateTime(cl.since)} – {cl.until ? shortDateTime(cl.until) : ''} · {cl.source}
                </span>
                <div class="hq-actions">
                  <button type="button" class="button button--small" onClick={() => startEdit(cl)} data-testid="closure-edit">{t.closures.edit}</button>
                  <button type="button" class="button button--small" onClick={() => setDeleting(cl.id)} data-testid="closure-delete">{t.closures.delete}</button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </aside>
      {deleting && (
        <ConfirmDialog
          title={t.closures.confirmDelete}
          confirmLabel={t.closures.delete}
          cancelLabel={t.closures.cancel}
          onConfirm={() => {
            const id = deleting;
            void hq.transact((doc) => {
              removeClosure(doc, id);
            });
            setDeleting(null);
          }}
          onCancel={() => setDeleting(null)}
        >
          <p>{all.find((x) => x.id === deleting)?.reason}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
